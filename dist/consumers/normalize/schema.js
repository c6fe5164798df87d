// consumers/normalize/schema.ts
var canonicalTypes = /* @__PURE__ */ new WeakMap();
function canonicalTy(ty) {
  const known = canonicalTypes.get(ty);
  if (known !== void 0) return known;
  const source = ty;
  const item = source.item;
  const out = {
    k: ty.k,
    def: source.def,
    item: item === void 0 ? void 0 : canonicalTy(item),
    variant: source.variant,
    expect: source.expect,
    invalid: source.invalid,
    length: source.length
  };
  canonicalTypes.set(ty, out);
  canonicalTypes.set(out, out);
  return out;
}
function canonicalField(field) {
  return {
    name: field.name,
    ty: canonicalTy(field.ty),
    aliases: field.aliases,
    maxChars: field.maxChars,
    allowance: field.allowance,
    trim: field.trim,
    nonempty: field.nonempty,
    required: field.required,
    badChar: field.badChar,
    skip: field.skip,
    bag: field.bag,
    itemBag: field.itemBag
  };
}
function struct(name, inputFields, other, extra = {}) {
  const fields = inputFields.map(canonicalField);
  const lookup = /* @__PURE__ */ new Map();
  const requiredIndexes = [];
  fields.forEach((field, index) => {
    lookup.set(field.name, index);
    for (const alias of field.aliases ?? []) if (!lookup.has(alias)) lookup.set(alias, index);
    if (field.required) requiredIndexes.push(index);
  });
  return {
    name,
    expect: extra.expect ?? name.toLowerCase(),
    fields,
    other,
    lookup,
    requiredIndexes,
    silentlyDropped: extra.silentlyDropped ? new Set(extra.silentlyDropped) : void 0,
    contextType: extra.contextType
  };
}
var STRING = { k: "string" };
var LENIENT = { k: "lenient" };
var JSON_LENIENT = { k: "jsonLenient" };
var U64 = { k: "u64" };
var I64 = { k: "i64" };
var F64 = { k: "f64" };
var BOOL = { k: "bool" };
var TIMESTAMP = { k: "timestamp" };
var LEVEL = { k: "level" };
var IP = { k: "ip" };
var VALUE = { k: "value" };
var EVENT_ID = { k: "uuid", expect: "event id" };
var UUID = { k: "uuid", expect: "a uuid" };
var ADDR = { k: "addr", expect: "address" };
var THREAD_ID = { k: "threadId" };
var TRACE_ID = { k: "hexId", expect: "trace id", invalid: "not a valid trace id", length: 32 };
var SPAN_ID = { k: "hexId", expect: "span id", invalid: "not a valid span id", length: 16 };
var STRINGS = { k: "array", item: STRING };
var VALUE_MAP = { k: "object", item: VALUE };
var SYMBOL = { maxChars: 256, allowance: 20 };
var PATH = { maxChars: 256, allowance: 40 };
var ENUMLIKE = { maxChars: 128, allowance: 0 };
var MESSAGE = { maxChars: 8192, allowance: 200 };
var SMALL_BAG = { depth: 3, bytes: 1024 };
var MEDIUM_BAG = { depth: 5, bytes: 2048 };
var LARGE_BAG = { depth: 7, bytes: 8192 };
var CONTEXT_BAG = { depth: 7, bytes: 8192 };
function allowChars(test) {
  return (value) => {
    for (let i = 0; i < value.length; i++) {
      if (!test(value.charCodeAt(i))) return String.fromCodePoint(value.codePointAt(i) ?? 0);
    }
    return void 0;
  };
}
function denyChars(chars) {
  return (value) => {
    for (const char of value) if (chars.includes(char)) return char;
    return void 0;
  };
}
var isAlnum = (c) => c >= 48 && c <= 57 || c >= 65 && c <= 90 || c >= 97 && c <= 122;
var TAG_KEY_CHARS = allowChars((c) => isAlnum(c) || c === 95 || c === 46 || c === 58 || c === 45);
var TAG_VALUE_CHARS = denyChars("\n");
var DIST_CHARS = allowChars((c) => isAlnum(c) || c === 95 || c === 46 || c === 45);
var GEO = struct(
  "Geo",
  [
    { name: "country_code", ty: STRING, maxChars: 102, allowance: 1004 },
    { name: "city", ty: STRING, maxChars: 1024, allowance: 100 },
    { name: "subdivision", ty: STRING, maxChars: 1024, allowance: 100 },
    { name: "region", ty: STRING, maxChars: 1024, allowance: 100 }
  ],
  "drop"
);
var USER = struct(
  "User",
  [
    { name: "id", ty: LENIENT, maxChars: 128, skip: "empty" },
    { name: "email", ty: STRING, maxChars: 75, skip: "empty" },
    { name: "ip_address", ty: IP, skip: "empty" },
    { name: "username", ty: LENIENT, maxChars: 128, skip: "empty" },
    { name: "name", ty: STRING, maxChars: 128, skip: "empty" },
    { name: "geo", ty: { k: "struct", def: GEO }, skip: "empty" },
    { name: "segment", ty: STRING, skip: "empty" },
    { name: "sentry_user", ty: STRING, skip: "empty" },
    { name: "data", ty: VALUE_MAP, skip: "empty" }
  ],
  "userData"
);
var REQUEST = struct(
  "Request",
  [
    { name: "url", ty: STRING, maxChars: 256, allowance: 40 },
    { name: "method", ty: STRING },
    { name: "protocol", ty: STRING },
    { name: "data", ty: VALUE, bag: LARGE_BAG },
    { name: "query_string", ty: { k: "pairs", variant: "query" }, bag: SMALL_BAG, skip: "empty" },
    { name: "fragment", ty: STRING, maxChars: 1024, allowance: 100, skip: "empty" },
    { name: "cookies", ty: { k: "pairs", variant: "cookies" }, bag: MEDIUM_BAG, skip: "empty" },
    { name: "headers", ty: { k: "pairs", variant: "headers" }, bag: LARGE_BAG, skip: "empty" },
    { name: "body_size", ty: U64 },
    { name: "env", ty: VALUE_MAP, bag: LARGE_BAG, skip: "empty" },
    { name: "inferred_content_type", ty: STRING, skip: "empty" },
    { name: "api_target", ty: STRING }
  ],
  "drop"
);
var LOGENTRY = struct(
  "LogEntry",
  [
    { name: "message", ty: STRING, ...MESSAGE },
    { name: "formatted", ty: STRING, ...MESSAGE },
    { name: "params", ty: VALUE, bag: MEDIUM_BAG }
  ],
  "drop"
);
var BREADCRUMB = struct(
  "Breadcrumb",
  [
    { name: "timestamp", ty: TIMESTAMP },
    { name: "type", ty: STRING, aliases: ["ty"], maxChars: 128 },
    { name: "category", ty: STRING, maxChars: 128 },
    { name: "level", ty: LEVEL },
    { name: "message", ty: STRING, ...MESSAGE },
    { name: "data", ty: VALUE_MAP, bag: MEDIUM_BAG, skip: "empty" },
    { name: "event_id", ty: EVENT_ID }
  ],
  "error"
);
var FRAME_DATA = struct(
  "FrameData",
  [
    { name: "sourcemap", ty: STRING, ...PATH },
    { name: "orig_function", ty: STRING, ...SYMBOL },
    { name: "orig_filename", ty: STRING, ...PATH },
    { name: "orig_lineno", ty: U64 },
    { name: "orig_colno", ty: U64 },
    { name: "orig_in_app", ty: I64 }
  ],
  "drop"
);
var LOCK_REASON = struct(
  "LockReason",
  [
    { name: "type", ty: U64 },
    { name: "address", ty: STRING },
    { name: "package_name", ty: STRING },
    { name: "class_name", ty: STRING },
    { name: "thread_id", ty: THREAD_ID }
  ],
  "drop"
);
var FRAME = struct(
  "Frame",
  [
    { name: "function", ty: STRING, ...SYMBOL, skip: "empty" },
    { name: "raw_function", ty: STRING, ...SYMBOL, skip: "empty" },
    { name: "symbol", ty: STRING },
    { name: "module", ty: STRING, skip: "empty" },
    { name: "package", ty: STRING, skip: "empty" },
    { name: "filename", ty: STRING, ...PATH, skip: "empty" },
    { name: "abs_path", ty: STRING, ...PATH, skip: "empty" },
    { name: "lineno", ty: U64 },
    { name: "colno", ty: U64 },
    { name: "platform", ty: STRING, skip: "empty" },
    { name: "pre_context", ty: STRINGS, skip: "empty" },
    { name: "context_line", ty: STRING },
    { name: "post_context", ty: STRINGS, skip: "empty" },
    { name: "in_app", ty: BOOL },
    { name: "vars", ty: { k: "frameVars" }, bag: MEDIUM_BAG },
    { name: "data", ty: { k: "struct", def: FRAME_DATA }, skip: "empty" },
    { name: "image_addr", ty: ADDR },
    { name: "instruction_addr", ty: ADDR },
    { name: "addr_mode", ty: STRING, skip: "empty" },
    { name: "function_id", ty: ADDR, skip: "empty" },
    { name: "symbol_addr", ty: ADDR },
    { name: "trust", ty: STRING, ...ENUMLIKE },
    { name: "lang", ty: STRING, ...ENUMLIKE },
    { name: "stack_start", ty: BOOL },
    { name: "lock", ty: { k: "struct", def: LOCK_REASON } },
    { name: "file_revision", ty: STRING },
    { name: "parent_index", ty: U64 },
    { name: "sample_count", ty: U64 }
  ],
  "drop"
);
var STACKTRACE = struct(
  "Stacktrace",
  [
    {
      name: "frames",
      ty: { k: "array", item: { k: "struct", def: FRAME } },
      required: true,
      nonempty: true,
      skip: "empty"
    },
    { name: "registers", ty: { k: "object", item: { k: "addr", expect: "register value" } } },
    { name: "instruction_addr_adjustment", ty: STRING },
    { name: "lang", ty: STRING, ...ENUMLIKE },
    { name: "snapshot", ty: BOOL }
  ],
  "drop"
);
var C_ERROR = struct(
  "CError",
  [
    { name: "number", ty: I64 },
    { name: "name", ty: STRING }
  ],
  "drop"
);
var POSIX_SIGNAL = struct(
  "PosixSignal",
  [
    { name: "number", ty: I64 },
    { name: "code", ty: I64 },
    { name: "name", ty: STRING },
    { name: "code_name", ty: STRING }
  ],
  "drop"
);
var MACH_EXCEPTION = struct(
  "MachException",
  [
    { name: "exception", ty: I64 },
    { name: "code", ty: U64 },
    { name: "subcode", ty: U64 },
    { name: "name", ty: STRING }
  ],
  "drop"
);
var NS_ERROR = struct(
  "NsError",
  [
    { name: "code", ty: I64 },
    { name: "domain", ty: STRING }
  ],
  "drop"
);
var MECHANISM_META = struct(
  "MechanismMeta",
  [
    { name: "errno", ty: { k: "struct", def: C_ERROR } },
    { name: "signal", ty: { k: "struct", def: POSIX_SIGNAL } },
    { name: "mach_exception", ty: { k: "struct", def: MACH_EXCEPTION } },
    { name: "ns_error", ty: { k: "struct", def: NS_ERROR } }
  ],
  "drop"
);
var MECHANISM = struct(
  "Mechanism",
  [
    { name: "type", ty: STRING, required: true, nonempty: true, ...ENUMLIKE },
    { name: "synthetic", ty: BOOL },
    { name: "description", ty: STRING, ...MESSAGE },
    { name: "help_link", ty: STRING, nonempty: true, ...PATH },
    { name: "handled", ty: BOOL },
    { name: "source", ty: STRING, nonempty: true, ...ENUMLIKE, badChar: denyChars(" 	\r\n") },
    { name: "is_exception_group", ty: BOOL },
    { name: "exception_id", ty: U64 },
    { name: "parent_id", ty: U64 },
    { name: "data", ty: VALUE_MAP, bag: MEDIUM_BAG, skip: "empty" },
    { name: "meta", ty: { k: "struct", def: MECHANISM_META }, skip: "empty" }
  ],
  "drop",
  { expect: "exception mechanism" }
);
var EXCEPTION = struct(
  "Exception",
  [
    { name: "type", ty: STRING, maxChars: 256, allowance: 20 },
    { name: "value", ty: JSON_LENIENT, ...MESSAGE },
    { name: "module", ty: STRING, maxChars: 256, allowance: 20 },
    {
      name: "stacktrace",
      ty: { k: "struct", def: STACKTRACE },
      aliases: ["sentry.interfaces.Stacktrace"],
      skip: "empty"
    },
    { name: "raw_stacktrace", ty: { k: "struct", def: STACKTRACE }, skip: "empty" },
    { name: "thread_id", ty: THREAD_ID, maxChars: 128 },
    { name: "mechanism", ty: { k: "struct", def: MECHANISM } }
  ],
  "drop"
);
var THREAD = struct(
  "Thread",
  [
    { name: "id", ty: THREAD_ID },
    { name: "name", ty: STRING },
    { name: "stacktrace", ty: { k: "struct", def: STACKTRACE }, skip: "empty" },
    { name: "raw_stacktrace", ty: { k: "struct", def: STACKTRACE }, skip: "empty" },
    { name: "crashed", ty: BOOL },
    { name: "current", ty: BOOL },
    { name: "main", ty: BOOL },
    { name: "state", ty: STRING },
    { name: "held_locks", ty: { k: "object", item: { k: "struct", def: LOCK_REASON } }, skip: "empty" }
  ],
  "drop"
);
var SYSTEM_SDK_INFO = struct(
  "SystemSdkInfo",
  [
    { name: "sdk_name", ty: STRING },
    { name: "version_major", ty: U64 },
    { name: "version_minor", ty: U64 },
    { name: "version_patchlevel", ty: U64 },
    { name: "build", ty: STRING }
  ],
  "drop"
);
var DEBUG_META = struct(
  "DebugMeta",
  [
    { name: "sdk_info", ty: { k: "struct", def: SYSTEM_SDK_INFO }, skip: "empty" },
    { name: "images", ty: { k: "array", item: { k: "debugImage" } }, skip: "empty" }
  ],
  "drop"
);
var SDK_PACKAGE = struct(
  "ClientSdkPackage",
  [
    { name: "name", ty: STRING },
    { name: "version", ty: STRING }
  ],
  "drop"
);
var SDK_SETTINGS = struct("ClientSdkSettings", [{ name: "infer_ip", ty: STRING }], "drop");
var CLIENT_SDK = struct(
  "ClientSdkInfo",
  [
    { name: "name", ty: STRING, required: true, maxChars: 256, allowance: 20 },
    { name: "version", ty: STRING, required: true, maxChars: 256, allowance: 20 },
    { name: "integrations", ty: STRINGS, skip: "emptyDeep" },
    { name: "features", ty: STRINGS, skip: "emptyDeep" },
    { name: "packages", ty: { k: "array", item: { k: "struct", def: SDK_PACKAGE } }, skip: "emptyDeep" },
    { name: "client_ip", ty: IP, skip: "empty" },
    { name: "settings", ty: { k: "struct", def: SDK_SETTINGS }, skip: "empty" }
  ],
  "drop"
);
var TEMPLATE = struct(
  "TemplateInfo",
  [
    { name: "filename", ty: STRING, ...PATH },
    { name: "abs_path", ty: STRING, ...PATH },
    { name: "lineno", ty: U64 },
    { name: "colno", ty: U64 },
    { name: "pre_context", ty: STRINGS },
    { name: "context_line", ty: STRING },
    { name: "post_context", ty: STRINGS }
  ],
  "drop"
);
var EVENT_PROCESSING_ERROR = struct(
  "EventProcessingError",
  [
    { name: "type", ty: STRING, required: true },
    { name: "name", ty: STRING },
    { name: "value", ty: VALUE }
  ],
  // Relay drops the data keys of client-sent errors; we keep them so that a normalized event
  // fed back in keeps its own `errors` entries unchanged (idempotency).
  "retain"
);
function context(type, fields) {
  return struct(`${type}context`, fields, "retain", { contextType: type, expect: "an object" });
}
var s = (name) => ({ name, ty: STRING });
var u = (name) => ({ name, ty: U64 });
var b = (name) => ({ name, ty: BOOL });
var LINUX_DISTRIBUTION = struct(
  "LinuxDistribution",
  [
    s("name"),
    { name: "version", ty: STRING, skip: "empty" },
    { name: "pretty_name", ty: STRING, skip: "empty" }
  ],
  "retain"
);
var CONTEXT_DEFS = /* @__PURE__ */ new Map([
  [
    "device",
    context("device", [
      s("name"),
      s("family"),
      s("model"),
      s("model_id"),
      s("arch"),
      { name: "battery_level", ty: F64 },
      s("orientation"),
      s("manufacturer"),
      s("brand"),
      s("screen_resolution"),
      u("screen_height_pixels"),
      u("screen_width_pixels"),
      { name: "screen_density", ty: F64 },
      u("screen_dpi"),
      b("online"),
      b("charging"),
      b("low_memory"),
      b("simulator"),
      u("memory_size"),
      u("free_memory"),
      u("usable_memory"),
      u("storage_size"),
      u("free_storage"),
      u("external_storage_size"),
      u("external_free_storage"),
      s("boot_time"),
      s("timezone"),
      s("locale"),
      u("processor_count"),
      s("cpu_description"),
      u("processor_frequency"),
      s("device_type"),
      s("battery_status"),
      s("device_unique_identifier"),
      b("supports_vibration"),
      b("supports_accelerometer"),
      b("supports_gyroscope"),
      b("supports_audio"),
      b("supports_location_service"),
      { name: "uuid", ty: UUID }
    ])
  ],
  [
    "os",
    context("os", [
      s("os"),
      s("name"),
      s("version"),
      { name: "build", ty: LENIENT },
      s("kernel_version"),
      b("rooted"),
      { name: "distribution", ty: { k: "struct", def: LINUX_DISTRIBUTION }, skip: "empty" },
      s("raw_description")
    ])
  ],
  [
    "runtime",
    context("runtime", [
      s("runtime"),
      s("name"),
      s("version"),
      { name: "build", ty: LENIENT },
      s("raw_description")
    ])
  ],
  [
    "app",
    context("app", [
      s("app_start_time"),
      s("device_app_hash"),
      s("build_type"),
      s("app_identifier"),
      s("app_name"),
      s("app_version"),
      { name: "app_build", ty: LENIENT },
      u("app_memory"),
      b("in_foreground"),
      { name: "view_names", ty: STRINGS }
    ])
  ],
  ["browser", context("browser", [s("browser"), s("name"), s("version")])],
  [
    "gpu",
    context("gpu", [
      s("name"),
      s("version"),
      { name: "id", ty: VALUE },
      s("vendor_id"),
      s("vendor_name"),
      u("memory_size"),
      s("api_type"),
      b("multi_threaded_rendering"),
      s("npot_support"),
      u("max_texture_size"),
      s("graphics_shader_level"),
      b("supports_draw_call_instancing"),
      b("supports_ray_tracing"),
      b("supports_compute_shaders"),
      b("supports_geometry_shaders")
    ])
  ],
  [
    "trace",
    context("trace", [
      { name: "trace_id", ty: TRACE_ID },
      { name: "span_id", ty: SPAN_ID },
      { name: "parent_span_id", ty: SPAN_ID },
      s("op"),
      { name: "status", ty: { k: "spanStatus" } },
      { name: "exclusive_time", ty: F64 },
      { name: "client_sample_rate", ty: F64 },
      s("origin"),
      b("sampled"),
      { name: "data", ty: VALUE_MAP },
      { name: "links", ty: { k: "array", item: VALUE } }
    ])
  ],
  [
    "response",
    context("response", [
      { name: "cookies", ty: { k: "pairs", variant: "cookies" } },
      { name: "headers", ty: { k: "pairs", variant: "headers" } },
      u("status_code"),
      u("body_size"),
      { name: "data", ty: VALUE },
      s("inferred_content_type")
    ])
  ],
  [
    "culture",
    context("culture", [
      s("calendar"),
      s("display_name"),
      s("locale"),
      b("is_24_hour_format"),
      s("timezone")
    ])
  ],
  [
    "profile",
    context("profile", [
      { name: "profile_id", ty: EVENT_ID },
      { name: "profiler_id", ty: EVENT_ID }
    ])
  ],
  ["replay", context("replay", [{ name: "replay_id", ty: EVENT_ID }])]
]);
function contextBag(type) {
  return type === "flags" ? { depth: 7, bytes: 132072 } : CONTEXT_BAG;
}
var GROUPING_CONFIG_ID_MAX = 128;
var EVENT = struct(
  "Event",
  [
    { name: "event_id", ty: EVENT_ID },
    { name: "level", ty: LEVEL },
    { name: "version", ty: STRING },
    { name: "type", ty: { k: "eventType" } },
    { name: "fingerprint", ty: { k: "fingerprint" }, skip: "empty" },
    { name: "culprit", ty: STRING, maxChars: 200 },
    { name: "transaction", ty: STRING, maxChars: 200, trim: true },
    { name: "transaction_info", ty: VALUE_MAP },
    { name: "time_spent", ty: U64 },
    {
      name: "logentry",
      ty: { k: "struct", def: LOGENTRY },
      aliases: ["sentry.interfaces.Message", "message"],
      skip: "empty"
    },
    { name: "logger", ty: STRING, maxChars: 64, badChar: denyChars("\r\n") },
    { name: "modules", ty: { k: "object", item: STRING }, bag: { depth: 7, bytes: 8192 }, skip: "emptyDeep" },
    { name: "platform", ty: STRING },
    { name: "timestamp", ty: TIMESTAMP },
    { name: "start_timestamp", ty: TIMESTAMP },
    { name: "received", ty: TIMESTAMP },
    { name: "server_name", ty: STRING, maxChars: 256, allowance: 20 },
    { name: "release", ty: LENIENT, maxChars: 200, trim: true, nonempty: true, skip: "empty" },
    { name: "dist", ty: STRING, trim: true, nonempty: true, badChar: DIST_CHARS },
    { name: "environment", ty: STRING, maxChars: 64, trim: true, nonempty: true },
    { name: "site", ty: STRING, maxChars: 256, allowance: 20 },
    { name: "user", ty: { k: "struct", def: USER }, aliases: ["sentry.interfaces.User"], skip: "empty" },
    {
      name: "request",
      ty: { k: "struct", def: REQUEST },
      aliases: ["sentry.interfaces.Http"],
      skip: "empty"
    },
    { name: "contexts", ty: { k: "contexts" }, aliases: ["sentry.interfaces.Contexts"] },
    {
      name: "breadcrumbs",
      ty: { k: "values", item: { k: "struct", def: BREADCRUMB } },
      aliases: ["sentry.interfaces.Breadcrumbs"],
      skip: "empty"
    },
    {
      name: "exception",
      ty: { k: "values", item: { k: "struct", def: EXCEPTION } },
      aliases: ["sentry.interfaces.Exception"],
      skip: "empty"
    },
    {
      name: "stacktrace",
      ty: { k: "struct", def: STACKTRACE },
      aliases: ["sentry.interfaces.Stacktrace"],
      skip: "empty"
    },
    { name: "template", ty: { k: "struct", def: TEMPLATE }, aliases: ["sentry.interfaces.Template"] },
    { name: "threads", ty: { k: "values", item: { k: "struct", def: THREAD } }, skip: "empty" },
    { name: "tags", ty: { k: "pairs", variant: "tags" }, skip: "empty" },
    {
      name: "extra",
      ty: VALUE_MAP,
      bag: { depth: 7, bytes: 262144 },
      itemBag: { depth: 7, bytes: 16384 },
      skip: "empty"
    },
    { name: "debug_meta", ty: { k: "struct", def: DEBUG_META }, skip: "empty" },
    { name: "sdk", ty: { k: "struct", def: CLIENT_SDK }, skip: "empty" },
    { name: "ingest_path", ty: { k: "array", item: VALUE }, bag: MEDIUM_BAG, skip: "empty" },
    {
      name: "errors",
      ty: { k: "array", item: { k: "struct", def: EVENT_PROCESSING_ERROR } },
      skip: "emptyDeep"
    },
    { name: "key_id", ty: STRING },
    { name: "project", ty: U64 },
    { name: "grouping_config", ty: VALUE_MAP },
    { name: "checksum", ty: STRING, maxChars: 128 },
    { name: "csp", ty: VALUE_MAP, aliases: ["sentry.interfaces.Csp"] },
    { name: "hpkp", ty: VALUE_MAP, aliases: ["sentry.interfaces.Hpkp"] },
    { name: "expectct", ty: VALUE_MAP, aliases: ["sentry.interfaces.ExpectCT"] },
    { name: "expectstaple", ty: VALUE_MAP, aliases: ["sentry.interfaces.ExpectStaple"] },
    { name: "spans", ty: { k: "array", item: VALUE }, bag: { bytes: 819200 } },
    { name: "measurements", ty: VALUE_MAP, skip: "empty" },
    { name: "breakdowns", ty: VALUE_MAP, skip: "empty" },
    { name: "scraping_attempts", ty: VALUE },
    { name: "_metrics", ty: VALUE_MAP },
    { name: "_dsc", ty: VALUE },
    { name: "_performance_issues_spans", ty: BOOL, skip: "empty" }
  ],
  "error",
  {
    // Sentry-internal and legacy keys Relay drops without an error, plus the fields Sentry
    // derives after normalization (title, location, metadata), which we recompute.
    silentlyDropped: [
      "metadata",
      "hashes",
      "applecrashreport",
      "device",
      "repos",
      "query",
      "title",
      "location",
      "_meta"
    ]
  }
);
function wrapperDef(fieldName, ty) {
  return struct("Wrapper", [{ name: fieldName, ty }], "retain");
}
export {
  BREADCRUMB,
  CLIENT_SDK,
  CONTEXT_DEFS,
  EVENT,
  EVENT_PROCESSING_ERROR,
  EXCEPTION,
  FRAME,
  GROUPING_CONFIG_ID_MAX,
  LOGENTRY,
  MECHANISM,
  REQUEST,
  STACKTRACE,
  TAG_KEY_CHARS,
  TAG_VALUE_CHARS,
  USER,
  contextBag,
  wrapperDef
};
//# sourceMappingURL=schema.js.map
