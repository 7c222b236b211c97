"""The pandas + XGBoost side of bench/e2e/run.ts: the demo's pipeline on the same CSVs, in one process.

Usage: /usr/bin/python3 bench/e2e/pandas_xgb.py DIR  (DIR holds rep_snapshots.csv, rep_current.csv,
leads.csv and job.json from the TS side: data end date, nthread, band edges, the fold lead ids, the
members' parameters). Prints one JSON line: per-step wall and CPU seconds, counts, AP, peak RSS.

Steps, as the TS side does them:
  read      pandas.read_csv of the three files
  dataset   every column point in time: merge_asof (latest snapshot <= contact day, 120-day lookback) by
            rep, cohort statistics per snapshot date, 8 calendar-quarter history columns, 30-day label,
            the builder's exclusions (bench/dataset/pandas_anchor.py's rules, all-pit policy)
  features  the V7 catalog in vectorised pandas/numpy, plus lead_source; categoricals as sorted-level codes
  train     the TS side's 5 temporal folds (lead ids), 2 members (depthwise, lossguide) with the TS
            side's parameters, early stopping on the latest 15 % of each fold's training rows (fit rows
            whose 30-day label window reaches them dropped), logloss
            then blend weights by out-of-fold log loss (grid of 21) and the members refit on all rows
            with the folds' mean best round count (no calibration step)
  gates     mean fold AP, train-test gap, CV coefficient, positives per fold, top-decile lift
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import average_precision_score, log_loss

LOOKBACK, QUARTERS, HORIZON = 120, 8, 30
CAREER = ["firm_id", "registration_type", "years_in_industry", "years_at_firm", "num_prior_firms",
          "disclosures_count", "has_series_7", "has_series_65", "has_series_66", "has_cfp"]
MARKET = ["firm_type", "state", "metro", "custodian", "firm_rep_count"]
FINANCIAL = ["aum", "num_clients", "num_accounts", "pct_hnw_clients", "fee_based_pct"]
HISTORY = ["aum", "num_clients", "firm_id", "firm_rep_count"]
CATEGORICAL = ["custodian", "state", "firm_type", "registration_type", "lead_source"]

steps = {}


class Step:
    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.w, self.c = time.perf_counter(), time.process_time()

    def __exit__(self, *exc):
        steps[self.name] = {"wall": time.perf_counter() - self.w, "cpu": time.process_time() - self.c}


def percent_rank(df, by, col):
    # SQL PERCENT_RANK over non-null values: (rank - 1) / (n - 1), 0 for a single row.
    r = df.groupby(by)[col].rank(method="min")
    n = df.groupby(by)[col].transform("count")
    return ((r - 1) / (n - 1)).where(n > 1, 0.0).where(r.notna())


def build(snaps, cur, leads, end):
    horizon = pd.Timedelta(days=HORIZON)
    copies = leads.groupby("lead_id")["lead_id"].transform("size")
    known = pd.Index(snaps["rep_id"]).union(pd.Index(cur["rep_id"]))
    day = leads["contacted_at"].dt.normalize()
    converted = leads["converted"].astype("boolean")
    keep = ((copies == 1) & leads["contacted_at"].notna() & leads["rep_id"].isin(known) & (day <= end)
            & (day + horizon <= end) & converted.notna()
            & ~(converted.fillna(False) & leads["converted_at"].isna()))
    spine = leads[keep].copy()
    spine["label"] = (spine["converted"].astype(bool)
                      & (spine["converted_at"] <= spine["contacted_at"] + horizon)).astype("int32")
    spine["avail"] = spine["contacted_at"].dt.normalize()
    by = ["snapshot_date"]
    snaps["metro_rep_count"] = snaps.groupby([*by, "metro"])["rep_id"].transform("size")
    snaps["aum_pct_rank_state"] = percent_rank(snaps, [*by, "state"], "aum")
    snaps["aum_pct_rank_firm"] = percent_rank(snaps, [*by, "firm_id"], "aum")
    snaps["firm_total_aum"] = snaps.groupby([*by, "firm_id"])["aum"].transform(lambda s: s.sum(min_count=1))
    cols = ["rep_id", "snapshot_date", *CAREER, *MARKET, *FINANCIAL, "metro_rep_count", "aum_pct_rank_state",
            "aum_pct_rank_firm", "firm_total_aum"]
    pit = snaps[cols].rename(columns={"snapshot_date": "pit_snapshot_date"}).sort_values("pit_snapshot_date")
    out = pd.merge_asof(spine.sort_values("avail"), pit, left_on="avail", right_on="pit_snapshot_date",
                        by="rep_id", direction="backward", tolerance=pd.Timedelta(days=LOOKBACK))
    anchor_q = (out["avail"] + pd.Timedelta(days=1)).dt.to_period("Q") - 1
    hist = snaps[["rep_id", "snapshot_date", *HISTORY]]
    for k in range(QUARTERS):
        renamed = hist.rename(columns={c: f"{c}_q{k}" for c in HISTORY}).rename(
            columns={"snapshot_date": f"history_snapshot_date_q{k}"})
        out[f"_q{k}"] = (anchor_q - k).dt.end_time.dt.normalize()
        out = out.merge(renamed, left_on=["rep_id", f"_q{k}"], right_on=["rep_id", f"history_snapshot_date_q{k}"],
                        how="left").drop(columns=[f"_q{k}"])
    return out


def ratio(a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(b == 0, np.nan, a / b)
    return np.where(np.abs(r) <= 3.4028234663852886e38, r, np.nan)


def band(x, edges):
    x = np.asarray(x, dtype=float)
    b = np.searchsorted(np.asarray(edges, dtype=float), x, side="right").astype(float)
    return np.where(np.isnan(x) | (x < 0), np.nan, b)


def flag(cond, missing):
    return np.where(missing, np.nan, cond.astype(float))


def features(t, edges):
    f = {}
    num = lambda c: t[c].astype(float).to_numpy()  # noqa: E731
    aum, clients, fee = num("aum"), num("num_clients"), num("fee_based_pct")
    yi, ya = num("years_in_industry"), num("years_at_firm")
    f["aum_per_client"] = ratio(aum, clients)
    f["accounts_per_client"] = ratio(num("num_accounts"), clients)
    with np.errstate(invalid="ignore"):
        f["log_aum"] = np.where(aum < 0, np.nan, np.log10(1 + aum))
    f["hnw_client_share"] = num("pct_hnw_clients")
    f["fee_based_share"] = fee
    f["is_fee_based_majority"] = flag(fee > 0.5, np.isnan(fee))
    f["aum_sweet_spot"] = flag((aum >= 50e6) & (aum <= 500e6), np.isnan(aum))
    f["est_annual_revenue"] = aum * (fee * 0.01 + (1 - fee) * 0.004)
    f["book_size_band"] = band(aum, edges["bookSize"])
    f["years_in_industry"] = yi
    f["years_at_firm"] = ya
    f["tenure_ratio"] = np.where(np.isnan(yi), np.nan, ya / np.maximum(yi, 0.25))
    f["moves_per_decade"] = np.where(np.isnan(yi), np.nan, 10 * num("num_prior_firms") / np.maximum(yi, 1))
    f["career_stage"] = np.where(yi > 30, 4, band(yi, edges["careerStage"]))
    f["in_move_window"] = flag((ya >= 3) & (ya <= 7), np.isnan(ya))
    lic = [t[c] for c in ["has_series_7", "has_series_65", "has_series_66"]]
    f["license_breadth"] = np.where(sum(s.isna() for s in lic) > 0, np.nan, sum(s.fillna(False).astype(float) for s in lic))
    reg, ftype = t["registration_type"], t["firm_type"]
    f["is_dually_registered"] = flag((reg == "DUAL").to_numpy(), reg.isna().to_numpy())
    f["has_cfp"] = t["has_cfp"].astype(float).to_numpy()
    f["aum_pct_rank_state"] = num("aum_pct_rank_state")
    f["aum_pct_rank_firm"] = num("aum_pct_rank_firm")
    f["firm_size_band"] = band(num("firm_rep_count"), edges["firmSize"])
    f["is_wirehouse"] = flag((ftype == "wirehouse").to_numpy(), ftype.isna().to_numpy())
    f["is_independent_channel"] = flag(ftype.isin(["independent_bd", "ria"]).to_numpy(), ftype.isna().to_numpy())
    metro = num("metro_rep_count")
    with np.errstate(invalid="ignore"):
        f["metro_rep_density"] = np.where(metro < 0, np.nan, np.log10(1 + metro))
    f["firm_aum_share"] = ratio(aum, num("firm_total_aum"))
    disc = num("disclosures_count")
    f["has_disclosures"] = flag(disc > 0, np.isnan(disc))
    # History, oldest first (column q7 .. q0), as the TS features see it.
    h = lambda c: np.column_stack([t[f"{c}_q{k}"].astype(float).to_numpy() for k in range(QUARTERS - 1, -1, -1)])  # noqa: E731
    ha, hc, hr = h("aum"), h("num_clients"), h("firm_rep_count")
    growth = lambda m, k: ratio(m[:, -1], m[:, -1 - k]) - 1  # noqa: E731
    f["aum_growth_1q"] = growth(ha, 1)
    f["aum_growth_4q"] = growth(ha, 4)
    f["aum_growth_8q"] = growth(ha, QUARTERS - 1)
    # log(q0 / q2) - log(q2 / q4), when all three are positive
    a0, a2, a4 = ha[:, -1], ha[:, -3], ha[:, -5]
    with np.errstate(invalid="ignore", divide="ignore"):
        acc = np.log(a0) - 2 * np.log(a2) + np.log(a4)
    f["aum_growth_acceleration_4q"] = np.where((a0 > 0) & (a2 > 0) & (a4 > 0), acc, np.nan)
    f["client_growth_4q"] = growth(hc, 4)
    g = ratio(ha[:, 1:], ha[:, :-1]) - 1
    n = (~np.isnan(g)).sum(axis=1)
    f["aum_volatility_8q"] = _nanstd(g, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        present = ~np.isnan(ha)
        cnt = present.sum(axis=1)
        tt = np.arange(QUARTERS, dtype=float)[None, :]
        mx = np.where(present, tt, 0).sum(axis=1) / cnt
        my = np.where(present, ha, 0).sum(axis=1) / cnt
        sxy = np.where(present, (tt - mx[:, None]) * (ha - my[:, None]), 0).sum(axis=1)
        sxx = np.where(present, (tt - mx[:, None]) ** 2, 0).sum(axis=1)
        f["aum_trend_slope_8q"] = np.where(cnt < 2, np.nan, ratio(sxy / sxx, my))
    # Firm ids as equality codes: changes between consecutive present quarters.
    codes = pd.factorize(pd.concat([t[f"firm_id_q{k}"] for k in range(QUARTERS)]))[0].reshape(QUARTERS, -1)[::-1].T
    fid = np.where(codes < 0, np.nan, codes.astype(float))
    prev = np.full(len(t), np.nan)
    changes = np.zeros(len(t))
    seen = np.zeros(len(t))
    for q in range(QUARTERS):
        x = fid[:, q]
        here = ~np.isnan(x)
        changes += here & (seen > 0) & (x != prev)
        seen += here
        prev = np.where(here, x, prev)
    f["firm_changes_8q"] = np.where(seen == 0, np.nan, changes)
    since = np.full(len(t), np.nan)
    newer = np.full(len(t), np.nan)
    newer_at = np.full(len(t), -1.0)
    for q in range(QUARTERS - 1, -1, -1):
        x = fid[:, q]
        here = ~np.isnan(x)
        hit = here & (newer_at >= 0) & (x != newer) & np.isnan(since)
        since = np.where(hit, (QUARTERS - 1) - newer_at, since)
        upd = here & np.isnan(since)
        newer = np.where(upd, x, newer)
        newer_at = np.where(upd, q, newer_at)
    f["quarters_since_firm_change"] = since
    f["firm_headcount_change_4q"] = growth(hr, 4)
    # against the oldest of q4, q3, q2, q1 with a headcount
    before = np.full(len(t), np.nan)
    for k in (1, 2, 3, 4):
        before = np.where(np.isnan(hr[:, -1 - k]), before, hr[:, -1 - k])
    f["firm_headcount_change_upto_4q"] = ratio(hr[:, -1], before) - 1
    f["history_quarters"] = np.column_stack(
        [t[f"history_snapshot_date_q{k}"].notna().to_numpy() for k in range(QUARTERS)]).sum(axis=1).astype(float)
    for c in CATEGORICAL:
        levels = sorted(t[c].dropna().unique())
        f[c] = pd.Categorical(t[c], categories=levels).codes.astype(float)
        f[c][f[c] < 0] = np.nan
    return pd.DataFrame(f, index=t.index).astype(np.float32)


def _nanstd(g, n):
    m = np.where(np.isnan(g), 0, g).sum(axis=1) / np.maximum(n, 1)
    v = np.where(np.isnan(g), 0, (g - m[:, None]) ** 2).sum(axis=1) / np.maximum(n - 1, 1)
    return np.where(n < 2, np.nan, np.sqrt(v))


def carve(train, times, fraction=0.15, horizon_ns=HORIZON * 86_400 * 10**9):
    order = train[np.argsort(times[train], kind="stable")]
    n_eval = max(1, round(len(order) * fraction))
    cut = len(order) - n_eval
    ev = np.sort(order[cut:])
    start = times[order[cut]]
    fit = order[:cut]
    return np.sort(fit[times[fit] + horizon_ns < start]), ev


def lift10(y, p):
    k = max(1, int(np.ceil(len(y) * 0.1)))
    top = np.argsort(-p, kind="stable")[:k]
    return y[top].mean() / y.mean()


def main():
    d = sys.argv[1]
    job = json.load(open(f"{d}/job.json"))
    nthread = job["nthread"]
    with Step("read"):
        snaps = pd.read_csv(f"{d}/rep_snapshots.csv", parse_dates=["snapshot_date"])
        cur = pd.read_csv(f"{d}/rep_current.csv", parse_dates=["snapshot_date"])
        leads = pd.read_csv(f"{d}/leads.csv", parse_dates=["contacted_at", "converted_at"])
    with Step("dataset"):
        table = build(snaps, cur, leads, pd.Timestamp(job["dataEndDate"]))
    with Step("features"):
        x = features(table, job["edges"])
        y = table["label"].to_numpy().astype(np.float64)
        times = table["contacted_at"].to_numpy().astype("datetime64[ns]").astype(np.int64)
        row_of = pd.Series(np.arange(len(table)), index=table["lead_id"].to_numpy())
    with Step("train"):
        folds = [(row_of[f["train"]].to_numpy(), row_of[f["test"]].to_numpy()) for f in job["folds"]]
        oof = {m["name"]: np.full(len(y), np.nan) for m in job["members"]}
        best = {m["name"]: [] for m in job["members"]}
        fold_ap = {m["name"]: [] for m in job["members"]}
        for train, test in folds:
            fit, ev = carve(train, times)
            dfit = xgb.DMatrix(x.iloc[fit], label=y[fit], nthread=nthread)
            dev = xgb.DMatrix(x.iloc[ev], label=y[ev], nthread=nthread)
            dtest = xgb.DMatrix(x.iloc[test], nthread=nthread)
            for m in job["members"]:
                params = {**m["xgb"], "base_score": float(y[fit].mean()), "nthread": nthread}
                b = xgb.train(params, dfit, m["numRounds"], evals=[(dev, "eval")],
                              early_stopping_rounds=job["earlyStoppingRounds"], verbose_eval=False)
                p = b.predict(dtest, iteration_range=(0, b.best_iteration + 1), output_margin=True)
                oof[m["name"]][test] = p
                best[m["name"]].append(b.best_iteration + 1)
                fold_ap[m["name"]].append(float(average_precision_score(y[test], p)))
        rows = np.where(~np.isnan(next(iter(oof.values()))))[0]
        names = list(oof)
        sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
        grid = [(w, float(log_loss(y[rows], sig(w * oof[names[0]][rows] + (1 - w) * oof[names[1]][rows]))))
                for w in np.linspace(0, 1, 21)]
        w = min(grid, key=lambda g: g[1])[0]
        dall = xgb.DMatrix(x, label=y, nthread=nthread)
        for m in job["members"]:
            params = {**m["xgb"], "base_score": float(y.mean()), "nthread": nthread}
            xgb.train(params, dall, int(round(np.mean(best[m["name"]]))))
        blend = sig(w * oof[names[0]] + (1 - w) * oof[names[1]])
    with Step("gates"):
        tests = [(test, blend[test]) for _, test in folds]
        aps = [float(average_precision_score(y[t], p)) for t, p in tests]
        gates = {
            "meanAp": float(np.mean(aps)),
            "cvCoefficient": float(np.std(aps) / np.mean(aps)),
            "minTestPositives": int(min(y[t].sum() for t, _ in tests)),
            "meanLift10": float(np.mean([lift10(y[t], p) for t, p in tests])),
        }
    print(json.dumps({
        "pandas": pd.__version__, "xgboost": xgb.__version__, "steps": steps,
        "rows": int(len(table)), "positives": int(y.sum()), "columns": int(table.shape[1]),
        "features": int(x.shape[1]), "foldAp": fold_ap, "bestRounds": best, "blendWeight": float(w),
        "gates": gates, "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
