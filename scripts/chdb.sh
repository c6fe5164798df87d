#!/usr/bin/env bash
# Installs chDB (ClickHouse's engine as a Python library, PyPI `chdb-core`) into a venv
# under the services cache and prints that venv's python. The dev machines and CI run
# Debian's old ClickHouse 18.16; this engine is how the DDL and queries gated for current
# servers get executed at all (tests/integration/storage-current-clickhouse.test.ts).
# Idempotent: a venv that already imports the pinned version is left alone.
set -euo pipefail

CHDB_VERSION="26.9.0"
CACHE_DIR="${INGEST_CACHE_DIR:-${HOME:?neither INGEST_CACHE_DIR nor HOME is set}/.cache/ingest-pipeline}"
VENV="$CACHE_DIR/chdb-venv"
PY="$VENV/bin/python"

die() {
  printf 'chdb.sh: %s\n' "$1" >&2
  exit 1
}

# Quiet check: the pinned version imports and its engine answers a query.
installed() {
  [[ -x "$PY" ]] &&
    "$PY" -c "import chdb, sys; sys.exit(0 if chdb.__version__ == '$CHDB_VERSION' and chdb.query('SELECT 1', 'CSV').bytes().strip() == b'1' else 1)" \
      >/dev/null 2>&1
}

if ! installed; then
  mkdir -p "$CACHE_DIR"
  command -v python3 >/dev/null || die "python3 is not installed (apt-get install python3 python3-venv)"
  [[ -x "$PY" ]] || python3 -m venv "$VENV" || die "cannot create a venv at $VENV (apt-get install python3-venv)"
  # chdb-core ships the `chdb` module itself; the `chdb` wrapper package (DataStore,
  # agents) is not needed for plain SQL and would overwrite the same module files.
  "$PY" -m pip install --disable-pip-version-check --quiet "chdb-core==$CHDB_VERSION" >&2 ||
    die "pip install chdb-core==$CHDB_VERSION failed (PyPI reachable?)"
  installed || die "chdb-core $CHDB_VERSION installed in $VENV but does not import or answer SELECT 1"
fi

echo "$PY"
