"""The pandas + XGBoost side of bench/cv/run.ts: the same folds (fit / early-stopping / test rows exported
as JSON by the TS side), 5 folds x 2 members (depthwise, lossguide), no tuning, on the same matrix.
It produces what crossValidate reports: per fold the train and test AUC-PR, ROC AUC, lift at 10 %, Brier
and log loss (the train-test gap gate needs the train side), and the pooled out-of-fold AUC-PR. The time
to the test predictions alone is printed as well (`cvSeconds` includes the metrics, `testOnlySeconds`
stops the clock of each fit after its test AP).
Usage: python3 xgb_cv.py DIR NTHREAD  (DIR holds matrix.f32, labels.u8, meta.json, folds.json)"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

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


def lift_at(y, p, frac=0.1):
    """Positive rate of the top frac of rows by score over the base rate (ties by order, as ours)."""
    k = max(1, int(np.ceil(frac * len(y))))
    top = np.argsort(-p, kind="stable")[:k]
    return float(y[top].mean() / y.mean()) if y.mean() > 0 else float("nan")


def metric_set(y, p):
    return {"averagePrecision": float(average_precision_score(y, p)), "rocAuc": float(roc_auc_score(y, p)),
            "liftAt10": lift_at(y, p), "brier": float(brier_score_loss(y, p)),
            "logLoss": float(log_loss(y, np.clip(p, 1e-15, 1 - 1e-15), labels=[0, 1]))}


y_all = labels.to_numpy()
t1 = time.perf_counter()
out = []
metrics_s = 0.0
oof = {name: ([], []) for name in members}
for fold in folds:
    fit, ev, test = fold["fit"], fold["eval"], fold["test"]
    train_rows = fold["train"]
    dfit = xgb.DMatrix(frame.iloc[fit], label=labels.iloc[fit], nthread=nthread)
    deval = xgb.DMatrix(frame.iloc[ev], label=labels.iloc[ev], nthread=nthread)
    dtest = xgb.DMatrix(frame.iloc[test], nthread=nthread)
    dtrain = xgb.DMatrix(frame.iloc[train_rows], nthread=nthread)
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
        rng = (0, b.best_iteration + 1)
        p = b.predict(dtest, iteration_range=rng)
        ap = float(average_precision_score(labels.iloc[test], p))
        tm = time.perf_counter()
        pt = b.predict(dtrain, iteration_range=rng)
        train_m, test_m = metric_set(y_all[train_rows], pt), metric_set(y_all[test], p)
        oof[name][0].extend(test)
        oof[name][1].extend(p.tolist())
        metrics_s += time.perf_counter() - tm
        out.append({"fold": fold["index"], "member": name, "bestIteration": b.best_iteration, "ap": ap,
                    "train": train_m, "test": test_m})
tm = time.perf_counter()
oof_ap = {name: float(average_precision_score(y_all[rows], preds)) for name, (rows, preds) in oof.items()}
metrics_s += time.perf_counter() - tm
cv_s = time.perf_counter() - t1
print(json.dumps({"xgboost": xgb.__version__, "pandas": pd.__version__, "loadSeconds": load_s, "cvSeconds": cv_s, "testOnlySeconds": cv_s - metrics_s, "oofAp": oof_ap,
                  "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "runs": out}))
