#!/usr/bin/env bash
# Tests the Python package as users install it: a fresh venv over Debian's
# python3, the wheel installed with the README's command, then pytest (which
# also runs the example notebooks through nbclient) with that venv's
# interpreter, from a temporary folder, so nothing is imported from the
# source tree and no plugin is found outside the package.
#
# usage: test_installed.sh PYTHON WHEEL_DIR VENV TESTS_DIR
# env:   BATON_CLI, BATON_SHARED_DATA, BATON_NOTEBOOKS (passed to the tests)
set -euo pipefail
python=$1 wheel_dir=$2 venv=$3 tests=$4

wheels=("$wheel_dir"/baton-*.whl)
[[ -f "${wheels[0]}" ]] || { echo "test_installed: no wheel in $wheel_dir (build baton_python_wheel)" >&2; exit 1; }

rm -rf "$venv"
# The README's installation, verbatim but for the paths.
"$python" -m venv --system-site-packages "$venv"
PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/pip" install --no-index --quiet "${wheels[0]}"

# Notebooks run on a kernel named "python3" that must be this venv's python.
"$venv/bin/python" -m ipykernel install --prefix "$venv" --name python3 >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
env -u BATON_PLUGIN_PATH -u PYTHONPATH -u PYTHONHOME \
  JUPYTER_PATH="$venv/share/jupyter" \
  JUPYTER_DATA_DIR="$work/jupyter-data" \
  JUPYTER_RUNTIME_DIR="$work/jupyter-runtime" \
  IPYTHONDIR="$work/ipython" \
  MPLBACKEND=Agg MPLCONFIGDIR="$work/matplotlib" \
  PYTHONDONTWRITEBYTECODE=1 PYDEVD_DISABLE_FILE_VALIDATION=1 \
  BATON_PACKAGE_TESTS=1 \
  BATON_TEST_VENV="$venv" \
  "$venv/bin/python" -m pytest -q -p no:cacheprovider --rootdir "$tests" "$tests"/test_package_*.py
