// consumers/grouping/rebuild.ts
import { redisCall } from "../../config/redis.js";
import { whileLocked } from "./state-fence.js";
var RebuildRefusedError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "RebuildRefusedError";
  }
};
async function rebuildProject(source, target, projectId) {
  let groups = 0;
  let hashes = 0;
  let largestGroupId = 0;
  for await (const page of source.groups(projectId)) {
    const restored = await target.store.restore(projectId, page);
    groups += restored.groups;
    hashes += restored.hashes;
    for (const row of page) largestGroupId = Math.max(largestGroupId, row.groupId);
  }
  const seen = await source.environments(projectId);
  await target.environments.restore(projectId, seen);
  return { projectId, groups, hashes, environments: seen.length, largestGroupId };
}
async function rebuildProjects(source, target, scope, onProject) {
  const projectIds = "all" in scope ? await source.projectIds() : [scope.projectId];
  const projects = [];
  for (const projectId of projectIds) {
    const project = await rebuildProject(source, target, projectId);
    projects.push(project);
    onProject(project);
  }
  return projects;
}
async function rebuildGroupingState(source, target, scope, onProject = () => {
}) {
  const intactReport = async () => ({
    stateWasLost: false,
    clearedKeys: 0,
    projects: await rebuildProjects(source, target, scope, onProject),
    settleMs: 0
  });
  if (await target.fence.isIntact()) return intactReport();
  if (!("all" in scope)) {
    throw new RebuildRefusedError(
      "Redis holds no grouping state (it was lost or never set up): rebuild all projects with --all"
    );
  }
  const settled = source.settled?.bind(source);
  if (settled === void 0) {
    throw new RebuildRefusedError("this record source cannot tell when it holds every assignment");
  }
  const lock = await target.fence.lockRebuild();
  if (lock === void 0) {
    throw new RebuildRefusedError("another grouping rebuild is running; run this one again once it ended");
  }
  try {
    if (await target.fence.isIntact()) return await intactReport();
    const { result, held } = await whileLocked(lock, async () => {
      const started = Date.now();
      await settled();
      const settleMs = Date.now() - started;
      const clearedKeys = await target.clearer.clearAll();
      const projects = await rebuildProjects(source, target, scope, onProject);
      return { settleMs, clearedKeys, projects };
    });
    const largest = result.projects.reduce((max, p) => Math.max(max, p.largestGroupId), 0);
    const note = `rebuilt from the groups record at ${(/* @__PURE__ */ new Date()).toISOString()}`;
    if (!held || !await target.fence.establish(lock, largest, note)) {
      throw new RebuildRefusedError(
        "the rebuild lock was lost before the fence was set (Redis lost its data again?): run the rebuild again"
      );
    }
    return { stateWasLost: true, ...result };
  } finally {
    await lock.release();
  }
}
function matchEscape(prefix) {
  return prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
var RedisGroupingStateClearer = class {
  constructor(redis, keyPrefix) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
  }
  redis;
  keyPrefix;
  async clearAll() {
    let deleted = 0;
    for (const family of ["grp:", "grpenv:"]) {
      const pattern = `${matchEscape(this.keyPrefix)}${family}*`;
      let cursor = "0";
      do {
        const [next, keys] = await redisCall(
          "groups",
          "clear",
          () => this.redis.scan(cursor, "MATCH", pattern, "COUNT", 1e3)
        );
        cursor = next;
        if (keys.length > 0) deleted += await redisCall("groups", "clear", () => this.redis.unlink(...keys));
      } while (cursor !== "0");
    }
    return deleted;
  }
};
export {
  RebuildRefusedError,
  RedisGroupingStateClearer,
  rebuildGroupingState
};
//# sourceMappingURL=rebuild.js.map
