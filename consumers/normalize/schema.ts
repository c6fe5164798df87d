// The event protocol as data: each struct lists its fields in Relay's declaration order (which
// is also the order of `errors[]` and of the serialized JSON), with the attributes that parsing,
// schema constraints and trimming read (`max_chars`, `trim_whitespace`, `nonempty`, `required`,
// character sets, databag budgets). Field types and expectation messages were checked against
// Relay's `sentry-relay` 0.10 bindings.

export type PairVariant = "tags" | "headers" | "cookies" | "query";

export type Ty =
  | { readonly k: "string" }
  | { readonly k: "lenient" }
  | { readonly k: "jsonLenient" }
  | { readonly k: "u64" }
  | { readonly k: "i64" }
  | { readonly k: "f64" }
  | { readonly k: "bool" }
  | { readonly k: "timestamp" }
  | { readonly k: "level" }
  | { readonly k: "ip" }
  | { readonly k: "eventType" }
  | { readonly k: "uuid"; readonly expect: string }
  | { readonly k: "hexId"; readonly expect: string; readonly invalid: string; readonly length: number }
  | { readonly k: "addr"; readonly expect: string }
  | { readonly k: "threadId" }
  | { readonly k: "spanStatus" }
  | { readonly k: "value" }
  | { readonly k: "struct"; readonly def: StructDef }
  | { readonly k: "array"; readonly item: Ty }
  | { readonly k: "object"; readonly item: Ty }
  | { readonly k: "values"; readonly item: Ty }
  | { readonly k: "pairs"; readonly variant: PairVariant }
  | { readonly k: "fingerprint" }
  | { readonly k: "contexts" }
  | { readonly k: "debugImage" }
  | { readonly k: "frameVars" };

/** A databag budget: `max_depth` levels below the field, `max_bytes` of flat JSON size. */
export interface Bag {
  readonly depth?: number;
  readonly bytes?: number;
}

export type Skip = "null" | "empty" | "emptyDeep";

export interface Field {
  readonly name: string;
  readonly ty: Ty;
  readonly aliases?: readonly string[];
  readonly maxChars?: number;
  readonly allowance?: number;
  readonly trim?: boolean;
  readonly nonempty?: boolean;
  readonly required?: boolean;
  /** Returns the first offending character, if any. */
  readonly badChar?: (value: string) => string | undefined;
  readonly skip?: Skip;
  readonly bag?: Bag;
  /** Budget of each item of an `object` field (Relay's `ExtraValue`). */
  readonly itemBag?: Bag;
}

/**
 * What happens to keys the struct does not declare: dropped (Relay's remove_other), retained
 * (contexts), replaced by `invalid_attribute` errors (event top level, breadcrumbs), or merged
 * into `user.data`.
 */
export type OtherMode = "drop" | "retain" | "error" | "userData";

export interface StructDef {
  readonly name: string;
  readonly expect: string;
  readonly fields: readonly Field[];
  readonly other: OtherMode;
  /** Field name or alias to its index in `fields`. */
  readonly lookup: ReadonlyMap<string, number>;
  readonly requiredIndexes: readonly number[];
  /** Keys dropped silently even where unknown keys are errors. */
  readonly silentlyDropped?: ReadonlySet<string>;
  /** Context tag written as `type` after the fields. */
  readonly contextType?: string;
}

/**
 * Every field and type object gets the same property layout, so the hot loops that read them
 * see one object shape (monomorphic property access) instead of a dozen.
 */
const canonicalTypes = new WeakMap<Ty, Ty>();

function canonicalTy(ty: Ty): Ty {
  const known = canonicalTypes.get(ty);
  if (known !== undefined) return known;
  const source = ty as Partial<Record<string, unknown>>;
  const item = source.item as Ty | undefined;
  const out = {
    k: ty.k,
    def: source.def,
    item: item === undefined ? undefined : canonicalTy(item),
    variant: source.variant,
    expect: source.expect,
    invalid: source.invalid,
    length: source.length,
  } as unknown as Ty;
  canonicalTypes.set(ty, out);
  canonicalTypes.set(out, out);
  return out;
}

function canonicalField(field: Field): Field {
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
    itemBag: field.itemBag,
  };
}

function struct(
  name: string,
  inputFields: readonly Field[],
  other: OtherMode,
  extra: { expect?: string; silentlyDropped?: readonly string[]; contextType?: string } = {},
): StructDef {
  const fields = inputFields.map(canonicalField);
  const lookup = new Map<string, number>();
  const requiredIndexes: number[] = [];
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
    silentlyDropped: extra.silentlyDropped ? new Set(extra.silentlyDropped) : undefined,
    contextType: extra.contextType,
  };
}

