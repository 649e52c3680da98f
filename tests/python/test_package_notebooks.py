"""The example notebooks run headless (nbclient) on the installed package and
show what their text says. A cell that raises fails the test."""
import os
import pathlib
import re
import sys

import pytest

if os.environ.get("BATON_PACKAGE_TESTS") != "1":
    pytest.skip("the package tests run on the installed wheel (ctest python_package)",
                allow_module_level=True)

import nbclient  # noqa: E402
import nbformat  # noqa: E402

NOTEBOOKS = pathlib.Path(os.environ.get(
    "BATON_NOTEBOOKS",
    pathlib.Path(__file__).resolve().parents[2] / "examples" / "notebooks"))


def run(name, tmp_path, shared_data):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    # Which interpreter and package the kernel used, checked below.
    nb.cells.append(nbformat.v4.new_code_cell(
        "import sys, baton\nprint(sys.executable)\nprint(baton.__file__)"))
    os.environ["BATON_SHARED_DATA"] = str(shared_data)
    # The kernel inherits the environment: without MPLBACKEND (Agg for the
    # other tests) it draws inline, as in Jupyter.
    backend = os.environ.pop("MPLBACKEND", None)
    try:
        client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=600,
                                         resources={"metadata": {"path": str(tmp_path)}})
        client.execute()
    finally:
        if backend is not None:
            os.environ["MPLBACKEND"] = backend
    executable, package = nb.cells[-1].outputs[0]["text"].split()
    # The venv's python is a symbolic link to the system's: compare paths as given.
    assert os.path.abspath(executable).startswith(os.path.abspath(sys.prefix) + os.sep)
    assert os.path.realpath(package).startswith(os.path.realpath(sys.prefix))
    return nb


def text_of(nb, tag):
    """The text/plain output of the cell tagged `tag`."""
    for cell in nb.cells:
        if tag in cell.get("metadata", {}).get("tags", []):
            for out in cell.outputs:
                data = out.get("data", {})
                if "text/plain" in data:
                    return data["text/plain"]
    raise AssertionError(f"no output for the cell tagged {tag}")


def images(nb):
    return sum(1 for c in nb.cells if c.cell_type == "code"
               for o in c.outputs if "image/png" in o.get("data", {}))


def test_the_alignment_tour_runs_and_shows_its_tables_and_plots(tmp_path, shared_data):
    nb = run("alignment_tour.ipynb", tmp_path, shared_data)
    funnel = text_of(nb, "funnel")
    for stage in ("inquiry", "mql", "sal", "sql", "opportunity", "won"):
        assert re.search(rf"\b{stage}\b", funnel)
    assert "people" in next(o["data"]["text/html"] for c in nb.cells
                            if "load" in c.metadata.get("tags", [])
                            for o in c.outputs if "text/html" in o.get("data", {}))
    assert "markov" in text_of(nb, "attribution")
    assert images(nb) == 4  # funnel, funnel by source, attribution, response times
    assert "sla_rate" in text_of(nb, "handoff")


def test_the_olist_notebook_shows_the_published_totals(tmp_path, shared_data):
    nb = run("olist_funnel.ipynb", tmp_path, shared_data)
    # The dataset's README: 8,000 MQLs, 842 closed.
    total = text_of(nb, "total")
    assert re.search(r"mql\s+8000\s+won\s+842", total)
    by_source = text_of(nb, "by_source")
    assert re.search(r"organic_search\s+2296\s+271", by_source)
    assert images(nb) == 1
