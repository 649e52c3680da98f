#!/usr/bin/env bash
# Runs the benchmarks against a Release build: bash bench/run.sh build/release
set -euo pipefail
build=${1:-build/release}
root=$(cd "$(dirname "$0")/.." && pwd)
export BATON_PLUGIN_PATH="$root/$build/lib/baton/plugins"
[ -x "$build/bin/baton_micro_bench" ] && "$build/bin/baton_micro_bench" --benchmark_min_time=0.2
/usr/bin/python3 "$root/bench/funnel_vs_pandas.py" "$build/bin/baton" "$build/bench-data" "$@"
