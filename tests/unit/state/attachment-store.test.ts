import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileAttachmentStore, safeSegment } from "../../../consumers/relay-intake/attachment-store.ts";

const EVENT = "2107c4e968514c8690d3a3a24570c40d";
const ATTACHMENT = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe("FileAttachmentStore", () => {
  let root: string;
  let store: FileAttachmentStore;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "ingest-attachments-"));
    store = new FileAttachmentStore(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("writes under <project>/<event>/<attachment>/<name> and returns the key and path", async () => {
    const stored = await store.put(
      1,
      EVENT,
      ATTACHMENT,
      "screenshot.png",
      Buffer.from([0x89, 0x50, 0x4e, 0x47]),
    );
    expect(stored.key).toBe(`1/${EVENT}/${ATTACHMENT}/screenshot.png`);
    expect(stored.path).toBe(path.join(root, "1", EVENT, ATTACHMENT, "screenshot.png"));
    expect([...(await readFile(stored.path))]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it("keeps every hostile name inside the project folder", async () => {
    const names = [
      "../../../etc/passwd",
      "/etc/shadow",
      "..",
      ".",
      "",
      "..\\..\\windows\\system32",
      "a/../../b",
      ".hidden",
      "nul\u0000byte",
      "line\nbreak",
    ];
    for (const [i, name] of names.entries()) {
      const stored = await store.put(1, EVENT, `att-${i}`, name, Buffer.from(name));
      const relative = path.relative(path.join(root, "1"), stored.path);
      expect(relative.startsWith("..")).toBe(false);
      expect(path.isAbsolute(relative)).toBe(false);
      expect(relative.split(path.sep)).toHaveLength(3);
      expect(path.basename(stored.path).startsWith(".")).toBe(false);
    }
    // Nothing escaped: every file is below <root>/1.
    expect((await listFiles(root)).every((f) => f.startsWith(`1${path.sep}`))).toBe(true);
  });

  it("sanitises event and attachment ids from the message as well", async () => {
    const stored = await store.put(2, "../1", "../../x", "f.txt", Buffer.from("x"));
    expect(path.relative(path.join(root, "2"), stored.path).startsWith("..")).toBe(false);
    expect(stored.key.split("/")).toHaveLength(4);
  });

  it("maps different names that sanitise alike to different files", async () => {
    const a = await store.put(1, EVENT, ATTACHMENT, "my file.txt", Buffer.from("a"));
    const b = await store.put(1, EVENT, ATTACHMENT, "my/file.txt", Buffer.from("b"));
    const c = await store.put(1, EVENT, ATTACHMENT, "my_file.txt", Buffer.from("c"));
    expect(new Set([a.path, b.path, c.path]).size).toBe(3);
    expect(path.extname(a.path)).toBe(".txt");
    expect(await readFile(a.path, "utf8")).toBe("a");
  });

  it("is idempotent on replay: same input, same file, same bytes, no leftovers", async () => {
    const first = await store.put(1, EVENT, ATTACHMENT, "log.txt", Buffer.from("payload"));
    const second = await store.put(1, EVENT, ATTACHMENT, "log.txt", Buffer.from("payload"));
    expect(second).toEqual(first);
    expect(await readFile(first.path, "utf8")).toBe("payload");
    expect(await listFiles(root)).toEqual([path.join("1", EVENT, ATTACHMENT, "log.txt")]);
  });

  it("keeps projects in separate folders", async () => {
    const one = await store.put(1, EVENT, ATTACHMENT, "a.txt", Buffer.from("1"));
    const two = await store.put(2, EVENT, ATTACHMENT, "a.txt", Buffer.from("2"));
    expect(one.path).not.toBe(two.path);
    expect(await readFile(one.path, "utf8")).toBe("1");
  });

  it("refuses a project id that is not a non-negative integer", async () => {
    await expect(store.put(-1, EVENT, ATTACHMENT, "a", Buffer.from(""))).rejects.toThrow(RangeError);
  });
});

describe("safeSegment", () => {
  it("keeps ordinary file names, Unicode letters included", () => {
    expect(safeSegment("report-2024_01.tar.gz", "x")).toBe("report-2024_01.tar.gz");
    expect(safeSegment("Bildschirmfoto_ä.png", "x")).toBe("Bildschirmfoto_ä.png");
  });

  it("bounds the length in bytes", () => {
    const long = safeSegment("é".repeat(500), "x");
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(120 + 11);
  });

  it("gives the fallback for an empty name, still unique by hash", () => {
    expect(safeSegment("", "unnamed")).toMatch(/^unnamed-[0-9a-f]{10}$/);
  });
});
