// Reading what a chain wrote to the in-memory broker, for assertions.
import type { BrokerValue, KafkaPayload, Topic } from "../../pipelines/types.ts";
import type { MemoryBroker } from "../../producers/memory-broker.ts";

/** Every record of `topic`, partition by partition. */
export function records(broker: MemoryBroker, topic: Topic): BrokerValue<KafkaPayload>[] {
  return broker.partitionsOf(topic).flatMap((p) => broker.log(p));
}

/** A record's (or payload's) headers as text; the last of repeated names wins. */
export function headersOf(source: KafkaPayload | BrokerValue<KafkaPayload>): Record<string, string> {
  const payload = "kind" in source ? source.payload : source;
  return Object.fromEntries(payload.headers.map(([k, v]) => [k, v.toString("utf8")]));
}

/** True once `group` committed every record of every partition of `topics`. */
export function committedAll(broker: MemoryBroker, group: string, topics: Iterable<Topic>): boolean {
  for (const topic of topics) {
    for (const p of broker.partitionsOf(topic)) {
      if ((broker.committedOffset(group, p) ?? 0) !== broker.endOffset(p)) return false;
    }
  }
  return true;
}