// --- scalar types -------------------------------------------------------------------------

const STRING: Ty = { k: "string" };
const LENIENT: Ty = { k: "lenient" };
const JSON_LENIENT: Ty = { k: "jsonLenient" };
const U64: Ty = { k: "u64" };
const I64: Ty = { k: "i64" };
const F64: Ty = { k: "f64" };
const BOOL: Ty = { k: "bool" };
const TIMESTAMP: Ty = { k: "timestamp" };
const LEVEL: Ty = { k: "level" };
const IP: Ty = { k: "ip" };
const VALUE: Ty = { k: "value" };
const EVENT_ID: Ty = { k: "uuid", expect: "event id" };
const UUID: Ty = { k: "uuid", expect: "a uuid" };
const ADDR: Ty = { k: "addr", expect: "address" };
const THREAD_ID: Ty = { k: "threadId" };
const TRACE_ID: Ty = { k: "hexId", expect: "trace id", invalid: "not a valid trace id", length: 32 };
const SPAN_ID: Ty = { k: "hexId", expect: "span id", invalid: "not a valid span id", length: 16 };
const STRINGS: Ty = { k: "array", item: STRING };
const VALUE_MAP: Ty = { k: "object", item: VALUE };

// Relay's named `max_chars` classes: limit and allowance.
const SYMBOL = { maxChars: 256, allowance: 20 } as const;
const PATH = { maxChars: 256, allowance: 40 } as const;
const ENUMLIKE = { maxChars: 128, allowance: 0 } as const;
const MESSAGE = { maxChars: 8192, allowance: 200 } as const;

// Relay's databag classes (`bag_size`) and explicit `max_depth`/`max_bytes`.
const SMALL_BAG: Bag = { depth: 3, bytes: 1024 };
const MEDIUM_BAG: Bag = { depth: 5, bytes: 2048 };
const LARGE_BAG: Bag = { depth: 7, bytes: 8192 };
const CONTEXT_BAG: Bag = { depth: 7, bytes: 8192 };

function allowChars(test: (code: number) => boolean): (value: string) => string | undefined {
  return (value) => {
    for (let i = 0; i < value.length; i++) {
      if (!test(value.charCodeAt(i))) return String.fromCodePoint(value.codePointAt(i) ?? 0);
    }
    return undefined;
  };
}

/**
 * `chars` are ASCII, so the first offender by UTF-16 unit is the first by code point; the
 * engine's `indexOf` finds it much faster than a loop over the value.
 */
function denyChars(chars: string): (value: string) => string | undefined {
  const list = [...chars];
  if (list.some((char) => char.charCodeAt(0) > 0x7f))
    throw new Error("denyChars takes ASCII characters only");
  return (value) => {
    let first = -1;
    for (const char of list) {
      const at = value.indexOf(char);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    }
    return first < 0 ? undefined : value[first];
  };
}

const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** Tag keys: `a-zA-Z0-9_.:-`. */
export const TAG_KEY_CHARS = allowChars((c) => isAlnum(c) || c === 95 || c === 46 || c === 58 || c === 45);
/** Tag values must not contain a newline. */
export const TAG_VALUE_CHARS = denyChars("\n");
const DIST_CHARS = allowChars((c) => isAlnum(c) || c === 95 || c === 46 || c === 45);

// --- leaf structs ---------------------------------------------------------------------------

const GEO = struct(
  "Geo",
  [
    { name: "country_code", ty: STRING, maxChars: 102, allowance: 1004 },
    { name: "city", ty: STRING, maxChars: 1024, allowance: 100 },
    { name: "subdivision", ty: STRING, maxChars: 1024, allowance: 100 },
    { name: "region", ty: STRING, maxChars: 1024, allowance: 100 },
  ],
  "drop",
);

export const USER = struct(
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
    { name: "data", ty: VALUE_MAP, skip: "empty" },
  ],
  "userData",
);

export const REQUEST = struct(
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
    { name: "api_target", ty: STRING },
  ],
  "drop",
);

export const LOGENTRY = struct(
  "LogEntry",
  [
    { name: "message", ty: STRING, ...MESSAGE },
    { name: "formatted", ty: STRING, ...MESSAGE },
    { name: "params", ty: VALUE, bag: MEDIUM_BAG },
  ],
  "drop",
);

