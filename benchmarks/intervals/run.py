#!/usr/bin/env python3
"""Interval benchmark: the prediction intervals of `forecast backtest` (default settings, levels 80
and 95) against statsforecast AutoETS's own level-80/95 intervals, on exactly the folds of the
accuracy benchmark (benchmarks/accuracy/run.py: 5 folds at the end of each series in its
series.json, the same strides and horizons).

Per series and method: empirical coverage at 80 % and 95 %, and MSIS at 95 % (the M4 competition's
mean scaled interval score: the interval score divided by each fold's in-sample seasonal-naive MAE,
the MASE scale). Summary: coverage pooled over every scored point of every series, and the geometric
mean over the series of MSIS(forecast) / MSIS(AutoETS). AutoETS intervals are cached in cache/.

    /work/.venv-bench/bin/python benchmarks/intervals/run.py [--only a,b] [--label L]
        [--bin PATH] [--forecast-args "--interval-scaling step"]
"""
import argparse
import datetime
import hashlib
import importlib.util
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from statsforecast.models import AutoETS

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CACHE = HERE / "cache"
RESULTS = ROOT / "benchmarks" / "results"
LEVELS = (80, 95)
CACHE_VERSION = 1

# The accuracy benchmark defines the series, the folds and the MASE scale; share them.
_spec = importlib.util.spec_from_file_location("accuracy_run", ROOT / "benchmarks" / "accuracy" / "run.py")
acc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(acc)


def interval_score(y, lo, hi, level):
    alpha = 1 - level / 100
    return (hi - lo) + 2 / alpha * np.maximum(0, lo - y) + 2 / alpha * np.maximum(0, y - hi)


def autoets_intervals(spec, y, origins, h, m):
    """Per fold {mean, lo-80, hi-80, lo-95, hi-95}; season 1 when the seasonal fit fails."""
    key = json.dumps([CACHE_VERSION, spec["file"], spec["target"], h, origins, m, LEVELS]).encode()
    path = CACHE / f"{spec['name']}-h{h}-{hashlib.sha256(key + y.tobytes()).hexdigest()[:16]}.json"
    if path.exists():
        return json.loads(path.read_text())
    folds = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for o in origins:
            out = None
            for mm in ([m, 1] if m > 1 else [1]):
                try:
                    f = AutoETS(season_length=mm).forecast(y=y[:o], h=h, level=list(LEVELS))
                    out = {k: np.asarray(v, dtype=float).tolist() for k, v in f.items()}
                    if all(np.all(np.isfinite(v)) for v in out.values()):
                        break
                except Exception:
                    out = None
            folds.append(out)
    CACHE.mkdir(exist_ok=True)
    path.write_text(json.dumps(folds))
    return folds


def run_forecast(spec, y, origins, h, s, args):
    """Per fold, the point forecast and interval columns of `forecast backtest`; seconds."""
    folds, seconds, _ = acc.backtest_folds(spec, y, origins, h, ["--folds", str(acc.FOLDS), "--stride", str(s)], args)
    return [{c: fk[c].to_numpy(dtype=float) for c in fk.columns if c == "predicted" or c[:3] in ("lo-", "hi-")}
            for fk in folds], seconds


