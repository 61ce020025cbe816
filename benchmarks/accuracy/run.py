#!/usr/bin/env python3
"""Accuracy benchmark: `forecast backtest` (default model settings) against statsforecast's
AutoETS, AutoARIMA and AutoTheta and statsmodels' ETSModel chosen by AICc (smETS) on exactly the same
rolling folds of the series listed in series.json.

Folds: 5 at the end of each series, stride s = min(h, max(1, floor((0.4 n - h) / 4))), origins
o_k = n - h - (4 - k) s; fold k trains on rows [0, o_k) and forecasts rows [o_k, o_k + h).
Score: MASE with each fold's in-sample seasonal-naive MAE (season m from series.json) as scale,
averaged over all points of all folds. Test points whose cell is empty in the file are not scored.
Classical forecasts are cached in cache/ (keyed by file, target, horizon, origins, season and a
hash of the series), so reruns cost only the forecast command. See README.md.

    /work/.venv-bench/bin/python benchmarks/accuracy/run.py [--only a,b] [--label L] [--jobs N]
        [--bin PATH] [--forecast-args "--hidden 64"] [--no-sm-ets]
"""
import argparse
import concurrent.futures as cf
import datetime
import hashlib
import json
import math
import shlex
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

# Imported before any warnings filter is set: statsmodels' import turns ConvergenceWarning to "always".
from statsforecast.models import AutoARIMA, AutoETS, AutoTheta
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CACHE = HERE / "cache"
RESULTS = ROOT / "benchmarks" / "results"
FOLDS = 5
CLASSICAL_VERSION = 1  # bump when the classical fitting below changes: it invalidates the cache
SF_METHODS = ("ets", "arima", "theta")


# ---------------------------------------------------------------- data and folds
def load(spec):
    """Raw target (NaN where the cell is empty) and the series after linear interpolation by
    row index (ends repeat the nearest value), as the forecast CLI's --missing interpolate."""
    raw = pd.read_csv(ROOT / spec["file"])[spec["target"]].to_numpy(dtype=float)
    known = np.flatnonzero(~np.isnan(raw))
    y = np.interp(np.arange(len(raw)), known, raw[known])
    return raw, y


def stride_for(n, h):
    return min(h, max(1, math.floor((0.4 * n - h) / 4)))


def origins_for(n, h, s, folds=FOLDS):
    return [n - h - (folds - 1 - k) * s for k in range(folds)]


def mase_scale(train, m):
    """In-sample MAE of the seasonal-naive (m = 1: naive) forecast on the training rows."""
    m = m if len(train) > m else 1
    return float(np.mean(np.abs(train[m:] - train[:-m])))


# ---------------------------------------------------------------- classical methods
def sf_model(method, m):
    if method == "ets":
        return AutoETS(season_length=m)
    if method == "theta":
        return AutoTheta(season_length=m)
    # A seasonal ARIMA search with m > 24 over thousands of rows takes minutes per fit; there we
    # use the CSS approximation (R's auto.arima default for n > 150 or m > 12).
    return AutoARIMA(season_length=m, approximation=m > 24)


def sm_ets(y, h, m):
    """statsmodels ETSModel with the smallest AICc over error x trend (none, additive, damped) x
    season (none, additive, multiplicative; only for 1 < m <= 24 and two full seasons)."""
    positive = y.min() > 0
    seasons = [None] + (["add"] + (["mul"] if positive else []) if 1 < m <= 24 and len(y) >= 2 * m + 2 else [])
    best = None
    for error in ["add"] + (["mul"] if positive else []):
        for trend, damped in [(None, False), ("add", False), ("add", True)]:
            for season in seasons:
                if error == "add" and season == "mul":
                    continue
                try:
                    fit = ETSModel(y, error=error, trend=trend, damped_trend=damped, seasonal=season,
                                   seasonal_periods=m if season else None).fit(disp=False, maxiter=200)
                    f = np.asarray(fit.forecast(h), dtype=float)
                except Exception:
                    continue
                if np.isfinite(fit.aicc) and np.all(np.isfinite(f)) and (best is None or fit.aicc < best[0]):
                    best = (fit.aicc, f, f"{error[0].upper()}{'N' if not trend else ('Ad' if damped else 'A')}"
                                         f"{season[0].upper() if season else 'N'}")
    if best is None:
        raise RuntimeError("no ETSModel variant fitted")
    return best[1], best[2]


