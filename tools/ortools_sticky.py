#!/usr/bin/env python3
"""Run by hand, not by CI: the contract's section 7 (AVERAGE) solved by a general solver,
OR-Tools' SimpleMinCostFlow, to check and time `preview --fleet --keep-existing` against it.

usage: ortools_sticky.py REQUEST.json SNAPSHOT.json [SNAPSHOT.json ...]

Requirements (not the crate's, not CI's), in a scratch venv outside the repository:
    python3 -m venv /tmp/venv-ortools && /tmp/venv-ortools/bin/pip install ortools
(measured with ortools 9.15, which brings numpy).

Reads the request in JSON (not the query form) and DescribeDesktops bodies as the command
line does (section 6: eligible = in the snapshot, DesktopStatus Running, no Assigning flag,
without regard to case; users the request does not list cannot be kept). Input is trusted:
no error messages beyond an assertion. Prints the kept pairs (the model's optimum over the
eligible desktops, and `pairs_kept` as `--output changes` counts it, which adds the
ineligible desktops' pairs) and the times: reading, model build, solve, total.

The model (n eligible desktops, u users, k' = min(MaxUserPerDesktop, u), m' =
min(MaxDesktopPerUser, n), T = min(n*k', u*m'), a = T // n, r_n = T % n, b = T // u,
r_u = T % u), as in `plan_sticky_shape`'s documentation, with supply T at s:

    s -a-> desktop d        s -r_n-> HD -1-> desktop d
    desktop d -1-> user v   for every existing pair (d, v), cost 0
    desktop d -(a+1)-> HUB (cost 1) -(b+1)-> user v     new pairs, through one hub node
    user v -b-> t           user v -1-> HU -r_u-> t

The full bipartite graph (10^10 arcs at 100k) is replaced by the hub: 2(n + u) arcs. A flow
of value T saturates every arc out of s and into t, so desktops have a or a+1 users and users
b or b+1 desktops (guarantees 1 to 6 of section 2); its cost is the number of units through
the hub, so the most pairs kept is T - (least cost).

Exact when k' <= 1 or m' <= 1 (the benchmark's MaxUserPerDesktop 1 is the first), and only
then; other shapes and CENTRAL are refused. Why: a hub path d -> HUB -> v names no user, so a
flow is a plan only if its hub units can be paired (desktop, user) without repeating a pair.
With k' <= 1 every desktop carries at most one unit (a <= k', and a + 1 <= k' when r_n > 0),
so a desktop with a hub unit has no other pair: pair the hub's incoming desktops with its
outgoing users in any way; each desktop gets exactly one user, no pair can repeat, and the
plan keeps at least T - cost pairs. Conversely every plan is such a flow (kept pairs on their
arcs, the others through the hub) of cost T - kept. So T - least cost is the most any plan
keeps. With m' <= 1 the same holds with users and desktops swapped. With k' >= 2 and
m' >= 2 a hub path can repeat an existing pair, or two hub units can join the same desktop
and user, so the least cost would only bound the kept pairs from above.
"""
import json
import sys
import time

T0 = time.perf_counter()

import numpy as np  # noqa: E402  (ortools' dependency)
from ortools.graph.python import min_cost_flow  # noqa: E402


