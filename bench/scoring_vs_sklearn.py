#!/usr/bin/python3
"""Lead scoring benchmark: Baton's whole scoring pipeline against
scikit-learn's LogisticRegression fit alone on the same prebuilt matrix.

usage: scoring_vs_sklearn.py BUILD_DIR WORK_DIR [--people N] [--repeat R]
                             [--as-of created|mql] [--newton-cg]

BUILD_DIR is a Release build with the Python package (BUILD_DIR/bin/baton,
BUILD_DIR/python/baton). Generates the sample with `baton sample --people N`
(default 1,000,000; about 3.3 touches per person) unless WORK_DIR has it,
loads it once (timed, not part of the comparison), then times, best of R:
  baton    one scoring run, ws.analyze("score", as_of=...) on a freshly
           loaded workspace (the engine keeps its last fit per workspace, so
           a second run on the same one would only copy a table): every person
           scored as of creation (default; --as-of mql scores only the
           people handed off, about 16% of the sample): the point and label
           of every person, the features (touch counts per channel and
           activity in 3 windows, recency, source, first campaign,
           attributes), standardisation, the L2 logistic fit by Newton's
           method to a gradient norm below 1e-10, the test evaluation (AUC,
           log loss, Brier, calibration, lift, threshold) and the score and
           top-3 explanation of every person;
  sklearn  LogisticRegression(C=1).fit on Baton's standardised training
           matrix (the design table, exported once, not timed): lbfgs with
           its defaults (tol 1e-4, max_iter raised to 1000 so it converges),
           and with --newton-cg also newton-cg at tol 1e-8, the like-for-like
           solver (slow: minutes at a million people).
Then, once, the notebook call ws.score(as_of=...) (seven tables; the first
fits, the others reuse the fit: the fit and reuse counts from ws.info() are
printed) on a fresh workspace, against the single run above.
Prints wall and CPU seconds (user + system of this process, all threads:
the fairest figure on a shared machine), the matrix shape, the largest
coefficient difference and the load average. Target: Baton's pipeline
faster than sklearn's fit alone.
"""
import argparse
import os
import pathlib
import resource
import subprocess
import sys
import time
import warnings

import numpy as np


def timed(fn):
    """(wall seconds, CPU seconds of this process) of fn()."""
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t = time.perf_counter()
    fn()
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def describe(runs):
    best = min(runs)
    return (f"best wall {best[0]:.2f} s (CPU {best[1]:.2f} s) of "
            + ", ".join(f"{w:.2f}/{c:.2f}" for w, c in runs))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("work")
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--as-of", default="created")
    ap.add_argument("--newton-cg", action="store_true")
    a = ap.parse_args()
    build = pathlib.Path(a.build).resolve()
    sys.path.insert(0, str(build / "python"))
    os.environ.setdefault("BATON_PLUGIN_PATH", str(build / "lib" / "baton" / "plugins"))
    import baton
    from sklearn.linear_model import LogisticRegression

    data = pathlib.Path(a.work) / f"sample-{a.people}"
    if not (data / "sample.toml").exists():
        t = time.perf_counter()
        subprocess.run([str(build / "bin" / "baton"), "sample", "--out", str(data),
                        "--people", str(a.people)], check=True)
        print(f"sample: {a.people:,} people written in {time.perf_counter() - t:.1f} s")

    def fresh():
        w = baton.load(data / "sample.toml", progress=False)
        w.freeze()
        return w

    t = time.perf_counter()
    ws = fresh()
    load_s = time.perf_counter() - t
    touches = ws.row_count("touches")
    print(f"load + freeze: {load_s:.2f} s ({ws.row_count('people'):,} people, "
          f"{touches:,} touches)")

    baton_runs = []
    for i in range(a.repeat):
        if i:
            ws.close()
            ws = fresh()
        baton_runs.append(timed(lambda: ws.analyze("score", as_of=a.as_of)))
    summary = ws.analyze("score", as_of=a.as_of)
    s = dict(zip(summary["metric"], summary["value"]))
    print(f"baton scoring pipeline (as of {a.as_of}): {describe(baton_runs)} "
          f"({int(s['scored']):,} scored, {int(s['train_rows']):,} train rows, "
          f"{int(s['features'])} features, {int(s['iterations'])} Newton steps, "
          f"test AUC {s['auc']:.4f})")

    t = time.perf_counter()
    design = ws.analyze("score", as_of=a.as_of, output="design")
    coefficients = ws.analyze("score", as_of=a.as_of, output="coefficients")
    print(f"(design export, not compared: {time.perf_counter() - t:.2f} s)")
    features = list(design.columns[5:])
    train = design["set"].to_numpy() == "train"
    x = np.ascontiguousarray(design.loc[train, features].to_numpy(dtype=np.float64))
    y = design.loc[train, "label"].to_numpy(dtype=np.int64)
    del design
    baton_coef = coefficients["coefficient"].to_numpy()
    print(f"matrix: {x.shape[0]:,} x {x.shape[1]}")

    solvers = [("lbfgs (defaults, max_iter 1000)", dict(solver="lbfgs", max_iter=1000))]
    if a.newton_cg:
        solvers.append(("newton-cg (tol 1e-8)", dict(solver="newton-cg", tol=1e-8,
                                                     max_iter=1000)))
    for name, kwargs in solvers:
        runs = []
        for _ in range(a.repeat):
            model = LogisticRegression(C=1.0, penalty="l2", **kwargs)

            def fit():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model.fit(x, y)
            runs.append(timed(fit))
        diff = max(abs(model.intercept_[0] - baton_coef[0]),
                   np.abs(model.coef_[0] - baton_coef[1:]).max())
        print(f"sklearn {name}: {describe(runs)} ({int(model.n_iter_[0])} iterations, "
              f"max |coef - baton| {diff:.1e})")
    ws.close()
    del x, y
    ws = fresh()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wall, cpu = timed(lambda: ws.score(as_of=a.as_of))
    info = ws.info()
    counts = info.loc[info["kind"] == "scoring", "message"].iloc[0]
    print(f"baton ws.score(as_of={a.as_of!r}), all seven tables: wall {wall:.2f} s "
          f"(CPU {cpu:.2f} s), {counts}")
    ws.close()
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())} "
          f"on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
