"""Olist's closed deals through `baton deals`, checked against pandas.

olist_closed_deals_dataset.csv holds the 842 MQLs that sales won: each row
becomes a won deal (deal_id = person_id = mql_id, closed_at = won_date,
stage = the constant "won"), owned by its sales rep (sr_id) or, in a second
mapping, by its SDR (sdr_id). The file has no deal amount
(declared_monthly_revenue is what the seller declared, not a deal value) and
no creation date, so amounts are 0 and the sales cycle is unknown (null).
The MQL file is loaded as people with the attribute landing_page_id, so
`--by landing_page_id` reads the attribute of each deal's person.

pandas here counts deals per key from the raw CSV: every deal is won and
closed, win_rate = 1, amounts 0, median_cycle_days null.
"""
import io
import textwrap

import pandas as pd
import pytest

from conftest import run_cli

COLUMNS = ["key", "deals", "open", "won", "lost", "win_rate", "won_amount",
           "avg_won_amount", "median_cycle_days", "pipeline_open_amount"]


def write_mapping(folder, leads, deals, owner_column):
    mapping = folder / f"olist_{owner_column}.toml"
    mapping.write_text(textwrap.dedent(f"""\
        [[people]]
        file = "{leads}"
        person_id = "mql_id"
        created_at = "first_contact_date"
        source = "origin"
        attributes = ["landing_page_id"]

        [[deals]]
        file = "{deals}"
        deal_id = "mql_id"
        person_id = "mql_id"
        closed_at = "won_date"
        stage = {{ value = "won" }}
        owner = "{owner_column}"
        """))
    return mapping


@pytest.fixture(scope="module")
def olist(tmp_path_factory, shared_data):
    folder = shared_data / "olist_marketing_funnel"
    leads = folder / "olist_marketing_qualified_leads_dataset.csv"
    deals = folder / "olist_closed_deals_dataset.csv"
    tmp = tmp_path_factory.mktemp("olist_deals")
    mappings = {col: write_mapping(tmp, leads, deals, col) for col in ("sr_id", "sdr_id")}
    closed = pd.read_csv(deals).merge(pd.read_csv(leads), on="mql_id", how="left")
    return mappings, closed


def run_deals(cli, mapping, by):
    proc = run_cli(cli, "deals", mapping, "--by", by, "--format", "csv")
    return pd.read_csv(io.StringIO(proc.stdout), keep_default_na=False, na_values=[""])


def check_all_won(got, counts):
    assert list(got.columns) == COLUMNS
    keys = sorted(k for k in counts.index if k != "(none)")
    if "(none)" in counts.index:
        keys.append("(none)")
    assert list(got["key"]) == keys
    for _, row in got.iterrows():
        n = counts[row["key"]]
        assert (row["deals"], row["open"], row["won"], row["lost"]) == (n, 0, n, 0), row["key"]
        assert row["win_rate"] == 1.0
        assert row["won_amount"] == 0.0
        assert row["avg_won_amount"] == 0.0
        assert pd.isna(row["median_cycle_days"])
        assert row["pipeline_open_amount"] == 0.0


@pytest.mark.parametrize("owner_column", ["sr_id", "sdr_id"])
def test_olist_deals_by_owner_match_pandas(baton_cli, olist, owner_column):
    mappings, closed = olist
    got = run_deals(baton_cli, mappings[owner_column], "owner")
    counts = closed[owner_column].fillna("(none)").value_counts()
    # The README: 842 closed deals; 22 sales reps and 32 SDRs close them.
    assert counts.sum() == 842
    assert len(counts) == {"sr_id": 22, "sdr_id": 32}[owner_column]
    check_all_won(got, counts)


def test_olist_deals_by_attribute_of_the_deals_person(baton_cli, olist):
    mappings, closed = olist
    got = run_deals(baton_cli, mappings["sr_id"], "landing_page_id")
    counts = closed["landing_page_id"].fillna("(none)").value_counts()
    check_all_won(got, counts)
