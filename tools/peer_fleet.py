#!/usr/bin/env python3
"""A peer: `eds-entitlement preview REQUEST --fleet SNAPSHOT...` as a competent Python user
would write it with orjson (pip install orjson): the contract's section 6 eligibility, the
canonical plan over the eligible desktops (section 2's dealing, with section 6.1's quotas:
desktops users keep on ineligible listed desktops count against MaxDesktopPerUser and
AVERAGE levels what users will have), FAILED for the others with their users kept. Reads a request JSON file and one or more DescribeDesktops pages, prints the
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
    # Section 6.1: what each listed user keeps on the ineligible listed desktops (h_j), and
    # so the most desktops the call may give it (c_j).
    index = {user: j for j, user in enumerate(U)}
    H = [0] * u
    for d in D:
        if d in fleet and not eligible(d):
            for user in fleet[d][2]:
                if user in index:
                    H[index[user]] += 1
    k = req.get("MaxUserPerDesktop") or 0
    M = req.get("MaxDesktopPerUser") or 0
    k = u if k == 0 else min(k, u)
    C = [n if M == 0 else min(max(M - h, 0), n) for h in H]
    T = min(n * k, sum(C))
    per = [[] for _ in range(n)]
    p = 0
    if u and n:
        if req.get("Strategy", "AVERAGE") == "AVERAGE":
            # The largest level L with S(L) <= T, by bisection; then one more to the first
            # T - S(L) users at the level with room.
            def S(L):
                return sum(min(max(L - h, 0), c) for h, c in zip(H, C))
            lo, hi = 0, max(h + c for h, c in zip(H, C))
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if S(mid) <= T:
                    lo = mid
                else:
                    hi = mid - 1
            q = [min(max(lo - h, 0), c) for h, c in zip(H, C)]
            extra = T - sum(q)
            for j in range(u):
                if extra == 0:
                    break
                if H[j] + q[j] == lo and q[j] < C[j]:
                    q[j] += 1
                    extra -= 1
        else:
            q, left = [], T
            for c in C:
                q.append(min(c, left))
                left -= q[-1]
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
