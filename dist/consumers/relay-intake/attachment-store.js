// consumers/relay-intake/attachment-store.ts
import { createHash, randomUUID } from "node:crypto";
import { mkdir, open, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { projectKeyPart } from "../../config/redis.js";
var MAX_SEGMENT_BYTES = 120;
function safeSegment(value, fallback) {
  let cleaned = value.normalize("NFC").replace(/[^\p{L}\p{N}._-]/gu, "_");
  cleaned = cleaned.replace(/^\.+/, (dots) => "_".repeat(dots.length));
  let bytes = 0;
  let truncated = "";
  for (const ch of cleaned) {
    bytes += Buffer.byteLength(ch);
    if (bytes > MAX_SEGMENT_BYTES) break;
    truncated += ch;
  }
  if (truncated === value && truncated.length > 0) return truncated;
  const digest = createHash("sha256").update(value).digest("hex").slice(0, 10);
  const base = truncated || fallback;
  const dot = base.lastIndexOf(".");
  return dot > 0 ? `${base.slice(0, dot)}-${digest}${base.slice(dot)}` : `${base}-${digest}`;
}
var FileAttachmentStore = class {
  root;
  constructor(attachmentStoreDir) {
    this.root = path.resolve(attachmentStoreDir);
  }
  async put(projectId, eventId, attachmentId, name, bytes) {
    const segments = [
      projectKeyPart(projectId),
      safeSegment(eventId, "event"),
      safeSegment(attachmentId, "attachment"),
      safeSegment(name, "unnamed")
    ];
    const projectDir = path.join(this.root, segments[0]);
    const target = path.join(projectDir, ...segments.slice(1));
    const relative = path.relative(projectDir, target);
    if (relative.startsWith("..") || path.isAbsolute(relative)) {
      throw new RangeError(`attachment path escapes its project folder: ${JSON.stringify(name)}`);
    }
    await mkdir(path.dirname(target), { recursive: true });
    await writeAtomically(target, bytes);
    return { key: segments.join("/"), path: target };
  }
};
async function writeAtomically(target, bytes) {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.tmp`);
  const handle = await open(temp, "wx");
  try {
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => void 0);
    throw error;
  }
}
export {
  FileAttachmentStore,
  safeSegment
};
//# sourceMappingURL=attachment-store.js.map
