"""The Olist funnel by source, checked against pandas computed independently.

Olist's 8,000 MQLs (first_contact_date, origin) and the 842 closed deals
(won_date) form a two-stage funnel: mql -> won. For each origin the CLI must
report, and pandas here recomputes from the raw files:
  mql: reached = MQLs of that origin, advanced = won = closed deals,
       days = won_date - first_contact_date, negatives left out, median and
       p90 by numpy's linear rule;
  won: reached = advanced = won = closed deals.
"""
import io
import textwrap

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli


@pytest.fixture(scope="module")
def olist_mapping(tmp_path_factory, shared_data):
    folder = shared_data / "olist_marketing_funnel"
    leads = folder / "olist_marketing_qualified_leads_dataset.csv"
    deals = folder / "olist_closed_deals_dataset.csv"
    mapping = tmp_path_factory.mktemp("olist") / "olist.toml"
    mapping.write_text(textwrap.dedent(f"""\
        [[people]]
        file = "{leads}"
        person_id = "mql_id"
        created_at = "first_contact_date"
        source = "origin"
        attributes = ["landing_page_id"]

        [[stages]]
        file = "{leads}"
        person_id = "mql_id"
        at = "first_contact_date"
        stage = {{ value = "mql" }}

        [[stages]]
        file = "{deals}"
        person_id = "mql_id"
        at = "won_date"
        stage = {{ value = "won" }}
        """))
    return mapping, leads, deals


def expected_funnel(leads_path, deals_path):
    leads = pd.read_csv(leads_path)
    deals = pd.read_csv(deals_path)
    leads["segment"] = leads["origin"].fillna("(none)")
    merged = deals.merge(leads, on="mql_id", how="left")
    merged["segment"] = merged["segment"].fillna("(none)")
    days = (pd.to_datetime(merged["won_date"]) -
            pd.to_datetime(merged["first_contact_date"])).dt.total_seconds() / 86400
    merged["days"] = days
    rows = {}
    for seg, group in leads.groupby("segment"):
        won = merged[merged["segment"] == seg]
        d = won["days"][won["days"] >= 0].to_numpy()
        rows[(seg, "mql")] = dict(
            reached=len(group), advanced=len(won), won=len(won),
            median=np.median(d) if len(d) else None,
            p90=np.quantile(d, 0.9) if len(d) else None)
        rows[(seg, "won")] = dict(reached=len(won), advanced=None, won=len(won),
                                  median=None, p90=None)
    negatives = int((merged["days"] < 0).sum())
    return rows, negatives


def test_olist_funnel_by_source_matches_pandas(baton_cli, olist_mapping):
    mapping, leads, deals = olist_mapping
    proc = run_cli(baton_cli, "funnel", mapping, "--by", "source", "--format", "csv")
    got = pd.read_csv(io.StringIO(proc.stdout), keep_default_na=False, na_values=[""])
    assert list(got.columns) == [
        "segment", "stage", "reached", "next_stage", "advanced", "rate_to_next",
        "won", "rate_to_won", "median_days_to_next", "p90_days_to_next"]
    expected, negatives = expected_funnel(leads, deals)
    # Origins present in the data: ten channels plus the blanks as (none).
    assert len(got) == len(expected) == 2 * 11
    for _, row in got.iterrows():
        exp = expected[(row["segment"], row["stage"])]
        assert row["reached"] == exp["reached"], row
        assert row["won"] == exp["won"], row
        assert row["rate_to_won"] == pytest.approx(exp["won"] / exp["reached"], abs=1e-12)
        if row["stage"] == "mql":
            assert row["next_stage"] == "won"
            assert row["advanced"] == exp["advanced"]
            if exp["median"] is None:
                assert pd.isna(row["median_days_to_next"])
            else:
                assert row["median_days_to_next"] == pytest.approx(exp["median"], abs=1e-9)
                assert row["p90_days_to_next"] == pytest.approx(exp["p90"], abs=1e-9)
        else:
            assert pd.isna(row["next_stage"])
            assert pd.isna(row["advanced"])
    # The known quirk: one deal won before its first contact, reported.
    assert negatives == 1
    assert "negative" in proc.stderr


def test_olist_totals_by_hand(baton_cli, olist_mapping):
    """Without --by: 8,000 MQLs, 842 of them won (the dataset's README)."""
    mapping, _, _ = olist_mapping
    proc = run_cli(baton_cli, "funnel", mapping, "--format", "csv")
    got = pd.read_csv(io.StringIO(proc.stdout), keep_default_na=False, na_values=[""])
    mql = got[got["stage"] == "mql"].iloc[0]
    assert (mql["segment"], mql["reached"], mql["advanced"]) == ("all", 8000, 842)
    assert mql["rate_to_next"] == pytest.approx(842 / 8000, abs=1e-12)
    assert "read" in proc.stderr and "8000 rows" in proc.stderr
