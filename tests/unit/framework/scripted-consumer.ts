import type { Consumer, SubscribeCallbacks } from "../../../consumers/types.ts";
import { ConsumerError, InvalidStateError } from "../../../pipelines/errors.ts";
import type { BrokerValue, KafkaPayload, Partition, Topic } from "../../../pipelines/types.ts";
import { kafkaPayload } from "./helpers.ts";

/**
 * A consumer whose records and rebalances a test scripts, like Arroyo's mocked consumers in
 * its processor tests: records queued with `push` come out of `poll` (unless their partition
 * is paused), rebalances queued with `assignOnNextPoll`/`revokeOnNextPoll` run inside the
 * next poll, and every call is recorded.
 */
export class ScriptedConsumer implements Consumer {
  readonly calls: string[] = [];
  readonly commits: Map<Partition, number>[] = [];
  readonly topics: Topic[] = [];
  private callbacks: SubscribeCallbacks = {};
  private readonly assignment = new Map<Partition, number>();
  private readonly pausedSet = new Set<Partition>();
  private readonly records: BrokerValue<KafkaPayload>[] = [];
  private readonly actions: Array<() => Promise<void>> = [];
  private staged = new Map<Partition, number>();
  private isClosed = false;
  /** When set, poll waits on this promise (a hung broker). */
  hang: Promise<void> | null = null;
  readonly memberId = "scripted";

  get closed(): boolean {
    return this.isClosed;
  }

  subscribe(topics: ReadonlyArray<Topic>, callbacks: SubscribeCallbacks = {}): void {
    this.calls.push("subscribe");
    this.topics.push(...topics);
    this.callbacks = callbacks;
  }

  unsubscribe(): void {
    this.calls.push("unsubscribe");
  }

  push(p: Partition, offset: number, value = `v${offset}`): BrokerValue<KafkaPayload> {
    const record: BrokerValue<KafkaPayload> = {
      kind: "broker",
      payload: kafkaPayload(value),
      partition: p,
      offset,
      timestamp: 0,
    };
    this.records.push(record);
    return record;
  }

  assignOnNextPoll(partitions: ReadonlyMap<Partition, number>): void {
    this.actions.push(async () => {
      for (const [p, offset] of partitions) this.assignment.set(p, offset);
      await this.callbacks.onAssign?.(new Map(partitions));
    });
  }

  revokeOnNextPoll(partitions: ReadonlyArray<Partition>): void {
    this.actions.push(async () => {
      await this.callbacks.onRevoke?.(partitions);
      for (const p of partitions) {
        this.assignment.delete(p);
        this.pausedSet.delete(p);
      }
    });
  }

  async poll(timeoutMs?: number): Promise<BrokerValue<KafkaPayload> | null> {
    this.assertOpen();
    this.calls.push(timeoutMs === undefined ? "poll" : `poll(${timeoutMs})`);
    if (this.hang !== null) await this.hang;
    for (let action = this.actions.shift(); action !== undefined; action = this.actions.shift())
      await action();
    const index = this.records.findIndex((r) => !this.pausedSet.has(r.partition));
    if (index < 0) return null;
    const [record] = this.records.splice(index, 1);
    return record ?? null;
  }

  pause(partitions: Iterable<Partition>): void {
    const list = [...partitions];
    this.calls.push(`pause ${list.map(String).join(",")}`);
    for (const p of list) this.pausedSet.add(p);
  }

  resume(partitions: Iterable<Partition>): void {
    const list = [...partitions];
    this.calls.push(`resume ${list.map(String).join(",")}`);
    for (const p of list) this.pausedSet.delete(p);
  }

  paused(): Partition[] {
    return [...this.pausedSet];
  }

  tell(): Map<Partition, number> {
    this.assertOpen();
    return new Map(this.assignment);
  }

  seek(offsets: ReadonlyMap<Partition, number>): void {
    this.calls.push(`seek ${[...offsets].map(([p, o]) => `${p}@${o}`).join(",")}`);
  }

  stageOffsets(offsets: ReadonlyMap<Partition, number>): void {
    for (const [p, offset] of offsets) this.staged.set(p, offset);
  }

  async commitOffsets(): Promise<Map<Partition, number>> {
    this.assertOpen();
    for (const p of this.staged.keys()) {
      if (!this.assignment.has(p)) throw new ConsumerError(`cannot commit unassigned ${p.key}`);
    }
    const committed = this.staged;
    this.staged = new Map();
    this.commits.push(committed);
    this.calls.push("commit");
    return committed;
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.calls.push("close");
    if (this.assignment.size > 0) await this.callbacks.onRevoke?.([...this.assignment.keys()]);
    this.assignment.clear();
    this.isClosed = true;
  }

  private assertOpen(): void {
    if (this.isClosed) throw new InvalidStateError("consumer is closed");
  }
}
