"""Shared fixtures: where the built CLI and the shared datasets are."""
import os
import pathlib
import subprocess

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


def run_cli(cli, *args, check=True):
    """Runs baton with args; returns CompletedProcess (text mode)."""
    proc = subprocess.run([cli, *map(str, args)], capture_output=True, text=True, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"baton {' '.join(map(str, args))} failed "
                             f"({proc.returncode}):\n{proc.stderr}")
    return proc
