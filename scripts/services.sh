#!/usr/bin/env bash
# Real Kafka, ClickHouse and Redis for `ingest` and the integration tests, listening on
# 127.0.0.1 only, with every byte of state in a cache folder outside the git tree.
#
#   scripts/services.sh up      [kafka|clickhouse|redis ...]   start (no-op when running)
#   scripts/services.sh down    [kafka|clickhouse|redis ...]   stop
#   scripts/services.sh restart [kafka|clickhouse|redis ...]
#   scripts/services.sh status  [kafka|clickhouse|redis ...]   version, port, pid (exit 3 if one is down)
#   scripts/services.sh logs    [kafka|clickhouse|redis ...] [-f] [-n LINES]
#
# No service name means all three. Kafka comes as jars from Maven Central (resolved by the
# machine's Maven), ClickHouse and Redis from Debian's packages (installed with apt-get
# when missing). See docs/services.md for the why of each choice.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${INGEST_CACHE_DIR:-${HOME:?neither INGEST_CACHE_DIR nor HOME is set}/.cache/ingest-pipeline}"
# 4.x because that is what production runs; kafkajs 2.2.4 negotiates versions every
# Kafka 4 broker still serves (checked with create/produce/group consume/commit/admin).
KAFKA_VERSION="${INGEST_KAFKA_VERSION:-4.4.0}"
# Ports move only to run a second, throwaway stack next to the usual one (with its own
# INGEST_CACHE_DIR), e.g. for fault tests that restart servers other runs are using; the
# pipeline then needs INGEST_KAFKA_BROKERS, INGEST_CLICKHOUSE_URL and INGEST_REDIS_URL to match.
KAFKA_PORT="${INGEST_SERVICES_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${INGEST_SERVICES_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP="${INGEST_KAFKA_HEAP:-1g}"
CLICKHOUSE_HTTP_PORT="${INGEST_SERVICES_CLICKHOUSE_HTTP_PORT:-8123}"
CLICKHOUSE_TCP_PORT="${INGEST_SERVICES_CLICKHOUSE_TCP_PORT:-9000}"
REDIS_PORT="${INGEST_SERVICES_REDIS_PORT:-6379}"
WAIT_SECONDS="${INGEST_SERVICES_WAIT_SECONDS:-120}"
STOP_SECONDS=60
ALL_SERVICES=(kafka clickhouse redis)
APT_UPDATED=0
MAVEN_DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.6.1"
# Kafka's poms name slf4j 1.7 and no logging backend; the binary distribution ships
# slf4j 2 with log4j2, so the same pair is pinned here to get a readable server log.
SLF4J_VERSION=2.0.17
LOG4J_VERSION=2.25.5

KAFKA_HOME="$CACHE_DIR/kafka"
KAFKA_LIB="$KAFKA_HOME/dist/$KAFKA_VERSION/lib"
# Formatted log dirs are not forward compatible (a broker must be at least the version
# that formatted them), so each version gets its own.
KAFKA_DATA="$KAFKA_HOME/data-$KAFKA_VERSION"
KAFKA_CONFIG="$KAFKA_HOME/server.properties"
KAFKA_LOG4J="$KAFKA_HOME/log4j2.properties"
KAFKA_PIDFILE="$KAFKA_HOME/kafka.pid"
KAFKA_LOG="$KAFKA_HOME/logs/kafka.log"

CH_HOME="$CACHE_DIR/clickhouse"
CH_CONFIG="$CH_HOME/config.xml"
CH_PIDFILE="$CH_HOME/clickhouse.pid"
CH_LOG="$CH_HOME/logs/clickhouse-server.log"
CH_ERR_LOG="$CH_HOME/logs/clickhouse-server.err.log"
CH_STDOUT="$CH_HOME/logs/stdout.log"

REDIS_HOME="$CACHE_DIR/redis"
REDIS_PIDFILE="$REDIS_HOME/redis.pid"
REDIS_LOG="$REDIS_HOME/redis.log"

log() { printf '[services] %s\n' "$*" >&2; }
die() {
  printf '[services] ERROR: %s\n' "$*" >&2
  exit 1
}

