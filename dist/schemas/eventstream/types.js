// schemas/eventstream/types.ts
var EVENTSTREAM_VERSION = 2;
var REPLACEMENT_OPERATIONS = [
  "start_delete_groups",
  "end_delete_groups",
  "start_merge",
  "end_merge",
  "start_unmerge",
  "end_unmerge",
  "start_delete_tag",
  "end_delete_tag",
  "tombstone_events",
  "replace_group",
  "exclude_groups"
];
function isInsert(message) {
  return message.operation === "insert";
}
export {
  EVENTSTREAM_VERSION,
  REPLACEMENT_OPERATIONS,
  isInsert
};
//# sourceMappingURL=types.js.map
