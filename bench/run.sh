#!/usr/bin/env bash
# Runs the workflow-engine benchmarks (bench/Liaison.Bench, BenchmarkDotNet) and writes bench/results/latest.md:
# date, machine, and the BenchmarkDotNet tables. bench/RESULTS.md is the curated record; copy figures from here.
#
#   bench/run.sh                          # everything (~3 min on a 2-core machine, most of it building)
#   bench/run.sh --filter '*LiaisonEngine*'   # only our engine; any BenchmarkDotNet argument works
#
# Quick sanity run without BenchmarkDotNet: dotnet run -c Release --project bench/Liaison.Bench -- --check
set -euo pipefail
cd "$(dirname "$0")/.."

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
