"""baton.from_pandas: every dtype path, zero-copy hand-over, empty frames and
the messages for wrong column names.

The tiny workspace most tests build (hand-checked):
  people 1, 2, 3; stages (UTC)
    1: mql 2024-01-10 00:00, sal 2024-01-12 00:00      -> 2.0 days
    2: mql 2024-01-31 23:30, sal 2024-02-03 11:30      -> 2.5 days
    3: mql 2024-02-10 00:00
  funnel():               mql reached 3, advanced 2, rate 2/3,
                          median (2 + 2.5) / 2 = 2.25, p90 2 + 0.9 * 0.5 = 2.45
  funnel(cohort="month"): 2024-01 mql 2 (people 1, 2), 2024-02 mql 1 (person 3).
Person 2's mql is 2024-02-01 01:30 in UTC+2: read as local wall time it
would land in the 2024-02 cohort, so the cohorts prove the UTC conversion.
"""
import datetime
import io
import os
import textwrap

import numpy as np
import pandas as pd
import pytest

if os.environ.get("BATON_PACKAGE_TESTS") != "1":
    pytest.skip("the package tests run on the installed wheel (ctest python_package)",
                allow_module_level=True)

import baton  # noqa: E402
from baton import _baton  # noqa: E402

UTC = ["2024-01-10T00:00:00Z", "2024-01-12T00:00:00Z", "2024-01-31T23:30:00Z",
       "2024-02-03T11:30:00Z", "2024-02-10T00:00:00Z"]
PLUS2 = ["2024-01-10T02:00:00+02:00", "2024-01-12T02:00:00+02:00",
         "2024-02-01T01:30:00+02:00", "2024-02-03T13:30:00+02:00",
         "2024-02-10T02:00:00+02:00"]
INSTANTS = pd.to_datetime(UTC)  # tz-aware UTC


def tiny_stages(at, person_id=("1", "1", "2", "2", "3")):
    return pd.DataFrame({"person_id": list(person_id),
                         "stage": ["mql", "sal", "mql", "sal", "mql"],
                         "at": at})


def tiny_people(person_id=(1, 2, 3), source=("ads", None, "ads")):
    return pd.DataFrame({"person_id": person_id, "source": list(source)})


def check_tiny_funnel(ws):
    f = ws.funnel()
    mql = f[f["stage"] == "mql"].iloc[0]
    assert (mql["reached"], mql["advanced"]) == (3, 2)
    assert mql["rate_to_next"] == pytest.approx(2 / 3, abs=1e-12)
    assert mql["median_days_to_next"] == pytest.approx(2.25, abs=1e-9)
    assert mql["p90_days_to_next"] == pytest.approx(2.45, abs=1e-9)
    c = ws.funnel(cohort="month")
    by_cohort = c[c["stage"] == "mql"].set_index("cohort")["reached"].to_dict()
    assert by_cohort == {"2024-01": 2, "2024-02": 1}


# ---- times --------------------------------------------------------------

