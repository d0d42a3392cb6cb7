#!/usr/bin/env bash
# Makes sure a Redis server answers PING on 127.0.0.1:6379. For CI on a fresh Debian machine
# running as root. Idempotent, and a no-op when the server answers.
#
#   1. it answers PING                       -> nothing to do
#   2. otherwise                             -> install redis-server with apt-get if it is missing,
#                                               then start a throw-away server without persistence
#
# Waits at most ENSURE_WAIT_SECONDS (30) for the server; on failure prints one line to stderr and
# exits 1. Override, for testing this script: ENSURE_REDIS_PORT (6379).
set -euo pipefail

HOST=127.0.0.1
PORT="${ENSURE_REDIS_PORT:-6379}"
WAIT_SECONDS="${ENSURE_WAIT_SECONDS:-30}"
LOG="${TMPDIR:-/tmp}/ensure-redis.log"
SERVER_LOG="${TMPDIR:-/tmp}/ensure-redis-server.log"

fail() {
  echo "ensure-redis: $*" >&2
  exit 1
}

answers() {
  if command -v redis-cli >/dev/null 2>&1; then
    [ "$(timeout 3 redis-cli -h "$HOST" -p "$PORT" ping 2>/dev/null)" = PONG ]
  else
    # No client yet: speak the protocol directly (an inline PING is answered with +PONG).
    local reply
    # shellcheck disable=SC2016 # $0 and $1 expand in the inner shell
    reply="$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "PING\r\n" >&3 && head -c 7 <&3' "$HOST" "$PORT" 2>/dev/null)" || return 1
    [ "${reply%$'\r'*}" = "+PONG" ]
  fi
}

wait_until_answers() {
  local deadline=$((SECONDS + WAIT_SECONDS))
  until answers; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

if answers; then
  echo "ensure-redis: Redis answers on $HOST:$PORT"
  exit 0
fi

[ "$(id -u)" = 0 ] || fail "Redis does not answer on $HOST:$PORT and starting or installing it needs root"

if ! command -v redis-server >/dev/null 2>&1; then
  echo "ensure-redis: installing redis-server with apt-get (log: $LOG)" >&2
  {
    export DEBIAN_FRONTEND=noninteractive
    apt-get update && apt-get install -y --no-install-recommends redis-server
  } >>"$LOG" 2>&1 || fail "apt-get install redis-server failed (see $LOG)"
fi

# The package may have started its own service on 6379 already.
if ! answers; then
  # `-::1`: also IPv6 loopback when the machine has it. Volatile data only: no RDB, no AOF.
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$PORT" --save "" --appendonly no \
    --logfile "$SERVER_LOG" >>"$LOG" 2>&1 || fail "redis-server did not start on $HOST:$PORT (see $LOG)"
fi
wait_until_answers || fail "Redis did not answer on $HOST:$PORT within ${WAIT_SECONDS}s (see $SERVER_LOG)"
echo "ensure-redis: Redis answers on $HOST:$PORT"
