#!/usr/bin/env bash
# A newcomer's first run (issue 7), as root, in a folder the postgres user cannot enter:
#   1. clone the repository's committed state into a 0700 temporary folder (as `mktemp -d` makes it);
#   2. `./liaison run` there on free ports, until /health answers; the start log of that fresh database has no `fail:` line;
#   3. another user of this machine cannot connect to its database (a password over TCP, the socket its owner's);
#   4. stop it and start it again: the cluster is found again (no new initdb, no new bootstrap admin) and /health answers.
# Whatever happens, the server and its PostgreSQL are stopped and the folder and the cluster are removed.
# Slow (a fresh clone builds everything), so .ci/run calls it after ./liaison test rather than the test suite.
# LIAISON_FIRSTRUN_TIMEOUT: seconds to wait for /health on each start (default 900).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
timeout_s=${LIAISON_FIRSTRUN_TIMEOUT:-900}

if [ "$(id -u)" != 0 ]; then
  echo "first-run: must run as root (it checks the root case: postgres cannot enter the clone)" >&2
  exit 2
fi

say() { echo "first-run: $*" >&2; }

# A port nobody listens on, away from the usual ones and below the kernel's ephemeral range: a port inside it can
# become the local end of some outgoing connection (the build's, PostgreSQL's clients') in the seconds before the
# server binds it, and the bind then fails with "address already in use" (seen once on CI).
free_port() {
  local p low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$low" -gt 21000 ] 2>/dev/null || low=32768
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % (low - 20000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  say "no free port found"; return 1
}

# Status line of GET /health, or nothing; no curl needed.
health() {
  timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$http_port && printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && head -n 1 <&3" 2>/dev/null || true
}

work=$(mktemp -d)
chmod 0700 "$work"
clone=$work/liaison
pid=
pg_port=$(free_port)
http_port=$(free_port)
while [ "$http_port" = "$pg_port" ]; do http_port=$(free_port); done
pg_home=$(getent passwd postgres | cut -d: -f6 || true)

# Every PostgreSQL cluster this clone may have: under the clone, or in postgres's home with our clone-path.
clusters() {
  [ -d "$clone/.data/pg" ] && echo "$clone/.data/pg"
  local f
  for f in "${pg_home:-/var/lib/postgresql}"/liaison-*/clone-path; do
    [ -f "$f" ] && [ "$(cat "$f")" = "$clone" ] && echo "$(dirname "$f")/pg"
  done
  return 0
}

stop_server() {
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    # The whole session `./liaison run` leads: the script, dotnet run and the server. The script's trap stops PostgreSQL.
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  pid=
}

cleanup() {
  local status=$?
  stop_server
  local data bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  for data in $(clusters); do
    if [ -f "$data/postmaster.pid" ] && [ -n "$bin" ]; then
      (cd / && runuser -u postgres -- "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1) || true
    fi
    # The cluster's folder: .data inside the clone, or liaison-<hash> in postgres's home.
    case "$data" in
      "$clone"/*) ;;
      *) rm -rf "$(dirname "$data")" ;;
    esac
  done
  rm -rf "$work"
  if [ "$status" = 0 ]; then say "passed"; else say "FAILED"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  say "$1"
  local log=$2
  echo "---- last lines of $(basename "$log") ----" >&2
  tail -n 60 "$log" >&2 || true
  local data
  for data in $(clusters); do
    if [ -f "$data/server.log" ]; then
      echo "---- last lines of $data/server.log ----" >&2
      tail -n 20 "$data/server.log" >&2 || true
    fi
  done
  exit 1
}

if runuser -u postgres -- test -x "$work" 2>/dev/null; then
  say "postgres can enter $work, so this would not test the private-folder case"
  exit 1
fi

say "cloning $(git -C "$repo" rev-parse --short HEAD) (committed state) into $clone"
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
  say "note: uncommitted changes in $repo are not part of this test"
fi
git clone -q "$repo" "$clone"

# Starts ./liaison run in its own session (so the whole tree can be stopped) and waits for /health.
start() {
  local log=$1 started=$SECONDS
  (
    cd "$clone"
    # No build servers outliving the test: they would keep running in the background after the folder is gone.
    export MSBUILDDISABLENODEREUSE=1 UseSharedCompilation=false DOTNET_CLI_TELEMETRY_OPTOUT=1
    export LIAISON_PG_PORT=$pg_port LIAISON_URLS=http://127.0.0.1:$http_port
    exec setsid ./liaison run
  ) >"$log" 2>&1 </dev/null &
  pid=$!
  say "./liaison run (pid $pid, PostgreSQL port $pg_port, http port $http_port), waiting up to ${timeout_s}s for /health …"
  local next=$((SECONDS + 30))
  while :; do
    case "$(health)" in
      *" 200"*) say "/health answered after $((SECONDS - started))s"; return 0 ;;
    esac
    kill -0 "$pid" 2>/dev/null || fail "./liaison run exited before /health answered" "$log"
    [ $((SECONDS - started)) -lt "$timeout_s" ] || fail "/health did not answer within ${timeout_s}s" "$log"
    if [ "$SECONDS" -ge "$next" ]; then say "… still waiting ($((SECONDS - started))s)"; next=$((SECONDS + 30)); fi
    sleep 2
  done
}

# Fails when the start log has a line starting with `fail:` (an error logged while starting).
no_fail_lines() {
  local log=$1 lines
  lines=$(grep -n '^fail:' "$log" || true)
  [ -z "$lines" ] || fail "the start log has fail: lines:"$'\n'"$lines" "$log"
  local warns
  warns=$(grep -c '^warn:' "$log" || true)
  [ "$warns" = 0 ] || say "note: $warns warn: line(s) in $(basename "$log"): $(grep -A1 '^warn:' "$log" | grep -v '^warn:\|^--' | tr -s ' ' | head -c 400)"
}

first=$work/first-start.log
start "$first"
grep -q "postgres user cannot enter $clone" "$first" || fail "the start log does not say where the cluster is kept" "$first"
[ -n "$(clusters)" ] || fail "no PostgreSQL cluster found for $clone" "$first"
case "$(clusters)" in
  "$clone"/*) fail "the cluster is inside the private clone, where postgres cannot work" "$first" ;;
esac
say "cluster kept in $(clusters)"
no_fail_lines "$first"
# Another user of this machine gets no way in: over TCP the cluster asks for the password ./liaison run made (kept
# beside it, readable by its owner alone), and its Unix socket is its owner's alone.
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
if (cd / && PGCONNECT_TIMEOUT=5 runuser -u nobody -- "$pgbin/psql" -w -h 127.0.0.1 -p "$pg_port" -U liaison -d liaison -Atc 'SELECT 1') >/dev/null 2>&1; then
  fail "another user of this machine connected to the database without a password" "$first"
fi
for d in $(clusters); do
  [ "$(stat -c %a "$d-password")" = 600 ] || fail "the cluster's password file $d-password is not the owner's alone" "$first"
done
stop_server
if [ -n "$(for d in $(clusters); do [ -f "$d/postmaster.pid" ] && echo "$d"; done)" ]; then
  fail "PostgreSQL still runs after ./liaison run stopped" "$first"
fi

second=$work/second-start.log
start "$second"
if grep -q "Creating a PostgreSQL cluster" "$second"; then fail "the second start created a new cluster" "$second"; fi
if grep -q "Created the bootstrap admin" "$second"; then fail "the second start found an empty database" "$second"; fi
no_fail_lines "$second"
stop_server
