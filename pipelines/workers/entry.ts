import { pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { InvalidMessage } from "../errors.ts";
import { type Committable, Message, Partition } from "../types.ts";
import { decode, encode, type WireBatch, type WireResults, type WorkerRequest } from "./protocol.ts";

// Runs inside a worker thread: loads the task function once per module and export, applies
// it to every item of a batch and reports InvalidMessages per item. Any other error fails
// the whole batch, which crashes the consumer as it would in RunTask.

type TaskFunction = (message: Message<unknown>) => unknown;

const NO_OFFSETS: Committable = new Map();
const functions = new Map<string, TaskFunction>();

async function load(module: string, exportName: string): Promise<TaskFunction> {
  const key = `${module}#${exportName}`;
  let fn = functions.get(key);
  if (fn === undefined) {
    const url = module.startsWith("file:") ? module : pathToFileURL(module).href;
    const exported: unknown = (await import(url))[exportName];
    if (typeof exported !== "function") {
      throw new TypeError(`${module} does not export a function named ${exportName}`);
    }
    fn = exported as TaskFunction;
    functions.set(key, fn);
  }
  return fn;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

export default async function runBatch(request: WorkerRequest): Promise<unknown> {
  const fn = await load(request.module, request.exportName);
  const [payloads, topics, partitions, offsets, timestamps] = decode<WireBatch>(request.input);
  const results: unknown[] = new Array(payloads.length);
  const invalid: WireResults[1] = [];
  for (let i = 0; i < payloads.length; i++) {
    const topic = topics[i];
    const message =
      topic === null || topic === undefined
        ? Message.value(payloads[i], NO_OFFSETS, timestamps[i])
        : Message.broker(
            payloads[i],
            Partition.of(topic, partitions[i] as number),
            offsets[i] as number,
            timestamps[i] as number,
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
