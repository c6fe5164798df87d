import { GroupingComponent } from "../component.ts";
import type { CspReport, GroupingEvent } from "../event-view.ts";
import { normalizeMessageForGrouping } from "../parameterization.ts";
import type { ComponentsByVariant } from "./context.ts";

// The strategies that only produce the `default` variant: `message:v1`, `template:v1` and
// the browser security reports (`csp:v1`, `hpkp:v1`, `expect-ct:v1`, `expect-staple:v1`).

export function messageStrategy(event: GroupingEvent): ComponentsByVariant {
  const raw = event.logentry?.message || event.logentry?.formatted || "";
  const normalized = normalizeMessageForGrouping(raw);
  const hint = raw !== normalized ? "stripped event-specific values" : undefined;
  return new Map([["default", new GroupingComponent("message", { values: [normalized], hint })]]);
}

export function templateStrategy(template: NonNullable<GroupingEvent["template"]>): ComponentsByVariant {
  const filename = new GroupingComponent("filename", {
    values: template.filename !== undefined ? [template.filename] : [],
  });
  const contextLine = new GroupingComponent("context_line", {
    values: template.contextLine !== undefined ? [template.contextLine] : [],
  });
  return new Map([["default", new GroupingComponent("template", { values: [filename, contextLine] })]]);
}

const LOCAL = "'self'";
const NETLOC_SCHEMES = new Set([
  "",
  "ftp",
  "http",
  "gopher",
  "nntp",
  "telnet",
  "imap",
  "wais",
  "file",
  "mms",
  "https",
  "shttp",
  "snews",
  "prospero",
  "rtsp",
  "rtsps",
  "rtspu",
  "rsync",
  "svn",
  "svn+ssh",
  "sftp",
  "nfs",
  "git",
  "git+ssh",
  "ws",
  "wss",
  "itms-services",
]);

/** Python's urlsplit() scheme and netloc. */
function splitSchemeNetloc(value: string): [string, string] {
  let scheme = "";
  let rest = value;
  const colon = value.indexOf(":");
  if (colon > 0 && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(value.slice(0, colon))) {
    scheme = value.slice(0, colon).toLowerCase();
    rest = value.slice(colon + 1);
  }
  let netloc = "";
  if (rest.startsWith("//")) {
    const after = rest.slice(2);
    const end = after.search(/[/?#]/);
    netloc = end === -1 ? after : after.slice(0, end);
  }
  return [scheme, netloc];
}

/** Sentry's `Csp._normalize_uri`: `'self'`, a bare scheme, a host for http(s), else scheme://host. */
export function normalizeBlockedUri(value: string | undefined): string {
  const uri = value ?? "";
  if (uri === "" || uri === LOCAL || uri === "self") return LOCAL;
  let scheme: string;
  let hostname: string;
  if (!uri.includes(":")) {
    scheme = uri;
    hostname = "";
  } else {
    [scheme, hostname] = splitSchemeNetloc(uri);
    if (scheme === "http" || scheme === "https") return hostname;
  }
  // urlunsplit((scheme, hostname, "", None, None))
  let url = "";
  if (hostname !== "" || (scheme !== "" && NETLOC_SCHEMES.has(scheme))) url = `//${hostname}`;
  if (scheme !== "") url = `${scheme}:${url}`;
  return url;
}

function localScriptViolation(csp: CspReport, blockedUri: string): string | undefined {
  if (!csp.violatedDirective || csp.effectiveDirective !== "script-src" || blockedUri !== LOCAL)
    return undefined;
  if (csp.violatedDirective.includes("'unsafe-inline'")) return "unsafe-inline";
  if (csp.violatedDirective.includes("'unsafe-eval'")) return "unsafe-eval";
  return undefined;
}

export function cspStrategy(csp: CspReport): ComponentsByVariant {
  const blockedUri = normalizeBlockedUri(csp.blockedUri);
  const violation = new GroupingComponent("violation");
  const uri = new GroupingComponent("uri");
  const local = localScriptViolation(csp, blockedUri);
  if (local !== undefined) {
    violation.update({ values: [`'${local}'`] });
    uri.update({
      contributes: false,
      hint: "ignored because violation takes precedence",
      values: [blockedUri],
    });
  } else {
    violation.update({ contributes: false, hint: "ignored because it's not a local script violation" });
    uri.update({ values: [blockedUri] });
  }
  const salt = new GroupingComponent("salt", {
    values: [csp.effectiveDirective ?? null],
    hint: "a static salt",
  });
  return new Map([["default", new GroupingComponent("csp", { values: [salt, violation, uri] })]]);
}

export function hostnameReportStrategy(
  id: "hpkp" | "expect_ct" | "expect_staple",
  salt: string,
  report: { readonly hostname: string | undefined },
): ComponentsByVariant {
  return new Map([
    [
      "default",
      new GroupingComponent(id, {
        values: [
          new GroupingComponent("salt", { values: [salt], hint: "a static salt" }),
          new GroupingComponent("hostname", { values: [report.hostname ?? null] }),
        ],
      }),
    ],
  ]);
}
