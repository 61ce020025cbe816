#!/usr/bin/env bash
# Fuzzes the CSV reader, its date formats and the model-file loader with libFuzzer + AddressSanitizer.
#
#     scripts/fuzz.sh [csv|date|model|all] [SECONDS per target, default 60]
#
# Builds forecast-fuzz with -sanitize=fuzzer,address into .build-fuzz (lld: gold fails on the
# sanitizer objects), seeds each corpus from the bundled datasets / model files, and fails on
# any crash, hang (10 s per input), leak or out-of-memory (4 GiB); the input that did it is saved
# in fuzz/artifacts/ and belongs in Tests/FuzzRegressions/<target>/ once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
seconds=${2:-60}
[ "$seconds" -gt 0 ] || { echo "fuzzing skipped (0 s)"; exit 0; }

swift build -c release --product forecast-fuzz --build-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address -Xswiftc -use-ld=lld >/dev/null

run() {
    local target=$1 corpus=.build-fuzz/corpus/$1
    mkdir -p "$corpus" fuzz/artifacts
    case $target in
        csv) cp datasets/*.csv Tests/FuzzRegressions/csv/* "$corpus/" ;;
        date) cp Tests/FuzzRegressions/date/* "$corpus/" ;;
        model) cp Tests/ForecastTests/Fixtures/*.safetensors Tests/FuzzRegressions/model/* "$corpus/" ;;
    esac
    echo "fuzzing $target for ${seconds}s" >&2
    local log=.build-fuzz/fuzz-$target.log
    if ! .build-fuzz/release/forecast-fuzz "$target" "$corpus" -max_total_time="$seconds" -timeout=10 \
            -rss_limit_mb=4096 -artifact_prefix=fuzz/artifacts/"$target"- -print_final_stats=1 >"$log" 2>&1; then
        tail -40 "$log" >&2
        echo "fuzz $target: FAILED (input saved in fuzz/artifacts/)" >&2
        return 1
    fi
    local runs
    runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
    echo "fuzz $target: $runs executions in ${seconds}s, no crash, hang or leak" >&2
}

case $which in
    all) run csv && run date && run model ;;
    csv|date|model) run "$which" ;;
    *) echo "usage: scripts/fuzz.sh [csv|date|model|all] [seconds]" >&2; exit 2 ;;
esac
