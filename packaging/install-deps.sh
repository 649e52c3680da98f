#!/usr/bin/env bash
# Installs every Debian package Baton's build, demo and tests need.
# Idempotent: asks dpkg what is missing, runs `apt-get update` only when
# something is, and installs only that. Needs root (or sudo) only then.
set -euo pipefail

packages=(
  # build
  g++ cmake make pkg-config
  libboost-dev            # Boost.DLL (header-only) for the plugin host
  libtomlplusplus-dev     # mapping files of the csv connector
  libeigen3-dev           # sparse solves of the Markov attribution
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-numpy python3-pandas python3-pytest
  binutils                # nm, for the exported-symbol check
  swig                    # the Java and C# bindings (bindings/swig)
  openjdk-17-jdk-headless junit5
  mono-devel              # mcs and mono for the C# binding and its tests
  # the Python package (bindings/python), its tests and example notebooks
  pybind11-dev python3-dev python3-venv
  python3-tqdm python3-matplotlib python3-nbclient python3-nbformat python3-ipykernel
  python3-sklearn         # the scoring fit is checked against scikit-learn
  # spreadsheets: the xlsx/ods connector, the xlsx report, the Calc add-in
  libzip-dev libexpat1-dev libxlsxwriter-dev zip unzip
  libreoffice-calc-nogui python3-uno libreoffice-dev
  # CRM API connectors and their local test server
  libcurl4-openssl-dev libcpp-httplib-dev nlohmann-json3-dev
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
