import type { ConsumerContext, ConsumerDefinition, OpenedResources, ResourceMode } from "../definition.ts";
import { buildNormalizeStrategy, type NormalizeDeps } from "./build-strategy.ts";
import { createNormalizeCodecs } from "./worker-task.ts";

// Normalization keeps no state, so both modes open the same thing: the codecs of
// events-raw and events-normalized, registered with the configured registry (the embedded
// one unless SCHEMA_REGISTRY_URL is set). A registry that is down at start fails the start.

async function openNormalizeResources(
  context: ConsumerContext,
  _mode: ResourceMode,
): Promise<OpenedResources<NormalizeDeps>> {
  const codecs = await createNormalizeCodecs(context.options);
  return { deps: { codecs }, close: async () => {} };
}

/** `events-raw` → Relay's store normalization, trimming, title/culprit/metadata → `events-normalized`. */
export const normalizeConsumer: ConsumerDefinition<NormalizeDeps> = {
  name: "normalize",
  openResources: openNormalizeResources,
  buildStrategy: buildNormalizeStrategy,
};
