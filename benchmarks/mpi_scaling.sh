#!/usr/bin/env bash
# 1 vs 2 MPI ranks on this machine, measured alternately (medians of --runs runs):
#   bench `large`: 1 rank × 1 thread, 2 ranks × 1 thread, and 1 process × 2 threads for comparison;
#   backtest with retraining (sunspots, 12 months ahead, 8 folds, 10 epochs each):
#     independent folds: 1 rank × 1 fold at a time, 2 ranks × 1, 1 process × 2 folds at a time;
#     warm-started folds (each fold's training data-parallel): 1 rank × 1 thread, 2 ranks × 1 thread.
# Needs the MPI build (make build-mpi) and mpirun. Usage: benchmarks/mpi_scaling.sh [--runs N] [--out FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3 out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        *) echo "usage: $0 [--runs N] [--out FILE]" >&2; exit 2 ;;
    esac
done
bin=.build-mpi/release/forecast
[ -x "$bin" ] || { echo "build it first: make build-mpi" >&2; exit 1; }
mpirun=(mpirun -np 2 --oversubscribe --allow-run-as-root)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
backtest=(backtest datasets/sunspots_monthly.csv --target sunspots --horizon 12 --folds 8 --epochs 10 --patience 0 --quiet)

seconds() { local s=$EPOCHREALTIME; "$@" >/dev/null; awk -v s="$s" -v e="$EPOCHREALTIME" 'BEGIN { print e - s }'; }
# bench LAUNCHER... -- OPTIONS...: forecast bench `large` under LAUNCHER (the binary, or mpirun and the binary).
bench() {
    local launch=()
    while [ "$1" != "--" ]; do launch+=("$1"); shift; done
    shift
    "${launch[@]}" bench --configs large --epochs 3 --json "$@" | python3 -c 'import json,sys; r=json.load(sys.stdin)["results"][0]; print(r["trainSamplesPerSecond"]["median"], r.get("communicationMillisecondsPerStep") or 0, r.get("allReduceMilliseconds") or 0)'
}

: > "$work/samples"
for i in $(seq 1 "$runs"); do
    echo "run $i/$runs" >&2
    echo "bench_1rank $(bench "$bin" -- --threads 1)" >> "$work/samples"
    echo "bench_2ranks $(bench "${mpirun[@]}" "$bin" -- --distributed --threads 1)" >> "$work/samples"
    echo "bench_1proc_2threads $(bench "$bin" -- --threads 2)" >> "$work/samples"
    echo "folds_1rank $(seconds "$bin" "${backtest[@]}" --parallel-folds 1 --out "$work/a")" >> "$work/samples"
    echo "folds_2ranks $(seconds "${mpirun[@]}" "$bin" "${backtest[@]}" --parallel-folds 1 --out "$work/b" --distributed)" >> "$work/samples"
    echo "folds_1proc_2threads $(seconds "$bin" "${backtest[@]}" --parallel-folds 2 --out "$work/c")" >> "$work/samples"
    echo "warm_1rank $(seconds "$bin" "${backtest[@]}" --warm-start --threads 1 --out "$work/d")" >> "$work/samples"
    echo "warm_2ranks $(seconds "${mpirun[@]}" "$bin" "${backtest[@]}" --warm-start --threads 1 --out "$work/e" --distributed)" >> "$work/samples"
done
cmp -s "$work/a/predictions.csv" "$work/b/predictions.csv" || { echo "2-rank backtest predictions differ from 1 rank" >&2; exit 1; }

python3 - "$work/samples" "$out" <<'PY'
import json, statistics, sys
samples = {}
for line in open(sys.argv[1]):
    name, *values = line.split()
    samples.setdefault(name, []).append([float(v) for v in values])
med = lambda name, k=0: statistics.median(v[k] for v in samples[name])
print("large bench, training samples/s (median):")
print(f"  1 rank × 1 thread       {med('bench_1rank'):8.0f}")
print(f"  2 ranks × 1 thread      {med('bench_2ranks'):8.0f}   {med('bench_2ranks') / med('bench_1rank'):.2f}× 1 rank; "
      f"{med('bench_2ranks', 1):.2f} ms per step in collective calls, "
      f"{med('bench_2ranks', 2):.3f} ms for one gradient sum alone")
print(f"  1 process × 2 threads   {med('bench_1proc_2threads'):8.0f}   {med('bench_1proc_2threads') / med('bench_1rank'):.2f}× 1 rank")
print("sunspots backtest, 8 folds retrained, seconds (median):")
print(f"  independent folds: 1 rank {med('folds_1rank'):.1f}, 2 ranks {med('folds_2ranks'):.1f} "
      f"({med('folds_1rank') / med('folds_2ranks'):.2f}×), 1 process × 2 folds at once {med('folds_1proc_2threads'):.1f}")
print(f"  warm-started folds (data-parallel fits): 1 rank {med('warm_1rank'):.1f}, 2 ranks {med('warm_2ranks'):.1f} "
      f"({med('warm_1rank') / med('warm_2ranks'):.2f}×)")
if sys.argv[2]:
    json.dump(samples, open(sys.argv[2], "w"), indent=1)
PY