TIME_COLUMNS = {
    "datetime64[ns] naive (UTC)": lambda: INSTANTS.tz_convert(None),
    "datetime64[ns, UTC]": lambda: INSTANTS,
    "datetime64[ns, Europe/Paris]": lambda: INSTANTS.tz_convert("Europe/Paris"),
    "datetime64[ns, UTC+02:00]": lambda: pd.to_datetime(PLUS2),
    "ISO text with Z": lambda: pd.Series(UTC, dtype=object),
    "ISO text with +02:00": lambda: pd.Series(PLUS2, dtype=object),
    "pandas string dtype": lambda: pd.Series(UTC, dtype="string"),
    "categorical ISO text": lambda: pd.Series(UTC, dtype="category"),
    "pd.Timestamp objects (mixed zones)": lambda: pd.Series(
        [pd.Timestamp(s) for s in PLUS2[:2]] + [pd.Timestamp(s) for s in UTC[2:]],
        dtype=object),
    "datetime.datetime objects (naive = UTC)": lambda: pd.Series(
        [datetime.datetime(2024, 1, 10), datetime.datetime(2024, 1, 12),
         datetime.datetime(2024, 1, 31, 23, 30), datetime.datetime(2024, 2, 3, 11, 30),
         datetime.datetime(2024, 2, 10)], dtype=object),
    "int64 epoch milliseconds": lambda: pd.Series(
        INSTANTS.asi8 // 1_000_000, dtype="int64"),
    "numpy datetime64[s]": lambda: INSTANTS.tz_convert(None).to_numpy().astype(
        "datetime64[s]"),
}


@pytest.mark.parametrize("kind", list(TIME_COLUMNS))
def test_every_time_representation_reads_the_same_instants(kind):
    ws = baton.from_pandas(people=tiny_people(), stages=tiny_stages(TIME_COLUMNS[kind]()))
    check_tiny_funnel(ws)


def test_nat_in_an_optional_time_is_null_and_in_a_required_one_an_error():
    people = tiny_people()
    people["created_at"] = pd.to_datetime(["2024-01-01", None, "2024-01-02"], utc=True)
    ws = baton.from_pandas(people=people, stages=tiny_stages(INSTANTS))
    imported = _baton._last_imports()["people"]["created_at"]
    assert (imported["format"], imported["null_count"]) == ("tsn:UTC", 1)
    check_tiny_funnel(ws)
    at = INSTANTS.tz_convert(None).to_series().reset_index(drop=True)
    at[3] = pd.NaT
    with pytest.raises(baton.DataError) as e:
        baton.from_pandas(people=tiny_people(), stages=tiny_stages(at))
    assert isinstance(e.value, ValueError)
    assert 'column "at", row 3' in str(e.value)


def test_text_that_is_not_a_time_names_column_and_row():
    bad = list(UTC)
    bad[2] = "31/01/2024 soon"
    with pytest.raises(baton.DataError, match=r'column "at", row 2: "31/01/2024 soon"'):
        baton.from_pandas(people=tiny_people(), stages=tiny_stages(pd.Series(bad)))


# ---- ids and labels -------------------------------------------------------

ID_COLUMNS = {
    "int64": lambda: np.array([1, 2, 3], dtype=np.int64),
    "int32": lambda: np.array([1, 2, 3], dtype=np.int32),
    "uint16": lambda: np.array([1, 2, 3], dtype=np.uint16),
    "Int64 (masked)": lambda: pd.array([1, 2, 3], dtype="Int64"),
    "object text": lambda: np.array(["1", "2", "3"], dtype=object),
    "string dtype": lambda: pd.array(["1", "2", "3"], dtype="string"),
    "categorical of int": lambda: pd.Categorical([1, 2, 3]),
    "categorical of text": lambda: pd.Categorical(["1", "2", "3"]),
}


@pytest.mark.parametrize("kind", list(ID_COLUMNS))
def test_integer_and_text_ids_name_the_same_people(kind):
    # Stages give ids as text "1".."3": if the people's ids read differently,
    # the stages would add three more people.
    ws = baton.from_pandas(people=tiny_people(person_id=ID_COLUMNS[kind]()),
                           stages=tiny_stages(INSTANTS))
    assert ws.row_count("people") == 3
    check_tiny_funnel(ws)


SOURCES = {
    "object with None": lambda: pd.Series(["ads", None, "ads"], dtype=object),
    "object with NaN": lambda: pd.Series(["ads", np.nan, "ads"], dtype=object),
    "object with pd.NA": lambda: pd.Series(["ads", pd.NA, "ads"], dtype=object),
    "string dtype with pd.NA": lambda: pd.Series(["ads", pd.NA, "ads"], dtype="string"),
    "categorical with a missing code": lambda: pd.Series(["ads", None, "ads"],
                                                          dtype="category"),
    "categorical, int16 codes over 201 categories": lambda: pd.Series(pd.Categorical(
        ["ads", None, "ads"], categories=["ads"] + [f"c{i}" for i in range(200)])),
}


@pytest.mark.parametrize("kind", list(SOURCES))
def test_missing_labels_form_the_none_segment(kind):
    # By hand: ads = people 1 and 3 (one advanced after 2.0 days);
    # (none) = person 2 (advanced after 2.5 days).
    people = tiny_people()
    people["source"] = SOURCES[kind]()
    f = baton.from_pandas(people=people, stages=tiny_stages(INSTANTS)).funnel(by="source")
    mql = f[f["stage"] == "mql"].set_index("segment")
    assert mql["reached"].to_dict() == {"ads": 2, "(none)": 1}
    assert mql["advanced"].to_dict() == {"ads": 1, "(none)": 1}
    assert mql.loc["ads", "median_days_to_next"] == pytest.approx(2.0, abs=1e-9)
    assert mql.loc["(none)", "median_days_to_next"] == pytest.approx(2.5, abs=1e-9)


# ---- booleans and numbers (deals) ---------------------------------------

WON_FLAGS = {
    "bool": lambda: np.array([True, False]),
    "boolean (masked)": lambda: pd.array([True, False], dtype="boolean"),
    "int 1/0": lambda: np.array([1, 0], dtype=np.int64),
    "text yes/no": lambda: np.array(["yes", "no"], dtype=object),
}
AMOUNTS = {
    "float64": lambda: np.array([100.0, 50.0]),
    "float32": lambda: np.array([100.0, 50.0], dtype=np.float32),
    "int64": lambda: np.array([100, 50], dtype=np.int64),
    "Float64 (masked)": lambda: pd.array([100.0, 50.0], dtype="Float64"),
}


@pytest.mark.parametrize("won", list(WON_FLAGS))
@pytest.mark.parametrize("amount", list(AMOUNTS))
def test_won_flags_and_amounts_reach_revenue(won, amount):
    # Person 1 (touched by ads) wins D1 worth 100; person 2's D2 (50) is
    # lost: first-touch credit is ads 1 conversion, 100 revenue; web 0.
    touches = pd.DataFrame({"person_id": [1, 2],
                            "at": pd.to_datetime(["2024-01-09", "2024-01-30"], utc=True),
                            "channel": ["ads", "web"]})
    deals = pd.DataFrame({"deal_id": ["D1", "D2"], "person_id": [1, 2],
                          "amount": AMOUNTS[amount](), "is_won": WON_FLAGS[won](),
                          "is_closed": [True, True],
                          "closed_at": pd.to_datetime(["2024-01-15", "2024-02-05"], utc=True)})
    ws = baton.from_pandas(people=tiny_people(), stages=tiny_stages(INSTANTS),
                           touches=touches, deals=deals)
    a = ws.attribution(model="first").set_index("key")
    assert a.loc["ads", "conversions"] == 1.0
    assert a.loc["ads", "revenue"] == 100.0
    assert a.loc["web", "conversions"] == 0.0
    assert a.loc["web", "revenue"] == 0.0


def test_a_missing_amount_of_an_open_deal_reads_as_zero():
    deals = pd.DataFrame({"deal_id": ["D1"], "person_id": [1], "amount": [np.nan],
                          "is_closed": [False]})
    baton.from_pandas(people=tiny_people(), deals=deals)
    assert _baton._last_imports()["deals"]["amount"]["null_count"] == 1


# ---- zero copy --------------------------------------------------------------

def data_address(a):
    return np.asarray(a).__array_interface__["data"][0]


def test_numeric_time_and_category_codes_are_handed_over_without_copies():
    n = 1000
    rng = np.random.default_rng(1)
    touches = pd.DataFrame({
        "person_id": np.arange(n, dtype=np.int64),
        "at": pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**6, n), "s"),
        "channel": pd.Categorical(rng.choice(["ads", "web", "email"], n)),
        "cost": rng.random(n),
        "campaign": rng.integers(0, 50, n).astype(np.int32),
    })
    baton.from_pandas(touches=touches)
    got = _baton._last_imports()["touches"]
    assert got["person_id"]["format"] == "l"
    assert got["person_id"]["values"] == data_address(touches["person_id"].to_numpy())
    assert got["at"]["format"] == "tsn:"
    assert got["at"]["values"] == data_address(touches["at"].to_numpy())
    assert got["channel"]["format"] == "c"  # int8 codes
    assert got["channel"]["values"] == data_address(touches["channel"].cat.codes.to_numpy())
    assert got["cost"]["format"] == "g"
    assert got["cost"]["values"] == data_address(touches["cost"].to_numpy())
    assert got["campaign"]["format"] == "i"
    assert got["campaign"]["values"] == data_address(touches["campaign"].to_numpy())
    for column in ("person_id", "at", "channel", "cost", "campaign"):
        assert got[column]["validity"] == 0 and got[column]["null_count"] == 0


