import { createHash, randomUUID } from "node:crypto";
import { mkdir, open, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { projectKeyPart } from "../../config/redis.ts";

// Where joined attachment bytes go. The default writes files under `attachmentStoreDir`:
//   <dir>/<projectId>/<eventId>/<attachmentId>/<name>
// Every path segment except the project id comes from a Relay message (the file name
// straight from the SDK's item header), so each is reduced to a safe file name and the
// result is checked to stay under the project's folder. The same input always maps to
// the same path, and the file is replaced atomically, so replaying a message rewrites
// the same file with the same bytes.

export interface StoredAttachment {
  /** Store-relative key, `/`-separated (what the event record references). */
  readonly key: string;
  /** Absolute file path. */
  readonly path: string;
}

export interface AttachmentStore {
  put(
    projectId: number,
    eventId: string,
    attachmentId: string,
    name: string,
    bytes: Uint8Array,
  ): Promise<StoredAttachment>;
}

// With a hash (11) and the temporary file's `.<name>.<uuid>.tmp` (42) this stays well
// under the usual 255-byte file name limit.
const MAX_SEGMENT_BYTES = 120;

/**
 * `value` as one file name: letters, digits, `.`, `-` and `_` are kept, everything else
 * (separators, `..`, control characters, spaces) becomes `_`; leading dots are replaced
 * so nothing is hidden or relative. When the result differs from the input, a short hash
 * of the input is appended, so two different names never share a file.
 */
export function safeSegment(value: string, fallback: string): string {
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
  // Keep the extension last so the file still opens with the right program.
  const dot = base.lastIndexOf(".");
  return dot > 0 ? `${base.slice(0, dot)}-${digest}${base.slice(dot)}` : `${base}-${digest}`;
}

export class FileAttachmentStore implements AttachmentStore {
  private readonly root: string;

  constructor(attachmentStoreDir: string) {
    this.root = path.resolve(attachmentStoreDir);
  }

  async put(
    projectId: number,
    eventId: string,
    attachmentId: string,
    name: string,
    bytes: Uint8Array,
  ): Promise<StoredAttachment> {
    const segments = [
      projectKeyPart(projectId),
      safeSegment(eventId, "event"),
      safeSegment(attachmentId, "attachment"),
      safeSegment(name, "unnamed"),
    ];
    const projectDir = path.join(this.root, segments[0]!);
    const target = path.join(projectDir, ...segments.slice(1));
    // Defence in depth: safeSegment already removes separators and dot-dot.
    const relative = path.relative(projectDir, target);
    if (relative.startsWith("..") || path.isAbsolute(relative)) {
      throw new RangeError(`attachment path escapes its project folder: ${JSON.stringify(name)}`);
    }
    await mkdir(path.dirname(target), { recursive: true });
    await writeAtomically(target, bytes);
    return { key: segments.join("/"), path: target };
  }
}

/**
 * Temp file in the same folder (rename is atomic only within one file system), fsync so
 * a crash cannot leave a renamed but empty file, then rename over the target. Readers
 * see the old file or the new one, never a partial write.
 */
async function writeAtomically(target: string, bytes: Uint8Array): Promise<void> {
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
    // Best-effort cleanup; the write or rename failure is what the caller must see.
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