export const BREADCRUMB = struct(
  "Breadcrumb",
  [
    { name: "timestamp", ty: TIMESTAMP },
    { name: "type", ty: STRING, aliases: ["ty"], maxChars: 128 },
    { name: "category", ty: STRING, maxChars: 128 },
    { name: "level", ty: LEVEL },
    { name: "message", ty: STRING, ...MESSAGE },
    { name: "data", ty: VALUE_MAP, bag: MEDIUM_BAG, skip: "empty" },
    { name: "event_id", ty: EVENT_ID },
  ],
  "error",
);

const FRAME_DATA = struct(
  "FrameData",
  [
    { name: "sourcemap", ty: STRING, ...PATH },
    { name: "orig_function", ty: STRING, ...SYMBOL },
    { name: "orig_filename", ty: STRING, ...PATH },
    { name: "orig_lineno", ty: U64 },
    { name: "orig_colno", ty: U64 },
    { name: "orig_in_app", ty: I64 },
  ],
  "drop",
);

const LOCK_REASON = struct(
  "LockReason",
  [
    { name: "type", ty: U64 },
    { name: "address", ty: STRING },
    { name: "package_name", ty: STRING },
    { name: "class_name", ty: STRING },
    { name: "thread_id", ty: THREAD_ID },
  ],
  "drop",
);

export const FRAME = struct(
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
    { name: "sample_count", ty: U64 },
  ],
  "drop",
);

export const STACKTRACE = struct(
  "Stacktrace",
  [
    {
      name: "frames",
      ty: { k: "array", item: { k: "struct", def: FRAME } },
      required: true,
      nonempty: true,
      skip: "empty",
    },
    { name: "registers", ty: { k: "object", item: { k: "addr", expect: "register value" } } },
    { name: "instruction_addr_adjustment", ty: STRING },
    { name: "lang", ty: STRING, ...ENUMLIKE },
    { name: "snapshot", ty: BOOL },
  ],
  "drop",
);

const C_ERROR = struct(
  "CError",
  [
    { name: "number", ty: I64 },
    { name: "name", ty: STRING },
  ],
  "drop",
);
const POSIX_SIGNAL = struct(
  "PosixSignal",
  [
    { name: "number", ty: I64 },
    { name: "code", ty: I64 },
    { name: "name", ty: STRING },
    { name: "code_name", ty: STRING },
  ],
  "drop",
);
const MACH_EXCEPTION = struct(
  "MachException",
  [
    { name: "exception", ty: I64 },
    { name: "code", ty: U64 },
    { name: "subcode", ty: U64 },
    { name: "name", ty: STRING },
  ],
  "drop",
);
const NS_ERROR = struct(
  "NsError",
  [
    { name: "code", ty: I64 },
    { name: "domain", ty: STRING },
  ],
  "drop",
);
const MECHANISM_META = struct(
  "MechanismMeta",
  [
    { name: "errno", ty: { k: "struct", def: C_ERROR } },
    { name: "signal", ty: { k: "struct", def: POSIX_SIGNAL } },
    { name: "mach_exception", ty: { k: "struct", def: MACH_EXCEPTION } },
    { name: "ns_error", ty: { k: "struct", def: NS_ERROR } },
  ],
  "drop",
);

export const MECHANISM = struct(
  "Mechanism",
  [
    { name: "type", ty: STRING, required: true, nonempty: true, ...ENUMLIKE },
    { name: "synthetic", ty: BOOL },
    { name: "description", ty: STRING, ...MESSAGE },
    { name: "help_link", ty: STRING, nonempty: true, ...PATH },
    { name: "handled", ty: BOOL },
    { name: "source", ty: STRING, nonempty: true, ...ENUMLIKE, badChar: denyChars(" \t\r\n") },
    { name: "is_exception_group", ty: BOOL },
    { name: "exception_id", ty: U64 },
    { name: "parent_id", ty: U64 },
    { name: "data", ty: VALUE_MAP, bag: MEDIUM_BAG, skip: "empty" },
    { name: "meta", ty: { k: "struct", def: MECHANISM_META }, skip: "empty" },
  ],
  "drop",
  { expect: "exception mechanism" },
);

