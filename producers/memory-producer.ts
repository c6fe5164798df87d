import type { BrokerValue, KafkaPayload } from "../pipelines/types.ts";
import type { MemoryBroker } from "./memory-broker.ts";
import type { Destination, Producer } from "./types.ts";

export class ProducerClosed extends Error {
  constructor(name: string) {
    super(`producer ${name} is closed`);
    this.name = "ProducerClosed";
  }
}

export interface MemoryProducerOptions {
  readonly name?: string;
}

interface HeldWrite {
  readonly destination: Destination;
  readonly payload: KafkaPayload;
  readonly resolve: (value: BrokerValue<KafkaPayload>) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A producer over the in-memory broker. By default every write is acknowledged at once,
 * like Arroyo's LocalProducer. Tests can hold acknowledgements (`holdAcks`) to model a slow
 * broker: a held write is neither stored nor acknowledged until `releaseAcks`, so code that
 * must wait for the ack (Produce, the DLQ) can be checked. `failNext` makes writes fail.
 */
export class MemoryProducer implements Producer {
  readonly name: string;
  private closed = false;
  private holding = false;
  private readonly held: HeldWrite[] = [];
  private readonly failures: unknown[] = [];

  constructor(
    private readonly broker: MemoryBroker,
    options: MemoryProducerOptions = {},
  ) {
    this.name = options.name ?? "memory-producer";
  }

  produce(destination: Destination, payload: KafkaPayload): Promise<BrokerValue<KafkaPayload>> {
    if (this.closed) return Promise.reject(new ProducerClosed(this.name));
    if (this.holding) {
      return new Promise((resolve, reject) => {
        this.held.push({ destination, payload, resolve, reject });
      });
    }
    try {
      return Promise.resolve(this.write(destination, payload));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** From now on writes wait for `releaseAcks`. */
  holdAcks(): void {
    this.holding = true;
  }

  /** Stores and acknowledges up to `count` held writes in order; stops holding when all are out. */
  releaseAcks(count = Number.POSITIVE_INFINITY): number {
    let released = 0;
    while (released < count && this.held.length > 0) {
      const write = this.held.shift() as HeldWrite;
      try {
        write.resolve(this.write(write.destination, write.payload));
      } catch (error) {
        write.reject(error);
      }
      released += 1;
    }
    if (count === Number.POSITIVE_INFINITY) this.holding = false;
    return released;
  }

  /** Writes waiting for `releaseAcks`. */
  get pending(): number {
    return this.held.length;
  }

  /** The next write (held or not) fails with `error` and stores nothing. */
  failNext(error: unknown): void {
    this.failures.push(error);
  }

  /** Flushes held writes, then refuses new ones. */
  async close(): Promise<void> {
    this.releaseAcks();
    this.closed = true;
  }

  private write(destination: Destination, payload: KafkaPayload): BrokerValue<KafkaPayload> {
    if (this.failures.length > 0) throw this.failures.shift();
    return this.broker.produce(destination, payload);
  }
}
