#!/usr/bin/env python3
"""Write a DescribeDesktops snapshot (and a BatchModifyEntitlement request of its desktops)
for a synthetic fleet, seeded and reproducible, with the official SDK's model.

usage: make_snapshot.py DESKTOPS USERS SNAPSHOT_OUT REQUEST_OUT [--pretty] [--pages P]

Every desktop is a `DescribeDesktopsResponseBodyDesktops` of alibabacloud-ecd20200930 with
all of its fields filled in (about 2 KB each as JSON), so the field names are the API's;
the body is `DescribeDesktopsResponseBody(...).to_map()`. One template desktop is built
through the model; each desktop is a copy of its `to_map()` with its own DesktopId,
DesktopName, DesktopStatus, ManagementFlag(s), EndUserIds and a few per-desktop values.

The fleet, as the contract's section 6 reads it: about 90% Running (in the API's spelling),
5% Stopped, 5% Running but Assigning (`ManagementFlags` with `Assigning`); each desktop has
0 to 2 users, mostly the request's, some former users the request does not list. The
request lists every desktop (the first one is left out of the snapshot: NotInSnapshot) and
USERS users, MaxUserPerDesktop 1.

With --pages P the snapshot is written as P files SNAPSHOT_OUT.1 ... SNAPSHOT_OUT.P, one
DescribeDesktops page each (NextToken set on all but the last).
"""
import json
import random
import string
import sys
import typing

from alibabacloud_ecd20200930 import models


def filled(cls, depth=0):
    """An instance of the SDK model `cls` with every field filled, by its type hints."""
    hints = typing.get_type_hints(cls.__init__)
    values = {}
    for name, hint in hints.items():
        if name == "return":
            continue
        values[name] = value_for(name, hint, depth)
    return cls(**values)


def value_for(name, hint, depth):
    origin = typing.get_origin(hint)
    if origin in (list, typing.List):
        (item,) = typing.get_args(hint)
        return [value_for(name, item, depth + 1)]
    if hint is str:
        return name.split("_")[0]
    if hint is int:
        return 80
    if hint is float:
        return 1.0
    if hint is bool:
        return True
    if isinstance(hint, type) and hasattr(hint, "to_map"):
        return filled(hint, depth + 1)
    raise SystemExit(f"no value for {name}: {hint!r}")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    pretty = "--pretty" in sys.argv
    pages = 1
    if "--pages" in sys.argv:
        pages = int(sys.argv[sys.argv.index("--pages") + 1])
        args.remove(str(pages))
    n, u, snapshot_out, request_out = int(args[0]), int(args[1]), args[2], args[3]
    rnd = random.Random(n * 7_000_003 + u)
    chars = string.ascii_lowercase + string.digits
    desktop_ids = ["ecd-" + "".join(rnd.choice(chars) for _ in range(15)) + f"{i:x}" for i in range(n)]
    users = [f"user{j:07d}" for j in range(u)]

    template = filled(models.DescribeDesktopsResponseBodyDesktops).to_map()
    desktops = []
    for i, desktop_id in enumerate(desktop_ids):
        if i == 0:
            continue  # listed in the request, not in the snapshot
        d = dict(template)
        roll = rnd.random()
        status, flags = "Running", ["NoFlag"]
        if roll < 0.05:
            status = "Stopped"
        elif roll < 0.10:
            flags = ["Assigning"]
        held = []
        for _ in range(rnd.choice((0, 1, 1, 2))):
            if u and rnd.random() < 0.9:
                held.append(users[rnd.randrange(u)])
            else:
                held.append(f"former{rnd.randrange(1_000_000):07d}")
        d.update(
            DesktopId=desktop_id,
            DesktopName=f"desktop-{i}",
            DesktopStatus=status,
            ManagementFlag=flags[0],
            ManagementFlags=flags,
            EndUserIds=list(dict.fromkeys(held)),
            HostName=f"host-{i}",
            NetworkInterfaceIp=f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}",
            SerialNumber=f"SN{i:010d}",
        )
        desktops.append(d)
    rnd.shuffle(desktops)

    size = -(-len(desktops) // pages) if desktops else 0
    for p in range(pages):
        page = desktops[p * size:(p + 1) * size]
        body = models.DescribeDesktopsResponseBody(
            request_id=f"{p:08X}-1F0A-4B5E-9C3D-7A6B5C4D3E2F",
            total_count=len(desktops),
            next_token=f"token-{p + 1}" if p + 1 < pages else None,
            page_size=size,
            page_number=p + 1,
        ).to_map()
        body["Desktops"] = page  # the copies of the model's to_map(), as it would hold them
        path = snapshot_out if pages == 1 else f"{snapshot_out}.{p + 1}"
        with open(path, "w") as out:
            json.dump(body, out, indent=2 if pretty else None,
                      separators=None if pretty else (",", ":"), ensure_ascii=False)
            out.write("\n")

    request = {"RegionId": "cn-hangzhou", "DesktopId": desktop_ids, "EndUserId": users,
               "MaxUserPerDesktop": 1, "MaxDesktopPerUser": 0, "Strategy": "AVERAGE",
               "Preview": True}
    with open(request_out, "w") as out:
        json.dump(request, out, separators=(",", ":"))


if __name__ == "__main__":
    main()
