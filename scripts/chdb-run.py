"""Runs SQL in one stateful chDB session (ClickHouse's engine in-process) and answers JSON.

Usage: PYTHON scripts/chdb-run.py DATA_DIR  (PYTHON from `bash scripts/chdb.sh`)

Reads one JSON request per stdin line, {"statements": ["SQL", ...]}, runs the statements in
order in the same session (databases and tables persist in DATA_DIR between statements and
requests), and writes one JSON line per request:
{"results": [{"ok": true, "rows": [...]} | {"ok": false, "code": N|null, "error": "..."}]}.
Rows are the statement's JSONEachRow output; statements without output give []. An error
does not stop the statements after it: the caller sees every statement's outcome.
The first line written is {"ready": true, "version": "<engine version>"}.

One long-lived process, because loading the engine takes seconds and a session keeps its
server state (the DDL a test applies) only while the process lives.
"""

import json
import re
import sys

import chdb
from chdb import session

CODE = re.compile(r"\bCode: (\d+)")


def run(sess, statement):
    try:
        result = sess.query(statement, "JSONEachRow")
    except chdb.ChdbError as error:
        message = str(error)
        match = CODE.search(message)
        return {"ok": False, "code": int(match.group(1)) if match else None, "error": message}
    text = result.bytes().decode("utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    return {"ok": True, "rows": rows}


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: chdb-run.py DATA_DIR")
    sess = session.Session(sys.argv[1])
    version = sess.query("SELECT version()", "CSV").bytes().decode("utf-8").strip().strip('"')
    print(json.dumps({"ready": True, "version": version}), flush=True)
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            request = json.loads(line)
            results = [run(sess, statement) for statement in request["statements"]]
            print(json.dumps({"results": results}), flush=True)
    finally:
        sess.close()


if __name__ == "__main__":
    main()