def evaluate(spec, args):
    raw, y = acc.load(spec)
    n, h, m = len(y), spec["horizon"], spec["season"]
    s = acc.stride_for(n, h)
    origins = acc.origins_for(n, h, s)
    methods = {"autoets": autoets_intervals(spec, y, origins, h, m)}
    res = {"name": spec["name"], "n": n, "h": h}
    try:
        methods["forecast"], res["forecast_seconds"] = run_forecast(spec, y, origins, h, s, args)
    except Exception as e:
        res["forecast_error"] = str(e)
    for name, folds in methods.items():
        covered = {lv: [] for lv in LEVELS}
        scaled = {lv: [] for lv in LEVELS}
        width = {lv: [] for lv in LEVELS}
        missing = {lv: 0 for lv in LEVELS}
        for k, o in enumerate(origins):
            f = folds[k]
            if f is None:
                continue
            scale = acc.mase_scale(y[:o], m)
            ok = ~np.isnan(raw[o:o + h])
            actual = y[o:o + h][ok]
            for lv in LEVELS:
                if f"lo-{lv}" not in f:
                    raise RuntimeError(f"{name} fold {k} has no {lv} % interval")
                lo, hi = np.asarray(f[f"lo-{lv}"])[ok], np.asarray(f[f"hi-{lv}"])[ok]
                # A forecast without an interval (NaN bounds: a fold too short to calibrate) is
                # counted apart, not as a miss.
                known = np.isfinite(lo) & np.isfinite(hi)
                missing[lv] += int(np.sum(~known))
                a, lo, hi = actual[known], lo[known], hi[known]
                covered[lv].extend((a >= lo) & (a <= hi))
                scaled[lv].extend(interval_score(a, lo, hi, lv) / scale)
                width[lv].extend((hi - lo) / scale)
        res[name] = {f"coverage_{lv}": float(np.mean(covered[lv])) for lv in LEVELS}
        res[name].update({f"msis_{lv}": float(np.mean(scaled[lv])) for lv in LEVELS})
        res[name].update({f"scaled_width_{lv}": float(np.mean(width[lv])) for lv in LEVELS})
        res[name]["points"] = len(covered[LEVELS[0]])
        res[name]["points_without_interval"] = missing[LEVELS[0]]
    if "forecast" in res:
        res["msis_ratio_95"] = res["forecast"]["msis_95"] / res["autoets"]["msis_95"]
        res["msis_ratio_80"] = res["forecast"]["msis_80"] / res["autoets"]["msis_80"]
    return res


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bin", default=".build/release/forecast")
    p.add_argument("--forecast-args", default="")
    p.add_argument("--only")
    p.add_argument("--label")
    args = p.parse_args()
    args.bin = str((ROOT / args.bin).resolve()) if not Path(args.bin).is_absolute() else args.bin
    if not Path(args.bin).exists():
        sys.exit(f"no forecast binary at {args.bin} (swift build -c release --product forecast, or --bin)")
    specs = json.loads((ROOT / "benchmarks" / "accuracy" / "series.json").read_text())
    if args.only:
        specs = [s for s in specs if s["name"] in args.only.split(",")]
    t0 = time.perf_counter()
    results = []
    for spec in specs:
        results.append(evaluate(spec, args))
        r = results[-1]
        if "forecast" in r:
            print(f"  {r['name']}: coverage 80 {r['forecast']['coverage_80']:.2f} 95 {r['forecast']['coverage_95']:.2f}, "
                  f"MSIS ratio {r['msis_ratio_95']:.3f} ({r['forecast_seconds']:.1f} s)", file=sys.stderr)
    ok = [r for r in results if "forecast" in r]
    print(f"\n{'series':<22} {'h':>3} {'cov80':>6} {'ETS':>6} {'cov95':>6} {'ETS':>6} {'MSIS95':>8} {'ETS':>8} {'ratio':>6}")
    for r in results:
        if "forecast" not in r:
            print(f"{r['name']:<22} {r['h']:>3}  failed: {r.get('forecast_error', '')[:80]}")
            continue
        f, e = r["forecast"], r["autoets"]
        print(f"{r['name']:<22} {r['h']:>3} {f['coverage_80']:6.2f} {e['coverage_80']:6.2f} {f['coverage_95']:6.2f} "
              f"{e['coverage_95']:6.2f} {f['msis_95']:8.3f} {e['msis_95']:8.3f} {r['msis_ratio_95']:6.3f}")
    summary = {"series": len(results), "series_scored": len(ok), "failed": [r["name"] for r in results if r not in ok],
               "points_without_interval": sum(r["forecast"]["points_without_interval"] for r in ok)}
    for name in ("forecast", "autoets"):
        pts = sum(r[name]["points"] for r in ok)
        summary[name] = {f"pooled_coverage_{lv}": sum(r[name][f"coverage_{lv}"] * r[name]["points"] for r in ok) / pts for lv in LEVELS}
    for lv in LEVELS:
        ratios = [r[f"msis_ratio_{lv}"] for r in ok]
        summary[f"msis_{lv}_geomean_ratio"] = float(np.exp(np.mean(np.log(ratios))))
        summary[f"msis_{lv}_better_or_tied"] = sum(x <= 1 for x in ratios)
    print(f"\npooled coverage over {len(ok)} series: forecast 80 % {summary['forecast']['pooled_coverage_80']:.3f}, "
          f"95 % {summary['forecast']['pooled_coverage_95']:.3f}; AutoETS 80 % {summary['autoets']['pooled_coverage_80']:.3f}, "
          f"95 % {summary['autoets']['pooled_coverage_95']:.3f}")
    if summary["points_without_interval"]:
        print(f"forecast points without an interval (not scored above): {summary['points_without_interval']}")
    print(f"MSIS / AutoETS's, geometric mean: 95 % {summary['msis_95_geomean_ratio']:.3f} "
          f"(better or tied on {summary['msis_95_better_or_tied']}), 80 % {summary['msis_80_geomean_ratio']:.3f}")
    label = args.label or f"{datetime.date.today().isoformat()}-{acc.git_commit()}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"intervals-{label}.json"
    out.write_text(json.dumps({"label": label, "date": datetime.datetime.now().isoformat(timespec="seconds"),
                               "commit": acc.git_commit(), "forecast_args": args.forecast_args,
                               "total_seconds": round(time.perf_counter() - t0, 1), "summary": summary,
                               "series": results}, indent=1))
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
