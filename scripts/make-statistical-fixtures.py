#!/usr/bin/env python3
"""Writes Tests/StatisticalTests/Fixtures/statistical.json: reference values from statsmodels for
the Statistical module's tests (run once; the tests compare against the committed file).

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install statsmodels pandas
    /tmp/venv/bin/python scripts/make-statistical-fixtures.py

What is pinned, on real series of the repository:
- ETS recursions with known initial states and fixed coefficients, every error/trend/season form
  the Swift side fits: one-step fitted values and forecasts from statsmodels' ETSModel.smooth,
  and for multiplicative seasons from statsforecast's port of R's forecast::ets recursions
  (statsmodels updates a multiplicative season with the new level, the Holt–Winters form; R and
  statsforecast, like the Swift side, use the state-space form of Hyndman et al. 2008).
- Classical decomposition: statsmodels seasonal_decompose's seasonal component (additive and
  multiplicative).
- Simple exponential smoothing with a known initial level: statsmodels SimpleExpSmoothing.
- The Theta method: statsforecast's state-space Theta (standard and optimized variants) with
  fixed initial level, alpha and theta: one-step errors and forecasts; and statsmodels
  ThetaModel's b0 (the least-squares slope).
- The autoregression: statsmodels OLS of x_t on 1, x_{t-1}, ..., x_{t-p} (conditional least
  squares, as AutoReg with a constant) and the KPSS statistic (statsmodels' kpss, level, the
  given lags).
- The 90 % seasonality test: statsmodels' acf at the seasonal lag and the M4 limit.
"""
import json
import pathlib
import warnings

import numpy as np
import pandas as pd
from statsforecast import ets as sf_ets
from statsforecast import theta as sf_theta
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.holtwinters import SimpleExpSmoothing
from statsmodels.tsa.forecasting.theta import ThetaModel
from statsmodels.tsa.seasonal import seasonal_decompose
from statsmodels.tsa.stattools import acf, kpss
from statsmodels.regression.linear_model import OLS

root = pathlib.Path(__file__).resolve().parent.parent
air = pd.read_csv(root / "datasets/airpassengers_monthly.csv")["passengers_thousands"].to_numpy(float)[:96]
huron = pd.read_csv(root / "datasets/panel/lake_huron_level_annual.csv")["level_ft"].to_numpy(float)
wool = pd.read_csv(root / "datasets/panel/australia_wool_production_quarterly.csv")["tonnes"].to_numpy(float)

out = {"ets": [], "decomposition": [], "ses": [], "theta": [], "seasonality": [], "autoregression": [], "kpss": []}

def ets_case(name, y, error, trend, damped, seasonal, m, coefs, level, slope, season):
    if seasonal == "M":
        # statsforecast's state vector is [l, b, s_0, s_-1, ..., s_-m+1]: the newest season first.
        state = [level] + ([slope] if trend != "N" else []) + list(season[::-1])
        _, e, x, _ = sf_ets.pegelsresid_C(np.asarray(y, float), m, np.asarray(state, float), error, trend, seasonal, damped,
                                         coefs["alpha"], coefs["beta"], coefs["gamma"], coefs["phi"], 3)
        fitted = y - e if error == "A" else y / (1 + e)
        forecast = np.full(12, np.nan)
        sf_ets.etsforecast(x=x[-1, :], m=m, trend=sf_ets.switch(trend), season=sf_ets.switch(seasonal),
                           phi=coefs["phi"] if damped else 1.0, h=12, f=forecast)
        if damped:
            # statsforecast's damped forecast adds phi + phi + phi^2 + ... (phi twice, as R's C code
            # does); the Swift side, like statsmodels and the book, adds phi + phi^2 + ... . The
            # fitted values pin the recursions; the damped forecast is pinned by statsmodels' cases.
            forecast = []
    else:
        fitted, forecast = statsmodels_ets(y, error, trend, damped, seasonal, m, coefs, level, slope, season)
    out["ets"].append({
        "name": name, "series": list(y), "error": error, "trend": "Ad" if damped else trend, "season": seasonal,
        "period": m, "alpha": coefs["alpha"], "beta": coefs.get("beta", 0), "gamma": coefs.get("gamma", 0),
        "phi": coefs.get("phi", 1), "level": level, "slope": slope if trend != "N" else 0,
        "seasonal": list(season) if seasonal != "N" else [],
        "fitted": list(np.asarray(fitted)), "forecast": list(np.asarray(forecast)),
    })

