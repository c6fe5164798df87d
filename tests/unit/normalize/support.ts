import type { NormalizeConfig } from "../../../consumers/normalize/config.ts";
import {
  isRejected,
  type NormalizedEvent,
  normalizeEvent,
  toRelayJson,
} from "../../../consumers/normalize/normalize.ts";

/** 2024-01-01T00:00:00Z. */
export const RECEIVED_AT = 1_704_067_200;

export function testConfig(overrides: Partial<NormalizeConfig> = {}): NormalizeConfig {
  return {
    receivedAt: RECEIVED_AT,
    maxSecsInPast: 2_592_000,
    maxSecsInFuture: 60,
    enableTrimming: true,
    normalizeUserAgent: true,
    client: "sentry.test/1.0",
    protocolVersion: "7",
    fallbackEventId: "0123456789abcdef0123456789abcdef",
    ...overrides,
  };
}

export function normalized(input: unknown, overrides: Partial<NormalizeConfig> = {}): NormalizedEvent {
  const result = normalizeEvent(input, testConfig(overrides));
  if (isRejected(result)) throw new Error(`unexpected rejection: ${result.rejected}`);
  return result;
}

/** The event in Relay's wire form (`errors` and `_meta` inside), as plain JSON. */
export function wire(input: unknown, overrides: Partial<NormalizeConfig> = {}): Record<string, unknown> {
  return JSON.parse(JSON.stringify(toRelayJson(normalized(input, overrides)))) as Record<string, unknown>;
}

/** The `_meta` tree of the wire form without the synthetic trace context's remarks. */
export function metaOf(event: Record<string, unknown>): Record<string, unknown> | undefined {
  const meta = event._meta as Record<string, Record<string, unknown>> | undefined;
  if (meta === undefined) return undefined;
  const { contexts, ...rest } = meta;
  if (contexts === undefined) return meta;
  const { trace: _trace, ...otherContexts } = contexts;
  const out = Object.keys(otherContexts).length > 0 ? { ...rest, contexts: otherContexts } : rest;
  return Object.keys(out).length > 0 ? out : undefined;
}
