"""XGBoost side of bench/score/run.ts: loads the xgb member of the model file and times predict +
pred_contribs on the same float32 feature matrix (column-major x.f32, written by run.ts).

Usage: /usr/bin/python3 xgb_score.py DIR   (DIR holds meta.json, x.f32, member.json); prints JSON.
"""
import json
import os
import resource
import sys
import time

import numpy as np
import xgboost as xgb

d = sys.argv[1]
meta = json.load(open(os.path.join(d, "meta.json")))
x = np.fromfile(os.path.join(d, "x.f32"), dtype=np.float32).reshape(meta["nCols"], meta["nRows"]).T
x = np.ascontiguousarray(x)
b = xgb.Booster(model_file=os.path.join(d, "member.json"))
b.set_param({"nthread": meta["nthread"]})
t0 = time.perf_counter()
dm = xgb.DMatrix(x, missing=np.nan, feature_names=meta["names"], nthread=meta["nthread"])
p = b.predict(dm)
c = b.predict(dm, pred_contribs=True)
seconds = time.perf_counter() - t0
print(
    json.dumps(
        {
            "version": xgb.__version__,
            "seconds": seconds,
            "rowsPerSecond": meta["nRows"] / seconds,
            "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "checksum": float(p[:1000].sum()),
            "contribShape": list(c.shape),
        }
    )
)
