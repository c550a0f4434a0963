#!/usr/bin/env python3
"""A peer: `eds-entitlement preview REQUEST --fleet SNAPSHOT...` as a competent Python user
would write it with orjson (pip install orjson): the contract's section 6 eligibility, the
canonical plan of section 2 over the eligible desktops, FAILED for the others with their
users kept. Reads a request JSON file and one or more DescribeDesktops pages, prints the
response JSON. It exists to be measured against (see the README's Performance section).

usage: peer_fleet.py REQUEST SNAPSHOT [SNAPSHOT...]
"""
import sys

import orjson


def main(request_path, snapshot_paths):
    req = orjson.loads(open(request_path, "rb").read())
    fleet = {}
    for path in snapshot_paths:
        body = orjson.loads(open(path, "rb").read())
        for d in body.get("Desktops") or []:
            if d["DesktopId"] in fleet:
                sys.exit(f"{path}: desktop {d['DesktopId']} twice")
            flags = list(d.get("ManagementFlags") or [])
            if d.get("ManagementFlag"):
                flags.append(d["ManagementFlag"])
            fleet[d["DesktopId"]] = (d["DesktopStatus"], flags, d.get("EndUserIds") or [])
    D, U = req["DesktopId"], req.get("EndUserId") or []
    if len(set(D)) != len(D) or len(set(U)) != len(U):
        sys.exit("duplicate id")

    def eligible(desktop_id):
        snap = fleet.get(desktop_id)
        return (snap is not None and snap[0].lower() == "running"
                and not any(f.lower() == "assigning" for f in snap[1]))

    E = [d for d in D if eligible(d)]
    n, u = len(E), len(U)
    k = req.get("MaxUserPerDesktop") or 0
    m = req.get("MaxDesktopPerUser") or 0
    k = u if k == 0 else min(k, u)
    m = n if m == 0 else min(m, n)
    T = min(n * k, u * m)
    per = [[] for _ in range(n)]
    p = 0
    if u and n:
        if req.get("Strategy", "AVERAGE") == "AVERAGE":
            base, extra = divmod(T, u)
            q = [base + 1] * extra + [base] * (u - extra)
        else:
            full, rem = divmod(T, m)
            q = [m] * full + ([rem] if full < u else []) + [0] * max(0, u - full - 1)
        for j, qj in enumerate(q):
            user = U[j]
            for t in range(p, p + qj):
                per[t % n].append(user)
            p += qj
    planned = dict(zip(E, per))
    st = "FINISHED" if req["Preview"] else "NOT_STARTED"
    models = []
    for d in D:
        if d in planned:
            models.append({"DesktopId": d, "InnerStatus": st, "EndUserIds": planned[d]})
        else:
            kept = fleet[d][2] if d in fleet else []
            models.append({"DesktopId": d, "InnerStatus": "FAILED", "EndUserIds": kept})
    resp = {"RequestId": "0", "Entitlements": {"Status": st if E else "FAILED", "TaskId": "0",
            "AssignModels": models}}
    sys.stdout.buffer.write(orjson.dumps(resp))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
