"""Every analysis method against the CLI on the same data (same columns,
same numbers to 1e-12), result dtypes, warnings, errors and plots."""
import datetime
import os
import textwrap

import numpy as np
import pandas as pd
import pytest

if os.environ.get("BATON_PACKAGE_TESTS") != "1":
    pytest.skip("the package tests run on the installed wheel (ctest python_package)",
                allow_module_level=True)

import baton  # noqa: E402


@pytest.fixture(scope="module")
def ws(sample_mapping):
    w = baton.load(sample_mapping, progress=False)
    yield w
    w.close()


FUNNELS = [
    ({}, []),
    ({"by": "source"}, ["--by", "source"]),
    ({"by": "campaign", "within": "90d"}, ["--by", "campaign", "--within", "90d"]),
    ({"by": "owner", "strict": True}, ["--by", "owner", "--strict"]),
    ({"by": "company_size", "cohort": "month"}, ["--by", "company_size", "--cohort", "month"]),
    ({"within": pd.Timedelta(hours=36)}, ["--within", "36h"]),
    ({"within": datetime.timedelta(weeks=2)}, ["--within", "2w"]),
    ({"within": 45}, ["--within", "45d"]),
]


@pytest.mark.parametrize("kwargs,flags", FUNNELS, ids=[str(f[0]) for f in FUNNELS])
def test_funnel_equals_the_cli(ws, sample_mapping, cli_table, assert_same_table, kwargs,
                               flags):
    assert_same_table(ws.funnel(**kwargs), cli_table("funnel", sample_mapping, *flags))


ATTRIBUTIONS = [
    ({}, []),
    ({"model": ["first", "last", "linear"], "by": "campaign"},
     ["--model", "first,last,linear", "--by", "campaign"]),
    ({"model": "markov", "order": 2}, ["--model", "markov", "--order", "2"]),
    ({"model": "time_decay", "half_life": pd.Timedelta(days=3), "lookback": "60d"},
     ["--model", "time_decay", "--half-life", "3d", "--lookback", "60d"]),
    ({"model": "position", "weights": (0.3, 0.4, 0.3)},
     ["--model", "position", "--weights", "0.3,0.4,0.3"]),
    ({"model": "shapley", "value": "rate", "include_sales": True},
     ["--model", "shapley", "--value", "rate", "--include-sales"]),
    ({"model": "u_shaped", "conversion": "sql"}, ["--model", "u_shaped", "--conversion", "sql"]),
    ({"transitions": True, "order": 1}, ["--transitions", "--order", "1"]),
]


@pytest.mark.parametrize("kwargs,flags", ATTRIBUTIONS, ids=[str(a[0]) for a in ATTRIBUTIONS])
def test_attribution_equals_the_cli(ws, sample_mapping, cli_table, assert_same_table, kwargs,
                                    flags):
    assert_same_table(ws.attribution(**kwargs), cli_table("attribution", sample_mapping,
                                                          *flags))


OTHERS = [
    ("handoff", {}, []),
    ("handoff", {"by": "source", "sla": pd.Timedelta(hours=4), "leak_after": "14d"},
     ["--by", "source", "--sla", "4h", "--leak-after", "14d"]),
    ("handoff", {"by": "campaign", "reasons": True}, ["--by", "campaign", "--reasons"]),
    ("handoff", {"stage": "sal", "by_response": True}, ["--stage", "sal", "--by-response"]),
    ("spend", {}, []),
    ("spend", {"by": "campaign", "model": "linear"}, ["--by", "campaign", "--model", "linear"]),
    ("deals", {}, []),
    ("deals", {"by": "owner"}, ["--by", "owner"]),
    ("deals", {"by": "industry"}, ["--by", "industry"]),
]


@pytest.mark.parametrize("method,kwargs,flags", OTHERS,
                         ids=[f"{m}{k}" for m, k, _ in OTHERS])
def test_handoff_spend_and_deals_equal_the_cli(ws, sample_mapping, cli_table,
                                               assert_same_table, method, kwargs, flags):
    got = getattr(ws, method)(**kwargs)
    assert_same_table(got, cli_table(method, sample_mapping, *flags))


SCORECARD = """
[scorecard]
period = "quarter"

[[scorecard.kpi]]
name = "MQL to SQL"
metric = "funnel.rate:mql->sql"
target = 0.35

[[scorecard.kpi]]
name = "Worked within the SLA"
metric = "handoff.sla_rate"
target = 0.8

[[scorecard.kpi]]
name = "CAC"
metric = "spend.cac"
target = 20000
lower_is_better = true
"""


