"""`baton score` on the command line: cross-validation folds and the CRM
write-back files (columns, 0-100 scale with one decimal, atomic write)."""
import io
import re

import numpy as np
import pandas as pd

from conftest import run_cli


def test_folds_table_is_printed_with_mean_and_sd(baton_cli, sample_mapping):
    proc = run_cli(baton_cli, "score", sample_mapping, "--folds", "3")
    assert "# folds" in proc.stdout
    block = proc.stdout.split("# folds", 1)[1]
    for fold in ("1", "2", "3", "mean", "sd"):
        assert re.search(rf"^\s*{fold}\s", block, re.M), fold
    assert "cv_auc_mean" in proc.stdout


def test_writeback_files(baton_cli, sample_mapping, tmp_path):
    full = tmp_path / "scores.csv"
    run_cli(baton_cli, "score", sample_mapping, "--out", full)
    scores = pd.read_csv(full, dtype={"person_id": str})
    assert list(scores.columns[:3]) == ["person_id", "score", "label"]

    sf = tmp_path / "salesforce.csv"
    run_cli(baton_cli, "score", sample_mapping, "--out", sf, "--crm", "salesforce")
    got = pd.read_csv(sf, dtype={"Id": str})
    assert list(got.columns) == ["Id", "Lead_Score__c"]
    assert list(got["Id"]) == list(scores["person_id"])
    # The score x 100 rounded to one decimal, halves away from zero (computed
    # here from the full table's probabilities, written round-trip exact).
    expected = np.floor(scores["score"] * 1000 + 0.5) / 10
    assert (got["Lead_Score__c"] - expected).abs().max() < 1e-9
    assert got["Lead_Score__c"].between(0, 100).all()

    hs = tmp_path / "hubspot.csv"
    run_cli(baton_cli, "score", sample_mapping, "--out", hs, "--crm", "hubspot",
            "--property", "baton_score")
    text = hs.read_text()
    assert text.startswith("Record ID,baton_score\n")
    assert pd.read_csv(io.StringIO(text))["baton_score"].tolist() == \
        got["Lead_Score__c"].tolist()
    # Written through a temporary file renamed into place: nothing else is left.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "hubspot.csv", "salesforce.csv", "scores.csv"]


def test_writeback_errors(baton_cli, sample_mapping, tmp_path):
    proc = run_cli(baton_cli, "score", sample_mapping, "--out", tmp_path / "h.csv",
                   "--crm", "hubspot", check=False)
    assert proc.returncode != 0
    assert "scoring.property" in proc.stderr
    assert not (tmp_path / "h.csv").exists()
    proc = run_cli(baton_cli, "score", sample_mapping, "--crm", "salesforce", check=False)
    assert proc.returncode == 2
    assert "--out" in proc.stderr
