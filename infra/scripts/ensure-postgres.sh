#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 and lets the `postgres` role in from
# 127.0.0.1 without a password (what the tests use: postgres://postgres@127.0.0.1:5432/postgres).
# For CI on a fresh Debian machine running as root. Idempotent, and a no-op when the server answers.
#
#   1. it answers (pg_isready)              -> nothing to do
#   2. a Debian cluster exists              -> pg_ctlcluster ... start
#   3. otherwise                            -> apt-get install postgresql, then start its cluster
#
# After 2 or 3 it adds `trust` for the postgres role on loopback to pg_hba.conf if a password-less
# connection is refused. Waits at most ENSURE_WAIT_SECONDS (30) for the server; on failure prints
# one line to stderr and exits 1. Overrides, for testing this script: ENSURE_PG_PORT (5432),
# ENSURE_PG_CLUSTER (main).
set -euo pipefail

HOST=127.0.0.1
PORT="${ENSURE_PG_PORT:-5432}"
CLUSTER="${ENSURE_PG_CLUSTER:-main}"
WAIT_SECONDS="${ENSURE_WAIT_SECONDS:-30}"
LOG="${TMPDIR:-/tmp}/ensure-postgres.log"

fail() {
  echo "ensure-postgres: $*" >&2
  exit 1
}

answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$HOST" -p "$PORT" -t 2
  else
    # No client tools yet: something listening on the port is enough to not install a second server.
    (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null
  fi
}

wait_until_answers() {
  local deadline=$((SECONDS + WAIT_SECONDS))
  until answers; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# The newest installed major version that has the cluster, e.g. 15 for /etc/postgresql/15/main.
cluster_version() {
  local version
  [ -d /etc/postgresql ] || return 1
  for version in $(cd /etc/postgresql && printf '%s\n' * | sort -rV); do
    if [ -f "/etc/postgresql/$version/$CLUSTER/postgresql.conf" ]; then
      echo "$version"
      return 0
    fi
  done
  return 1
}

start_cluster() {
  local version="$1" conf_port
  conf_port="$(sed -nE 's/^[[:space:]]*port[[:space:]]*=[[:space:]]*([0-9]+).*/\1/p' \
    "/etc/postgresql/$version/$CLUSTER/postgresql.conf" | tail -1)"
  if [ -n "$conf_port" ] && [ "$conf_port" != "$PORT" ]; then
    fail "cluster $version/$CLUSTER is configured for port $conf_port, not $PORT (see /etc/postgresql/$version/$CLUSTER/postgresql.conf)"
  fi
  # `start` fails when the cluster already runs (e.g. not yet accepting connections): tolerate that.
  pg_ctlcluster --skip-systemctl-redirect "$version" "$CLUSTER" start >>"$LOG" 2>&1 ||
    pg_lsclusters -h "$version" "$CLUSTER" 2>/dev/null | grep -q online ||
    fail "could not start PostgreSQL cluster $version/$CLUSTER (see $LOG and /var/log/postgresql/postgresql-$version-$CLUSTER.log)"
}

password_less_ok() {
  psql -h "$HOST" -p "$PORT" -U postgres -d postgres -w -Atqc 'select 1' >/dev/null 2>&1
}

allow_trust_on_loopback() {
  local version="$1" hba="/etc/postgresql/$1/$CLUSTER/pg_hba.conf" tmp
  password_less_ok && return 0
  [ -f "$hba" ] || fail "cannot connect as postgres without a password and $hba does not exist"
  if ! grep -q '# ensure-postgres: trust' "$hba"; then
    # First matching line wins in pg_hba.conf, so these go on top. Loopback only, role postgres only.
    tmp="$(mktemp)"
    {
      echo '# ensure-postgres: trust for the postgres role on loopback (CI and local tests only)'
      echo 'host    all    postgres    127.0.0.1/32    trust'
      echo 'host    all    postgres    ::1/128         trust'
      cat "$hba"
    } >"$tmp"
    cat "$tmp" >"$hba" # keeps the file's owner and mode
    rm -f "$tmp"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" "$CLUSTER" reload >>"$LOG" 2>&1 ||
    fail "could not reload PostgreSQL cluster $version/$CLUSTER (see $LOG)"
  local deadline=$((SECONDS + 10))
  until password_less_ok; do
    ((SECONDS < deadline)) || fail "PostgreSQL answers on $HOST:$PORT but refuses user postgres without a password (see $hba)"
    sleep 0.5
  done
}

if answers; then
  echo "ensure-postgres: PostgreSQL answers on $HOST:$PORT"
  exit 0
fi

[ "$(id -u)" = 0 ] || fail "PostgreSQL does not answer on $HOST:$PORT and starting or installing it needs root"

if ! version="$(cluster_version)"; then
  echo "ensure-postgres: installing PostgreSQL with apt-get (log: $LOG)" >&2
  {
    export DEBIAN_FRONTEND=noninteractive
    apt-get update && apt-get install -y --no-install-recommends postgresql
  } >>"$LOG" 2>&1 || fail "apt-get install postgresql failed (see $LOG)"
  version="$(cluster_version)" ||
    fail "postgresql is installed but no cluster '$CLUSTER' exists (create one: pg_createcluster <version> $CLUSTER --port $PORT)"
fi

# The package may have started the cluster already; start it when it has not.
answers || start_cluster "$version"
wait_until_answers || fail "PostgreSQL $version/$CLUSTER did not answer on $HOST:$PORT within ${WAIT_SECONDS}s (see /var/log/postgresql/postgresql-$version-$CLUSTER.log)"
allow_trust_on_loopback "$version"
echo "ensure-postgres: PostgreSQL $version/$CLUSTER answers on $HOST:$PORT"