def limit(request, name):
    value = request.get(name) or 0
    return None if value == 0 else value


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__.strip().splitlines()[3])
    t_read = time.perf_counter()
    with open(argv[1]) as f:
        request = json.load(f)
    snapshot = {}
    for path in argv[2:]:
        with open(path) as f:
            body = json.load(f)
        for desktop in body.get("Desktops") or []:
            assert desktop["DesktopId"] not in snapshot, desktop["DesktopId"]
            snapshot[desktop["DesktopId"]] = desktop
    t_build = time.perf_counter()

    strategy = request.get("Strategy") or "AVERAGE"
    if strategy != "AVERAGE":
        sys.exit("only AVERAGE is modelled (CENTRAL's choice of users is NP-hard: section 7)")
    users = request.get("EndUserId") or []
    index = {user: j for j, user in enumerate(users)}
    listed = request["DesktopId"]

    def eligible(desktop):
        flags = list(desktop.get("ManagementFlags") or [])
        if desktop.get("ManagementFlag") is not None:
            flags.append(desktop["ManagementFlag"])
        return desktop["DesktopStatus"].lower() == "running" and not any(
            f.lower() == "assigning" for f in flags)

    rows = []  # the eligible desktops' snapshot users, in request order
    ineligible_pairs = 0
    for desktop_id in listed:
        desktop = snapshot.get(desktop_id)
        if desktop is None:
            continue
        if eligible(desktop):
            rows.append(desktop.get("EndUserIds") or [])
        else:
            ineligible_pairs += len(desktop.get("EndUserIds") or [])

    n, u = len(rows), len(users)
    k = min(limit(request, "MaxUserPerDesktop") or u, u)
    m = min(limit(request, "MaxDesktopPerUser") or n, n)
    t = min(n * k, u * m)
    if k > 1 and m > 1:
        sys.exit(f"the hub model is exact only when k' <= 1 or m' <= 1 (here k' = {k}, "
                 f"m' = {m}): see this script's header")
    kept, arcs, t_solve = 0, 0, time.perf_counter()
    if t > 0:
        a, r_n, b, r_u = t // n, t % n, t // u, t % u
        s, sink, hd, hu, hub = 0, 1, 2, 3, 4
        desktop0, user0 = 5, 5 + n
        tails, heads, caps, costs = [], [], [], []

        def arcs_of(tail, head, cap, cost):
            tails.append(np.asarray(tail, dtype=np.int32))
            heads.append(np.asarray(head, dtype=np.int32))
            size = max(tails[-1].size, heads[-1].size)
            caps.append(np.full(size, cap, dtype=np.int64))
            costs.append(np.full(size, cost, dtype=np.int64))

        desktops = np.arange(desktop0, desktop0 + n, dtype=np.int32)
        users_ = np.arange(user0, user0 + u, dtype=np.int32)
        if a > 0:
            arcs_of(np.full(n, s), desktops, a, 0)
        if r_n > 0:
            arcs_of([s], [hd], r_n, 0)
            arcs_of(np.full(n, hd), desktops, 1, 0)
        if b > 0:
            arcs_of(users_, np.full(u, sink), b, 0)
        if r_u > 0:
            arcs_of(users_, np.full(u, hu), 1, 0)
            arcs_of([hu], [sink], r_u, 0)
        arcs_of(desktops, np.full(n, hub), a + (r_n > 0), 1)
        arcs_of(np.full(u, hub), users_, b + (r_u > 0), 0)
        existing_tails, existing_heads = [], []
        for i, row in enumerate(rows):
            assert len(set(row)) == len(row), f"a user twice on desktop {i}"
            for user in row:
                j = index.get(user)
                if j is not None:
                    existing_tails.append(desktop0 + i)
                    existing_heads.append(user0 + j)
        arcs_of(existing_tails, existing_heads, 1, 0)

        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(
            np.concatenate(tails), np.concatenate(heads), np.concatenate(caps),
            np.concatenate(costs))
        flow.set_nodes_supplies(np.array([s, sink]), np.array([t, -t]))
        arcs = flow.num_arcs()
        t_solve = time.perf_counter()
        status = flow.solve()
        assert status == flow.OPTIMAL, status
        kept = t - flow.optimal_cost()
    t_end = time.perf_counter()

    print(f"desktops listed {len(listed)}, eligible {n}; users {u}; T = {t} pairs; "
          f"{arcs} arcs")
    print(f"kept pairs (eligible desktops, the optimum): {kept}")
    print(f"pairs_kept as --output changes counts it: {kept + ineligible_pairs}")
    print(f"read {t_build - t_read:.2f} s, model build {t_solve - t_build:.2f} s, "
          f"solve {t_end - t_solve:.2f} s, total {t_end - T0:.2f} s (imports included)")


if __name__ == "__main__":
    main(sys.argv)
