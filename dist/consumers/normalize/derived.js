// consumers/normalize/derived.ts
import {
  crashFrame,
  deriveFields,
  normalizeCspUri,
  truncateChars
} from "../../schemas/event-derived.js";
export {
  crashFrame,
  deriveFields,
  normalizeCspUri,
  truncateChars
};
//# sourceMappingURL=derived.js.map
