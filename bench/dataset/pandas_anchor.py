"""pandas reference for the dataset benchmark: the V7 build with merge_asof (Debian pandas 1.5).

Usage: /usr/bin/python3 bench/dataset/pandas_anchor.py <dir with rep_snapshots.csv, rep_current.csv,
leads.csv> <data end date YYYY-MM-DD>. Prints one JSON line: wall and CPU (process_time) timings, row/label counts, peak RSS.

Same rules as leadscore's buildDataset with v7DatasetSpec: lag 0, lookback 120 days, 8 calendar-aligned
history quarters, 30-day label horizon, exclusions (duplicate lead_id, null contacted_at, unknown rep,
after data end, open horizon, converted without date), cohort statistics over the whole population.
"""
import json
import resource
import sys
import time

import pandas as pd

LAG = 0
LOOKBACK = 120
QUARTERS = 8
HORIZON = 30
CAREER = ["firm_id", "registration_type", "years_in_industry", "years_at_firm", "num_prior_firms",
          "disclosures_count", "has_series_7", "has_series_65", "has_series_66", "has_cfp"]
MARKET = ["firm_type", "state", "metro", "custodian", "firm_rep_count"]
FINANCIAL = ["aum", "num_clients", "num_accounts", "pct_hnw_clients", "fee_based_pct"]
HISTORY = ["aum", "num_clients", "firm_id", "firm_rep_count"]


def percent_rank(df, by, col):
    # SQL PERCENT_RANK over non-null values: (rank - 1) / (n - 1), 0 for a single row.
    r = df.groupby(by)[col].rank(method="min")
    n = df.groupby(by)[col].transform("count")
    out = (r - 1) / (n - 1)
    return out.where(n > 1, 0.0).where(r.notna())


def main():
    folder, end = sys.argv[1], pd.Timestamp(sys.argv[2])
    t0 = time.perf_counter()
    c0 = time.process_time()
    snaps = pd.read_csv(f"{folder}/rep_snapshots.csv", parse_dates=["snapshot_date"])
    cur = pd.read_csv(f"{folder}/rep_current.csv", parse_dates=["snapshot_date"])
    leads = pd.read_csv(f"{folder}/leads.csv", parse_dates=["contacted_at", "converted_at"])
    t1 = time.perf_counter()
    c1 = time.process_time()

    horizon = pd.Timedelta(days=HORIZON)
    copies = leads.groupby("lead_id")["lead_id"].transform("size")
    known = pd.Index(snaps["rep_id"]).union(pd.Index(cur["rep_id"]))
    cutoff_day = leads["contacted_at"].dt.normalize()
    converted = leads["converted"].astype("boolean")
    keep = (
        (copies == 1)
        & leads["contacted_at"].notna()
        & leads["rep_id"].isin(known)
        & (cutoff_day <= end)
        & (cutoff_day + horizon <= end)
        & converted.notna()
        & ~(converted.fillna(False) & leads["converted_at"].isna())
    )
    spine = leads[keep].copy()
    spine["label"] = (
        spine["converted"].astype(bool) & (spine["converted_at"] <= spine["contacted_at"] + horizon)
    ).astype("int32")
    spine["avail"] = spine["contacted_at"].dt.normalize() - pd.Timedelta(days=LAG)

    # Cohort statistics over the whole population: point-in-time ones per snapshot_date, current ones
    # over rep_current (aum is a current-policy column in V7).
    snaps["metro_rep_count"] = snaps.groupby(["snapshot_date", "metro"])["rep_id"].transform("size")
    cur["aum_pct_rank_state"] = percent_rank(cur, ["state"], "aum")
    cur["aum_pct_rank_firm"] = percent_rank(cur, ["firm_id"], "aum")
    cur["firm_total_aum"] = cur.groupby("firm_id")["aum"].transform(lambda s: s.sum(min_count=1))

    # Point in time: latest snapshot with date <= cutoff - lag, at most LOOKBACK days before the cutoff.
    pit_cols = ["rep_id", "snapshot_date", *CAREER, *MARKET, "metro_rep_count"]
    pit = snaps[pit_cols].rename(columns={"snapshot_date": "pit_snapshot_date"}).sort_values("pit_snapshot_date")
    spine = spine.sort_values("avail")
    out = pd.merge_asof(
        spine,
        pit,
        left_on="avail",
        right_on="pit_snapshot_date",
        by="rep_id",
        direction="backward",
        tolerance=pd.Timedelta(days=LOOKBACK - LAG),
    )
    current = cur[["rep_id", *FINANCIAL, "aum_pct_rank_state", "aum_pct_rank_firm", "firm_total_aum"]]
    out = out.merge(current, on="rep_id", how="left")

    # History: calendar quarter ends counted back from the anchor quarter (gaps stay gaps).
    anchor_q = (out["avail"] + pd.Timedelta(days=1)).dt.to_period("Q") - 1
    hist = snaps[["rep_id", "snapshot_date", *HISTORY]]
    for k in range(QUARTERS):
        q_end = (anchor_q - k).dt.end_time.dt.normalize()
        renamed = hist.rename(columns={c: f"{c}_q{k}" for c in HISTORY}).rename(
            columns={"snapshot_date": f"history_snapshot_date_q{k}"}
        )
        out[f"_q{k}"] = q_end
        out = out.merge(
            renamed, left_on=["rep_id", f"_q{k}"], right_on=["rep_id", f"history_snapshot_date_q{k}"], how="left"
        ).drop(columns=[f"_q{k}"])
    t2 = time.perf_counter()
    c2 = time.process_time()

    print(
        json.dumps(
            {
                "readMs": (t1 - t0) * 1000,
                "buildMs": (t2 - t1) * 1000,
                "readCpuMs": (c1 - c0) * 1000,
                "buildCpuMs": (c2 - c1) * 1000,
                "rows": int(len(out)),
                "positives": int(out["label"].sum()),
                "withPit": int(out["pit_snapshot_date"].notna().sum()),
                "columns": int(out.shape[1]),
                "maxRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "pandas": pd.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