def test_scorecard_equals_the_cli(ws, sample_mapping, tmp_path, cli_table, assert_same_table):
    config = tmp_path / "baton.toml"
    config.write_text(SCORECARD)
    got = ws.scorecard(config)
    assert_same_table(got, cli_table("scorecard", sample_mapping, "--config", config))
    assert set(got["kpi"]) == {"MQL to SQL", "Worked within the SLA", "CAC"}
    # Without config, the mapping the workspace was loaded from is the
    # config, as on the command line (the sample's has a [scorecard]).
    assert_same_table(ws.scorecard(), cli_table("scorecard", sample_mapping))
    empty = tmp_path / "empty.toml"
    empty.write_text("[report]\n")
    with pytest.raises(baton.NotFoundError, match=r"no \[scorecard\] table"):
        ws.scorecard(empty)
    with pytest.raises(baton.InvalidArgumentError, match="config="):
        baton.from_pandas(people=pd.DataFrame({"person_id": ["a"]})).scorecard()


def test_the_response_time_plot_draws_hand_offs_per_bucket(ws):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    r = ws.handoff(by_response=True)
    ax = r.baton.plot()
    assert [round(p.get_height()) for p in ax.patches] == r["handed_off"].tolist()
    assert [t.get_text() for t in ax.get_xticklabels()] == r["bucket"].tolist()
    plt.close("all")


def test_the_html_report_is_the_clis_byte_for_byte(ws, sample_mapping, tmp_path, baton_cli):
    from conftest import run_cli
    run_cli(baton_cli, "report", sample_mapping, "--out", tmp_path / "cli.html",
            "--by", "campaign", "--title", "Q3 review", "--within", "90d")
    ws.report(tmp_path / "py.html", by="campaign", title="Q3 review",
              within=pd.Timedelta(days=90))
    cli = (tmp_path / "cli.html").read_bytes()
    assert b"Q3 review" in cli and len(cli) > 10_000
    assert (tmp_path / "py.html").read_bytes() == cli


def test_analyze_by_name_equals_the_named_method(ws):
    pd.testing.assert_frame_equal(ws.analyze("funnel", by="source", within="30d"),
                                  ws.funnel(by="source", within="30d"))


def test_plugins_equal_the_cli(cli_table, assert_same_table):
    got = baton.plugins()
    cli = cli_table("plugins")
    # The CLI finds the build's plugins; the package brings its own copies.
    assert_same_table(got.drop(columns="path"), cli.drop(columns="path"))
    csv = got[got["name"] == "csv"].iloc[0]
    assert os.path.dirname(csv["path"]).endswith(os.path.join("baton", "_lib", "baton",
                                                              "plugins"))


def test_result_dtypes_follow_the_documented_rules(ws):
    f = ws.funnel(by="source")
    assert f["segment"].dtype == object and f["next_stage"].dtype == object
    assert f["reached"].dtype == np.int64        # never null
    assert f["advanced"].dtype == pd.Int64Dtype()  # null on the last stage
    assert f["rate_to_next"].dtype == np.float64
    last = f[f["stage"] == "won"].iloc[0]
    assert last["advanced"] is pd.NA and np.isnan(last["rate_to_next"])
    assert f.attrs["baton_table"] == "funnel"
    a = ws.attribution(model=["first", "markov"])
    assert a["removal_effect"].dtype == np.float64
    assert a.loc[a["model"] == "first", "removal_effect"].isna().all()
    assert a.loc[a["model"] == "markov", "removal_effect"].notna().all()


def test_every_engine_column_type_converts_with_its_nulls():
    # A table as baton._baton hands it over: one column per engine type,
    # the second row null in each.
    from baton import _frames
    table = {"name": "t", "rows": 2, "warnings": [], "columns": [
        ("at", "timestamp", np.array([1706745600000, 0], dtype=np.int64),
         np.array([False, True])),
        ("n", "int64", np.array([7, 0], dtype=np.int64), np.array([False, True])),
        ("m", "int64", np.array([7, 8], dtype=np.int64), None),
        ("x", "float64", np.array([0.5, 0.0]), np.array([False, True])),
        ("s", "string", ["a", None], np.array([False, True])),
    ]}
    df = _frames.to_frame(table)
    assert str(df["at"].dtype) == "datetime64[ns, UTC]"
    assert df["at"][0] == pd.Timestamp("2024-02-01T00:00:00Z")  # 1706745600 s
    assert df["at"][1] is pd.NaT
    assert df["n"].dtype == pd.Int64Dtype() and df["n"][0] == 7 and df["n"][1] is pd.NA
    assert df["m"].dtype == np.int64 and df["m"].tolist() == [7, 8]
    assert df["x"][0] == 0.5 and np.isnan(df["x"][1])
    assert df["s"].dtype == object and df["s"].tolist() == ["a", None]


