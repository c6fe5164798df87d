import type { GroupingComponent } from "../component.ts";
import type { ContributesHit, ExceptionData, StacktraceRules } from "../enhancements/engine.ts";
import type { GroupingEvent, GroupingStacktrace } from "../event-view.ts";

/**
 * Components a strategy produced, by variant name in production order. A `!` prefix marks
 * the priority variant: another variant with the same hash is dropped in its favour.
 */
export type ComponentsByVariant = Map<string, GroupingComponent>;

/** The behaviour switches of a grouping config (Sentry's strategy `initial_context`). */
export interface GroupingConfigDefinition {
  readonly id: string;
  readonly contextLinePlatforms: ReadonlySet<string>;
  /** Exception children in the order `stacktrace, type, ns_error, value`. */
  readonly legacyExceptionSubcomponentOrder: boolean;
  /** The single-frame JavaScript rule drops URL frames (Sentry's long-standing inversion). */
  readonly jsSingleFrameUrlOriginBackwards: boolean;
  /** Unknown fingerprint variables stay verbatim instead of `<unrecognized-variable-X>`. */
  readonly legacyUnknownVariableHandling: boolean;
  readonly enhancementsBase: string;
  readonly fingerprintingBases: ReadonlyArray<string>;
}

export interface StrategyContext {
  readonly event: GroupingEvent;
  readonly config: GroupingConfigDefinition;
  readonly rules: StacktraceRules;
  /** The contributes-rule matches of a stack trace (computed once, shared by variants). */
  contributesHitsOf(stacktrace: GroupingStacktrace, exception: ExceptionData): ReadonlyArray<ContributesHit>;
}
