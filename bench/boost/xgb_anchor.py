"""XGBoost 1.7.4 anchor for bench/boost/run.ts: same data (raw float32 files), same parameters.

Usage: /usr/bin/python3 xgb_anchor.py <dir> <nthread,...> [repeat]
Training (DMatrix construction included, as our binning is) is timed `repeat` times (default 1); the
median is reported, every time in trainSecondsAll.
<dir> holds meta.json {nTrain, nTest, nCols, rounds, maxDepth, eta, maxBin, baseScore, shapRows} and
x_train.f32, y_train.f32, x_test.f32, y_test.f32; with shapRows > 0 also model.json (our model) and
phi.f64 (our TreeSHAP values of the first shapRows test rows), for the pred_contribs comparison. Prints one JSON object on stdout.
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
shap_rows = meta.get('shapRows', 0)
if shap_rows > 0:
    # our model, loaded by XGBoost, explained on the same rows: TreeSHAP speed and agreement
    shap_bst = xgb.Booster(model_file=f'{folder}/model.json')
    dshap = xgb.DMatrix(xte[:shap_rows], missing=np.nan)
    ours_phi = np.fromfile(f'{folder}/phi.f64', dtype=np.float64).reshape(shap_rows, nc + 1)
    for run in out['runs']:
        shap_bst.set_param({'nthread': run['nthread']})
        phi = shap_bst.predict(dshap, pred_contribs=True)
        out['shapMaxAbsDiff'] = float(np.abs(phi - ours_phi).max())
        # warm-up above, then the median of 3 timed calls, as bench/boost/run.ts
        shap_walls, shap_cpus = [], []
        for _ in range(3):
            t1 = time.perf_counter()
            c1 = time.process_time()
            shap_bst.predict(dshap, pred_contribs=True)
            shap_walls.append(time.perf_counter() - t1)
            shap_cpus.append(time.process_time() - c1)
        run['shapRowsPerSecond'] = shap_rows / float(np.median(shap_walls))
        run['shapCpuRowsPerSecond'] = shap_rows / float(np.median(shap_cpus))
out['peakRssMiB'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
