#!/usr/bin/env bash
# A Confluent-compatible schema registry on 127.0.0.1:8081 for tests and local runs:
# rivven-schema (crates.io, Apache-2.0), built once with `cargo install` into the cache and
# run with in-memory storage, so every `up` starts empty and tests register what they use.
# Confluent's own registry is not on Maven Central, Karapace is not on PyPI, and Apicurio's
# app cannot be assembled from Maven Central (a required module is not published there).
#
#   bash scripts/registry.sh up       install if needed, start, wait until it answers
#   bash scripts/registry.sh down     stop the registry this script started
#   bash scripts/registry.sh status   exit 0 when it answers, 1 otherwise
#
# Then: SCHEMA_REGISTRY_URL=http://127.0.0.1:8081
set -euo pipefail

VERSION="0.0.22"
HOST="127.0.0.1"
PORT="${INGEST_REGISTRY_PORT:-8081}"
CACHE_DIR="${INGEST_CACHE_DIR:-$HOME/.cache/ingest-pipeline}"
ROOT="$CACHE_DIR/rivven-schema-$VERSION"
BIN="$ROOT/bin/rivven-schema"
STATE_DIR="$CACHE_DIR/registry"
PID_FILE="$STATE_DIR/registry.pid"
LOG_FILE="$STATE_DIR/registry.log"
URL="http://$HOST:$PORT"

answers() {
  curl -fsS --max-time 2 "$URL/subjects" >/dev/null 2>&1
}

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

install() {
  [[ -x "$BIN" ]] && return 0
  # rustup installs cargo under ~/.cargo/bin, which a non-login shell may not have on PATH.
  [[ -d "$HOME/.cargo/bin" ]] && PATH="$HOME/.cargo/bin:$PATH"
  command -v cargo >/dev/null || { echo "registry: cargo is needed to build rivven-schema" >&2; exit 1; }
  echo "registry: building rivven-schema $VERSION into $ROOT (a few minutes, once)" >&2
  mkdir -p "$ROOT"
  CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}" cargo install rivven-schema --version "$VERSION" --locked \
    --root "$ROOT" >"$STATE_DIR/install.log" 2>&1 || {
    echo "registry: cargo install failed, see $STATE_DIR/install.log" >&2
    exit 1
  }
}

up() {
  mkdir -p "$STATE_DIR"
  if running_pid >/dev/null && answers; then
    echo "registry: already up at $URL"
    return 0
  fi
  if answers; then
    echo "registry: something else answers at $URL; not starting a second one" >&2
    exit 1
  fi
  install
  # setsid: the registry outlives the test run that started it; 9>&-: services.sh calls this
  # script while holding its lock on fd 9, which a long-lived child must not inherit, or
  # every later `services.sh down|restart` waits for the lock until it gives up.
  setsid nohup "$BIN" serve --host "$HOST" --port "$PORT" --compatibility BACKWARD \
    >"$LOG_FILE" 2>&1 </dev/null 9>&- &
  echo $! >"$PID_FILE"
  for _ in $(seq 1 100); do
    if answers; then
      echo "registry: up at $URL (pid $(cat "$PID_FILE"))"
      return 0
    fi
    if ! running_pid >/dev/null; then
      echo "registry: exited during start, see $LOG_FILE" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "registry: no answer from $URL after 10 s, see $LOG_FILE" >&2
  exit 1
}

down() {
  local pid
  if pid="$(running_pid)"; then
    kill "$pid"
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    echo "registry: stopped (pid $pid)"
  else
    echo "registry: not running"
  fi
  rm -f "$PID_FILE"
}

status() {
  if answers; then
    echo "registry: up at $URL"
  else
    echo "registry: down"
    return 1
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
