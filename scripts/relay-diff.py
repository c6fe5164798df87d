#!/usr/bin/env python3
"""Differential check of our normalizer against Relay's own (the `sentry-relay` PyPI package).

Runs the same events through `sentry_relay.processing.StoreNormalizer` and through
`ingest debug normalize --jsonl` (consumers/normalize), then reports where the outputs differ,
grouped by JSON path. Development aid only: the test suite never needs it.

    python3 -m venv .venv-relay && .venv-relay/bin/pip install sentry-relay
    .venv-relay/bin/python scripts/relay-diff.py --generate 500 --seed 7
    .venv-relay/bin/python scripts/relay-diff.py events.jsonl --show 3

Known, documented differences (consumers/normalize/KNOWN_DIFFERENCES.md) are folded away:
the remarks on the synthetic trace context, and `version` (we write protocol version 7).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import subprocess
import sys

from sentry_relay.processing import StoreNormalizer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RECEIVED_AT = "2024-01-01T00:00:00Z"
RECEIVED_TS = 1704067200

RUNNER = """
import { createDebugNormalizeCommand } from "./cli/commands/debug-normalize.ts";
await createDebugNormalizeCommand().parseAsync(process.argv, { from: "node" });
"""


def ours(events: list[dict], client_ip: str | None) -> list[dict]:
    runner = os.path.join(ROOT, ".relay-diff-runner.mts")
    with open(runner, "w") as f:
        f.write(RUNNER)
    args = ["npx", "tsx", runner, "--jsonl", "--received-at", RECEIVED_AT, "--project-id", "1",
            "--max-secs-in-past", "2592000", "--max-secs-in-future", "60"]
    if client_ip:
        args += ["--client-ip", client_ip]
    args.append("-")
    try:
        proc = subprocess.run(args, cwd=ROOT, input="\n".join(json.dumps(e) for e in events),
                              capture_output=True, text=True, env={**os.environ, "INGEST_NORMALIZE_USER_AGENT": "false"})
    finally:
        os.unlink(runner)
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if len(lines) != len(events):
        sys.exit(f"runner produced {len(lines)} results for {len(events)} events:\n{proc.stderr[-2000:]}")
    return [json.loads(line) for line in lines]


def relay(events: list[dict], client_ip: str | None) -> list[dict]:
    config = dict(project_id=1, received_at=RECEIVED_AT, max_secs_in_past=2592000, max_secs_in_future=60,
                  enable_trimming=True, protocol_version="7")
    if client_ip:
        config["client_ip"] = client_ip
    normalizer = StoreNormalizer(**config)
    out = []
    for event in events:
        try:
            out.append(normalizer.normalize_event(event))
        except Exception as exc:  # Relay's rejections surface as Python exceptions
            out.append({"__rejected__": str(exc).splitlines()[0]})
    return out


def fold_relay(relay_event: dict, ours_event: dict) -> None:
    """Brings Relay 0.10's output in line where KNOWN_DIFFERENCES.md documents a choice.

    - Tags over 200 chars: Relay 0.10 trims them; the spec (and fixture store_too_long_tags)
      null them with `value_too_long`. Relay's trimmed tag is replaced by our form.
    - `_meta.errors`: meta of a soft-deleted struct's children leaks into `errors[].value` meta.
    """
    meta = relay_event.get("_meta", {})
    meta.pop("errors", None)
    tags, our_tags = relay_event.get("tags"), ours_event.get("tags")
    tag_meta = meta.get("tags", {})
    if isinstance(tags, list) and isinstance(our_tags, list) and len(tags) == len(our_tags):
        for i, (pair, ours_pair) in enumerate(zip(tags, our_tags)):
            for j in (0, 1):
                node = tag_meta.get(str(i), {}).get(str(j), {}).get("", {})
                if isinstance(pair, list) and isinstance(ours_pair, list) and ours_pair[j] is None and node.get("rem") == [["!limit", "s", 197, 200]]:
                    pair[j] = None
                    tag_meta[str(i)][str(j)] = {"": {"err": ["value_too_long"]}}
    if isinstance(relay_event.get("errors"), list) and isinstance(ours_event.get("errors"), list):
        for index, error in enumerate(ours_event["errors"]):
            is_tag_error = error.get("type") == "value_too_long" and str(error.get("name", "")).startswith("tags.")
            if is_tag_error and error not in relay_event["errors"]:
                relay_event["errors"].insert(index, error)
    elif isinstance(ours_event.get("errors"), list) and "errors" not in relay_event:
        tag_errors = [e for e in ours_event["errors"] if e.get("type") == "value_too_long" and str(e.get("name", "")).startswith("tags.")]
        if tag_errors and len(tag_errors) == len(ours_event["errors"]):
            relay_event["errors"] = tag_errors
    if not meta and "_meta" in relay_event:
        relay_event.pop("_meta")


def fold_known(ours_event: dict) -> dict:
    """Removes the synthetic trace remarks Relay 0.10 does not write (newer Relay does)."""
    meta = ours_event.get("_meta", {})
    trace = meta.get("contexts", {}).get("trace", {})
    for key, rule in (("trace_id", "trace_id.missing"), ("span_id", "span_id.missing")):
        node = trace.get(key, {}).get("", {})
        if node.get("rem") == [[rule, "s"]] and set(node) == {"rem"}:
            trace.pop(key)
    if "trace" in meta.get("contexts", {}) and not trace:
        meta["contexts"].pop("trace")
        if not meta["contexts"]:
            meta.pop("contexts")
    if "_meta" in ours_event and not ours_event["_meta"]:
        ours_event.pop("_meta")
    return ours_event


def diff(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            diff(a.get(key, "<absent>"), b.get(key, "<absent>"), f"{path}.{key}", out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}.{i}", out)
    elif a != b and not (isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) < 1e-6):
        out.append((path, a, b))


# --- event generator -------------------------------------------------------------------------

PLATFORMS = ["python", "javascript", "java", "cocoa", "native", "node", "csharp", "go", "ruby", "php", "other", "bogus"]
LEVELS = ["error", "warning", "info", "fatal", "debug", "warn", 30, "critical", "log"]


def rand_str(rng: random.Random, n: int | None = None) -> str:
    n = n if n is not None else rng.choice([0, 1, 3, 8, 20, 70, 210, 300])
    alphabet = "abcdefghijklmnopqrstuvwxyz ._-/:%{}\n" + "éü✓"
    return "".join(rng.choice(alphabet) for _ in range(n))


def wrong(rng: random.Random):
    return rng.choice([5, -1, 1.5, True, None, [], {}, [1, "a"], {"a": 1}, "", "x" * 300, 1e100])


def frame(rng: random.Random, platform: str) -> dict:
    f = {}
    if rng.random() < 0.8:
        f["function"] = rng.choice(["main", "handle", "?", "<unknown>", "lambda", rand_str(rng, 12)])
    if rng.random() < 0.6:
        f["filename"] = rng.choice(["app.py", "http://example.com/static/app.js", "https://cdn.x/y.js", "", "/usr/lib/x.so"])
    if rng.random() < 0.4:
        f["abs_path"] = rng.choice(["/srv/app.py", "webpack:///./src/a.js", "app:///main.js", "file:///tmp/a.js", "http://a.com/"])
    if rng.random() < 0.5:
        f["lineno"] = rng.choice([1, 42, 3.5, -1, "7"])
    if rng.random() < 0.3:
        f["module"] = rng.choice(["app.views", "com.example.Foo", ""])
    if rng.random() < 0.5:
        f["in_app"] = rng.choice([True, False, None, "yes"])
    if rng.random() < 0.2:
        f["pre_context"] = [rng.choice(["x", None, ""]) for _ in range(rng.randint(0, 3))]
    if rng.random() < 0.2:
        f["post_context"] = [rng.choice(["y", None]) for _ in range(rng.randint(0, 2))]
    if rng.random() < 0.2:
        f["vars"] = rng.choice([{"a": 1, "b": rand_str(rng, 50)}, ["x", None], {"deep": {"a": {"b": {"c": {"d": {"e": 1}}}}}}])
    if rng.random() < 0.1:
        f["instruction_addr"] = rng.choice(["0x1000", 4096, "zz"])
    if rng.random() < 0.05:
        f[rng.choice(["colno", "symbol", "platform", "context_line"])] = wrong(rng)
    return f


def exception(rng: random.Random, platform: str) -> dict:
    e = {}
    if rng.random() < 0.8:
        e["type"] = rng.choice(["ValueError", "TypeError", "", "java.lang.NullPointerException", rand_str(rng, 10)])
    if rng.random() < 0.9:
        e["value"] = rng.choice(["oops", "Foo: bar baz", "a.B: nope", "", "x" * 9000, {"json": True}, "multi\nline", rand_str(rng)])
    if rng.random() < 0.3:
        e["module"] = "app.errors"
    if rng.random() < 0.7:
        e["stacktrace"] = {"frames": [frame(rng, platform) for _ in range(rng.choice([0, 1, 3, 8, 60]))]}
    if rng.random() < 0.4:
        m = {"type": rng.choice(["generic", "onerror", "", "signalhandler"]), "handled": rng.choice([True, False])}
        if rng.random() < 0.3:
            m["meta"] = {"signal": {"number": 11, "code": 0}, "errno": {"number": 2}, "mach_exception": {"exception": 1, "code": 1, "subcode": 8}}
        if rng.random() < 0.2:
            m["help_link"] = rng.choice(["https://x.com", "javascript:alert(1)"])
        if rng.random() < 0.2:
            m["synthetic"] = True
        e["mechanism"] = m
    return e


def event(rng: random.Random) -> dict:
    platform = rng.choice(PLATFORMS)
    ev: dict = {"event_id": "%032x" % rng.getrandbits(128), "platform": platform}
    if rng.random() < 0.9:
        ev["timestamp"] = rng.choice([RECEIVED_TS - 5, RECEIVED_TS + 3600, RECEIVED_TS - 40 * 86400, "2023-12-31T23:59:00Z",
                                      "2023-12-31T23:59:00.123456", "bogus", 1e13])
    if rng.random() < 0.6:
        ev["level"] = rng.choice(LEVELS)
    if rng.random() < 0.7:
        ev["exception"] = {"values": [exception(rng, platform) for _ in range(rng.choice([1, 1, 2, 3]))]}
    if rng.random() < 0.3:
        ev[rng.choice(["message", "logentry"])] = rng.choice([
            "hello", {"message": "hello %s", "params": ["world"]}, {"message": "x {} y", "params": [1]},
            {"formatted": "f", "message": "m"}, {"params": [1]}, 5, ""])
    if rng.random() < 0.4:
        ev["breadcrumbs"] = [{"timestamp": RECEIVED_TS - i, "message": rand_str(rng, 10), "category": rng.choice(["http", "ui.click"]),
                              "data": {"url": "/x", "n": i}, **({"ty": "http"} if i % 3 == 0 else {})} for i in range(rng.randint(0, 5))]
    if rng.random() < 0.5:
        ev["tags"] = rng.choice([
            {"browser": "Chrome", "environment": "prod", "release": "x", "a b": "c"},
            [["k", "v"], ["k", "w"], ["", "x"], ["y", ""], ["bad/key", "v"], ["site", "old"]],
            [["k" * 250, "v"], ["long", "v" * 250]],
        ])
    if rng.random() < 0.4:
        ev["extra"] = {"a": rand_str(rng, 100), "nested": {"b": [1, 2, {"c": None}]}, "big": "z" * rng.choice([10, 20000])}
    if rng.random() < 0.4:
        ev["user"] = rng.choice([{"id": 42, "email": "a@b.c"}, {"ip_address": "{{auto}}"}, {"username": "u", "custom": 1}, {"ip_address": "nope"}])
    if rng.random() < 0.4:
        ev["request"] = rng.choice([
            {"url": "https://example.com/path?q=1&r=2#frag", "method": "post", "headers": {"Content-Type": "application/json; charset=utf-8", "Cookie": "a=1; b=2"}, "data": '{"k": [1,2]}'},
            {"url": "/relative?x=y", "method": "!!", "data": "a=1&b=2", "env": {"REMOTE_ADDR": "1.2.3.4"}},
            {"url": "http://xn--bcher-kva.example/\u2026", "cookies": {"s": "1"}, "headers": [["x-a", ["1", 2]], ["cookie", "z=9"]]},
        ])
    if rng.random() < 0.4:
        ev["contexts"] = {"os": rng.choice([{"raw_description": "Microsoft Windows 10.0.19041"}, {"name": "Android", "version": "13"}]),
                          "runtime": {"raw_description": ".NET Framework 4.7.3056.0", "build": "461814"},
                          "browser": {"name": "Chrome", "version": "120"}, "custom": {"anything": [1, 2]}, "reprocessing": {"x": 1}}
    for key, choices in (("release", ["1.0.0", " 2.0 ", "latest", "a/b", "", 1.5]), ("environment", ["prod", "", "none", "x" * 70]),
                         ("dist", ["1", " ", "a b", "x" * 70]), ("server_name", ["web-1"]), ("transaction", ["/api", " /x "]),
                         ("fingerprint", [["{{ default }}", "x"], ["a", None, 3], "nope"]), ("logger", ["root", "a" * 80, " j "]),
                         ("culprit", ["c", "x" * 300]), ("sdk", [{"name": "sentry.python", "version": "1.0"}, {"name": "x"}])):
        if rng.random() < 0.25:
            ev[key] = rng.choice(choices)
    if rng.random() < 0.1:
        ev["unknown_attribute"] = wrong(rng)
    if rng.random() < 0.1:
        ev[rng.choice(["level", "platform", "user", "request", "tags", "extra", "contexts", "breadcrumbs", "exception"])] = wrong(rng)
    return ev


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", nargs="?", help="JSONL events (default: generate)")
    parser.add_argument("--generate", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--client-ip", default=None, help="the 0.10 binding ignores client_ip; off by default")
    parser.add_argument("--show", type=int, default=2, help="examples per differing path")
    parser.add_argument("--no-fold", action="store_true", help="also show documented differences")
    args = parser.parse_args()

    if args.file:
        with open(args.file) as f:
            events = [json.loads(line) for line in f if line.strip()]
    else:
        rng = random.Random(args.seed)
        events = [event(rng) for _ in range(args.generate)]

    theirs = relay(events, args.client_ip)
    mine = [fold_known(e) for e in ours(events, args.client_ip)]
    by_path: dict = collections.defaultdict(list)
    identical = 0
    for index, (a, b) in enumerate(zip(theirs, mine)):
        if not args.no_fold:
            fold_relay(a, b)
        found: list = []
        diff(a, b, "$", found)
        identical += not found
        for path, x, y in found:
            generic = ".".join("#" if part.isdigit() else part for part in path.split("."))
            by_path[generic].append((index, x, y))
    print(f"{identical}/{len(events)} events identical")
    for path, cases in sorted(by_path.items(), key=lambda item: -len(item[1])):
        print(f"\n{len(cases):5d}  {path}")
        for index, relay_value, our_value in cases[: args.show]:
            print(f"       #{index} relay={json.dumps(relay_value)[:160]}")
            print(f"       #{index} ours ={json.dumps(our_value)[:160]}")


if __name__ == "__main__":
    main()