def fit_one(method, train, h, m):
    """Forecast h steps; on failure retry with season 1, then fall back to the naive forecast."""
    notes = []
    for mm in ([m, 1] if m > 1 else [1]):
        try:
            if method == "sm_ets":
                f, chosen = sm_ets(train, h, mm)
                notes.append(chosen)
            else:
                f = np.asarray(sf_model(method, mm).forecast(y=train, h=h)["mean"], dtype=float)
            if len(f) == h and np.all(np.isfinite(f)):
                return f, mm, notes
            notes.append(f"m={mm}: non-finite forecast")
        except Exception as e:  # too short, singular, ...
            notes.append(f"m={mm}: {type(e).__name__}: {str(e)[:120]}")
    return np.repeat(train[-1], h), 0, notes + ["naive"]


def classical(spec, y, origins, h, m, methods):
    """{method: [per fold {forecast, season_used, notes, seconds}]}, from the cache where possible."""
    key = json.dumps([CLASSICAL_VERSION, spec["file"], spec["target"], h, origins, m]).encode()
    digest = hashlib.sha256(key + y.tobytes()).hexdigest()[:16]
    path = CACHE / f"{spec['name']}-h{h}-{digest}.json"
    cached = json.loads(path.read_text()) if path.exists() else {}
    changed = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for method in methods:
            if method in cached:
                continue
            folds = []
            for o in origins:
                t0 = time.perf_counter()
                f, used, notes = fit_one(method, y[:o], h, m)
                folds.append({"forecast": f.tolist(), "season_used": used, "notes": notes,
                              "seconds": round(time.perf_counter() - t0, 3)})
            cached[method], changed = folds, True
    if changed:
        CACHE.mkdir(exist_ok=True)
        path.write_text(json.dumps(cached))
    return {k: cached[k] for k in methods}


# ---------------------------------------------------------------- the forecast command
def backtest_folds(spec, y, origins, h, extra, args):
    """Run `forecast backtest`, check its folds against ours; (each fold's rows of predictions.csv
    in step order, seconds, command)."""
    with tempfile.TemporaryDirectory(prefix="accuracy-") as out:
        cmd = [args.bin, "backtest", spec["file"], "--target", spec["target"], "--horizon", str(h),
               *extra, "--missing", spec["missing"], "--out", out, "--quiet", *shlex.split(args.forecast_args)]
        t0 = time.perf_counter()
        p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        if p.returncode != 0:
            raise RuntimeError(f"exit {p.returncode}: {(p.stderr or p.stdout).strip()[-300:]}")
        pred = pd.read_csv(Path(out) / "predictions.csv")
    pred = pred[pred["target"] == spec["target"]]
    if sorted(pred["fold"].unique()) != list(range(len(origins))):
        raise RuntimeError(f"folds {sorted(pred['fold'].unique())} != {len(origins)} expected")
    folds = []
    for k, o in enumerate(origins):
        fk = pred[pred["fold"] == k].sort_values("step")
        want = y[o:o + h]
        if list(fk["step"]) != list(range(1, h + 1)) or not np.allclose(fk["actual"], want, rtol=1e-6, atol=1e-9):
            raise RuntimeError(f"fold {k}: actuals do not match rows [{o}, {o + h}) of the file")
        folds.append(fk)
    return folds, seconds, " ".join(shlex.quote("OUT" if c == out else c) for c in cmd)


def run_forecast(spec, y, origins, h, extra, args):
    """The point forecasts of `forecast backtest` per fold, seconds, command."""
    folds, seconds, cmd = backtest_folds(spec, y, origins, h, extra, args)
    return [fk["predicted"].to_numpy(dtype=float) for fk in folds], seconds, cmd