export const EXCEPTION = struct(
  "Exception",
  [
    { name: "type", ty: STRING, maxChars: 256, allowance: 20 },
    { name: "value", ty: JSON_LENIENT, ...MESSAGE },
    { name: "module", ty: STRING, maxChars: 256, allowance: 20 },
    {
      name: "stacktrace",
      ty: { k: "struct", def: STACKTRACE },
      aliases: ["sentry.interfaces.Stacktrace"],
      skip: "empty",
    },
    { name: "raw_stacktrace", ty: { k: "struct", def: STACKTRACE }, skip: "empty" },
    { name: "thread_id", ty: THREAD_ID, maxChars: 128 },
    { name: "mechanism", ty: { k: "struct", def: MECHANISM } },
  ],
  "drop",
);

const THREAD = struct(
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
    { name: "held_locks", ty: { k: "object", item: { k: "struct", def: LOCK_REASON } }, skip: "empty" },
  ],
  "drop",
);

const SYSTEM_SDK_INFO = struct(
  "SystemSdkInfo",
  [
    { name: "sdk_name", ty: STRING },
    { name: "version_major", ty: U64 },
    { name: "version_minor", ty: U64 },
    { name: "version_patchlevel", ty: U64 },
    { name: "build", ty: STRING },
  ],
  "drop",
);

const DEBUG_META = struct(
  "DebugMeta",
  [
    { name: "sdk_info", ty: { k: "struct", def: SYSTEM_SDK_INFO }, skip: "empty" },
    { name: "images", ty: { k: "array", item: { k: "debugImage" } }, skip: "empty" },
  ],
  "drop",
);

const SDK_PACKAGE = struct(
  "ClientSdkPackage",
  [
    { name: "name", ty: STRING },
    { name: "version", ty: STRING },
  ],
  "drop",
);

const SDK_SETTINGS = struct("ClientSdkSettings", [{ name: "infer_ip", ty: STRING }], "drop");

export const CLIENT_SDK = struct(
  "ClientSdkInfo",
  [
    { name: "name", ty: STRING, required: true, maxChars: 256, allowance: 20 },
    { name: "version", ty: STRING, required: true, maxChars: 256, allowance: 20 },
    { name: "integrations", ty: STRINGS, skip: "emptyDeep" },
    { name: "features", ty: STRINGS, skip: "emptyDeep" },
    { name: "packages", ty: { k: "array", item: { k: "struct", def: SDK_PACKAGE } }, skip: "emptyDeep" },
    { name: "client_ip", ty: IP, skip: "empty" },
    { name: "settings", ty: { k: "struct", def: SDK_SETTINGS }, skip: "empty" },
  ],
  "drop",
);

const TEMPLATE = struct(
  "TemplateInfo",
  [
    { name: "filename", ty: STRING, ...PATH },
    { name: "abs_path", ty: STRING, ...PATH },
    { name: "lineno", ty: U64 },
    { name: "colno", ty: U64 },
    { name: "pre_context", ty: STRINGS },
    { name: "context_line", ty: STRING },
    { name: "post_context", ty: STRINGS },
  ],
  "drop",
);

export const EVENT_PROCESSING_ERROR = struct(
  "EventProcessingError",
  [
    { name: "type", ty: STRING, required: true },
    { name: "name", ty: STRING },
    { name: "value", ty: VALUE },
  ],
  // Relay drops the data keys of client-sent errors; we keep them so that a normalized event
  // fed back in keeps its own `errors` entries unchanged (idempotency).
  "retain",
);

// --- contexts -------------------------------------------------------------------------------

function context(type: string, fields: readonly Field[]): StructDef {
  return struct(`${type}context`, fields, "retain", { contextType: type, expect: "an object" });
}

const s = (name: string): Field => ({ name, ty: STRING });
const u = (name: string): Field => ({ name, ty: U64 });
const b = (name: string): Field => ({ name, ty: BOOL });

const LINUX_DISTRIBUTION = struct(
  "LinuxDistribution",
  [
    s("name"),
    { name: "version", ty: STRING, skip: "empty" },
    { name: "pretty_name", ty: STRING, skip: "empty" },
  ],
  "retain",
);

