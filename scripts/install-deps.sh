#!/usr/bin/env bash
# Installs the Debian packages swift-forecast builds against, only when one is missing.
# With --mpi, also Open MPI (for builds with --traits MPI and the distributed tests).
set -euo pipefail
packages=(libcsv-dev libopenblas-dev pkg-config)
[ "${1:-}" = "--mpi" ] && packages+=(libopenmpi-dev openmpi-bin)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
