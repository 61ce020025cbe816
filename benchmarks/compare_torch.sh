#!/usr/bin/env bash
# PyTorch beside swift-forecast on the four reference configurations, alternating run by run.
# Needs PyTorch (pip install torch numpy); installs nothing. Arguments go to compare_torch.py:
#
#     benchmarks/compare_torch.sh --runs 3
#     benchmarks/compare_torch.sh --configs seed,large --forecast-args "--threads 2"
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product forecast >/dev/null
exec python3 benchmarks/compare_torch.py "$@"
