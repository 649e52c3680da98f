"""The package at run time: where it is installed from, progress and
cancellation (callback and Ctrl-C), and many threads on one workspace."""
import concurrent.futures
import os
import signal
import threading

import pandas as pd
import pytest

if os.environ.get("BATON_PACKAGE_TESTS") != "1":
    pytest.skip("the package tests run on the installed wheel (ctest python_package)",
                allow_module_level=True)

import baton  # noqa: E402
from baton._progress import ProgressBar  # noqa: E402

SOURCE_TREE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_the_package_runs_from_its_install_with_its_own_engine():
    package = os.path.dirname(os.path.realpath(baton.__file__))
    assert not package.startswith(SOURCE_TREE + os.sep + "bindings")
    venv = os.environ.get("BATON_TEST_VENV")
    if venv:
        assert package.startswith(os.path.realpath(venv) + os.sep)
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "libbaton.so" in line}
    assert libs == {os.path.join(package, "_lib", "libbaton.so.1")}
    assert baton.__version__ == baton.version() and baton.abi_version()[0] == 1


@pytest.fixture(scope="module")
def big_sample(tmp_path_factory):
    """A 200,000-person sample: its load takes long enough to interrupt."""
    return baton.sample(tmp_path_factory.mktemp("big"), people=200_000, seed=3)


@pytest.fixture(scope="module")
def small_sample(tmp_path_factory):
    return baton.sample(tmp_path_factory.mktemp("small"), people=2000, seed=5)


def test_progress_reports_each_file_up_to_one(small_sample):
    calls = []
    baton.load(small_sample, progress=lambda f, phase: calls.append((f, phase)))
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and 0.0 <= fractions[0] and fractions[-1] == 1.0
    phases = {p for _, p in calls}
    assert any(p.startswith("reading ") and p.endswith("people.csv") for p in phases)


def test_the_progress_bar_draws_the_phase_and_percentage(small_sample, capsys):
    bar = ProgressBar(delay=0)
    try:
        baton.load(small_sample, progress=bar)
    finally:
        bar.close()
    err = capsys.readouterr().err
    assert "reading people.csv" in err and "100%" in err


def test_a_callback_returning_true_cancels_the_load(small_sample):
    calls = []

    def stop_at_once(fraction, phase):
        calls.append(phase)
        return True

    ws = baton.Workspace()
    with pytest.raises(baton.CancelledError, match="progress callback"):
        ws.load(small_sample, progress=stop_at_once)
    # Asked at the start of the first file: nothing more was read or reported.
    assert len(calls) == 1 and ws.row_count("people") == 0


def test_a_callback_raising_keyboard_interrupt_stops_the_load(big_sample):
    calls = []

    def interrupt_on_third(fraction, phase):
        calls.append(fraction)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return False

    ws = baton.Workspace()
    with pytest.raises(KeyboardInterrupt):
        ws.load(big_sample, progress=interrupt_on_third)
    assert len(calls) == 3 and calls[-1] < 1.0  # not called again after the raise
    assert ws.row_count("deals") == 0  # deals.csv is read last: the load stopped


def test_other_exceptions_of_the_callback_come_through_unchanged(small_sample):
    def broken(fraction, phase):
        return 1 / 0

    with pytest.raises(ZeroDivisionError):
        baton.load(small_sample, progress=broken)


def test_ctrl_c_during_a_load_raises_keyboard_interrupt(big_sample):
    # SIGINT arrives from another thread while the engine reads (without the
    # GIL); the engine's next progress report checks signals and stops.
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")
    timer = []

    def arm(fraction, phase):
        if not timer:
            timer.append(threading.Timer(0.1, os.kill, (os.getpid(), signal.SIGINT)))
            timer[0].start()
        return False

    ws = baton.Workspace()
    with pytest.raises(KeyboardInterrupt):
        ws.load(big_sample, progress=arm)
    timer[0].join()
    assert ws.row_count("deals") == 0  # deals.csv is read last: the load stopped


def test_eight_threads_get_the_same_answers_from_one_workspace(small_sample):
    ws = baton.load(small_sample, progress=False)
    expected_funnel = ws.funnel(by="source")
    expected_markov = ws.attribution(model="markov", order=2)

    def work(i):
        if i % 2:
            return "funnel", ws.funnel(by="source")
        return "markov", ws.attribution(model="markov", order=2)

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(64)))
    assert {kind for kind, _ in results} == {"funnel", "markov"}
    for kind, df in results:
        pd.testing.assert_frame_equal(df, expected_funnel if kind == "funnel"
                                      else expected_markov)


def test_close_waits_for_running_analyses_and_later_calls_raise(small_sample):
    ws = baton.load(small_sample, progress=False)
    ws.freeze()
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(ws.funnel, by="source") for _ in range(8)]
        ws.close()
        outcomes = []
        for f in futures:
            try:
                outcomes.append(len(f.result()) > 0)
            except baton.BatonError as e:
                outcomes.append("closed" in str(e))
    assert all(outcomes)


def test_sample_is_deterministic(tmp_path):
    a = baton.sample(tmp_path / "a", people=500, seed=11)
    b = baton.sample(tmp_path / "b", people=500, seed=11)
    assert os.path.basename(a) == "sample.toml"
    for name in ("people.csv", "touches.csv", "stages.csv", "deals.csv", "spend.csv"):
        assert ((tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes())
    assert baton.load(a, progress=False).row_count("people") == 500

