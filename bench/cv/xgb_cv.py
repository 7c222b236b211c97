"""The pandas + XGBoost side of bench/cv/run.ts: the same folds (fit / early-stopping / test rows exported
as JSON by the TS side), 5 folds x 2 members (depthwise, lossguide), no tuning, on the same matrix.
Usage: python3 xgb_cv.py DIR NTHREAD  (DIR holds matrix.f32, labels.u8, meta.json, folds.json)"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import average_precision_score

d, nthread = sys.argv[1], int(sys.argv[2])
meta = json.load(open(f"{d}/meta.json"))
t0 = time.perf_counter()
n, names = meta["nRows"], meta["names"]
values = np.fromfile(f"{d}/matrix.f32", dtype=np.float32).reshape(len(names), n).T
frame = pd.DataFrame(values, columns=names)
labels = pd.Series(np.fromfile(f"{d}/labels.u8", dtype=np.uint8), name="label")
folds = json.load(open(f"{d}/folds.json"))
load_s = time.perf_counter() - t0

members = {
    "xgb": {"grow_policy": "depthwise", "max_depth": 4},
    "lgbm": {"grow_policy": "lossguide", "max_depth": 0, "max_leaves": 15},
}
t1 = time.perf_counter()
out = []
for fold in folds:
    fit, ev, test = fold["fit"], fold["eval"], fold["test"]
    dfit = xgb.DMatrix(frame.iloc[fit], label=labels.iloc[fit], nthread=nthread)
    deval = xgb.DMatrix(frame.iloc[ev], label=labels.iloc[ev], nthread=nthread)
    dtest = xgb.DMatrix(frame.iloc[test], nthread=nthread)
    for name, extra in members.items():
        params = {
            "objective": "binary:logistic",
            "tree_method": "hist",
            "max_bin": 256,
            "eta": 0.05,
            "lambda": 1.0,
            "min_child_weight": 1.0,
            "base_score": float(labels.iloc[fit].mean()),
            "eval_metric": "logloss",
            "nthread": nthread,
            **extra,
        }
        b = xgb.train(params, dfit, 400, evals=[(deval, "eval")], early_stopping_rounds=40, verbose_eval=False)
        p = b.predict(dtest, iteration_range=(0, b.best_iteration + 1))
        out.append({"fold": fold["index"], "member": name, "bestIteration": b.best_iteration,
                    "ap": float(average_precision_score(labels.iloc[test], p))})
cv_s = time.perf_counter() - t1
print(json.dumps({"xgboost": xgb.__version__, "pandas": pd.__version__, "loadSeconds": load_s, "cvSeconds": cv_s,
                  "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "runs": out}))
