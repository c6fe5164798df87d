// pipelines/workers/entry.ts
import { pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { InvalidMessage } from "../errors.js";
import { Message, Partition } from "../types.js";
import { decode, encode } from "./protocol.js";
var NO_OFFSETS = /* @__PURE__ */ new Map();
var functions = /* @__PURE__ */ new Map();
async function load(module, exportName) {
  const key = `${module}#${exportName}`;
  let fn = functions.get(key);
  if (fn === void 0) {
    const url = module.startsWith("file:") ? module : pathToFileURL(module).href;
    const exported = (await import(url))[exportName];
    if (typeof exported !== "function") {
      throw new TypeError(`${module} does not export a function named ${exportName}`);
    }
    fn = exported;
    functions.set(key, fn);
  }
  return fn;
}
function isThenable(value) {
  return typeof value?.then === "function";
}
async function runBatch(request) {
  const fn = await load(request.module, request.exportName);
  const [payloads, topics, partitions, offsets, timestamps] = decode(request.input);
  const results = new Array(payloads.length);
  const invalid = [];
  for (let i = 0; i < payloads.length; i++) {
    const topic = topics[i];
    const message = topic === null || topic === void 0 ? Message.value(payloads[i], NO_OFFSETS, timestamps[i]) : Message.broker(
      payloads[i],
      Partition.of(topic, partitions[i]),
      offsets[i],
      timestamps[i]
    );
    try {
      let result = fn(message);
      if (isThenable(result)) result = await result;
      results[i] = result;
    } catch (error) {
      if (!(error instanceof InvalidMessage)) throw error;
      invalid.push([i, error.reason, error.detail]);
    }
  }
  return Piscina.move(encode([results, invalid]));
}
export {
  runBatch as default
};
//# sourceMappingURL=entry.js.map
