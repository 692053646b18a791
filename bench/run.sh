#!/usr/bin/env bash
# Runs the workflow-engine benchmarks (bench/Liaison.Bench, BenchmarkDotNet) and writes bench/results/latest.md:
# date, machine, and the BenchmarkDotNet tables. bench/RESULTS.md is the curated record; copy figures from here.
#
#   bench/run.sh                          # everything (~3 min on a 2-core machine, most of it building)
#   bench/run.sh --filter '*LiaisonEngine*'   # only our engine; any BenchmarkDotNet argument works
#
#   bench/run.sh durable                  # (c) durable start+resume cycles on a throwaway PostgreSQL, fsync on (~1 min)
#   bench/run.sh durable --cycles 2000 --warmup 1000 --workers 4 --inserts 5000   # its defaults
#   bench/run.sh children                 # (e) child workflows on a throwaway PostgreSQL: parent + 10 children, parent + 1,000
#   bench/run.sh children --parents 200 --wide 1000                                # its defaults
#   bench/run.sh load                     # issue 9: the real server under N clients opening cases, beside pgbench (~1 min)
#   bench/run.sh load --clients 8 --seconds 20                                     # its defaults
#   bench/run.sh load --servers 3 --trace # several server processes; a dotnet-trace sample of the first
#   bench/run.sh load --servers 3 --job-servers 1   # … of which only the first runs the job side (timers, mail, Hangfire)
#   bench/run.sh load --seconds 20 --rate 100    # … then opens at a fixed 100/s (open loop): p99, its slow seconds, PostgreSQL's work
#                                         # meanwhile; --fresh-wal 1: no CHECKPOINT before it (WAL segment files created, not recycled)
#   LIAISON_PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements" bench/run.sh load --web-only   # … and the statements per open
#   LIAISON_SERVER_DLL=/tmp/r2r/Liaison.Server.dll bench/run.sh load   # another build of the server (e.g. a ReadyToRun publish)
#   bench/run.sh mail                     # the outbox relay to a local SMTP listener (issue 9 item 5)
#   bench/run.sh mail --mails 2000 --batch 50                                      # its defaults
#   bench/run.sh million                  # issue 9 item 4: 1M generated cases; sweeps (cold and warm), case list, league table, digests, RSS (~14 min)
#   bench/run.sh million --cases 1000000 --small 100000 --due 10000 --mail-days 90 --requests 50   # its defaults
#   bench/run.sh million --small 12000 --due 10000 --sweep-only 1                  # the sweeps alone (cold, then warm), their cost per timer
#   bench/run.sh million --small 12000 --due 10000 --sweep-only 1 --schedule-change 1
#                                         # … then an admin adds the 2027 schedule: the background recomputation of the
#                                         # provisional deadlines, and the case list's latency meanwhile
#   LIAISON_PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements" bench/run.sh million --small 12000 --due 10000 --sweep-only 1
#                                         # … and the statements PostgreSQL spent the sweep's time on
#
# Quick sanity run without BenchmarkDotNet: dotnet run -c Release --project bench/Liaison.Bench -- --check
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = durable ] || [ "${1:-}" = children ] || [ "${1:-}" = load ] || [ "${1:-}" = mail ] || [ "${1:-}" = million ]; then
  # Not BenchmarkDotNet: a Stopwatch harness (bench/Liaison.Bench/Durable/DurableCycleBench.cs) that starts its own
  # PostgreSQL cluster (needs the postgresql binaries; as root it runs them as the postgres user) and deletes it after.
  mode=$1
  shift
  out=bench/results/$mode-latest.md
  # The sweep alone keeps the full million run's figures.
  case " $* " in *" --sweep-only "*) out=bench/results/sweep-latest.md ;; esac
  mkdir -p bench/results
  dotnet build -c Release bench/Liaison.Bench -v q -nologo
  # The load driver runs the real server with `dotnet run --no-build`: build it (and its designer files) first.
  if [ "$mode" = load ] || [ "$mode" = million ]; then dotnet build -c Release src/Liaison.Server -v q -nologo; fi
  # Read before the report is written: writing it changes bench/results, which is not a change of the code measured.
  commit="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src bench ':!bench/results' 2>/dev/null || echo ' (with uncommitted changes)')"
  LIAISON_BENCH_OUT="$out.tmp" dotnet bench/Liaison.Bench/bin/Release/net10.0/Liaison.Bench.dll "--$mode" "$@"
  {
    cat "$out.tmp"
    echo
    echo "Commit: $commit"
    echo
    echo '```'
    echo "\$ nproc"; nproc
    echo "\$ lscpu | grep 'Model name'"; lscpu | grep 'Model name'
    echo "\$ df -hT /tmp"; df -hT "${TMPDIR:-/tmp}"
    echo '```'
  } > "$out"
  rm -f "$out.tmp"
  echo "Wrote $out"
  exit 0
fi

artifacts=bench/BenchmarkDotNet.Artifacts
out=bench/results/latest.md
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--filter '*')

rm -rf "$artifacts/results"
# Benchmarks on a 2-core machine are only as good as the machine is quiet: record the load around the run.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
dotnet run -c Release --project bench/Liaison.Bench -- "${args[@]}" --artifacts "$artifacts" --exporters github

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p bench/results
{
  echo "# Benchmark run $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src bench 2>/dev/null || echo ' (with uncommitted changes)')"
  echo
  echo "Load average (1/5/15 min) before the run: $load_before; after: $load_after"
  echo
  echo '## Machine'
  echo
  echo '```'
  echo "\$ nproc"; nproc
  echo "\$ lscpu | head -20"; lscpu | head -20
  echo "\$ free -h"; free -h
  echo "\$ dotnet --info | head"; dotnet --info | head
  echo '```'
  for f in "$artifacts"/results/*-report-github.md; do
    [ -e "$f" ] || continue
    echo
    echo "## $(basename "$f" -report-github.md)"
    echo
    cat "$f"
  done
} > "$out"
echo "Wrote $out"
