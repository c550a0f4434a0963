#!/usr/bin/env python3
"""Writes a BatchModifyEntitlement request for a synthetic fleet, for the README's benchmarks.

usage: python3 tools/make_fleet.py DESKTOPS USERS [MaxUserPerDesktop [MaxDesktopPerUser [Strategy]]] > request.json

Desktop IDs are `ecd-` + 15 random lowercase letters and digits + the desktop's index in hex
(unique, and about the length of real IDs); user IDs are `user0000000`, `user0000001`, ...
The generator is seeded from the two counts, so the same arguments always give the same bytes
(the fleet of the README's Performance section is `1000000 1000000`). The limits default to
1 and 0 (no limit), the strategy to AVERAGE; the request is a preview. Needs only Python 3.
"""
import json
import random
import string
import sys


def main(argv):
    if not 3 <= len(argv) <= 6:
        sys.exit(__doc__.strip().splitlines()[2])
    desktops, users = int(argv[1]), int(argv[2])
    max_user_per_desktop = int(argv[3]) if len(argv) > 3 else 1
    max_desktop_per_user = int(argv[4]) if len(argv) > 4 else 0
    strategy = argv[5] if len(argv) > 5 else "AVERAGE"
    rng = random.Random(desktops * 1_000_003 + users)
    alphabet = string.ascii_lowercase + string.digits
    request = {
        "RegionId": "cn-hangzhou",
        "DesktopId": [
            "ecd-" + "".join(rng.choice(alphabet) for _ in range(15)) + f"{i:x}"
            for i in range(desktops)
        ],
        "EndUserId": [f"user{j:07d}" for j in range(users)],
        "MaxUserPerDesktop": max_user_per_desktop,
        "MaxDesktopPerUser": max_desktop_per_user,
        "Strategy": strategy,
        "Preview": True,
    }
    sys.stdout.write(json.dumps(request, separators=(",", ":")))


if __name__ == "__main__":
    main(sys.argv)
