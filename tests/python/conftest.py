"""Shared fixtures: where the built CLI and the shared datasets are."""
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def baton_cli():
    """Path of the built `baton` executable (BATON_CLI, set by ctest)."""
    path = os.environ.get("BATON_CLI")
    if not path or not os.path.exists(path):
        pytest.fail("BATON_CLI must name the built baton executable")
    return path


@pytest.fixture(scope="session")
def shared_data():
    if not DATA.is_dir():
        pytest.fail(f"the shared datasets are missing: {DATA}")
    return DATA


def import_baton():
    """The baton Python package: the installed one, else the one staged in the
    build tree next to the CLI (BATON_CLI's build folder, python/). Call it at
    module level: when neither exists it skips the calling test module."""
    try:
        import baton
        return baton
    except ImportError:
        pass
    cli = os.environ.get("BATON_CLI")
    staged = pathlib.Path(cli).resolve().parents[1] / "python" if cli else None
    if staged is None or not (staged / "baton").is_dir():
        pytest.skip("the baton Python package is neither installed nor staged in the "
                    "build tree (configure with BATON_BUILD_PYTHON=ON)",
                    allow_module_level=True)
    sys.path.insert(0, str(staged))
    import baton
    return baton


def run_cli(cli, *args, check=True):
    """Runs baton with args; returns CompletedProcess (text mode)."""
    proc = subprocess.run([cli, *map(str, args)], capture_output=True, text=True, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"baton {' '.join(map(str, args))} failed "
                             f"({proc.returncode}):\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def sample_mapping(baton_cli, tmp_path_factory):
    """sample.toml of a 3,000-person sample dataset written by `baton sample`."""
    folder = tmp_path_factory.mktemp("sample")
    run_cli(baton_cli, "sample", "--out", folder, "--people", 3000, "--seed", 7)
    return folder / "sample.toml"


@pytest.fixture(scope="session")
def cli_table(baton_cli):
    """cli_table(*args): the CLI's `--format csv` table as a DataFrame of str
    (nulls as ""), for column-by-column comparisons."""
    def run(*args):
        proc = run_cli(baton_cli, *args, "--format", "csv")
        import io
        import pandas as pd
        return pd.read_csv(io.StringIO(proc.stdout), dtype=str, keep_default_na=False)
    return run


@pytest.fixture(scope="session")
def assert_same_table():
    """assert_same_table(got, cli): a DataFrame from the Python package equals
    the CLI's table (from cli_table): same columns in the same order, same
    rows, text equal (None as ""), numbers equal to 1e-12 (relative for
    large values), nulls in the same cells."""
    def check(got, cli):
        import numpy as np
        import pandas as pd
        assert list(got.columns) == list(cli.columns)
        assert len(got) == len(cli)
        for col in got.columns:
            g = got[col]
            e = cli[col]
            if pd.api.types.is_numeric_dtype(g.dtype):
                gv = g.astype("float64").to_numpy()
                ev = pd.to_numeric(e.replace("", np.nan)).astype("float64").to_numpy()
                assert np.array_equal(np.isnan(gv), np.isnan(ev)), col
                ok = ~np.isnan(gv)
                tol = 1e-12 * np.maximum(1.0, np.abs(ev[ok]))
                assert np.all(np.abs(gv[ok] - ev[ok]) <= tol), (
                    col, gv[ok][np.abs(gv[ok] - ev[ok]) > tol])
            else:
                gs = [("" if v is None or v is pd.NA else str(v)) for v in g]
                assert gs == list(e), col
    return check