def test_tz_aware_and_masked_columns_share_their_values_and_add_a_bitmap():
    people = pd.DataFrame({
        "person_id": pd.array([1, 2, None, 4], dtype="Int64"),
        "created_at": pd.to_datetime(["2024-01-01", None, "2024-01-03", "2024-01-04"],
                                     utc=True).tz_convert("America/New_York"),
        "owner": pd.Categorical(["a", None, "b", "a"]),
    })
    with pytest.raises(baton.DataError, match=r'column "person_id", row 2: is empty'):
        baton.from_pandas(people=people)
    got = _baton._last_imports()["people"]
    assert got["person_id"]["values"] == data_address(people["person_id"].array._data)
    assert (got["person_id"]["null_count"], got["person_id"]["validity"] != 0) == (1, True)
    assert got["created_at"]["format"] == "tsn:UTC"
    assert got["created_at"]["values"] == data_address(people["created_at"].array.asi8)
    assert got["created_at"]["null_count"] == 1
    assert got["owner"]["values"] == data_address(people["owner"].cat.codes.to_numpy())
    assert got["owner"]["null_count"] == 1


def test_columns_the_engine_does_not_read_are_not_converted():
    # A timedelta column cannot feed any field; unused, it is handed over by
    # name only (an Arrow null array), so it does not get in the way.
    people = tiny_people()
    people["time_on_site"] = pd.to_timedelta([1, 2, 3], unit="m")
    baton.from_pandas(people=people)
    assert _baton._last_imports()["people"]["time_on_site"]["format"] == "n"
    people = people.rename(columns={"time_on_site": "created_at"})
    with pytest.raises(baton.InvalidArgumentError, match=r'column "created_at": dtype '
                       r'timedelta64\[ns\] cannot feed a canonical field'):
        baton.from_pandas(people=people)


