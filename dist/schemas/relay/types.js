// schemas/relay/types.ts
var RELAY_MESSAGE_TYPES = ["event", "attachment_chunk", "attachment", "user_report"];
export {
  RELAY_MESSAGE_TYPES
};
//# sourceMappingURL=types.js.map
