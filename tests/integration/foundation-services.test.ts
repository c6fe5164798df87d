import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { requireClickHouse, requireKafka, requireRedis } from "../helpers/services.ts";

// `scripts/services.sh` serializes up/down/restart with a lock on fd 9. A server it starts
// (Kafka, ClickHouse, Redis, the optional registry) that inherits that fd holds the lock
// for its whole life, and every later `down`/`restart` — which the fault tests run — waits
// 15 minutes and fails. On a developer machine whose services were started long ago this
// never shows; on a cold CI machine it failed three suites at once.

const cacheDir = process.env.INGEST_CACHE_DIR ?? join(homedir(), ".cache", "ingest-pipeline");
const lockPath = join(cacheDir, ".services.lock");

interface LockHolder {
  readonly pid: number;
  readonly command: string;
}

function lockHolders(): LockHolder[] {
  const holders: LockHolder[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // the process exited meanwhile, or is not ours to inspect
    }
    const holds = fds.some((fd) => {
      try {
        return readlinkSync(`/proc/${entry}/fd/${fd}`) === lockPath;
      } catch {
        return false;
      }
    });
    if (!holds) continue;
    let command = "";
    try {
      command = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ").trim();
    } catch {
      continue;
    }
    holders.push({ pid: Number(entry), command });
  }
  return holders;
}

describe("foundation: scripts/services.sh", () => {
  requireKafka();
  requireClickHouse();
  requireRedis();

  it("leaves its lock to running scripts only, never to a server it started", () => {
    // Other test files may be inside a `services.sh restart` right now: those hold the lock
    // legitimately. Anything else holding it is a leaked descriptor.
    const leaked = lockHolders().filter(
      (holder) => !/\bservices\.sh\b|\bregistry\.sh\b/.test(holder.command),
    );
    expect(leaked).toEqual([]);
  });
});
