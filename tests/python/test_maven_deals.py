"""The Maven CRM pipeline through `baton deals`, checked against pandas.

sales_pipeline.csv (8,800 opportunities) is mapped as deals: opportunity_id
-> deal_id, account -> account_id, engage_date -> created_at, close_date ->
closed_at, close_value -> amount, deal_stage -> stage, sales_agent -> owner.
The stage map sends Won to won, Lost to lost and Prospecting/Engaging to
opportunity, so a deal is won when its stage is Won, closed when Won or Lost,
open otherwise. sales_teams.csv is loaded as people (person_id = the agent)
with attributes manager and regional_office: deals have no person, so
`--by manager` takes the attribute of the person whose id is the deal's owner
(owners listed as people).

pandas recomputes each column from the raw CSV here:
  deals, open (Prospecting, Engaging), won (Won), lost (Lost);
  win_rate = won / (won + lost), null when both are 0;
  won_amount = sum of close_value of Won; avg_won_amount = won_amount / won;
  median_cycle_days = median of close_date - engage_date (days) over Won and
    Lost with both dates, negatives left out;
  pipeline_open_amount = sum of close_value of open deals (blank = 0).
"""
import io
import textwrap

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli

COLUMNS = ["key", "deals", "open", "won", "lost", "win_rate", "won_amount",
           "avg_won_amount", "median_cycle_days", "pipeline_open_amount"]


@pytest.fixture(scope="module")
def maven(tmp_path_factory, shared_data):
    folder = shared_data / "maven_crm_opportunities"
    pipeline = folder / "sales_pipeline.csv"
    teams = folder / "sales_teams.csv"
    mapping = tmp_path_factory.mktemp("maven") / "maven.toml"
    mapping.write_text(textwrap.dedent(f"""\
        [stage_map]
        Won = "won"
        Lost = "lost"
        Prospecting = "opportunity"
        Engaging = "opportunity"

        [[deals]]
        file = "{pipeline}"
        deal_id = "opportunity_id"
        account_id = "account"
        created_at = "engage_date"
        closed_at = "close_date"
        amount = "close_value"
        stage = "deal_stage"
        owner = "sales_agent"

        [[people]]
        file = "{teams}"
        person_id = "sales_agent"
        attributes = ["manager", "regional_office"]
        """))
    deals = pd.read_csv(pipeline)
    teams_df = pd.read_csv(teams)
    deals = deals.merge(teams_df, on="sales_agent", how="left")
    return mapping, deals


def expected_table(deals, key_column):
    d = deals.copy()
    d["key"] = d[key_column].fillna("(none)")
    d["amount"] = d["close_value"].fillna(0.0)
    d["is_won"] = d["deal_stage"] == "Won"
    d["is_lost"] = d["deal_stage"] == "Lost"
    d["is_open"] = ~(d["is_won"] | d["is_lost"])
    engage = pd.to_datetime(d["engage_date"])
    close = pd.to_datetime(d["close_date"])
    d["cycle"] = (close - engage).dt.total_seconds() / 86400
    rows = {}
    for key, g in d.groupby("key"):
        won, lost = int(g["is_won"].sum()), int(g["is_lost"].sum())
        won_amount = float(g.loc[g["is_won"], "amount"].sum())
        closed = g[(g["is_won"] | g["is_lost"])]
        cycles = closed["cycle"].dropna()
        cycles = cycles[cycles >= 0].to_numpy()
        rows[key] = dict(
            deals=len(g), open=int(g["is_open"].sum()), won=won, lost=lost,
            win_rate=won / (won + lost) if won + lost else None,
            won_amount=won_amount,
            avg_won_amount=won_amount / won if won else None,
            median_cycle_days=float(np.median(cycles)) if len(cycles) else None,
            pipeline_open_amount=float(g.loc[g["is_open"], "amount"].sum()))
    return rows


def ordered_keys(keys):
    return sorted(k for k in keys if k != "(none)") + (["(none)"] if "(none)" in keys else [])


def check(got, expected):
    assert list(got.columns) == COLUMNS
    assert list(got["key"]) == ordered_keys(expected.keys())
    for _, row in got.iterrows():
        exp = expected[row["key"]]
        for col in ["deals", "open", "won", "lost"]:
            assert row[col] == exp[col], (row["key"], col)
        for col in ["win_rate", "won_amount", "avg_won_amount", "median_cycle_days",
                    "pipeline_open_amount"]:
            if exp[col] is None:
                assert pd.isna(row[col]), (row["key"], col, row[col])
            else:
                assert row[col] == pytest.approx(exp[col], rel=1e-12, abs=1e-9), (row["key"], col)


def run_deals(cli, mapping, by):
    proc = run_cli(cli, "deals", mapping, "--by", by, "--format", "csv")
    return pd.read_csv(io.StringIO(proc.stdout), keep_default_na=False, na_values=[""])


def test_maven_deals_by_owner_match_pandas(baton_cli, maven):
    mapping, deals = maven
    got = run_deals(baton_cli, mapping, "owner")
    expected = expected_table(deals, "sales_agent")
    # 30 agents have opportunities (5 of the 35 in sales_teams.csv have none).
    assert len(got) == len(expected) == 30
    check(got, expected)
    # Totals by hand from the dataset's README: 8,800 deals; 4,238 won,
    # 2,473 lost, 2,089 open (no close date).
    assert got["deals"].sum() == 8800
    assert (got["won"].sum(), got["lost"].sum(), got["open"].sum()) == (4238, 2473, 2089)


def test_maven_deals_by_manager_through_owners_listed_as_people(baton_cli, maven):
    mapping, deals = maven
    got = run_deals(baton_cli, mapping, "manager")
    expected = expected_table(deals, "manager")
    # Every agent of the pipeline has a team row, so there is no "(none)".
    assert "(none)" not in expected
    assert len(got) == len(expected) == deals["manager"].nunique()
    check(got, expected)


def test_maven_deals_by_regional_office(baton_cli, maven):
    mapping, deals = maven
    got = run_deals(baton_cli, mapping, "regional_office")
    expected = expected_table(deals, "regional_office")
    assert sorted(expected) == ["Central", "East", "West"]
    check(got, expected)