def statsmodels_ets(y, error, trend, damped, seasonal, m, coefs, level, slope, season):
    model = ETSModel(y, error="add" if error == "A" else "mul",
                     trend=None if trend == "N" else "add", damped_trend=damped,
                     seasonal=None if seasonal == "N" else "add",
                     seasonal_periods=m if seasonal != "N" else None,
                     initialization_method="known", initial_level=level,
                     initial_trend=slope if trend != "N" else None,
                     initial_seasonal=season if seasonal != "N" else None)
    params = [coefs["alpha"]]
    if trend != "N": params.append(coefs["beta"])
    if seasonal != "N": params.append(coefs["gamma"])
    if damped: params.append(coefs["phi"])
    params += [level] + ([slope] if trend != "N" else []) + (list(season) if seasonal != "N" else [])
    r = model.smooth(np.array(params))
    return np.asarray(r.fittedvalues), np.asarray(r.forecast(12))

air_season_m = list(seasonal_decompose(air[:48], model="multiplicative", period=12).seasonal[:12])
air_season_a = list(seasonal_decompose(air[:48], model="additive", period=12).seasonal[:12])
wool_season = list(seasonal_decompose(wool[:16], model="additive", period=4).seasonal[:4])
c = {"alpha": 0.35, "beta": 0.04, "gamma": 0.12, "phi": 0.93}
for e in "AM":
    for t, d in [("N", False), ("A", False), ("A", True)]:
        ets_case(f"huron {e}{t}{'d' if d else ''}N", huron, e, t, d, "N", 1, c, 579.0, -0.02, None)
        ets_case(f"air {e}{t}{'d' if d else ''}A", air, e, t, d, "A", 12, c, 118.0, 1.2, air_season_a)
        ets_case(f"wool {e}{t}{'d' if d else ''}A", wool, e, t, d, "A", 4, c, 6000.0, 10.0, wool_season)
        if e == "M":
            ets_case(f"air {e}{t}{'d' if d else ''}M", air, e, t, d, "M", 12, c, 118.0, 1.2, air_season_m)

for y, m, name in [(air, 12, "air"), (wool, 4, "wool")]:
    for form in ["additive", "multiplicative"]:
        s = seasonal_decompose(y, model=form, period=m).seasonal
        out["decomposition"].append({"name": f"{name} {form}", "series": list(y), "period": m, "form": form,
                                     "indices": list(np.asarray(s[:m]))})

for y, a, l0, name in [(huron, 0.6, 580.0, "huron"), (air, 0.3, 112.0, "air")]:
    r = SimpleExpSmoothing(y, initialization_method="known", initial_level=l0).fit(smoothing_level=a, optimized=False)
    out["ses"].append({"name": name, "series": list(y), "alpha": a, "initialLevel": l0,
                       "fitted": list(np.asarray(r.fittedvalues)), "forecast": float(np.asarray(r.forecast(1))[0])})

residents = pd.read_csv(root / "datasets/panel/australia_residents_quarterly.csv")["residents_thousands"].to_numpy(float)
for y, name, alpha, theta, level in [(huron, "huron", 0.6, 2.0, 290.0), (wool, "wool", 0.3, 3.5, 6100.0),
                                     (residents, "residents", 0.9, 40.0, 13000.0)]:
    variant = "STM" if theta == 2.0 else "OTM"
    model = sf_theta.thetamodel(y, 1, variant, level, alpha, theta, 3)
    b0 = float(ThetaModel(y, period=1, deseasonalize=False).fit(use_mle=False).params["b0"])
    out["theta"].append({"name": name, "series": list(y), "alpha": alpha, "theta": theta, "initialLevel": level,
                         "errors": list(model["residuals"]), "forecast": list(sf_theta.forecast_theta(model, 10)["mean"]),
                         "b0": b0})

for y, m, name in [(air, 12, "air"), (huron, 5, "huron"), (wool, 4, "wool")]:
    r = acf(y, nlags=m, fft=False)
    limit = 1.645 * np.sqrt((1 + 2 * np.sum(r[1:m] ** 2)) / len(y))
    out["seasonality"].append({"name": name, "series": list(y), "period": m, "acf": list(r), "seasonal": bool(abs(r[m]) > limit)})

lynx = pd.read_csv(root / "datasets/panel/lynx_trappings_annual.csv")["lynx"].to_numpy(float)
for y, name, p, skip in [(np.log(lynx), "log lynx", 2, 2), (np.log(lynx), "log lynx p4 skip6", 4, 6), (np.diff(huron), "huron differences", 1, 3)]:
    X = np.column_stack([np.ones(len(y) - skip)] + [y[skip - i:len(y) - i] for i in range(1, p + 1)])
    r = OLS(y[skip:], X).fit()
    out["autoregression"].append({"name": name, "series": list(y), "order": p, "skip": skip,
                                  "constant": float(r.params[0]), "coefficients": list(r.params[1:]), "sse": float(r.ssr)})
for y, name, lags in [(huron, "huron", 3), (air, "air", 4), (np.diff(air), "air differences", 4)]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stat = kpss(y, regression="c", nlags=lags)[0]
    out["kpss"].append({"name": name, "series": list(y), "lags": lags, "statistic": float(stat)})

path = root / "Tests/StatisticalTests/Fixtures/statistical.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print("wrote", path, {k: len(v) for k, v in out.items()})