# ---- empty frames and column names --------------------------------------

def test_empty_frames_make_an_empty_workspace_with_the_cli_columns():
    people = pd.DataFrame({"person_id": pd.Series([], dtype=object),
                           "source": pd.Series([], dtype="category")})
    stages = pd.DataFrame({"person_id": pd.Series([], dtype=np.int64),
                           "stage": pd.Series([], dtype=object),
                           "at": pd.Series([], dtype="datetime64[ns]")})
    ws = baton.from_pandas(people=people, stages=stages)
    assert ws.row_count("people") == 0 and ws.row_count("stages") == 0
    f = ws.funnel(by="source")
    assert len(f) == 0
    assert list(f.columns) == [
        "segment", "stage", "reached", "next_stage", "advanced", "rate_to_next", "won",
        "rate_to_won", "median_days_to_next", "p90_days_to_next"]


def test_a_missing_required_column_lists_the_fields_and_the_frames_columns():
    people = pd.DataFrame({"mql_id": ["a", "b"], "origin": ["x", "y"]})
    with pytest.raises(ValueError) as e:
        baton.from_pandas(people=people)
    msg = str(e.value)
    assert isinstance(e.value, baton.InvalidArgumentError)
    assert 'needs the field "person_id"' in msg
    assert "mql_id, origin" in msg  # the DataFrame's columns
    assert "person_id, account_id, created_at, source, owner, email" in msg  # the fields
    assert "columns={'people'" in msg


def test_a_mapping_to_an_absent_column_lists_the_frames_columns():
    people = pd.DataFrame({"mql_id": ["a"], "origin": ["x"]})
    with pytest.raises(ValueError, match=r"columns\['people'\]\['person_id'\] names column "
                                         r"\"lead_id\", which is not in the people "
                                         r"DataFrame; its columns are mql_id, origin"):
        baton.from_pandas(people=people, columns={"people": {"person_id": "lead_id"}})


def test_an_unknown_field_or_table_in_the_mapping_lists_the_known_ones():
    people = pd.DataFrame({"mql_id": ["a"]})
    with pytest.raises(ValueError, match=r"\"lead\" is not a field of people; its fields are "
                                         r"person_id, account_id, created_at, source, "
                                         r"owner, email, attributes"):
        baton.from_pandas(people=people, columns={"people": {"lead": "mql_id"}})
    with pytest.raises(ValueError, match=r"unknown table \"leads\"; tables are people, "
                                         r"touches, stages, deals, spend"):
        baton.from_pandas(people=people, columns={"leads": {"person_id": "mql_id"}})


def test_named_index_levels_count_as_columns():
    people = tiny_people().set_index("person_id")
    ws = baton.from_pandas(people=people, stages=tiny_stages(INSTANTS))
    assert ws.row_count("people") == 3
    check_tiny_funnel(ws)


def test_a_frozen_workspace_refuses_more_frames():
    ws = baton.from_pandas(people=tiny_people(), stages=tiny_stages(INSTANTS))
    ws.funnel()
    with pytest.raises(baton.BatonError, match="frozen"):
        ws.add_frame("people", tiny_people(person_id=(7, 8, 9)))


# ---- real data against the CLI ------------------------------------------

