#!/usr/bin/env python3
"""The statsforecast references on indicast's own cross-validation windows (a side experiment, not part of
`.ci/run`; needs `pip install statsforecast==2.1.1 pandas`).

`indicast backtest` writes the cross-validation frame of a training part: one row per (series, cutoff,
period) with the actual value, the combination (`mean`) and `naive`. This script fits statsforecast's
models to exactly the values up to each cutoff, forecasts the same periods, and prints every method's OWA
as `benches/README.md` reports it: the mean over windows of sMAPE and of MASE (scaled by the mean absolute
yearly change of the window's training values), each relative to `naive`, averaged.

    indicast backtest --input ../shared/bench/tourism_yearly_train.csv --id-col series_id \\
        --time-col period --target-col value --horizon 4 --windows 3 --step 2 -o /tmp/bt.csv
    python3 benches/statsforecast_cv.py ../shared/bench/tourism_yearly_train.csv /tmp/bt.csv

(AutoARIMA makes it take a few minutes on 2 cores.)
"""

import csv
import sys
from collections import defaultdict

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import (
    AutoARIMA,
    AutoETS,
    AutoTheta,
    DynamicOptimizedTheta,
    Naive,
    OptimizedTheta,
    RandomWalkWithDrift,
    Theta,
)


def smape(a, f):
    return np.mean(200 * np.abs(a - f) / (np.abs(a) + np.abs(f)))


def main(train_path, bt_path):
    series = defaultdict(list)
    for r in csv.DictReader(open(train_path)):
        series[r["series_id"]].append((int(r["period"]), float(r["value"])))
    series = {k: sorted(v) for k, v in series.items()}
    windows = defaultdict(dict)
    for r in csv.DictReader(open(bt_path, encoding="utf-8-sig")):
        windows[(r["series_id"], int(r["cutoff"]))][int(r["period"])] = r
    h = max(len(v) for v in windows.values())
    rows = [
        (f"{sid}|{cut}", t, y)
        for (sid, cut) in windows
        for t, y in series[sid]
        if t <= cut
    ]
    df = pd.DataFrame(rows, columns=["unique_id", "ds", "y"])
    models = [
        Naive(),
        RandomWalkWithDrift(),
        AutoTheta(),
        OptimizedTheta(),
        DynamicOptimizedTheta(),
        Theta(),
        AutoETS(),
        AutoARIMA(),
    ]
    sf = StatsForecast(models=models, freq=1, n_jobs=2, fallback_model=Naive())
    fc = sf.forecast(df=df, h=h)
    if "unique_id" not in fc.columns:
        fc = fc.reset_index()
    fc["k"] = fc.groupby("unique_id").cumcount()
    names = [c for c in fc.columns if c not in ("unique_id", "ds", "k")]
    by_key = {(u, k): r for u, k, r in zip(fc.unique_id, fc.k, fc.to_dict("records"))}
    acc = defaultdict(lambda: ([], []))
    skipped = 0
    for (sid, cut), per in windows.items():
        periods = sorted(per)
        actual = np.array([float(per[p]["value"]) for p in periods])
        train = np.array([y for t, y in series[sid] if t <= cut])
        scale = np.mean(np.abs(np.diff(train)))
        cells = [per[p][c] for p in periods for c in ("mean", "naive")]
        if not scale > 0 or "" in cells:
            skipped += 1  # a constant training window (no MASE scale) or a blank forecast
            continue
        cols = {
            "indicast combination": np.array([float(per[p]["mean"]) for p in periods]),
            "indicast naive": np.array([float(per[p]["naive"]) for p in periods]),
        }
        for m in names:
            cols[m] = np.array([by_key[(f"{sid}|{cut}", k)][m] for k in range(len(periods))])
        cols["half indicast, half AutoTheta"] = 0.5 * (cols["indicast combination"] + cols["AutoTheta"])
        for m, v in cols.items():
            acc[m][0].append(smape(actual, v))
            acc[m][1].append(np.mean(np.abs(actual - v)) / scale)
    if skipped:
        print(f"{skipped} window(s) skipped: constant training values or a blank forecast")
    base = acc["indicast naive"]
    for m, (s, q) in acc.items():
        owa = 0.5 * (np.mean(s) / np.mean(base[0]) + np.mean(q) / np.mean(base[1]))
        print(f"{m:32s} OWA {owa:.3f}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