# ---------------------------------------------------------------- one series
def evaluate(spec, args):
    raw, y = load(spec)
    n, h, m = len(y), spec["horizon"], spec["season"]
    s = stride_for(n, h)
    origins = origins_for(n, h, s)
    methods = SF_METHODS + (("sm_ets",) if args.sm_ets else ())
    t0 = time.perf_counter()
    cl = classical(spec, y, origins, h, m, methods)
    res = {"name": spec["name"], "file": spec["file"], "target": spec["target"], "n": n, "h": h, "stride": s,
           "season": m, "missing": spec["missing"], "origins": origins, "classical_seconds_this_run": round(time.perf_counter() - t0, 2),
           "classical_seconds_fit": {k: round(sum(f["seconds"] for f in v), 2) for k, v in cl.items()},
           "fallbacks": {k: [f"fold {i}: {f['notes']}" for i, f in enumerate(v) if f["season_used"] != m]
                         for k, v in cl.items() if any(f["season_used"] != m for f in v)}}
    fc = {k: [np.asarray(f["forecast"]) for f in v] for k, v in cl.items()}
    fc["comb"] = [np.mean([fc[k][i] for k in SF_METHODS], axis=0) for i in range(FOLDS)]
    try:
        fc["forecast"], res["forecast_seconds"], res["command"] = run_forecast(
            spec, y, origins, h, ["--folds", str(FOLDS), "--stride", str(s)], args)
    except Exception as e:
        res["forecast_error"] = str(e)
    errs = {}
    for k, o in enumerate(origins):
        scale = mase_scale(y[:o], m)
        ok = ~np.isnan(raw[o:o + h])  # empty cells in the file are not scored
        for name, f in fc.items():
            errs.setdefault(name, []).extend(np.abs(y[o:o + h] - f[k])[ok] / scale)
    res["mase"] = {name: float(np.mean(e)) for name, e in errs.items()}
    best = min(res["mase"][k] for k in methods)
    res["best_classical"] = min(methods, key=lambda k: res["mase"][k])
    res["ratio"] = {name: v / best for name, v in res["mase"].items()}
    res["scored_points"] = len(errs["comb"])
    return res


def airpassengers_1960(args):
    """MAPE on 1960 (one fold, trained on 1949-1959) for the forecast command and the statsforecast models."""
    spec = {"name": "airpassengers", "file": "datasets/airpassengers_monthly.csv",
            "target": "passengers_thousands", "missing": "error"}
    _, y = load(spec)
    origins = [len(y) - 12]
    fc = {k: v[0]["forecast"] for k, v in classical(spec, y, origins, 12, 12, SF_METHODS).items()}
    out = {}
    try:
        f, secs, cmd = run_forecast(spec, y, origins, 12, ["--folds", "1"], args)
        fc["forecast"] = f[0]
        out.update(seconds=round(secs, 2), command=cmd)
    except Exception as e:
        out["forecast_error"] = str(e)
    actual = y[origins[0]:]
    out["mape"] = {k: float(np.mean(np.abs(actual - np.asarray(v)) / np.abs(actual)) * 100) for k, v in fc.items()}
    return out


# ---------------------------------------------------------------- report
def fmt(x, w=7, d=3):
    return f"{x:{w}.{d}f}" if x is not None and np.isfinite(x) else f"{'-':>{w}}"


def summarize(results, methods):
    names = ["forecast", *methods, "comb"]
    ok = [r for r in results if "forecast" in r["mase"]]
    summary = {"series": len(results), "series_scored": len(ok), "failed": [r["name"] for r in results if r not in ok]}
    for k in names:
        ratios = [r["ratio"][k] for r in ok]
        worst = max(ok, key=lambda r: r["ratio"][k]) if ok else None
        summary[k] = {"geomean_ratio": float(np.exp(np.mean(np.log(ratios)))) if ratios else None,
                      "worst_ratio": worst["ratio"][k] if worst else None, "worst_series": worst["name"] if worst else None,
                      "wins_vs_best_classical": sum(r <= 1 for r in ratios)}
    return summary


