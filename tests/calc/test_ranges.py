"""The add-in's cell-range reading (bindings/calc/pythonpath/baton_calc/ranges.py)
without LibreOffice: serial dates, ISO text, mapping, and the error texts a
user sees in the cell. Run with Debian's /usr/bin/python3 -m pytest."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bindings", "calc",
                                "pythonpath"))
from baton_calc import ranges  # noqa: E402

# 2024-01-01T00:00:00Z is 1704067200 s after the epoch; Calc's serial for that
# day is 45292 (= 25569 + 19723 days).
JAN1_MS = 1704067200000


def test_serial_dates_become_utc_milliseconds():
    assert ranges.serial_to_ms(45292.0) == JAN1_MS
    # 0.25 of a day is 06:00: 6 * 3600 * 1000 = 21,600,000 ms later.
    assert ranges.serial_to_ms(45292.25) == JAN1_MS + 21600000
    assert ranges.ms_to_serial(JAN1_MS) == 45292.0


@pytest.mark.parametrize("text,expected", [
    ("2024-01-01", JAN1_MS),
    ("2024-01-01 06:00:00", JAN1_MS + 21600000),
    ("2024-01-01T06:00:00Z", JAN1_MS + 21600000),
    ("2024-01-01T06:00:00.250Z", JAN1_MS + 21600250),
    # 08:00 at +02:00 is 06:00 UTC; -0100 adds an hour.
    ("2024-01-01T08:00:00+02:00", JAN1_MS + 21600000),
    ("2024-01-01T05:00:00-0100", JAN1_MS + 21600000),
    ("1704067200000", JAN1_MS),
])
def test_iso_text_dates_parse_to_utc(text, expected):
    assert ranges.parse_time_text(text) == expected


@pytest.mark.parametrize("text", ["yesterday", "2024-13-01", "01/02/2024", ""])
def test_other_text_is_not_a_date(text):
    assert ranges.parse_time_text(text) is None


def test_rows_read_by_canonical_header_and_skip_blank_rows():
    matrix = (("Person_ID", "stage", "at", "note"),
              (1001.0, "mql", 45292.0, "x"),
              (None, None, None, None),
              ("p2", "sql", "2024-01-01 06:00", None))
    rows, extra = ranges.read_table("stages", matrix)
    # Row numbers are the user's: the header is row 1, the blank row 3 is skipped.
    assert rows == [(2, {"person_id": "1001", "stage": "mql", "at": JAN1_MS}),
                    (4, {"person_id": "p2", "stage": "sql", "at": JAN1_MS + 21600000})]
    assert extra == {"note": ["x", None]}


def test_mapping_translates_the_users_column_names():
    mapping = ranges.parse_mapping((("canonical", "yours"),
                                    ("person_id", "Lead ID"),
                                    ("stages.at", "Entered"),
                                    ("touches.at", "When")))
    rows, _ = ranges.read_table("stages", (("Lead ID", "stage", "Entered", "When"),
                                           ("a", "mql", 45292.0, "ignored")), mapping)
    assert rows == [(2, {"person_id": "a", "stage": "mql", "at": JAN1_MS})]


def test_missing_column_names_table_and_column():
    with pytest.raises(ranges.InputError) as e:
        ranges.read_table("people", (("id", "source"), ("a", "web")))
    assert str(e.value).startswith("Baton: people: column person_id missing")


def test_text_in_a_date_column_names_row_and_column():
    with pytest.raises(ranges.InputError) as e:
        ranges.read_table("stages", (("person_id", "stage", "at"),
                                     ("a", "mql", 45292.0),
                                     ("b", "mql", "soon")))
    assert str(e.value).startswith('Baton: stages: row 3, column at: "soon" is not a date')


def test_empty_range_says_so():
    with pytest.raises(ranges.InputError) as e:
        ranges.read_table("touches", ((None, None), (None, None)))
    assert str(e.value).startswith("Baton: touches: the range is empty")


def test_result_matrix_has_header_and_no_void_cells():
    class Result:
        names = ["segment", "reached", "rate"]
        rows = [["all", 4, None]]
    assert ranges.to_matrix(Result) == (("segment", "reached", "rate"), ("all", 4.0, ""))
