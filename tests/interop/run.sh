#!/usr/bin/env bash
# Interop test of `eds-entitlement preview` against the official Alibaba Cloud Python SDK.
#
#   tests/interop/run.sh BINARY        e.g. tests/interop/run.sh target/release/eds-entitlement
#
# Creates (or reuses) a venv in $INTEROP_VENV (default: target/interop-venv under the repo
# root), installs the pinned SDK from requirements.txt, and runs interop.py BINARY with it.
# Any failure (venv, pip, a test) is a non-zero exit; nothing is ever skipped.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

if [ "$#" -ne 1 ]; then
    echo "usage: $0 BINARY" >&2
    exit 2
fi
binary="$1"
if [ ! -x "$binary" ]; then
    echo "error: $binary is not an executable file (build it first: cargo build --release --features cli)" >&2
    exit 2
fi
case "$binary" in /*) ;; *) binary="$PWD/$binary" ;; esac

venv="${INTEROP_VENV:-$repo/target/interop-venv}"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    echo "creating venv $venv" >&2
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet \
    -r "$here/requirements.txt"

exec "$venv/bin/python" "$here/interop.py" "$binary"