export const CONTEXT_DEFS: ReadonlyMap<string, StructDef> = new Map([
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
      { name: "uuid", ty: UUID },
    ]),
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
      s("raw_description"),
    ]),
  ],
  [
    "runtime",
    context("runtime", [
      s("runtime"),
      s("name"),
      s("version"),
      { name: "build", ty: LENIENT },
      s("raw_description"),
    ]),
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
      { name: "view_names", ty: STRINGS },
    ]),
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
      b("supports_geometry_shaders"),
    ]),
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
      { name: "links", ty: { k: "array", item: VALUE } },
    ]),
  ],
  [
    "response",
    context("response", [
      { name: "cookies", ty: { k: "pairs", variant: "cookies" } },
      { name: "headers", ty: { k: "pairs", variant: "headers" } },
      u("status_code"),
      u("body_size"),
      { name: "data", ty: VALUE },
      s("inferred_content_type"),
    ]),
  ],
  [
    "culture",
    context("culture", [
      s("calendar"),
      s("display_name"),
      s("locale"),
      b("is_24_hour_format"),
      s("timezone"),
    ]),
  ],
  [
    "profile",
    context("profile", [
      { name: "profile_id", ty: EVENT_ID },
      { name: "profiler_id", ty: EVENT_ID },
    ]),
  ],
  ["replay", context("replay", [{ name: "replay_id", ty: EVENT_ID }])],
]);

/** Bag of every context (`ContextInner` max_depth 7, each variant max_bytes 8192). */
export function contextBag(type: string): Bag {
  return type === "flags" ? { depth: 7, bytes: 132_072 } : CONTEXT_BAG;
}

// --- the event ------------------------------------------------------------------------------

const GROUPING_CONFIG_ID_MAX = 128;

export const EVENT = struct(
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
      skip: "empty",
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
      skip: "empty",
    },
    { name: "contexts", ty: { k: "contexts" }, aliases: ["sentry.interfaces.Contexts"] },
    {
      name: "breadcrumbs",
      ty: { k: "values", item: { k: "struct", def: BREADCRUMB } },
      aliases: ["sentry.interfaces.Breadcrumbs"],
      skip: "empty",
    },
    {
      name: "exception",
      ty: { k: "values", item: { k: "struct", def: EXCEPTION } },
      aliases: ["sentry.interfaces.Exception"],
      skip: "empty",
    },
    {
      name: "stacktrace",
      ty: { k: "struct", def: STACKTRACE },
      aliases: ["sentry.interfaces.Stacktrace"],
      skip: "empty",
    },
    { name: "template", ty: { k: "struct", def: TEMPLATE }, aliases: ["sentry.interfaces.Template"] },
    { name: "threads", ty: { k: "values", item: { k: "struct", def: THREAD } }, skip: "empty" },
    { name: "tags", ty: { k: "pairs", variant: "tags" }, skip: "empty" },
    {
      name: "extra",
      ty: VALUE_MAP,
      bag: { depth: 7, bytes: 262_144 },
      itemBag: { depth: 7, bytes: 16_384 },
      skip: "empty",
    },
    { name: "debug_meta", ty: { k: "struct", def: DEBUG_META }, skip: "empty" },
    { name: "sdk", ty: { k: "struct", def: CLIENT_SDK }, skip: "empty" },
    { name: "ingest_path", ty: { k: "array", item: VALUE }, bag: MEDIUM_BAG, skip: "empty" },
    {
      name: "errors",
      ty: { k: "array", item: { k: "struct", def: EVENT_PROCESSING_ERROR } },
      skip: "emptyDeep",
    },
    { name: "key_id", ty: STRING },
    { name: "project", ty: U64 },
    { name: "grouping_config", ty: VALUE_MAP },
    { name: "checksum", ty: STRING, maxChars: 128 },
    { name: "csp", ty: VALUE_MAP, aliases: ["sentry.interfaces.Csp"] },
    { name: "hpkp", ty: VALUE_MAP, aliases: ["sentry.interfaces.Hpkp"] },
    { name: "expectct", ty: VALUE_MAP, aliases: ["sentry.interfaces.ExpectCT"] },
    { name: "expectstaple", ty: VALUE_MAP, aliases: ["sentry.interfaces.ExpectStaple"] },
    { name: "spans", ty: { k: "array", item: VALUE }, bag: { bytes: 819_200 } },
    { name: "measurements", ty: VALUE_MAP, skip: "empty" },
    { name: "breakdowns", ty: VALUE_MAP, skip: "empty" },
    { name: "scraping_attempts", ty: VALUE },
    { name: "_metrics", ty: VALUE_MAP },
    { name: "_dsc", ty: VALUE },
    { name: "_performance_issues_spans", ty: BOOL, skip: "empty" },
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
      "_meta",
    ],
  },
);

export { GROUPING_CONFIG_ID_MAX };

/** A one-field helper struct to parse a bare value of type `ty` (unit tests, parse vectors). */
export function wrapperDef(fieldName: string, ty: Ty): StructDef {
  return struct("Wrapper", [{ name: fieldName, ty }], "retain");
}
