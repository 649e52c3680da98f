"""ws.score against scikit-learn, on the sample dataset.

Baton publishes the matrix it fitted (the `design` table: the standardised
training rows with label, weight and row id). scikit-learn's
LogisticRegression(C = 1/l2, L2 penalty, newton-cg, tol 1e-12) fitted on the
same rows minimises the same objective (sum of log-losses + l2/2 ||w||^2,
intercept not penalised), so its coefficients must equal Baton's to 1e-5 and
roc_auc_score on the test rows, with Baton's scores, must equal Baton's AUC
to 1e-9. Also with class_weight="balanced" (n / (2 n_class) per row, as
sklearn), and k-fold cross-validation refitted fold by fold in sklearn.

These tests need the Python package: the installed one, or the one staged in
the build tree next to the CLI (BATON_CLI's build folder, python/).
"""

import numpy as np
import pandas as pd
import pytest

sklearn = pytest.importorskip("sklearn")
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score  # noqa: E402

from conftest import import_baton  # noqa: E402

baton = import_baton()


@pytest.fixture(scope="module")
def ws(sample_mapping):
    w = baton.load(sample_mapping, progress=False)
    yield w
    w.close()


def metric(summary, name):
    return float(summary.loc[summary["metric"] == name, "value"].iloc[0])


def sklearn_fit(x, y, l2):
    model = LogisticRegression(C=1.0 / l2, penalty="l2", solver="newton-cg", tol=1e-12,
                               max_iter=10000)
    return model.fit(x, y)


def fold_of(person_id, k):
    """The documented fold hash: FNV-1a 64 of the id's bytes, MurmurHash3's
    fmix64 finaliser, mod k, + 1 (written here independently)."""
    m = 2 ** 64
    h = 14695981039346656037
    for b in person_id.encode():
        h = ((h ^ b) * 1099511628211) % m
    h ^= h >> 33
    h = (h * 0xff51afd7ed558ccd) % m
    h ^= h >> 33
    h = (h * 0xc4ceb9fe1a85ec53) % m
    h ^= h >> 33
    return h % k + 1


def test_score_returns_every_table_with_its_columns(ws):
    r = ws.score(capacity=20, folds=5)
    assert isinstance(r, baton.ScoringResult)
    assert list(r.summary.columns) == ["metric", "value"]
    assert list(r.coefficients.columns) == ["feature", "coefficient", "odds_ratio",
                                            "std_error"]
    assert r.coefficients["feature"].iloc[0] == "(intercept)"
    assert list(r.threshold["rule"]) == ["all handed off", "score >= cutoff"]
    assert list(r.folds["fold"]) == ["1", "2", "3", "4", "5", "mean", "sd"]
    assert list(r.scores.columns) == ["person_id", "score", "label", "top_feature_1",
                                      "top_feature_2", "top_feature_3"]
    assert r.design is None and r.writeback is None
    # Counts agree between the tables: every scored person has a score; the
    # labelled ones are split into train and test; the folds partition them.
    s = r.summary
    assert len(r.scores) == metric(s, "scored")
    labelled = r.scores["label"].notna().sum()
    assert labelled == metric(s, "train_rows") + metric(s, "test_rows")
    per_fold = r.folds.iloc[:5]
    assert per_fold["test_rows"].sum() == labelled
    assert (per_fold["train_rows"] + per_fold["test_rows"] == labelled).all()
    assert metric(s, "cv_auc_mean") == pytest.approx(per_fold["auc"].mean(), abs=1e-15)
    assert metric(s, "cv_auc_sd") == pytest.approx(per_fold["auc"].std(ddof=0), abs=1e-15)
    assert r.folds["auc"].iloc[5] == metric(s, "cv_auc_mean")
    # The fold of each labelled person is the documented hash of its id.
    ids = r.scores.loc[r.scores["label"].notna(), "person_id"]
    counts = pd.Series([fold_of(i, 5) for i in ids]).value_counts().sort_index()
    assert list(counts) == list(per_fold["test_rows"])


