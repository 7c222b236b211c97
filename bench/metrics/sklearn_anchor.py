"""Times sklearn 1.2 (and numpy references for metrics sklearn lacks) on the rows written by run.ts.

Usage: /usr/bin/python3 bench/metrics/sklearn_anchor.py <dir> <repeats>
<dir> holds labels.f64, scores.f64, weights.f64 and actual.f64 (raw little-endian float64).
Prints one JSON object: {"sklearn": version, "timings": {metric: median wall seconds},
"cpu": {metric: median process CPU seconds}, "values": {metric: value}}.
"""
import json
import statistics
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

warnings.simplefilter("ignore")


def precision_at(y, s, k):
    t = np.partition(s, len(s) - k)[len(s) - k]
    above = s > t
    tied = s == t
    return (y[above].sum() + (k - above.sum()) * y[tied].sum() / tied.sum()) / k


def ece(y, p, n_bins=10):
    ids = np.searchsorted(np.linspace(0.0, 1.0, n_bins + 1)[1:-1], p)
    counts = np.bincount(ids, minlength=n_bins)
    frac = np.bincount(ids, weights=y, minlength=n_bins)
    mean = np.bincount(ids, weights=p, minlength=n_bins)
    nz = counts > 0
    return float(np.sum(np.abs(frac[nz] - mean[nz])) / len(p))


def psi(expected, actual, n_bins=10, eps=1e-4):
    edges = np.percentile(expected, np.linspace(0, 1, n_bins + 1) * 100)
    pe = np.bincount(np.searchsorted(edges[1:-1], expected), minlength=n_bins) / len(expected)
    pa = np.bincount(np.searchsorted(edges[1:-1], actual), minlength=n_bins) / len(actual)
    pe = np.where(pe == 0, eps, pe)
    pa = np.where(pa == 0, eps, pa)
    return float(np.sum((pa - pe) * np.log(pa / pe)))


def main():
    d, repeats = sys.argv[1], int(sys.argv[2])
    y = np.fromfile(f"{d}/labels.f64", dtype="<f8").astype(np.int64)
    s = np.fromfile(f"{d}/scores.f64", dtype="<f8")
    w = np.fromfile(f"{d}/weights.f64", dtype="<f8")
    actual = np.fromfile(f"{d}/actual.f64", dtype="<f8")
    k = max(1, int(np.floor(0.1 * len(y) + 0.5)))
    jobs = {
        "averagePrecision": lambda: average_precision_score(y, s),
        "rocAuc": lambda: roc_auc_score(y, s),
        "averagePrecision (weighted)": lambda: average_precision_score(y, s, sample_weight=w),
        "rocAuc (weighted)": lambda: roc_auc_score(y, s, sample_weight=w),
        "precisionAt (numpy)": lambda: precision_at(y, s, k),
        "brierScore": lambda: brier_score_loss(y, s),
        "logLoss": lambda: log_loss(y, s, labels=[0, 1]),
        "calibrationCurve (quantile 10)": lambda: calibration_curve(y, s, n_bins=10, strategy="quantile")[0][0],
        "expectedCalibrationError (numpy)": lambda: ece(y, s),
        "psi (numpy)": lambda: psi(s, actual),
    }
    timings, cpu, values = {}, {}, {}
    for name, job in jobs.items():
        wall_times, cpu_times = [], []
        for _ in range(repeats):
            c = time.process_time()
            t = time.perf_counter()
            v = job()
            wall_times.append(time.perf_counter() - t)
            cpu_times.append(time.process_time() - c)
        timings[name] = statistics.median(wall_times)
        cpu[name] = statistics.median(cpu_times)
        values[name] = float(v)
    print(json.dumps({"sklearn": sklearn.__version__, "numpy": np.__version__, "timings": timings, "cpu": cpu, "values": values}))


if __name__ == "__main__":
    main()
