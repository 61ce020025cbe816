#!/usr/bin/env bash
# Regenerates the quantile-head exchange fixture of Tests/ForecastTests/TorchExchangeTests.swift:
# a GRU with a 0.1/0.5/0.9 quantile head trained by `forecast` (the network alone, on the raw
# target), and PyTorch's forecast from it through tools/torch_interop.py, added to
# Fixtures/torch_forecasts.json (the median under "forecasts", every quantile under "quantiles").
#
#     PYTHON=/work/.venv-bench/bin/python Tests/tools/gen_quantile_exchange_fixture.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
python=${PYTHON:-python3}
fixtures=Tests/ForecastTests/Fixtures
name=swift_trained_quantile_gru
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
swift build -c release --product forecast >/dev/null
.build/release/forecast train datasets/airpassengers_monthly.csv --target passengers_thousands --members network \
    --transform none --loss quantile:0.1,0.5,0.9 --cell gru --hidden 8 --timesteps 12 --horizon 3 --epochs 20 \
    --out "$out" --quiet
cp "$out/model.safetensors" "$fixtures/$name.safetensors"
"$python" tools/torch_interop.py predict "$fixtures/$name.safetensors" datasets/airpassengers_monthly.csv >"$out/torch.txt"
"$python" - "$fixtures/torch_forecasts.json" "$out/torch.txt" "$name" <<'PY'
import json, sys
path, text, name = sys.argv[1:]
d = json.load(open(path))
medians, quantiles = [], []
for line in open(text):
    words = line.split()
    medians.append(float(words[3]))
    quantiles.append([float(w.split("=")[1]) for w in words[4:]])
d["forecasts"][name] = medians
d.setdefault("quantiles", {})[name] = quantiles
json.dump(d, open(path, "w"), indent=1)
open(path, "a").write("\n")
PY
