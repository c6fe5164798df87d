// consumers/normalize/definition.ts
import { buildNormalizeStrategy } from "./build-strategy.js";
import { createNormalizeCodecs } from "./worker-task.js";
async function openNormalizeResources(context, _mode) {
  const codecs = await createNormalizeCodecs(context.options);
  return { deps: { codecs }, close: async () => {
  } };
}
var normalizeConsumer = {
  name: "normalize",
  openResources: openNormalizeResources,
  buildStrategy: buildNormalizeStrategy
};
export {
  normalizeConsumer
};
//# sourceMappingURL=definition.js.map
