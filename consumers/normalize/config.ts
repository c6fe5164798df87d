// The StoreNormalizer settings of Relay (spec §8), as one immutable object. Defaults for the
// tunables come from the options registry; per-message facts (received time, client IP, SDK
// string, project) come from the envelope. Nothing here reads a clock or the environment.

import type { Options } from "../../config/options.ts";

export interface ClientHints {
  readonly secChUa?: string;
  readonly secChUaModel?: string;
  readonly secChUaPlatform?: string;
  readonly secChUaPlatformVersion?: string;
}

export interface NormalizeConfig {
  /** When the event reached us, in float Unix seconds. Becomes `received`. */
  readonly receivedAt: number;
  /** Events older than this get their timestamps shifted to `receivedAt` (`past_timestamp`). */
  readonly maxSecsInPast: number | undefined;
  /** Events further ahead than this get shifted back (`future_timestamp`). */
  readonly maxSecsInFuture: number | undefined;
  /** Trim strings and databags to Relay's limits, recording `!limit` remarks. */
  readonly enableTrimming: boolean;
  /** Parse the request's user agent into browser/os/device contexts (Sentry enables it). */
  readonly normalizeUserAgent: boolean;
  /** The IP of the HTTP client that sent the event; resolves `{{auto}}`. */
  readonly clientIp?: string;
  /** The `sentry_client` value, e.g. `sentry.python/1.2.3`; builds `sdk` when missing. */
  readonly client?: string;
  readonly projectId?: number;
  readonly keyId?: string;
  readonly protocolVersion?: string;
  readonly groupingConfig?: Readonly<Record<string, unknown>>;
  /** Envelope `sent_at`: corrects clock drift of at least 55 minutes (`clock_drift`). */
  readonly sentAt?: number;
  /** Request-level user agent and client hints (security reports are backfilled from them). */
  readonly userAgent?: string;
  readonly clientHints?: ClientHints;
  readonly clientSampleRate?: number;
  readonly replayId?: string;
  /**
   * Id for events that arrive without a (valid) `event_id`. Relay draws a random UUIDv4; a
   * pure function takes it from the caller (the message key upstream).
   */
  readonly fallbackEventId?: string;
}

/** Settings known per message, from the envelope or the message headers. */
export interface MessageFacts {
  readonly receivedAt: number;
  readonly clientIp?: string;
  readonly client?: string;
  readonly projectId?: number;
  readonly keyId?: string;
  readonly sentAt?: number;
  readonly userAgent?: string;
  readonly groupingConfig?: Readonly<Record<string, unknown>>;
  readonly fallbackEventId?: string;
}

export type NormalizeOptions = Pick<
  Options,
  "maxSecsInPast" | "maxSecsInFuture" | "enableTrimming" | "normalizeUserAgent"
>;

/** Sentry's protocol version, written to `version` like Sentry's own store path does. */
export const PROTOCOL_VERSION = "7";

export function normalizeConfigFromOptions(options: NormalizeOptions, facts: MessageFacts): NormalizeConfig {
  return {
    receivedAt: facts.receivedAt,
    maxSecsInPast: options.maxSecsInPast,
    maxSecsInFuture: options.maxSecsInFuture,
    enableTrimming: options.enableTrimming,
    normalizeUserAgent: options.normalizeUserAgent,
    clientIp: facts.clientIp,
    client: facts.client,
    projectId: facts.projectId,
    keyId: facts.keyId,
    protocolVersion: PROTOCOL_VERSION,
    groupingConfig: facts.groupingConfig,
    sentAt: facts.sentAt,
    userAgent: facts.userAgent,
    fallbackEventId: facts.fallbackEventId,
  };
}
