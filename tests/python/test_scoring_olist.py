"""Lead scoring on Olist's marketing funnel, checked against pandas + sklearn.

Olist's 8,000 MQLs (first_contact_date, origin, landing_page_id) and the 842
closed deals (won_date). The question: which MQLs are won within 180 days of
first contact? Baton scores each MQL at its first contact (as_of mql) with
three features: origin (the people source), landing page (an attribute, rare
pages pooled) and month of first contact (an attribute this test derives into
a copy of the leads file in a temporary folder).

Here pandas rebuilds the same rows from the raw files by the definitions of
core/scoring/scoring.h, independently of Baton:
  point     = first_contact_date; max_time = the latest first contact or win
  scored    = MQLs not won strictly before their first contact
  label     = won_date <= point + 180 days; unknown (not trained or judged)
              when point + 180 days > max_time
  levels    held by fewer than max(10, ceil(1% of scored)) scored MQLs pool
              into "other" (with the level literally named "other"); a
              missing origin is "(none)"
  split     = test when point >= the point at position floor(0.8 n) of the
              sorted labelled points
  columns   one-hot, dropped when constant on the training rows
and sklearn fits LogisticRegression(C=1) on them. The AUC on the test rows
must equal Baton's to 1e-6, and the lift by decile (test rows by score,
highest first, ties by Baton's person order) must match exactly in counts
and positives.
"""
import math
import textwrap

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("sklearn")
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

from conftest import import_baton  # noqa: E402

baton = import_baton()

DAY_MS = 86_400_000
WITHIN_DAYS = 180


@pytest.fixture(scope="module")
def olist(tmp_path_factory, shared_data):
    folder = shared_data / "olist_marketing_funnel"
    leads = pd.read_csv(folder / "olist_marketing_qualified_leads_dataset.csv")
    deals = pd.read_csv(folder / "olist_closed_deals_dataset.csv")
    tmp = tmp_path_factory.mktemp("olist_scoring")
    leads_path = tmp / "leads_with_month.csv"
    with_month = leads.copy()
    with_month["contact_month"] = with_month["first_contact_date"].str.slice(0, 7)
    with_month.to_csv(leads_path, index=False)
    deals_path = folder / "olist_closed_deals_dataset.csv"
    mapping = tmp / "olist.toml"
    mapping.write_text(textwrap.dedent(f"""\
        [[people]]
        file = "{leads_path}"
        person_id = "mql_id"
        created_at = "first_contact_date"
        source = "origin"
        attributes = ["landing_page_id", "contact_month"]

        [[stages]]
        file = "{leads_path}"
        person_id = "mql_id"
        at = "first_contact_date"
        stage = {{ value = "mql" }}

        [[stages]]
        file = "{deals_path}"
        person_id = "mql_id"
        at = "won_date"
        stage = {{ value = "won" }}
        """))
    ws = baton.load(mapping, progress=False)
    result = ws.score(as_of="mql", label="won", within=f"{WITHIN_DAYS}d",
                      features=["source = *", "landing_page_id = *", "contact_month = *"])
    ws.close()
    return with_month, deals, result


def ms(series):
    return (pd.to_datetime(series).astype("int64") // 1_000_000).to_numpy()


def expected_rows(leads, deals):
    """The scored MQLs with label, split and one-hot features, by pandas."""
    df = leads.copy()
    df["point"] = ms(df["first_contact_date"])
    won = deals[["mql_id", "won_date"]].copy()
    won["won_at"] = ms(won["won_date"])
    won = won.groupby("mql_id", as_index=False)["won_at"].min()
    df = df.merge(won, on="mql_id", how="left")
    max_time = max(df["point"].max(), won["won_at"].max())
    past = df["won_at"] < df["point"]  # NaN compares False
    df = df[~past].copy()
    open_window = df["point"] > max_time - WITHIN_DAYS * DAY_MS
    df["label"] = np.where(open_window, -1,
                           (df["won_at"] <= df["point"] + WITHIN_DAYS * DAY_MS).astype(int))
    n = len(df)
    min_count = max(10, math.ceil(0.01 * n))
    columns = {}
    for prefix, field in [("source", "origin"), ("landing_page_id", "landing_page_id"),
                          ("contact_month", "contact_month")]:
        level = df[field].fillna("(none)").astype(str)
        counts = level.value_counts()
        rare = set(counts[counts < min_count].index) | {"other"}
        pooled = level.where(~level.isin(rare), "other")
        for value in sorted(pooled.unique()):
            columns[f"{prefix} = {value}"] = (pooled == value).astype(float).to_numpy()
    x = pd.DataFrame(columns, index=df.index)
    labelled = df[df["label"] >= 0]
    pts = np.sort(labelled["point"].to_numpy())
    split = pts[int(0.8 * len(pts))]
    df["set"] = np.where(df["label"] < 0, "open",
                         np.where(df["point"] >= split, "test", "train"))
    return df, x, int(past.sum())


def test_olist_scoring_matches_pandas_and_sklearn(olist):
    leads, deals, r = olist
    df, x, past = expected_rows(leads, deals)
    s = dict(zip(r.summary["metric"], r.summary["value"]))
    assert s["scored"] == len(df)
    assert s["past_label"] == past
    assert s["window_open"] == (df["set"] == "open").sum()
    assert s["train_rows"] == (df["set"] == "train").sum()
    assert s["test_rows"] == (df["set"] == "test").sum()
    assert s["train_positives"] == df.loc[df["set"] == "train", "label"].sum()
    assert s["test_positives"] == df.loc[df["set"] == "test", "label"].sum()

    train = df["set"] == "train"
    xt = x[train]
    keep = [c for c in x.columns if xt[c].min() != xt[c].max()]
    assert sorted(keep) == sorted(r.coefficients["feature"].iloc[1:])
    model = LogisticRegression(C=1.0, penalty="l2", solver="newton-cg", tol=1e-12,
                               max_iter=10000)
    model.fit(xt[keep].to_numpy(), df.loc[train, "label"].to_numpy())
    # Same coefficients, by name.
    got = dict(zip(r.coefficients["feature"], r.coefficients["coefficient"]))
    assert got["(intercept)"] == pytest.approx(model.intercept_[0], abs=1e-5)
    for name, value in zip(keep, model.coef_[0]):
        assert got[name] == pytest.approx(value, abs=1e-5), name

    test = df[df["set"] == "test"].copy()
    test["p"] = model.predict_proba(x.loc[test.index, keep].to_numpy())[:, 1]
    assert s["auc"] == pytest.approx(roc_auc_score(test["label"], test["p"]), abs=1e-6)

    # Lift by decile: ties broken by Baton's person order, which is the order
    # of its scores table.
    order = {pid: i for i, pid in enumerate(r.scores["person_id"])}
    test["order"] = test["mql_id"].map(order)
    assert test["order"].notna().all()
    ranked = test.sort_values(["p", "order"], ascending=[False, True], kind="mergesort")
    m = len(ranked)
    base = ranked["label"].mean()
    for d in range(10):
        part = ranked.iloc[d * m // 10:(d + 1) * m // 10]
        row = r.lift.iloc[d]
        assert row["decile"] == d + 1
        assert row["count"] == len(part)
        assert row["positives"] == part["label"].sum(), f"decile {d + 1}"
        assert row["lift"] == pytest.approx(part["label"].mean() / base, abs=1e-9)
