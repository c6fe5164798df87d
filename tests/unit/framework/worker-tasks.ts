// Task functions that RunTaskInWorkers tests load inside worker threads.
import { InvalidMessage } from "../../../pipelines/errors.ts";
import type { Message } from "../../../pipelines/types.ts";

export function double(message: Message<number>): number {
  return message.payload * 2;
}

export function rejectNegative(message: Message<number>): number {
  const value = message.value;
  if (message.payload < 0 && value.kind === "broker") {
    throw new InvalidMessage(value.partition, value.offset, "negative", `got ${message.payload}`);
  }
  return message.payload;
}

export function crash(): number {
  throw new TypeError("task bug");
}

export function describeBuffer(message: Message<Buffer>): string {
  return `${Buffer.isBuffer(message.payload)}:${message.payload.toString("utf8")}`;
}

export async function later(message: Message<number>): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return message.payload + 1;
}