@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_coefficients_and_auc_equal_sklearn_on_the_design_matrix(ws, class_weight):
    l2 = 2.0
    r = ws.score(l2=l2, class_weight=class_weight, design=True)
    d = r.design
    assert list(d.columns[:5]) == ["row", "person_id", "set", "label", "weight"]
    features = list(d.columns[5:])
    assert features == list(r.coefficients["feature"].iloc[1:])
    assert len(features) == metric(r.summary, "features")
    train = d[d["set"] == "train"]
    test = d[d["set"] == "test"]
    x = train[features].to_numpy(dtype=float)
    y = train["label"].to_numpy(dtype=int)
    # Baton's published weights are sklearn's balanced weights, computed here
    # from the labels: n / (2 * n_class).
    if class_weight == "balanced":
        n, pos = len(y), y.sum()
        expected_w = np.where(y == 1, n / (2.0 * pos), n / (2.0 * (n - pos)))
    else:
        expected_w = np.ones(len(y))
    np.testing.assert_allclose(train["weight"].to_numpy(dtype=float), expected_w, rtol=1e-15)
    assert test["weight"].isna().all()
    model = LogisticRegression(C=1.0 / l2, penalty="l2", solver="newton-cg", tol=1e-12,
                               max_iter=10000, class_weight=class_weight).fit(x, y)
    coef = r.coefficients["coefficient"].to_numpy()
    np.testing.assert_allclose(model.intercept_[0], coef[0], atol=1e-5)
    np.testing.assert_allclose(model.coef_[0], coef[1:], atol=1e-5)
    # The test AUC: sklearn's roc_auc_score on Baton's scores of the test rows.
    scores = r.scores["score"].to_numpy()[test["row"].to_numpy(dtype=int)]
    labels = test["label"].to_numpy(dtype=int)
    assert roc_auc_score(labels, scores) == pytest.approx(metric(r.summary, "auc"), abs=1e-9)
    assert log_loss(labels, scores) == pytest.approx(metric(r.summary, "log_loss"), abs=1e-9)
    assert brier_score_loss(labels, scores) == pytest.approx(metric(r.summary, "brier"),
                                                             abs=1e-12)
    # And sklearn's own probabilities on the standardised test rows agree.
    np.testing.assert_allclose(
        model.predict_proba(test[features].to_numpy(dtype=float))[:, 1], scores, atol=1e-6)


def test_folds_equal_sklearn_refits(ws):
    # Fold f: standardise on the other folds' rows, fit, judge on fold f.
    # With one-hot features only (source and the sample's attributes) no
    # column is standardised, so the design's 0/1 columns are the raw values
    # every fold refits from; none is constant on the training rows
    # (features_dropped = 0), so the design has every column a fold may use.
    feats = ["source = *", "industry = *", "country = *", "company_size = *"]
    r = ws.score(features=feats, folds=4, design=True)
    assert metric(r.summary, "features_dropped") == 0
    d = r.design
    features = list(d.columns[5:])
    labelled = d.copy()
    labelled["fold"] = [fold_of(i, 4) for i in labelled["person_id"]]
    for f in range(1, 5):
        fit_rows = labelled[labelled["fold"] != f]
        held = labelled[labelled["fold"] == f]
        x = fit_rows[features].to_numpy(dtype=float)
        keep = x.min(axis=0) != x.max(axis=0)  # constant on the fit rows: dropped
        model = sklearn_fit(x[:, keep], fit_rows["label"].to_numpy(dtype=int), 1.0)
        p = model.predict_proba(held[features].to_numpy(dtype=float)[:, keep])[:, 1]
        y = held["label"].to_numpy(dtype=int)
        row = r.folds.iloc[f - 1]
        assert row["test_rows"] == len(held)
        assert row["auc"] == pytest.approx(roc_auc_score(y, p), abs=1e-6)
        assert row["log_loss"] == pytest.approx(log_loss(y, p), abs=1e-6)


def test_writeback_tables(ws):
    r = ws.score(crm="salesforce")
    wb = r.writeback
    assert list(wb.columns) == ["Id", "Lead_Score__c"]
    assert list(wb["Id"]) == list(r.scores["person_id"])
    np.testing.assert_allclose(wb["Lead_Score__c"], np.round(r.scores["score"] * 1000) / 10,
                               atol=1e-9)
    h = ws.score(crm="hubspot", property="baton_score").writeback
    assert list(h.columns) == ["Record ID", "baton_score"]
    with pytest.raises(baton.InvalidArgumentError, match="scoring.property"):
        ws.score(crm="hubspot")


def test_bad_options_raise_with_the_option_named(ws):
    with pytest.raises(baton.InvalidArgumentError, match="scoring.folds"):
        ws.score(folds=1)
    with pytest.raises(baton.InvalidArgumentError, match="scoring.l2"):
        ws.score(l2=-1)


def scoring_counts(w):
    """The "scoring" row of info(): how often the engine fitted and reused."""
    info = w.info()
    return list(info.loc[info["kind"] == "scoring", "message"])


