"""Saved workspaces from Python: Workspace.save, loading a .baton file, and
baton.sync merging a second read without duplicating rows."""
import os

import pandas as pd
import pytest

if os.environ.get("BATON_PACKAGE_TESTS") != "1":
    pytest.skip("the package tests run on the installed wheel (ctest python_package)",
                allow_module_level=True)

import baton  # noqa: E402


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return baton.sample(tmp_path_factory.mktemp("store"), people=1500, seed=11)


def test_a_saved_workspace_loads_back_with_the_same_tables_and_funnel(sample, tmp_path):
    with baton.load(sample, progress=False) as ws:
        ws.freeze()
        want_funnel = ws.funnel(by="source")
        want_counts = {t: ws.row_count(t) for t in ("people", "touches", "stages", "deals", "spend")}
        ws.save(tmp_path / "ws.baton")
    assert not [p for p in os.listdir(tmp_path) if p != "ws.baton"]  # no temporary left
    with baton.load(tmp_path / "ws.baton", progress=False) as back:
        assert {t: back.row_count(t) for t in want_counts} == want_counts
        pd.testing.assert_frame_equal(back.funnel(by="source"), want_funnel)


def test_sync_adds_everything_once_and_nothing_the_second_time(sample, tmp_path):
    into = tmp_path / "crm.baton"
    first = baton.sync(sample, into).set_index("table")
    with baton.load(sample, progress=False) as ws:
        people, touches = ws.row_count("people"), ws.row_count("touches")
    # The first sync into a new file adds every row it reads.
    assert first.loc["people", "added"] == people
    assert first.loc["touches", "added"] == touches
    # The same export again: every person is found by id and unchanged,
    # every touch is an exact duplicate; the file keeps the same row counts.
    second = baton.sync(sample, into).set_index("table")
    assert second.loc["people", "added"] == 0
    assert second.loc["touches", "added"] == 0
    assert second.loc["people", "rows"] == people
    assert second.loc["touches", "rows"] == touches


def test_sync_into_a_damaged_file_raises_and_leaves_it_alone(sample, tmp_path):
    into = tmp_path / "bad.baton"
    into.write_bytes(b"BATONWS\0" + b"\xff" * 40)
    with pytest.raises(baton.BatonError, match="bad.baton"):
        baton.sync(sample, into)
    assert into.read_bytes() == b"BATONWS\0" + b"\xff" * 40
