#!/usr/bin/env python3
"""Writes a request and a DescribeDesktops snapshot in which PCT% of the users were replaced,
for the benchmark (docs/performance.md) of `preview --fleet --keep-existing` (the contract, section 7).

usage: python3 tools/make_churn.py N PCT OUT_REQUEST OUT_SNAPSHOT

The snapshot is the canonical plan of an earlier request of N desktops and N users with
`MaxUserPerDesktop` 1: desktop `ecd-<i>` is Running and has `user<i>`, for i = 0 .. N-1.
Since then r = round(N * PCT / 100) of those users left and as many joined: the replaced
users are spread evenly, user i_k for i_k = floor((k + 1/2) * N / r), k = 0 .. r-1 (with
N = 100,000 and PCT 1, every hundredth user from user50: the scenario of `benches/sticky.rs`).

OUT_REQUEST is a BatchModifyEntitlement request (a preview) of the N desktops in order and of
N users: the users who stayed, in order, then `joiner<i_k>` for each replaced user, appended;
`MaxUserPerDesktop` 1, `MaxDesktopPerUser` 0 (no limit), `Strategy` AVERAGE. The replaced
users are in the snapshot but not in the request.

OUT_SNAPSHOT is one DescribeDesktops body holding only the fields the tool reads (DesktopId,
DesktopStatus, EndUserIds) and TotalCount: about 80 bytes a desktop, so 1,000,000 desktops
(81 MB; the request, 26 MB) fit under the default --max-input-bytes (256M).

PCT is a decimal from 0 to 100. The output depends only on the arguments: the same bytes on
every machine. Needs only Python 3 (the standard library).
"""
import json
import sys
from fractions import Fraction


def replaced_users(n, pct):
    """The indices of the replaced users, increasing: r of them, spread evenly over 0 .. n-1."""
    r = int(Fraction(n) * pct / 100 + Fraction(1, 2))
    return [(2 * k + 1) * n // (2 * r) for k in range(r)]


def main(argv):
    if len(argv) != 5:
        sys.exit(__doc__.strip().splitlines()[3])
    n, pct = int(argv[1]), Fraction(argv[2])
    if n < 0 or not 0 <= pct <= 100:
        sys.exit("N must be 0 or more and PCT from 0 to 100")
    replaced = replaced_users(n, pct)
    gone = set(replaced)
    users = [f"user{i}" for i in range(n) if i not in gone]
    users += [f"joiner{i}" for i in replaced]
    request = {
        "RegionId": "cn-hangzhou",
        "DesktopId": [f"ecd-{i}" for i in range(n)],
        "EndUserId": users,
        "MaxUserPerDesktop": 1,
        "MaxDesktopPerUser": 0,
        "Strategy": "AVERAGE",
        "Preview": True,
    }
    with open(argv[3], "w") as out:
        json.dump(request, out, separators=(",", ":"))
    with open(argv[4], "w") as out:
        out.write(f'{{"TotalCount":{n},"Desktops":[')
        out.write(",".join(
            f'{{"DesktopId":"ecd-{i}","DesktopStatus":"Running","EndUserIds":["user{i}"]}}'
            for i in range(n)))
        out.write("]}\n")


if __name__ == "__main__":
    main(sys.argv)