def test_one_fit_serves_every_table_with_the_values_of_separate_fits(sample_mapping):
    # score() asks for 8 tables (summary, coefficients, calibration, lift,
    # threshold, folds, scores, writeback): the first fits, the 7 others
    # reuse that fit.
    w = baton.load(sample_mapping, progress=False)
    try:
        assert scoring_counts(w) == []  # no row before the first scoring
        r = w.score(capacity=20, folds=5, crm="salesforce")
        assert scoring_counts(w) == ["fits: 1, reuses: 7"]
        # The same options again: 8 more reuses, no fit.
        again = w.score(capacity=20, folds=5, crm="salesforce")
        assert scoring_counts(w) == ["fits: 1, reuses: 15"]
        assert_frames_identical(again, r)
    finally:
        w.close()
    # Each table fitted on its own, as before the cache: between two tables
    # a scoring with other options (l2 = 2) replaces the kept fit, so every
    # table comes from a new fit (16 fits = 8 tables + 8 evictions).
    w = baton.load(sample_mapping, progress=False)
    try:
        options = {"scoring.capacity": "20", "scoring.folds": "5",
                   "scoring.crm": "salesforce"}
        for name in ["summary", "coefficients", "calibration", "lift", "threshold",
                     "folds", "scores", "writeback"]:
            w._run("score", {"scoring.l2": "2", "scoring.output": "summary"})
            alone = w._run("score", dict(options, **{"scoring.output": name}))
            pd.testing.assert_frame_equal(alone, getattr(r, name), check_exact=True)
        assert scoring_counts(w) == ["fits: 16, reuses: 0"]
    finally:
        w.close()


def assert_frames_identical(a, b):
    for name in a._fields:
        x, y = getattr(a, name), getattr(b, name)
        if x is None or y is None:
            assert x is None and y is None, name
        else:
            pd.testing.assert_frame_equal(x, y, check_exact=True)


def test_design_is_fitted_first_so_one_fit_serves_it_too(sample_mapping):
    w = baton.load(sample_mapping, progress=False)
    try:
        # design, summary, coefficients, calibration, lift, threshold, folds,
        # scores: 1 fit (with the matrix) and 7 reuses.
        d = w.score(l2=2.0, design=True)
        assert scoring_counts(w) == ["fits: 1, reuses: 7"]
        # Without design the kept fit serves all 7 tables.
        plain = w.score(l2=2.0)
        assert scoring_counts(w) == ["fits: 1, reuses: 14"]
        assert_frames_identical(plain, d._replace(design=None))
        # Other options fit again; the design then needs a fit of its own
        # (the matrix is never kept).
        w.score(l2=3.0)
        assert scoring_counts(w) == ["fits: 2, reuses: 20"]
        d3 = w.score(l2=3.0, design=True)
        assert scoring_counts(w) == ["fits: 3, reuses: 27"]
        # Asking for the design again fits again, to the same matrix.
        first = w._run("score", {"scoring.l2": "3", "scoring.output": "design"})
        assert scoring_counts(w) == ["fits: 4, reuses: 27"]
        pd.testing.assert_frame_equal(first, d3.design, check_exact=True)
        assert list(first.columns[:5]) == ["row", "person_id", "set", "label", "weight"]
    finally:
        w.close()


def test_cli_prints_the_feature_list_with_the_model_and_restricts_it(baton_cli, sample_mapping):
    # `baton score` prints the coefficients table: one row per feature of
    # the model. --features keeps the named ones: "distinct channels" and
    # the one-hot source levels, i.e. the sample's 8 channels (its sources).
    from conftest import run_cli
    proc = run_cli(baton_cli, "score", sample_mapping, "--features",
                   "source = *,distinct channels")
    block = proc.stdout.split("# coefficients\n", 1)[1].split("\n\n", 1)[0]
    lines = block.splitlines()[1:]  # below the header
    printed = [line.rsplit(None, 3)[0].strip() for line in lines]
    assert printed == ["(intercept)", "distinct channels"] + [
        "source = " + s for s in ["direct", "email", "events", "organic_search", "paid_search",
                                  "paid_social", "referral", "webinar"]]
    # The same model as the Python package's, coefficient by coefficient
    # (printed to 4 decimals).
    w = baton.load(sample_mapping, progress=False)
    try:
        coef = w.score(features=["source = *", "distinct channels"]).coefficients
        assert list(coef["feature"]) == printed
        np.testing.assert_allclose([float(line.split()[-3]) for line in lines],
                                   coef["coefficient"], atol=5e-5)
    finally:
        w.close()
