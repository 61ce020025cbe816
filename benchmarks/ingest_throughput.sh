#!/usr/bin/env bash
# Parse throughput of `forecast describe` on a generated ~100 MB numeric CSV
# (an ISO 8601 date-time column and 8 numeric columns).
#
#   benchmarks/ingest_throughput.sh            # 5 runs, prints each and the median MB/s
#   RUNS=9 SIZE_MB=200 SCRATCH=.build-ingest benchmarks/ingest_throughput.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SIZE_MB=${SIZE_MB:-100}
SCRATCH=${SCRATCH:-.build}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
csv="$work/numeric.csv"

python3 - "$csv" "$SIZE_MB" <<'PY'
import random, sys, datetime
path, size_mb = sys.argv[1], float(sys.argv[2])
target = int(size_mb * 1_000_000)
rng = random.Random(42)
start = datetime.datetime(2000, 1, 1)
step = datetime.timedelta(minutes=1)
with open(path, "w") as f:
    f.write("timestamp,open,high,low,close,volume,temp,humidity,load\n")
    written, i, t = 0, 0, start
    lines = []
    while written < target:
        base = 100 + 20 * rng.random()
        line = "%s,%.2f,%.2f,%.2f,%.4f,%d,%.3f,%.1f,%.6f\n" % (
            t.strftime("%Y-%m-%dT%H:%M:%S"), base, base + rng.random(), base - rng.random(),
            base + rng.uniform(-1, 1), rng.randrange(1_000_000, 90_000_000), rng.uniform(-20, 40),
            rng.uniform(0, 100), rng.random())
        lines.append(line)
        written += len(line)
        t += step
        if len(lines) == 10000:
            f.write("".join(lines)); lines = []
    f.write("".join(lines))
PY
bytes=$(stat -c %s "$csv")
echo "generated $(wc -l < "$csv") lines, $bytes bytes"

swift build -c release --scratch-path "$SCRATCH" --product forecast >&2
bin="$SCRATCH/release/forecast"

rates=()
for run in $(seq "$RUNS"); do
    start=$(date +%s.%N)
    "$bin" describe "$csv" > /dev/null
    end=$(date +%s.%N)
    rate=$(python3 -c "print(f'{$bytes / 1e6 / ($end - $start):.1f}')")
    echo "run $run: $(python3 -c "print(f'{$end - $start:.3f}')") s, $rate MB/s"
    rates+=("$rate")
done
median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
echo "median: $median MB/s (forecast describe, $((bytes / 1000000)) MB, $RUNS runs)"
