// S1–S4 (Sentry's derived fields: metadata, title, location, culprit) live in
// schemas/event-derived.ts, shared with the grouping consumer, which derives them again once
// the stack-trace rules have written the frames (Sentry materializes them after grouping).

export {
  crashFrame,
  type DerivedFields,
  deriveFields,
  normalizeCspUri,
  truncateChars,
} from "../../schemas/event-derived.ts";
