// consumers/registry.ts
import { groupingConsumer } from "./grouping/definition.js";
import { normalizeConsumer } from "./normalize/definition.js";
import { relayIntakeConsumer } from "./relay-intake/definition.js";
import { storageConsumer } from "./storage/definition.js";
var CONSUMER_NAMES = ["relay-intake", "normalize", "grouping", "storage"];
var DEFINITIONS = {
  "relay-intake": relayIntakeConsumer,
  normalize: normalizeConsumer,
  grouping: groupingConsumer,
  storage: storageConsumer
};
function isConsumerName(name) {
  return CONSUMER_NAMES.includes(name);
}
function consumerDefinition(name) {
  return isConsumerName(name) ? DEFINITIONS[name] : void 0;
}
function availableConsumers() {
  return CONSUMER_NAMES.filter((name) => DEFINITIONS[name] !== void 0);
}
export {
  CONSUMER_NAMES,
  availableConsumers,
  consumerDefinition,
  isConsumerName
};
//# sourceMappingURL=registry.js.map
