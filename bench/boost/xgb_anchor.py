"""XGBoost 1.7.4 anchor for bench/boost/run.ts: same data (raw float32 files), same parameters.

Usage: /usr/bin/python3 xgb_anchor.py <dir> <nthread,...> [repeat]
Training (DMatrix construction included, as our binning is) is timed `repeat` times (default 1); the
median is reported, every time in trainSecondsAll.
<dir> holds meta.json {nTrain, nTest, nCols, rounds, maxDepth, eta, maxBin, baseScore} and
x_train.f32, y_train.f32, x_test.f32, y_test.f32. Prints one JSON object on stdout.
"""
import json
import resource
import sys
import time

import numpy as np
import xgboost as xgb
from sklearn.metrics import average_precision_score

folder, threads = sys.argv[1], [int(t) for t in sys.argv[2].split(',')]
repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 1
meta = json.load(open(f'{folder}/meta.json'))
nc = meta['nCols']
xtr = np.fromfile(f'{folder}/x_train.f32', dtype=np.float32).reshape(meta['nTrain'], nc)
ytr = np.fromfile(f'{folder}/y_train.f32', dtype=np.float32)
xte = np.fromfile(f'{folder}/x_test.f32', dtype=np.float32).reshape(meta['nTest'], nc)
yte = np.fromfile(f'{folder}/y_test.f32', dtype=np.float32)
out = {'xgboost': xgb.__version__, 'runs': []}
for nt in threads:
    params = {'objective': 'binary:logistic', 'tree_method': 'hist', 'max_bin': meta['maxBin'],
              'eta': meta['eta'], 'max_depth': meta['maxDepth'], 'nthread': nt,
              'base_score': meta['baseScore'], 'eval_metric': 'logloss'}
    walls, cpus = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        c0 = time.process_time()
        dtr = xgb.DMatrix(xtr, label=ytr, missing=np.nan, nthread=nt)
        bst = xgb.train(params, dtr, num_boost_round=meta['rounds'])
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        del dtr
    train_s = float(np.median(walls))
    train_cpu = float(np.median(cpus))
    # inplace_predict: no DMatrix prediction cache, raw float32 input like ours
    bst.set_param({'nthread': nt})
    p = bst.inplace_predict(xte, missing=np.nan)
    # the median of 7 timed calls after the warm-up call, as bench/boost/run.ts
    pred_walls, pred_cpus = [], []
    for _ in range(7):
        t1 = time.perf_counter()
        c1 = time.process_time()
        p = bst.inplace_predict(xte, missing=np.nan)
        pred_walls.append(time.perf_counter() - t1)
        pred_cpus.append(time.process_time() - c1)
    pred_s = float(np.median(pred_walls))
    pred_cpu = float(np.median(pred_cpus))
    out['runs'].append({'nthread': nt, 'trainSeconds': train_s, 'trainSecondsAll': walls,
                        'trainCpuSeconds': train_cpu,
                        'predictCpuRowsPerSecond': meta['nTest'] / pred_cpu,
                        'ap': float(average_precision_score(yte, p)),
                        'predictRowsPerSecond': meta['nTest'] / pred_s})
out['peakRssMiB'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
