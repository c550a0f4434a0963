#!/usr/bin/env python3
"""Exits 0 when two response bodies have the same AssignModels, 1 (saying where) otherwise.

usage: python3 tools/same_plan.py OURS.json PEER.json

The crate's and the peer's RequestId and TaskId differ by design; their plans must not.
Needs only Python 3 (orjson is used when installed, for the million-desktop fleet's speed).
"""
import sys

try:
    from orjson import loads
except ImportError:
    from json import loads


def assign_models(path):
    with open(path, "rb") as file:
        return loads(file.read())["Entitlements"]["AssignModels"]


def main(ours, peer):
    a, b = assign_models(ours), assign_models(peer)
    if a == b:
        print(f"same AssignModels: {len(a)} desktops")
        return 0
    if len(a) != len(b):
        print(f"{ours} lists {len(a)} desktops, {peer} lists {len(b)}")
        return 1
    first = next(i for i, (x, y) in enumerate(zip(a, b)) if x != y)
    print(f"desktop {first + 1} differs: {a[first]} against {b[first]}")
    return 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    sys.exit(main(sys.argv[1], sys.argv[2]))
