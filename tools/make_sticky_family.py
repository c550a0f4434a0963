#!/usr/bin/env python3
"""Writes a request and a DescribeDesktops snapshot of one of the adversarial families of
`preview --fleet --keep-existing` (the contract, section 7), for the figures of docs/performance.md and
`benches/sticky.rs`.

usage: python3 tools/make_sticky_family.py FAMILY SIZE OUT_REQUEST OUT_SNAPSHOT

FAMILY is one of:

  e1  AVERAGE, MaxUserPerDesktop 1. SIZE = 2k desktops (SIZE must be even): desktops
      y0 .. y(k-1), then x0 .. x(k-1); users p0 .. p(k-1), then q0 .. q(k-1). The snapshot
      has y_i: [p_i, q_i] and x_i: [p_i] (as if the limit had been 2 and was tightened to 1).
      Keeping every possible pair takes a long augmenting path per pair kept beyond the
      first pass: x_i -> p_i -> y_i -> q_i.
  e2  CENTRAL, MaxUserPerDesktop 1, MaxDesktopPerUser u - 1. SIZE = u users u0 .. u(u-1);
      one desktop per pair of users i < j, d-i-j, held by both (u(u-1)/2 desktops, 450 users
      make 101,025). Every user's gain falls by one each time a user is served.

The request is a preview with RegionId cn-hangzhou. The snapshot holds only the fields the
tool reads (DesktopId, DesktopStatus, EndUserIds) and TotalCount. The output depends only on
the arguments: the same bytes on every machine. Needs only Python 3 (the standard library).
"""
import json
import sys


def e1(size):
    k = size // 2
    desktops = [f"y{i}" for i in range(k)] + [f"x{i}" for i in range(k)]
    users = [f"p{i}" for i in range(k)] + [f"q{i}" for i in range(k)]
    held = [(f"y{i}", [f"p{i}", f"q{i}"]) for i in range(k)]
    held += [(f"x{i}", [f"p{i}"]) for i in range(k)]
    limits = {"MaxUserPerDesktop": 1, "MaxDesktopPerUser": 0, "Strategy": "AVERAGE"}
    return desktops, users, held, limits


def e2(u):
    users = [f"u{i}" for i in range(u)]
    held = [(f"d-{i}-{j}", [f"u{i}", f"u{j}"]) for i in range(u) for j in range(i + 1, u)]
    desktops = [d for d, _ in held]
    limits = {"MaxUserPerDesktop": 1, "MaxDesktopPerUser": max(u - 1, 0), "Strategy": "CENTRAL"}
    return desktops, users, held, limits


def main(argv):
    if len(argv) != 5 or argv[1] not in ("e1", "e2"):
        sys.exit(__doc__.strip().splitlines()[4])
    family, size = argv[1], int(argv[2])
    if size < 0 or (family == "e1" and size % 2):
        sys.exit("SIZE must be 0 or more (and even for e1)")
    desktops, users, held, limits = (e1 if family == "e1" else e2)(size)
    request = {"RegionId": "cn-hangzhou", "DesktopId": desktops, "EndUserId": users}
    request.update(limits)
    request["Preview"] = True
    with open(argv[3], "w") as out:
        json.dump(request, out, separators=(",", ":"))
    with open(argv[4], "w") as out:
        out.write(f'{{"TotalCount":{len(held)},"Desktops":[')
        out.write(",".join(
            '{"DesktopId":%s,"DesktopStatus":"Running","EndUserIds":%s}'
            % (json.dumps(d), json.dumps(us, separators=(",", ":")))
            for d, us in held))
        out.write("]}\n")


if __name__ == "__main__":
    main(sys.argv)
