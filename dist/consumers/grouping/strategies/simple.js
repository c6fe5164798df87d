// consumers/grouping/strategies/simple.ts
import { GroupingComponent } from "../component.js";
import { normalizeMessageForGrouping } from "../parameterization.js";
function messageStrategy(event) {
  const raw = event.logentry?.message || event.logentry?.formatted || "";
  const normalized = normalizeMessageForGrouping(raw);
  const hint = raw !== normalized ? "stripped event-specific values" : void 0;
  return /* @__PURE__ */ new Map([["default", new GroupingComponent("message", { values: [normalized], hint })]]);
}
function templateStrategy(template) {
  const filename = new GroupingComponent("filename", {
    values: template.filename !== void 0 ? [template.filename] : []
  });
  const contextLine = new GroupingComponent("context_line", {
    values: template.contextLine !== void 0 ? [template.contextLine] : []
  });
  return /* @__PURE__ */ new Map([["default", new GroupingComponent("template", { values: [filename, contextLine] })]]);
}
var LOCAL = "'self'";
var NETLOC_SCHEMES = /* @__PURE__ */ new Set([
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
  "itms-services"
]);
function splitSchemeNetloc(value) {
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
function normalizeBlockedUri(value) {
  const uri = value ?? "";
  if (uri === "" || uri === LOCAL || uri === "self") return LOCAL;
  let scheme;
  let hostname;
  if (!uri.includes(":")) {
    scheme = uri;
    hostname = "";
  } else {
    [scheme, hostname] = splitSchemeNetloc(uri);
    if (scheme === "http" || scheme === "https") return hostname;
  }
  let url = "";
  if (hostname !== "" || scheme !== "" && NETLOC_SCHEMES.has(scheme)) url = `//${hostname}`;
  if (scheme !== "") url = `${scheme}:${url}`;
  return url;
}
function localScriptViolation(csp, blockedUri) {
  if (!csp.violatedDirective || csp.effectiveDirective !== "script-src" || blockedUri !== LOCAL)
    return void 0;
  if (csp.violatedDirective.includes("'unsafe-inline'")) return "unsafe-inline";
  if (csp.violatedDirective.includes("'unsafe-eval'")) return "unsafe-eval";
  return void 0;
}
function cspStrategy(csp) {
  const blockedUri = normalizeBlockedUri(csp.blockedUri);
  const violation = new GroupingComponent("violation");
  const uri = new GroupingComponent("uri");
  const local = localScriptViolation(csp, blockedUri);
  if (local !== void 0) {
    violation.update({ values: [`'${local}'`] });
    uri.update({
      contributes: false,
      hint: "ignored because violation takes precedence",
      values: [blockedUri]
    });
  } else {
    violation.update({ contributes: false, hint: "ignored because it's not a local script violation" });
    uri.update({ values: [blockedUri] });
  }
  const salt = new GroupingComponent("salt", {
    values: [csp.effectiveDirective ?? null],
    hint: "a static salt"
  });
  return /* @__PURE__ */ new Map([["default", new GroupingComponent("csp", { values: [salt, violation, uri] })]]);
}
function hostnameReportStrategy(id, salt, report) {
  return /* @__PURE__ */ new Map([
    [
      "default",
      new GroupingComponent(id, {
        values: [
          new GroupingComponent("salt", { values: [salt], hint: "a static salt" }),
          new GroupingComponent("hostname", { values: [report.hostname ?? null] })
        ]
      })
    ]
  ]);
}
export {
  cspStrategy,
  hostnameReportStrategy,
  messageStrategy,
  normalizeBlockedUri,
  templateStrategy
};
//# sourceMappingURL=simple.js.map