def test_warnings_are_issued_and_kept(tmp_path):
    # Person 2 reaches sal before mql: one negative duration, reported.
    people = pd.DataFrame({"person_id": ["1", "2"]})
    stages = pd.DataFrame({"person_id": ["1", "1", "2", "2"],
                           "stage": ["mql", "sal", "mql", "sal"],
                           "at": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-05",
                                                 "2024-01-04"], utc=True)})
    ws = baton.from_pandas(people=people, stages=stages)
    with pytest.warns(baton.DataQualityWarning, match="negative") as record:
        f = ws.funnel()
    assert [str(w.message) for w in record] == f.attrs["warnings"]
    assert f.baton.warnings == f.attrs["warnings"]
    # The day statistics leave person 2 out: 2.0 days from person 1 alone.
    assert f.loc[f["stage"] == "mql", "median_days_to_next"].item() == pytest.approx(2.0)


# ---- errors ---------------------------------------------------------------

def test_a_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError) as e:
        baton.load(tmp_path / "nowhere.toml")
    assert isinstance(e.value, baton.BatonError)
    assert "nowhere.toml" in str(e.value) and e.value.code_name == "NotFound"
    with pytest.raises(FileNotFoundError, match="no such file"):
        baton.load(tmp_path / "nowhere.xlsx")


def test_a_file_named_by_a_mapping_and_missing_is_a_file_not_found_error(tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text('[[people]]\nfile = "absent.csv"\nperson_id = "id"\n')
    with pytest.raises(FileNotFoundError, match="absent.csv"):
        baton.load(mapping)


def test_an_unknown_connector_is_a_lookup_error_naming_the_loaded_ones():
    with pytest.raises(baton.NotFoundError, match=r'no connector named "hubspotx" '
                                                  r"\(loaded: .*csv"):
        baton.load("hubspotx:export.zip")
    with pytest.raises(LookupError):
        baton.load("hubspotx:export.zip")


def test_an_unreadable_row_is_a_data_error_naming_file_row_and_column(tmp_path):
    (tmp_path / "stages.csv").write_text("id,stage,at\nA,mql,2024-01-01\nB,mql,2024-13-01\n")
    mapping = tmp_path / "m.toml"
    mapping.write_text(textwrap.dedent("""\
        [[stages]]
        file = "stages.csv"
        person_id = "id"
        stage = "stage"
        at = "at"
        """))
    with pytest.raises(baton.DataError) as e:
        baton.load(mapping)
    assert isinstance(e.value, ValueError) and e.value.code_name == "ParseError"
    msg = str(e.value)
    assert "stages.csv" in msg and "2024-13-01" in msg and '"at"' in msg and "3" in msg


def test_bad_options_are_value_errors_listing_the_valid_values(ws):
    with pytest.raises(ValueError, match="month"):
        ws.funnel(cohort="week")
    with pytest.raises(baton.InvalidArgumentError, match="markov"):
        ws.attribution(model="magic")
    with pytest.raises(ValueError, match="duration"):
        ws.funnel(within=[1, 2])
    with pytest.raises(baton.NotFoundError, match="company_size, country, industry"):
        ws.funnel(by="shoe_size")
    with pytest.raises(baton.NotFoundError, match="funnel"):
        ws.analyze("horoscope")


def test_a_closed_workspace_raises_instead_of_crashing(sample_mapping):
    w = baton.load(sample_mapping, progress=False)
    w.close()
    w.close()
    assert w.closed
    with pytest.raises(baton.BatonError, match="closed"):
        w.funnel()
    with baton.load(sample_mapping, progress=False) as w2:
        assert w2.row_count("people") == 3000
    assert w2.closed


# ---- display and plots ----------------------------------------------------

def test_the_notebook_summary_lists_tables_counts_and_dates(ws):
    html = ws._repr_html_()
    for table in ("people", "touches", "stages", "deals", "spend"):
        assert f"<td>{table}</td><td style='text-align:right'>{ws.row_count(table):,}" in html
    assert "people.csv: 3,000 rows read, 3,000 accepted, 0 rejected" in html
    cohorts = ws.funnel(cohort="month")["cohort"]
    assert f"entered the funnel from {cohorts.min()} to {cohorts.max()}" in html
    assert repr(ws).startswith("<baton.Workspace people=3000, ")


def test_the_funnel_plot_draws_one_bar_per_stage_at_its_reach(ws):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    f = ws.funnel()
    ax = baton.plot.funnel(f)
    assert [round(b.get_height()) for b in ax.patches] == f["reached"].tolist()
    assert [t.get_text() for t in ax.get_xticklabels()] == f["stage"].tolist()
    by = ws.funnel(by="source")
    ax2 = by.baton.plot(top=3)
    # Three segments times the stages, each bar a segment's reach.
    assert len(ax2.patches) == 3 * by["stage"].nunique()
    plt.close("all")


def test_the_attribution_plot_compares_models_per_channel(ws):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    a = ws.attribution(model=["first", "last"])
    ax = a.baton.plot()
    heights = sorted(round(p.get_width(), 9) for p in ax.patches)
    assert heights == sorted(round(v, 9) for v in a["conversions"])
    with pytest.raises(ValueError, match="no plot"):
        ws.info().baton.plot()
    plt.close("all")
