#!/usr/bin/env python3
"""The peer of the README's Performance section: the canonical plan (docs/contract.md §2) as a
competent Python programmer would write it, with orjson for the JSON (pip install orjson).

usage: python3 tools/peer_py.py REQUEST.json > response.json

It reads a JSON request and prints the response body. It checks only what the rule needs
(no duplicate IDs) and writes "0" for RequestId and TaskId: it exists to be measured against,
and its AssignModels to be compared with the crate's.
"""
import sys

import orjson


def quotas(total, users, max_desktops, strategy):
    """Desktops per user, in user order (docs/contract.md §2)."""
    if strategy == "AVERAGE":
        base, extra = divmod(total, users)
        return [base + 1] * extra + [base] * (users - extra)
    full, rest = divmod(total, max_desktops)
    served = [max_desktops] * full + ([rest] if full < users else [])
    return served + [0] * (users - len(served))


def main(path):
    with open(path, "rb") as file:
        request = orjson.loads(file.read())
    desktops, users = request["DesktopId"], request.get("EndUserId") or []
    if len(set(desktops)) != len(desktops) or len(set(users)) != len(users):
        sys.exit("duplicate id")
    n, u = len(desktops), len(users)
    k = request.get("MaxUserPerDesktop") or 0
    m = request.get("MaxDesktopPerUser") or 0
    k = u if k == 0 else min(k, u)
    m = n if m == 0 else min(m, n)
    total = min(n * k, u * m)
    planned = [[] for _ in range(n)]
    cursor = 0
    if u:
        for user, quota in zip(users, quotas(total, u, m, request.get("Strategy") or "AVERAGE")):
            for t in range(cursor, cursor + quota):
                planned[t % n].append(user)
            cursor += quota
    status = "FINISHED" if request["Preview"] else "NOT_STARTED"
    response = {
        "RequestId": "0",
        "Entitlements": {
            "Status": status,
            "TaskId": "0",
            "AssignModels": [
                {"DesktopId": d, "InnerStatus": status, "EndUserIds": us}
                for d, us in zip(desktops, planned)
            ],
        },
    }
    sys.stdout.buffer.write(orjson.dumps(response))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[3])
    main(sys.argv[1])