def test_olist_from_pandas_gives_the_clis_funnel(shared_data, tmp_path, cli_table,
                                                 assert_same_table):
    folder = shared_data / "olist_marketing_funnel"
    leads_csv = folder / "olist_marketing_qualified_leads_dataset.csv"
    deals_csv = folder / "olist_closed_deals_dataset.csv"
    mapping = tmp_path / "olist.toml"
    mapping.write_text(textwrap.dedent(f"""\
        [[people]]
        file = "{leads_csv}"
        person_id = "mql_id"
        created_at = "first_contact_date"
        source = "origin"
        attributes = ["landing_page_id"]

        [[stages]]
        file = "{leads_csv}"
        person_id = "mql_id"
        at = "first_contact_date"
        stage = {{ value = "mql" }}

        [[stages]]
        file = "{deals_csv}"
        person_id = "mql_id"
        at = "won_date"
        stage = {{ value = "won" }}
        """))
    leads = pd.read_csv(leads_csv, parse_dates=["first_contact_date"])
    deals = pd.read_csv(deals_csv, parse_dates=["won_date"])
    stages = pd.concat([
        pd.DataFrame({"person_id": leads["mql_id"], "stage": "mql",
                      "at": leads["first_contact_date"]}),
        pd.DataFrame({"person_id": deals["mql_id"], "stage": "won", "at": deals["won_date"]}),
    ])
    with pytest.warns(baton.DataQualityWarning, match="negative"):
        ws = baton.from_pandas(people=leads, stages=stages, columns={"people": {
            "person_id": "mql_id", "created_at": "first_contact_date", "source": "origin",
            "attributes": ["landing_page_id"]}})
        got = ws.funnel(by="source")
    assert_same_table(got, cli_table("funnel", mapping, "--by", "source"))
    assert any("negative" in w for w in got.attrs["warnings"])
    # By hand from the dataset's README: 8,000 MQLs, 842 won.
    total = ws.funnel()
    assert total.loc[total["stage"] == "mql", ["reached", "advanced"]].values.tolist() == [
        [8000, 842]]
    assert_same_table(ws.funnel(by="landing_page_id", within="30d"),
                      cli_table("funnel", mapping, "--by", "landing_page_id",
                                "--within", "30d"))


def read_sample(mapping):
    """The sample's CSV files as pandas reads them: times tz-aware UTC,
    labels categorical (so every column takes a different path)."""
    folder = mapping.parent
    times = {"people": ["created_at"], "touches": ["at"], "stages": ["at"],
             "deals": ["created_at", "closed_at"], "spend": ["period_start", "period_end"]}
    frames = {}
    for table, cols in times.items():
        df = pd.read_csv(folder / f"{table}.csv", keep_default_na=False, na_values=[""])
        for c in cols:
            df[c] = pd.to_datetime(df[c], utc=True)
        frames[table] = df
    for c in ("channel", "campaign", "side", "activity"):
        frames["touches"][c] = frames["touches"][c].astype("category")
    frames["people"]["source"] = frames["people"]["source"].astype("category")
    frames["stages"]["stage"] = frames["stages"]["stage"].astype("category")
    return frames


def test_sample_from_pandas_gives_the_clis_tables(sample_mapping, cli_table,
                                                  assert_same_table):
    frames = read_sample(sample_mapping)
    ws = baton.from_pandas(**frames, columns={"people": {
        "attributes": ["industry", "country", "company_size"]}})
    for table in ("people", "touches", "stages", "deals", "spend"):
        assert ws.row_count(table) == len(frames[table])
    assert_same_table(ws.funnel(by="source"), cli_table("funnel", sample_mapping, "--by",
                                                        "source"))
    assert_same_table(ws.funnel(by="industry", cohort="month"),
                      cli_table("funnel", sample_mapping, "--by", "industry",
                                "--cohort", "month"))
    assert_same_table(ws.attribution(), cli_table("attribution", sample_mapping))


def test_from_pandas_reads_csv_text_the_same_as_the_connector(sample_mapping, cli_table,
                                                              assert_same_table):
    # Everything as text, as read_csv gives it without parse_dates.
    folder = sample_mapping.parent
    frames = {t: pd.read_csv(io.StringIO((folder / f"{t}.csv").read_text()), dtype=str,
                             keep_default_na=False)
              for t in ("people", "touches", "stages", "deals", "spend")}
    ws = baton.from_pandas(**frames, columns={"people": {"attributes": {
        "industry": "industry", "country": "country", "company_size": "company_size"}}})
    assert_same_table(ws.funnel(by="country", within="90d"),
                      cli_table("funnel", sample_mapping, "--by", "country", "--within",
                                "90d"))
