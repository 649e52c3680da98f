#!/usr/bin/python3
"""End-to-end funnel benchmark: `baton funnel --by source` against
pandas.read_csv of the same files, side by side, with peak memory.

usage: funnel_vs_pandas.py BATON_CLI WORK_DIR [--people N] [--repeat R]

Generates the sample with `baton sample --people N` (default 1,000,000),
then times, each R times (best kept):
  baton   `baton funnel DIR/sample.toml --by source` (process start,
          loading every CSV, freezing, the funnel, printing)
  pandas  a child process running pandas.read_csv on each CSV file alone
and prints wall time, the user and system CPU time of the fastest run, peak
RSS (ru_maxrss of the child) and the CSV size.
Targets: baton at least 5x faster than pandas, peak RSS under 2.5x the CSV size.
"""
import argparse
import os
import pathlib
import subprocess
import sys
import time

PANDAS_SNIPPET = """
import sys, pandas as pd
for f in sys.argv[1:]:
    pd.read_csv(f)
"""


def run(cmd, env=None):
    """Runs cmd; returns (wall seconds, peak RSS bytes, user seconds, system seconds)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return elapsed, usage.ru_maxrss * 1024, usage.ru_utime, usage.ru_stime


def best(cmd, repeat, env=None):
    """The fastest run's wall, user and system seconds, and the largest peak RSS."""
    runs = [run(cmd, env) for _ in range(repeat)]
    fastest = min(runs, key=lambda r: r[0])
    return fastest[0], max(r[1] for r in runs), fastest[2], fastest[3]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("baton")
    ap.add_argument("work")
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    work = pathlib.Path(a.work)
    data = work / f"sample-{a.people}"
    if not (data / "sample.toml").exists():
        t, _ = run([a.baton, "sample", "--out", str(data), "--people", str(a.people)])
        print(f"baton sample --people {a.people}: {t:.2f} s")
    csvs = sorted(str(p) for p in data.glob("*.csv"))
    size = sum(os.path.getsize(p) for p in csvs)
    baton_t, baton_rss, baton_user, baton_sys = best(
        [a.baton, "funnel", str(data / "sample.toml"), "--by", "source"], a.repeat)
    pandas_t, pandas_rss, pandas_user, pandas_sys = best(
        ["/usr/bin/python3", "-c", PANDAS_SNIPPET, *csvs], a.repeat)
    mb = 1024 * 1024
    print(f"CSV files: {len(csvs)}, {size / mb:.1f} MiB")
    print(f"{'':28}{'wall s':>10}{'user s':>10}{'sys s':>10}{'peak RSS MiB':>15}")
    print(f"{'baton funnel --by source':28}{baton_t:>10.3f}{baton_user:>10.3f}"
          f"{baton_sys:>10.3f}{baton_rss / mb:>15.1f}")
    print(f"{'pandas.read_csv (alone)':28}{pandas_t:>10.3f}{pandas_user:>10.3f}"
          f"{pandas_sys:>10.3f}{pandas_rss / mb:>15.1f}")
    speedup = pandas_t / baton_t
    ratio = baton_rss / size
    print(f"speed-up over pandas: {speedup:.1f}x (target >= 5x): "
          f"{'met' if speedup >= 5 else 'NOT met'}")
    print(f"peak RSS / CSV size: {ratio:.2f} (target < 2.5): {'met' if ratio < 2.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