def print_report(results, summary, methods, ap):
    cols = ["forecast", *methods, "comb"]
    head = {"forecast": "forecast", "ets": "ETS", "arima": "ARIMA", "theta": "Theta", "sm_ets": "smETS", "comb": "Comb"}
    print(f"\n{'series':<22} {'n':>5} {'h':>3} {'s':>3} " + " ".join(f"{head[c]:>8}" for c in cols)
          + f" {'ratio':>6} {'secs':>6}  notes")
    for r in results:
        mm = r["mase"]
        notes = "; ".join([f"{k} fell back" for k in r["fallbacks"]] + ([r["forecast_error"][:60]] if "forecast_error" in r else []))
        print(f"{r['name']:<22} {r['n']:>5} {r['h']:>3} {r['stride']:>3} " + " ".join(fmt(mm.get(c), 8) for c in cols)
              + f" {fmt(r['ratio'].get('forecast'), 6)} {fmt(r.get('forecast_seconds'), 6, 1)}  {notes}")
    print(f"\nMASE ratio to the best classical method (ETS, ARIMA, Theta{', smETS' if 'sm_ets' in methods else ''}) "
          f"over {summary['series_scored']} series:")
    print(f"{'':<10} {'geomean':>8} {'worst':>7}  {'worst series':<22} {'<= best':>7}")
    for c in cols:
        s = summary[c]
        print(f"{head[c]:<10} {fmt(s['geomean_ratio'], 8)} {fmt(s['worst_ratio'])}  {s['worst_series'] or '-':<22} {s['wins_vs_best_classical']:>7}")
    if summary["failed"]:
        print("forecast failed on: " + ", ".join(summary["failed"]))
    print("\nAirPassengers 1960 (one fold, 12 months) MAPE %: " + "  ".join(
        f"{head.get(k, k)} {v:.2f}" for k, v in ap["mape"].items() if k != "comb"))
    if "forecast_error" in ap:
        print("  forecast failed: " + ap["forecast_error"])


def git_commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        return None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", default=".build/release/forecast", help="forecast binary (relative to the repo root)")
    p.add_argument("--forecast-args", default="", help="extra flags appended to every forecast backtest command")
    p.add_argument("--only", help="comma-separated series names from series.json")
    p.add_argument("--label", help="results go to benchmarks/results/accuracy-LABEL.json (default: date-commit)")
    p.add_argument("--jobs", type=int, default=1, help="series run concurrently (default 1: forecast uses both cores)")
    p.add_argument("--no-sm-ets", dest="sm_ets", action="store_false",
                   help="skip the statsmodels ETSModel baseline (it adds about 3 minutes to the first run, 0 after)")
    args = p.parse_args()
    args.bin = str((ROOT / args.bin).resolve()) if not Path(args.bin).is_absolute() else args.bin
    if not Path(args.bin).exists():
        sys.exit(f"no forecast binary at {args.bin} (swift build -c release --product forecast, or --bin)")
    specs = json.loads((HERE / "series.json").read_text())
    if args.only:
        wanted = args.only.split(",")
        unknown = set(wanted) - {s["name"] for s in specs}
        if unknown:
            sys.exit(f"unknown series: {', '.join(sorted(unknown))}")
        specs = [s for s in specs if s["name"] in wanted]
    methods = SF_METHODS + (("sm_ets",) if args.sm_ets else ())
    commit = git_commit()
    label = args.label or f"{datetime.date.today().isoformat()}-{commit}"

    t0 = time.perf_counter()
    if args.jobs > 1:
        with cf.ProcessPoolExecutor(args.jobs) as pool:
            results = list(pool.map(evaluate, specs, [args] * len(specs)))
    else:
        results = []
        for spec in specs:
            results.append(evaluate(spec, args))
            r = results[-1]
            print(f"  {r['name']}: forecast {fmt(r['mase'].get('forecast'), 0)} best classical "
                  f"{fmt(min(r['mase'][k] for k in methods), 0)} ({r.get('forecast_seconds', 0):.1f} s)", file=sys.stderr)
    ap = airpassengers_1960(args)
    summary = summarize(results, methods)
    print_report(results, summary, methods, ap)

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"accuracy-{label}.json"
    out.write_text(json.dumps({
        "label": label, "date": datetime.datetime.now().isoformat(timespec="seconds"), "commit": commit,
        "binary": args.bin, "binary_sha256": hashlib.sha256(Path(args.bin).read_bytes()).hexdigest()[:16],
        "binary_mtime": datetime.datetime.fromtimestamp(Path(args.bin).stat().st_mtime).isoformat(timespec="seconds"),
        "forecast_args": args.forecast_args, "methods": list(methods), "folds": FOLDS,
        "total_seconds": round(time.perf_counter() - t0, 1), "summary": summary,
        "airpassengers_1960": ap, "series": results}, indent=1))
    print(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