usage() {
  sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# --- process and port helpers ---------------------------------------------------------

# A pidfile alone can outlive its process and its pid can be reused, so a service counts
# as running only when the pid is alive AND its command line still names that service.
pid_alive() {
  local pidfile=$1 pattern=$2 pid
  [[ -s "$pidfile" ]] || return 1
  pid=$(<"$pidfile")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pattern"
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

port_owner() {
  ss -ltnpH "sport = :$1" 2>/dev/null | head -n 3
}

show_log_tail() {
  local file
  for file in "$@"; do
    [[ -s "$file" ]] || continue
    printf '[services] ---- last lines of %s ----\n' "$file" >&2
    tail -n 40 "$file" >&2
  done
}

# Bounded wait: polls CHECK until it passes, the process dies or the time runs out. On
# failure the server's own log says why, so its tail is printed.
wait_ready() {
  local name=$1 pidfile=$2 check=$3
  shift 3
  local deadline=$((SECONDS + WAIT_SECONDS)) pid
  pid=$(<"$pidfile")
  until "$check"; do
    # kill -0 only: right after the fork the child still shows the parent's command line.
    if ! kill -0 "$pid" 2>/dev/null; then
      show_log_tail "$@"
      die "$name exited during startup (logs above; full logs: scripts/services.sh logs $name)"
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail "$@"
      die "$name did not answer within ${WAIT_SECONDS}s (INGEST_SERVICES_WAIT_SECONDS raises the limit)"
    fi
    sleep 0.5
  done
}

stop_pidfile() {
  local name=$1 pidfile=$2 pattern=$3 pid deadline
  if ! pid_alive "$pidfile" "$pattern"; then
    rm -f "$pidfile"
    log "$name is not running"
    return 0
  fi
  pid=$(<"$pidfile")
  kill -TERM "$pid"
  deadline=$((SECONDS + STOP_SECONDS))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "$name (pid $pid) ignored SIGTERM for ${STOP_SECONDS}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.3
  done
  rm -f "$pidfile"
  log "$name stopped (pid $pid)"
}

refuse_foreign_port() {
  local name=$1 port=$2
  if port_open "$port"; then
    die "port $port is taken by a process this script did not start, so $name cannot use it:
$(port_owner "$port")
Stop that process (e.g. a system-wide $name started by its Debian package) and run again."
  fi
}

# --- installation -----------------------------------------------------------------------

# Installs Debian packages for the commands that are missing. Arguments: command:package.
ensure_commands() {
  local pair missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  ((${#missing[@]} == 0)) && return 0
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    die "missing programs; install these packages (Debian/Ubuntu: apt-get install -y ${missing[*]}) and run again"
  fi
  log "installing ${missing[*]} with apt-get"
  local policy=/usr/sbin/policy-rc.d created_policy=0
  # Debian's postinst scripts would start system-wide servers on our ports; a policy-rc.d
  # that says "no" keeps them from starting (containers usually have one already).
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=1
  fi
  local rc=0
  {
    if ((!APT_UPDATED)); then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq && APT_UPDATED=1
    fi &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  } >>"$CACHE_DIR/apt.log" 2>&1 || rc=$?
  ((created_policy)) && rm -f "$policy"
  if ((rc != 0)); then
    show_log_tail "$CACHE_DIR/apt.log"
    die "apt-get install ${missing[*]} failed"
  fi
}

java_major() {
  java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

kafka_install() {
  [[ -f "$KAFKA_LIB/.complete" ]] && return 0
  ensure_commands java:openjdk-17-jre-headless mvn:maven
  local major
  major=$(java_major)
  [[ -n "$major" && "$major" -ge 17 ]] || die "Kafka 4 needs Java 17 or newer; java here is version '${major:-unknown}'"
  mkdir -p "$KAFKA_HOME/dist"
  local work
  work=$(mktemp -d "$KAFKA_HOME/dist/.resolve-$KAFKA_VERSION.XXXXXX")
  cat >"$work/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/services.sh: only used to let Maven resolve the broker's jars. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.ingest-pipeline</groupId>
  <artifactId>kafka-broker-runtime</artifactId>
  <version>$KAFKA_VERSION</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>$SLF4J_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-api</artifactId><version>$LOG4J_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>$LOG4J_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>$LOG4J_VERSION</version></dependency>
  </dependencies>
</project>
EOF
  log "resolving org.apache.kafka:kafka_2.13:$KAFKA_VERSION and its runtime jars with Maven"
  if ! mvn -B -q -f "$work/pom.xml" -Dmaven.repo.local="$CACHE_DIR/maven-repo" \
    "$MAVEN_DEPENDENCY_PLUGIN:copy-dependencies" -DincludeScope=runtime \
    -DoutputDirectory="$work/lib" >"$work/mvn.log" 2>&1; then
    show_log_tail "$work/mvn.log"
    die "Maven could not resolve Kafka $KAFKA_VERSION (pom and log kept in $work)"
  fi
  [[ -f "$work/lib/kafka_2.13-$KAFKA_VERSION.jar" ]] || die "Maven finished but kafka_2.13-$KAFKA_VERSION.jar is missing in $work/lib"
  rm -rf "$KAFKA_LIB"
  mkdir -p "$(dirname "$KAFKA_LIB")"
  cp "$work/pom.xml" "$(dirname "$KAFKA_LIB")/pom.xml"
  mv "$work/lib" "$KAFKA_LIB"
  touch "$KAFKA_LIB/.complete"
  rm -rf "$work"
}

# --- Kafka --------------------------------------------------------------------------------

kafka_write_config() {
  mkdir -p "$KAFKA_HOME/logs" "$KAFKA_DATA"
  cat >"$KAFKA_CONFIG" <<EOF
# Generated by scripts/services.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DATA
# Topics come from topology.yaml (ingest topology apply) or the tests, never by accident.
auto.create.topics.enable=false
delete.topic.enable=true
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests join and leave groups all the time; the 3 s production delay only slows them.
group.initial.rebalance.delay.ms=0
num.io.threads=4
num.network.threads=2
log.retention.hours=24
log.segment.bytes=268435456
EOF
  cat >"$KAFKA_LOG4J" <<'EOF'
# Generated by scripts/services.sh.
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.state.name = state.change.logger
logger.state.level = WARN
logger.cleaner.name = kafka.log.LogCleaner
logger.cleaner.level = WARN
logger.config.name = org.apache.kafka.common.config.AbstractConfig
logger.config.level = WARN
EOF
}

kafka_classpath() {
  printf '%s/*' "$KAFKA_LIB"
}

kafka_format() {
  [[ -f "$KAFKA_DATA/meta.properties" ]] && return 0
  local cluster_id
  # A cluster id is 16 random bytes in unpadded URL-safe base64, like `kafka-storage random-uuid`.
  cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  log "formatting Kafka storage in $KAFKA_DATA (cluster id $cluster_id)"
  java -Dlog4j2.configurationFile="$KAFKA_LOG4J" -cp "$(kafka_classpath)" kafka.tools.StorageTool \
    format --cluster-id "$cluster_id" --config "$KAFKA_CONFIG" >"$KAFKA_HOME/logs/format.log" 2>&1 ||
    {
      show_log_tail "$KAFKA_HOME/logs/format.log"
      die "formatting Kafka storage failed"
    }
}

# Metadata answering is the readiness signal: the port opens before the broker has
# caught up with the controller. kafkajs is the client the pipeline uses, so it asks.
kafka_ready() {
  port_open "$KAFKA_PORT" || return 1
  grep -q 'Kafka Server started' "$KAFKA_LOG" 2>/dev/null || return 1
  if [[ ! -d "$ROOT/node_modules/kafkajs" ]]; then
    # Before `npm ci` there is no client to ask; the broker's own "started" line has to do.
    return 0
  fi
  (cd "$ROOT" && node -e '
    const { Kafka, logLevel } = require("kafkajs");
    const kafka = new Kafka({ clientId: "services-probe", brokers: [process.argv[1]], logLevel: logLevel.NOTHING,
      connectionTimeout: 2000, requestTimeout: 5000, retry: { retries: 0 } });
    const admin = kafka.admin();
    admin.connect()
      .then(() => admin.describeCluster())
      .then((cluster) => admin.listTopics().then(() => cluster))
      .then((cluster) => admin.disconnect().then(() => process.exit(cluster.brokers.length > 0 ? 0 : 1)))
      .catch(() => process.exit(1));
  ' "127.0.0.1:$KAFKA_PORT") >/dev/null 2>&1
}

kafka_up() {
  if pid_alive "$KAFKA_PIDFILE" "$KAFKA_CONFIG"; then
    wait_ready kafka "$KAFKA_PIDFILE" kafka_ready "$KAFKA_LOG"
    log "kafka already running (pid $(<"$KAFKA_PIDFILE"), 127.0.0.1:$KAFKA_PORT)"
    return 0
  fi
  refuse_foreign_port kafka "$KAFKA_PORT"
  refuse_foreign_port "kafka controller" "$KAFKA_CONTROLLER_PORT"
  kafka_install
  kafka_write_config
  kafka_format
  [[ -f "$KAFKA_LOG" ]] && mv -f "$KAFKA_LOG" "$KAFKA_LOG.1"
  log "starting kafka $KAFKA_VERSION (KRaft broker+controller) on 127.0.0.1:$KAFKA_PORT"
  # setsid: the broker must outlive the shell (and test run) that started it; 9>&- so it
  # does not inherit, and hold forever, the lock of this script.
  setsid nohup java "-Xms256m" "-Xmx$KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_LOG4J" -Dkafka.logs.dir="$KAFKA_HOME/logs" \
    -cp "$(kafka_classpath)" kafka.Kafka "$KAFKA_CONFIG" >"$KAFKA_LOG" 2>&1 </dev/null 9>&- &
  echo $! >"$KAFKA_PIDFILE"
  wait_ready kafka "$KAFKA_PIDFILE" kafka_ready "$KAFKA_LOG"
  log "kafka ready (pid $(<"$KAFKA_PIDFILE"))"
}

kafka_down() {
  stop_pidfile kafka "$KAFKA_PIDFILE" "$KAFKA_CONFIG"
}

kafka_version() {
  if [[ -f "$KAFKA_LIB/.complete" ]]; then
    printf '%s' "$KAFKA_VERSION"
  else
    printf '%s (not installed yet)' "$KAFKA_VERSION"
  fi
}

kafka_logs() {
  printf '%s\n' "$KAFKA_LOG"
}

# --- ClickHouse ---------------------------------------------------------------------------

clickhouse_write_config() {
  mkdir -p "$CH_HOME/data" "$CH_HOME/tmp" "$CH_HOME/user_files" "$CH_HOME/format_schemas" "$CH_HOME/logs"
  cat >"$CH_CONFIG" <<EOF
<?xml version="1.0"?>
<!-- Generated by scripts/services.sh on every start; edit the script, not this file. -->
<yandex>
  <logger>
    <level>information</level>
    <log>$CH_LOG</log>
    <errorlog>$CH_ERR_LOG</errorlog>
    <size>50M</size>
    <count>3</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$CLICKHOUSE_HTTP_PORT</http_port>
  <tcp_port>$CLICKHOUSE_TCP_PORT</tcp_port>
  <path>$CH_HOME/data/</path>
  <tmp_path>$CH_HOME/tmp/</tmp_path>
  <user_files_path>$CH_HOME/user_files/</user_files_path>
  <format_schema_path>$CH_HOME/format_schemas/</format_schema_path>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <max_connections>1024</max_connections>
  <keep_alive_timeout>10</keep_alive_timeout>
  <max_concurrent_queries>100</max_concurrent_queries>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <mark_cache_size>268435456</mark_cache_size>
  <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
  <max_session_timeout>3600</max_session_timeout>
  <default_session_timeout>60</default_session_timeout>
</yandex>
EOF
  cat >"$CH_HOME/users.xml" <<'EOF'
<?xml version="1.0"?>
<!-- Generated by scripts/services.sh. Passwordless `default` user, reachable from loopback only. -->
<yandex>
  <profiles>
    <default>
      <max_memory_usage>4000000000</max_memory_usage>
      <load_balancing>random</load_balancing>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks>
        <ip>127.0.0.1</ip>
        <ip>::1</ip>
      </networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default>
      <interval>
        <duration>3600</duration>
        <queries>0</queries>
        <errors>0</errors>
        <result_rows>0</result_rows>
        <read_rows>0</read_rows>
        <execution_time>0</execution_time>
      </interval>
    </default>
  </quotas>
</yandex>
EOF
}

clickhouse_query() {
  curl -fsS --max-time 5 --data-binary "$1" "http://127.0.0.1:$CLICKHOUSE_HTTP_PORT/" 2>/dev/null
}

clickhouse_ready() {
  [[ "$(clickhouse_query 'SELECT 1')" == "1" ]]
}

clickhouse_up() {
  if pid_alive "$CH_PIDFILE" "$CH_CONFIG"; then
    wait_ready clickhouse "$CH_PIDFILE" clickhouse_ready "$CH_ERR_LOG" "$CH_STDOUT"
    log "clickhouse already running (pid $(<"$CH_PIDFILE"), http://127.0.0.1:$CLICKHOUSE_HTTP_PORT)"
    return 0
  fi
  refuse_foreign_port clickhouse "$CLICKHOUSE_HTTP_PORT"
  refuse_foreign_port "clickhouse (native protocol)" "$CLICKHOUSE_TCP_PORT"
  ensure_commands clickhouse-server:clickhouse-server clickhouse-client:clickhouse-client curl:curl
  clickhouse_write_config
  [[ -f "$CH_STDOUT" ]] && mv -f "$CH_STDOUT" "$CH_STDOUT.1"
  log "starting clickhouse on http://127.0.0.1:$CLICKHOUSE_HTTP_PORT"
  # Run in the foreground of its own session rather than --daemon, so the pid we record
  # is the server's and a crash at startup lands in stdout.log.
  (cd "$CH_HOME" && exec setsid nohup clickhouse-server --config-file="$CH_CONFIG" >"$CH_STDOUT" 2>&1 </dev/null 9>&-) &
  echo $! >"$CH_PIDFILE"
  wait_ready clickhouse "$CH_PIDFILE" clickhouse_ready "$CH_ERR_LOG" "$CH_STDOUT"
  log "clickhouse ready (pid $(<"$CH_PIDFILE"))"
}

clickhouse_down() {
  stop_pidfile clickhouse "$CH_PIDFILE" "$CH_CONFIG"
}

clickhouse_version() {
  local version
  if version=$(clickhouse_query 'SELECT version()') && [[ -n "$version" ]]; then
    printf '%s' "$version"
  elif version=$(dpkg-query -W -f '${Version}' clickhouse-server 2>/dev/null) && [[ -n "$version" ]]; then
    printf '%s (package)' "$version"
  else
    printf 'not installed'
  fi
}

clickhouse_logs() {
  printf '%s\n' "$CH_LOG" "$CH_ERR_LOG" "$CH_STDOUT"
}

# --- Redis --------------------------------------------------------------------------------

redis_ready() {
  [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == "PONG" ]]
}

redis_up() {
  if pid_alive "$REDIS_PIDFILE" redis-server; then
    wait_ready redis "$REDIS_PIDFILE" redis_ready "$REDIS_LOG"
    log "redis already running (pid $(<"$REDIS_PIDFILE"), 127.0.0.1:$REDIS_PORT)"
    return 0
  fi
  refuse_foreign_port redis "$REDIS_PORT"
  ensure_commands redis-server:redis-server redis-cli:redis-tools
  mkdir -p "$REDIS_HOME"
  rm -f "$REDIS_PIDFILE"
  log "starting redis on 127.0.0.1:$REDIS_PORT (no persistence)"
  # Caches and dedupe keys only: a restart is allowed to lose everything.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
    --save "" --appendonly no --daemonize yes --pidfile "$REDIS_PIDFILE" \
    --logfile "$REDIS_LOG" --dir "$REDIS_HOME" 9>&- ||
    {
      show_log_tail "$REDIS_LOG"
      die "redis-server refused to start"
    }
  # The daemon writes its pidfile just after forking.
  local deadline=$((SECONDS + 10))
  until [[ -s "$REDIS_PIDFILE" ]]; do
    ((SECONDS < deadline)) || {
      show_log_tail "$REDIS_LOG"
      die "redis did not write $REDIS_PIDFILE"
    }
    sleep 0.1
  done
  wait_ready redis "$REDIS_PIDFILE" redis_ready "$REDIS_LOG"
  log "redis ready (pid $(<"$REDIS_PIDFILE"))"
}

redis_down() {
  stop_pidfile redis "$REDIS_PIDFILE" redis-server
}

redis_version() {
  local version
  if version=$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" info server 2>/dev/null | sed -n 's/^redis_version:\([^[:space:]]*\).*/\1/p') &&
    [[ -n "$version" ]]; then
    printf '%s' "$version"
  elif command -v redis-server >/dev/null 2>&1; then
    printf '%s (binary)' "$(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')"
  else
    printf 'not installed'
  fi
}

redis_logs() {
  printf '%s\n' "$REDIS_LOG"
}

# --- status -----------------------------------------------------------------------------

service_status() {
  local name=$1 pidfile pattern port state
  case "$name" in
  kafka) pidfile=$KAFKA_PIDFILE pattern=$KAFKA_CONFIG port="127.0.0.1:$KAFKA_PORT" ;;
  clickhouse) pidfile=$CH_PIDFILE pattern=$CH_CONFIG port="http://127.0.0.1:$CLICKHOUSE_HTTP_PORT" ;;
  redis) pidfile=$REDIS_PIDFILE pattern=redis-server port="127.0.0.1:$REDIS_PORT" ;;
  esac
  if pid_alive "$pidfile" "$pattern"; then
    state="running (pid $(<"$pidfile"))"
  else
    state="stopped"
  fi
  printf '%-11s %-28s %-27s %s\n' "$name" "$("${name}_version")" "$port" "$state"
  [[ "$state" != stopped ]]
}

# --- HOOK: optional schema registry -----------------------------------------------------
# scripts/registry.sh (owned by another part of the project) runs a Confluent-compatible
# schema registry. The pipeline embeds its own registry by default, so the external one is
# only managed when asked for with INGEST_WITH_REGISTRY=1, and only for whole-stack actions.
registry_hook() {
  if [[ "${INGEST_WITH_REGISTRY:-0}" == "1" && -f "$ROOT/scripts/registry.sh" ]]; then
    # 9>&-: whatever registry.sh starts must not inherit this script's lock.
    bash "$ROOT/scripts/registry.sh" "$1" 9>&-
  fi
}

# --- main ---------------------------------------------------------------------------------

with_lock() {
  mkdir -p "$CACHE_DIR"
  # Several developers' test runs call `up` at once; one at a time keeps it idempotent.
  exec 9>"$CACHE_DIR/.services.lock"
  flock -w 900 9 || die "another services.sh held $CACHE_DIR/.services.lock for 15 minutes"
}

main() {
  local command=${1:-help}
  shift || true
  local follow=0 lines=50 names=() name
  while (($# > 0)); do
    case "$1" in
    -f | --follow) follow=1 ;;
    -n | --lines)
      lines=${2:?-n needs a number}
      shift
      ;;
    kafka | clickhouse | redis) names+=("$1") ;;
    *) die "unknown argument '$1' (services: ${ALL_SERVICES[*]})" ;;
    esac
    shift
  done
  local whole_stack=0
  if ((${#names[@]} == 0)); then
    names=("${ALL_SERVICES[@]}")
    whole_stack=1
  fi

  case "$command" in
  up | start)
    with_lock
    local started=$SECONDS
    for name in "${names[@]}"; do "${name}_up"; done
    ((whole_stack)) && registry_hook up
    log "up in $((SECONDS - started))s; state in $CACHE_DIR"
    ;;
  down | stop)
    with_lock
    ((whole_stack)) && registry_hook down
    for name in "${names[@]}"; do "${name}_down"; done
    ;;
  restart)
    with_lock
    for name in "${names[@]}"; do
      "${name}_down"
      "${name}_up"
    done
    ;;
  status)
    local all_up=0
    printf '%-11s %-28s %-27s %s\n' SERVICE VERSION ADDRESS STATE
    for name in "${names[@]}"; do service_status "$name" || all_up=3; done
    ((whole_stack)) && registry_hook status
    return "$all_up"
    ;;
  logs)
    local files=()
    for name in "${names[@]}"; do
      while IFS= read -r file; do [[ -f "$file" ]] && files+=("$file"); done < <("${name}_logs")
    done
    ((${#files[@]} > 0)) || die "no log files yet under $CACHE_DIR"
    if ((follow)); then
      exec tail -n "$lines" -F "${files[@]}"
    fi
    tail -n "$lines" "${files[@]}"
    ;;
  help | -h | --help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
  esac
}

main "$@"
