#!/usr/bin/env python3
"""Interop test: `eds-entitlement preview` against the official Alibaba Cloud Python SDK.

Usage: interop.py BINARY

What it proves, per generated request (docs/contract.md §1 to §3):
  * the request is built with the SDK's own model (`BatchModifyEntitlementRequest`) and put
    into both wire forms exactly as the SDK does:
      - JSON: `to_map()` serialised with `json.dumps` (ASCII escapes) or with the SDK's own
        `DaraCore.to_json_string` (compact, raw UTF-8), alternately;
      - RPC query form: captured from the SDK client's real
        `batch_modify_entitlement_with_options` call, with only the network transport
        (`DaraCore.do_action`) replaced by a stub that runs the binary. Some calls go through
        the default ACS3 path (API parameters only), others through the legacy signed RPC
        path (`signature_algorithm='v2'`), which adds Action, Format, Version, Timestamp,
        SignatureNonce, SignatureMethod, SignatureVersion, AccessKeyId, [SecurityToken,]
        Signature: the crate must accept and ignore them;
  * both forms give exit status 0 and byte-identical stdout (same plan, same IDs);
  * the output reads back through the SDK's response model (`from_map`, and the client's own
    response parsing) with nothing lost or misnamed, keys in the contract's §3 order;
  * the plan equals an independent reference implementation of docs/contract.md §2 (quotas and
    dealing), and satisfies the section 2 guarantees 1 to 7 checked directly;
  * statuses follow `Preview`; RequestId/TaskId look like the API's and differ between
    different requests;
  * (section 8) `requests` turns plans, the binary's own and live-API-like ones with FAILED
    items, into calls that the SDK's ModifyEntitlementRequest / ModifyUserEntitlementRequest
    read back unchanged (from_map, then to_map), in both printed forms, with the SDK's own
    percent-encoding; the SDK client sends exactly the printed parameters; the `aliyun`
    form's call lines, split as a POSIX shell splits them (shlex), name the same parameters;
    and the calls, sent wave by wave (section 8.1) to a model of the service that refuses a
    call on a desktop still Assigning, leave exactly the plan;
  * the docs' Python for carrying out a plan (blocks marked `readme-carry-out`) runs
    against the SDK's request and response models with a simulated client (no network).

It prints one line per failure and ends with `N passed, M failed`; the exit status is non-zero
on any failure. A missing SDK is a failure, never a skip.
"""

import json
import random
import re
import os
import shlex
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from urllib.parse import parse_qsl, quote, urlencode

# --- the SDK: required, never optional -----------------------------------------------------
try:
    from alibabacloud_ecd20200930 import models as ecd_models
    from alibabacloud_ecd20200930.client import Client as EcdClient
    from alibabacloud_tea_openapi import utils_models as openapi_models
    from alibabacloud_tea_openapi.utils import Utils as OpenApiUtils
    from darabonba.core import DaraCore
    from darabonba.response import DaraResponse
    from darabonba.runtime import RuntimeOptions
except ImportError as exc:  # fail loudly: an interop test without the SDK proves nothing
    print(f"FATAL: cannot import the Alibaba Cloud Python SDK: {exc}", file=sys.stderr)
    print("install it with: pip install -r tests/interop/requirements.txt", file=sys.stderr)
    print("0 passed, 1 failed")
    sys.exit(1)

SEED = 20200930          # the API version, as good a seed as any
RANDOM_CASES = 64        # generated requests, on top of the fixed ones below
TIMEOUT_S = 120          # per binary run

# RPC common parameters (docs/contract.md §1): accepted and ignored by the crate.
COMMON_PARAMS = {
    "Action", "Version", "Format", "AccessKeyId", "Signature", "SignatureMethod",
    "SignatureVersion", "SignatureNonce", "Timestamp", "SecurityToken",
}
UUID_RE = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
REGIONS = ["cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-shenzhen", "cn-hongkong",
           "ap-southeast-1", "ap-northeast-1", "eu-central-1", "us-west-1", "ap-southeast-5"]

# IDs that need escaping in the query form or in JSON: spaces, query syntax (& = % +),
# path syntax (. /), characters quote_plus treats specially (~ *), quotes and backslashes
# (JSON escapes), non-ASCII (Latin, CJK, and an astral-plane emoji that JSON's ASCII mode
# writes as a surrogate pair).
TRICKY_IDS = [
    "ecd with space", "a&b", "k=v", "100%", "1+1", "%2B", "dot.ted", "sl/ash", "..", "/",
    "DesktopId.1=x&y", "EndUserId.2", "tilde~star*", "quote'double\"", "back\\slash",
    "hash#question?", "semi;colon,comma", "[brackets]{braces}", "é", "café", "Ünïcödé",
    "用户甲", "桌面-01", "ユーザー", "사용자", "emoji😀", "mixed é&= +%/用",
]


# --- bookkeeping ----------------------------------------------------------------------------
class Checks:
    """Counts named checks; every failure is printed with enough to reproduce it."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, case, what, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL [{case}] {what}" + (f": {shorten(detail)}" if detail else ""))
        return ok


def first_difference(a, b):
    """Where two outputs first differ, with a little context, instead of two full dumps."""
    at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    lo = max(0, at - 60)
    return f"lengths {len(a)} and {len(b)}, first difference at byte {at}: " \
           f"{a[lo:at + 60]!r} vs {b[lo:at + 60]!r}"


def shorten(text, limit=600):
    text = str(text)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


# --- docs/contract.md §2: the reference planner --------------------------------------------------
def effective_limits(n, u, k, m):
    """k' = min(MaxUserPerDesktop, u), m' = min(MaxDesktopPerUser, n); absent/0 = unlimited."""
    return (min(k, u) if k else u), (min(m, n) if m else n)


def reference_plan(desktops, users, k, m, strategy):
    """Returns (T, quotas, plan) where plan[i] is desktop i's list of user IDs.

    Written straight from docs/contract.md §2, favouring obviousness over speed."""
    n, u = len(desktops), len(users)
    kk, mm = effective_limits(n, u, k, m)
    total = min(n * kk, u * mm)
    if strategy == "CENTRAL":
        # each user in turn is filled to m' before the next gets any
        quotas = [mm if j < total // mm else (total % mm if j == total // mm else 0)
                  for j in range(u)] if mm else [0] * u
    else:
        # AVERAGE (also the default): one each, then a second each, ...
        quotas = [total // u + (1 if j < total % u else 0) for j in range(u)]
    plan = [[] for _ in range(n)]
    cursor = 0
    for j, q in enumerate(quotas):
        for step in range(q):
            plan[(cursor + step) % n].append(users[j])
        cursor += q
    return total, quotas, plan


def reference_kept_plan(desktops, users, k, m, strategy, held):
    """Returns (T, quotas, plan) as reference_plan does, under docs/contract.md section 6.1:
    user j keeps held[j] listed desktops the call cannot change, which count against
    MaxDesktopPerUser (caps c_j), and AVERAGE levels held[j] + q_j. Favours obviousness
    over speed: the level is found by trying every L from the top."""
    n, u = len(desktops), len(users)
    kk, _ = effective_limits(n, u, k, m)
    caps = [n if not m else min(max(m - h, 0), n) for h in held]
    total = min(n * kk, sum(caps))
    if strategy == "CENTRAL":
        quotas, left = [], total
        for c in caps:
            quotas.append(min(c, left))
            left -= quotas[-1]
    else:
        def level_sum(level):
            return sum(min(max(level - h, 0), c) for h, c in zip(held, caps))
        top = max((h + c for h, c in zip(held, caps)), default=0)
        level = next(L for L in range(top, -1, -1) if level_sum(L) <= total)
        quotas = [min(max(level - h, 0), c) for h, c in zip(held, caps)]
        extra = total - sum(quotas)
        for j in range(u):
            if extra and held[j] + quotas[j] == level and quotas[j] < caps[j]:
                quotas[j] += 1
                extra -= 1
    plan = [[] for _ in range(n)]
    cursor = 0
    for j, q in enumerate(quotas):
        for step in range(q):
            plan[(cursor + step) % n].append(users[j])
        cursor += q
    return total, quotas, plan


def guarantee_problems(desktops, users, k, m, strategy, assign_models):
    """The contract's §2 guarantees 1 to 7, checked on an output plan without the reference."""
    problems = []
    n, u = len(desktops), len(users)
    kk, mm = effective_limits(n, u, k, m)
    total = min(n * kk, u * mm)
    got_desktops = [am.get("DesktopId") for am in assign_models]
    if got_desktops != desktops:  # 1
        problems.append("1: AssignModels are not the request's desktops in request order")
        return problems
    position = {uid: j for j, uid in enumerate(users)}
    per_user = [0] * u
    loads = []
    for am in assign_models:
        ids = am.get("EndUserIds")
        if not isinstance(ids, list):
            problems.append(f"EndUserIds of {am.get('DesktopId')!r} is not a list")
            return problems
        unknown = [x for x in ids if x not in position]
        if unknown:
            problems.append(f"3: {am['DesktopId']!r} has users not in the request: {unknown}")
            return problems
        idx = [position[x] for x in ids]
        if len(set(idx)) != len(idx):  # 3
            problems.append(f"3: {am['DesktopId']!r} repeats a user")
        if idx != sorted(idx):  # 3
            problems.append(f"3: {am['DesktopId']!r} users not in request order")
        if k and len(ids) > k:  # 2
            problems.append(f"2: {am['DesktopId']!r} has {len(ids)} users > {k}")
        for j in idx:
            per_user[j] += 1
        loads.append(len(ids))
    if m and any(c > m for c in per_user):  # 2
        problems.append(f"2: a user has more than {m} desktops: {per_user}")
    if sum(loads) != total:  # 4
        problems.append(f"4: {sum(loads)} pairs, expected T={total}")
    if loads and max(loads) - min(loads) > 1:  # 5
        problems.append(f"5: desktop loads differ by more than one: {loads}")
    if strategy == "CENTRAL":  # 7
        if any(a < b for a, b in zip(per_user, per_user[1:])):
            problems.append(f"7: CENTRAL user counts increase: {per_user}")
        if sum(1 for c in per_user if 0 < c < mm) > 1:
            problems.append(f"7: CENTRAL has more than one partly served user: {per_user}")
    elif per_user and max(per_user) - min(per_user) > 1:  # 6
        problems.append(f"6: AVERAGE user counts differ by more than one: {per_user}")
    return problems


# The contract's §2 worked examples: (n, u, MaxUserPerDesktop, MaxDesktopPerUser, Strategy, T,
# quotas, plan as desktop -> users letters).
CONTRACT_EXAMPLES = [
    (3, 2, 1, 0, "AVERAGE", 3, [2, 1], ["A", "A", "B"]),
    (3, 2, 1, 0, "CENTRAL", 3, [3, 0], ["A", "A", "A"]),
    (3, 4, 1, 2, "AVERAGE", 3, [1, 1, 1, 0], ["A", "B", "C"]),
    (3, 4, 1, 2, "CENTRAL", 3, [2, 1, 0, 0], ["A", "A", "B"]),
    (4, 3, 1, 2, "AVERAGE", 4, [2, 1, 1], ["A", "A", "B", "C"]),
    (4, 3, 1, 2, "CENTRAL", 4, [2, 2, 0], ["A", "A", "B", "B"]),
    (2, 3, 2, 1, "AVERAGE", 3, [1, 1, 1], ["AC", "B"]),
    (3, 5, 2, 0, "AVERAGE", 6, [2, 1, 1, 1, 1], ["AC", "AD", "BE"]),
    (3, 5, 2, 0, "CENTRAL", 6, [3, 3, 0, 0, 0], ["AB", "AB", "AB"]),
    (2, 2, 0, 0, "AVERAGE", 4, [2, 2], ["AB", "AB"]),
]


# --- request generation ---------------------------------------------------------------------
class Case:
    """One request: the SDK model plus how to put it on the wire and what to expect."""

    def __init__(self, label, request, expected_plan=None):
        self.label = label
        self.request = request              # ecd_models.BatchModifyEntitlementRequest
        self.expected_plan = expected_plan  # literal plan from the contract's table, if any


def unique_ids(rng, count, plain, tricky_rate):
    """`count` distinct non-empty IDs; some built from TRICKY_IDS (kept unique by a suffix)."""
    out, seen = [], set()
    while len(out) < count:
        i = len(out)
        if rng.random() < tricky_rate:
            candidate = rng.choice(TRICKY_IDS) + rng.choice(["", f"{i}", f" {i}", f"-{i}"])
        else:
            candidate = plain(i)
        if candidate and candidate not in seen:
            seen.add(candidate)
            out.append(candidate)
    return out


def desktop_id(rng):
    return lambda i: "ecd-" + "".join(rng.choice("0123456789abcdefghijklmnopqrstuvwxyz")
                                      for _ in range(17))


def user_id(rng):
    names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan"]
    return lambda i: rng.choice([f"{rng.choice(names)}{i}", f"user_{i:03d}",
                                 f"{rng.choice(names)}.{rng.choice(names)}{i}"])


def make_request(desktops, users, k, m, strategy, preview, region):
    return ecd_models.BatchModifyEntitlementRequest(
        desktop_id=desktops, end_user_id=users, max_user_per_desktop=k,
        max_desktop_per_user=m, strategy=strategy, preview=preview, region_id=region)


def generate_cases(rng):
    cases = []
    # 1. the contract's §2 worked examples, with their literal expected plans.
    for idx, (n, u, k, m, strategy, _t, _q, plan) in enumerate(CONTRACT_EXAMPLES):
        users = [chr(ord("A") + j) for j in range(u)]
        req = make_request([f"d{i + 1}" for i in range(n)], users, k, m, strategy,
                           idx % 2 == 0, "cn-hangzhou")
        cases.append(Case(f"spec-{idx + 1}", req, [list(p) for p in plan]))

    # 2. Fixed edge cases.
    edge = [
        # no EndUserId at all: every desktop planned empty
        ("no-users-absent", make_request(["ecd-1"], None, None, None, None, True, "cn-hangzhou")),
        # EndUserId: [] in JSON, absent from the query form (the SDK drops empty lists)
        ("no-users-empty", make_request(["ecd-1", "ecd-2", "ecd-3"], [], 1, 1, "CENTRAL",
                                        False, "cn-shanghai")),
        # one of each, limits 1/1
        ("one-one", make_request(["ecd-x"], ["alice"], 1, 1, "AVERAGE", True, "us-west-1")),
        # every limit at the API maximum
        ("max-limits", make_request([f"ecd-{i:02d}" for i in range(40)],
                                    [f"u{i}" for i in range(40)], 500, 500, "CENTRAL", True,
                                    "eu-central-1")),
        # the API's per-call list maximum (500 IDs each): DesktopId.1..DesktopId.500
        ("api-max-lists", make_request([f"ecd-{i:04d}" for i in range(500)],
                                       [f"user{i:04d}" for i in range(500)], 3, 2,
                                       "AVERAGE", False, "ap-southeast-1")),
        # twins of "one-one" differing only in Preview, and only in Strategy (same plan):
        # different requests, so different RequestIds and TaskIds
        ("preview-twin", make_request(["ecd-x"], ["alice"], 1, 1, "AVERAGE", False,
                                      "us-west-1")),
        ("strategy-twin", make_request(["ecd-x"], ["alice"], 1, 1, "CENTRAL", True,
                                       "us-west-1")),
        ("region-twin", make_request(["ecd-x"], ["alice"], 1, 1, "AVERAGE", True,
                                     "us-west-2")),
        # every tricky ID at once, both lists
        ("all-tricky", make_request(list(TRICKY_IDS), list(reversed(TRICKY_IDS)), 2, 3,
                                    "CENTRAL", True, "cn-hongkong")),
    ]
    cases.extend(Case(label, req) for label, req in edge)

    # 3. Seeded random requests covering strategies, limits, Preview, sizes and escaping.
    limit_choices = [None, 0, 1, 2, 3, 5, 500]
    for idx in range(RANDOM_CASES):
        n = rng.randint(1, 40)
        u = rng.choice([0, 1, 2, rng.randint(0, 40), rng.randint(0, 40)])
        tricky = rng.choice([0.0, 0.2, 0.6])
        desktops = unique_ids(rng, n, desktop_id(rng), tricky)
        users = unique_ids(rng, u, user_id(rng), tricky)
        if u == 0:
            users = rng.choice([None, []])
        k = rng.choice(limit_choices + [rng.randint(1, 40)])
        m = rng.choice(limit_choices + [rng.randint(1, 40)])
        strategy = rng.choice([None, "AVERAGE", "CENTRAL", "CENTRAL"])
        req = make_request(desktops, users, k, m, strategy, rng.random() < 0.5,
                           rng.choice(REGIONS))
        cases.append(Case(f"rand-{idx + 1:02d}", req))
    return cases


# --- the two wire forms ---------------------------------------------------------------------
def json_form(request, idx):
    """The JSON form: the SDK model's `to_map()`, serialised two ways in turn."""
    if idx % 2 == 0:
        return json.dumps(request.to_map())               # ASCII escapes (\u00e9, surrogates)
    return DaraCore.to_json_string(request.to_map())      # the SDK's own: compact, raw UTF-8


def sdk_query_params(request):
    """The API parameters exactly as the SDK client puts them in its request.

    Mirrors `Client.batch_modify_entitlement_with_options`
    (alibabacloud_ecd20200930/client.py): a dict of the non-null fields, flattened by
    `alibabacloud_tea_openapi.utils.Utils.query` (its `_object_handler`): lists become
    `Name.1`, `Name.2`, ... (an empty list disappears), every scalar goes through `str()`, so
    booleans are `True`/`False` and integers decimal."""
    query = {}
    for name, value in [("DesktopId", request.desktop_id), ("EndUserId", request.end_user_id),
                        ("MaxDesktopPerUser", request.max_desktop_per_user),
                        ("MaxUserPerDesktop", request.max_user_per_desktop),
                        ("Preview", request.preview), ("RegionId", request.region_id),
                        ("Strategy", request.strategy)]:
        if value is not None:
            query[name] = value
    return OpenApiUtils.query(query)


def sdk_query_string(params):
    """URL-encodes like `darabonba.core.DaraCore.compose_url`, which builds the request URL:
    `urllib.parse.urlencode` of `str(value)` (quote_plus: space -> '+', '~' kept, all else
    reserved percent-encoded as UTF-8). The SDK's own percent-encoders (`quote(..., safe='~')`
    in `Utils.get_rpcsignature` / `get_canonical_query_string`) are only used for signing."""
    return urlencode({k: str(v) for k, v in params.items() if v is not None})


class WireCapture:
    """Replaces the SDK's HTTP transport (`DaraCore.do_action`) for the duration of one client
    call: the request the SDK would have sent is captured, its URL query is given to the
    binary, and the binary's stdout becomes the HTTP response body, which the SDK then parses
    the way it parses a real response."""

    def __init__(self, run_query):
        self.run_query = run_query
        self.query = None
        self.result = None

    def do_action(self, request, runtime_option=None):
        url = DaraCore.compose_url(request)  # the SDK's own URL composition and encoding
        self.query = url.split("?", 1)[1] if "?" in url else ""
        self.result = self.run_query(self.query)
        response = DaraResponse()
        response.status_code = 200 if self.result[0] == 0 else 400
        response.headers = {"content-type": "application/json;charset=utf-8"}
        response.body = self.result[1] if self.result[1] else b"{}"
        return response


@contextmanager
def patched(owner, name, value):
    original = owner.__dict__[name]
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, original)


def sdk_client(mode):
    """mode 0: default ACS3 signing (API parameters only in the URL query);
    mode 1: legacy signed RPC (`signature_algorithm='v2'`): common parameters in the query;
    mode 2: as 1, with an STS token (adds SecurityToken)."""
    config = openapi_models.Config(
        access_key_id="LTAI5tInteropTestKeyId", access_key_secret="interop-test-secret",
        security_token="STS.interop token/+=" if mode == 2 else None,
        region_id="cn-hangzhou", endpoint="ecd.cn-hangzhou.aliyuncs.com",
        signature_algorithm="v2" if mode else None)
    return EcdClient(config)


def call_through_sdk(client, request, run_query, rng):
    """Runs the SDK client's real `batch_modify_entitlement_with_options` with the transport
    replaced (see WireCapture). Timestamp and nonce are made deterministic so that every run
    of this script sends the same bytes. Returns (capture, sdk_response or exception)."""
    capture = WireCapture(run_query)
    stamp = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T" \
            f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"
    nonce = "%032x" % rng.getrandbits(128)
    with patched(DaraCore, "do_action", staticmethod(capture.do_action)), \
            patched(OpenApiUtils, "get_timestamp", staticmethod(lambda: stamp)), \
            patched(OpenApiUtils, "get_nonce", staticmethod(lambda: nonce)):
        try:
            response = client.batch_modify_entitlement_with_options(request, RuntimeOptions())
        except Exception as exc:  # reported by the caller
            response = exc
    return capture, response


# --- running the binary ---------------------------------------------------------------------
def run_binary(binary, fmt, text):
    """`BINARY preview --format FMT -` with the request on stdin: (status, stdout, stderr)."""
    try:
        proc = subprocess.run([binary, "preview", "--format", fmt, "-"],
                              input=text.encode("utf-8"), capture_output=True,
                              timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return -1, b"", str(exc).encode()
    return proc.returncode, proc.stdout, proc.stderr


def describe_run(result):
    status, out, err = result
    return f"exit {status}, stderr {err.decode('utf-8', 'replace').strip()!r}, " \
           f"stdout {out.decode('utf-8', 'replace')[:200]!r}"


def ordered_pairs(pairs):
    """json object hook keeping key order and refusing duplicate keys."""
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate key in {keys}")
    return dict(pairs)


def key_order_problems(body):
    """docs/contract.md §3: RequestId, Entitlements{Status, TaskId, AssignModels[{DesktopId,
    InnerStatus, EndUserIds}]}, in this order and nothing else."""
    problems = []
    if list(body) != ["RequestId", "Entitlements"]:
        problems.append(f"top-level keys {list(body)}")
    ent = body.get("Entitlements")
    if not isinstance(ent, dict):
        return problems + ["Entitlements is not an object"]
    if list(ent) != ["Status", "TaskId", "AssignModels"]:
        problems.append(f"Entitlements keys {list(ent)}")
    models = ent.get("AssignModels")
    if not isinstance(models, list):
        return problems + ["AssignModels is not an array"]
    for am in models:
        if not isinstance(am, dict) or list(am) != ["DesktopId", "InnerStatus", "EndUserIds"]:
            problems.append(f"AssignModels item {am!r}")
            break
    return problems


# --- one case -------------------------------------------------------------------------------
def run_case(binary, case, idx, rng, checks, ids_seen):
    req = case.request
    label = case.label
    req.validate()
    desktops = list(req.desktop_id)
    users = list(req.end_user_id or [])
    k, m = req.max_user_per_desktop, req.max_desktop_per_user
    strategy = req.strategy or "AVERAGE"

    # Step 1: JSON form (to_map) through `preview --format json -`.
    json_text = json_form(req, idx)
    json_run = run_binary(binary, "json", json_text)
    if not checks.check(json_run[0] == 0 and json_run[1], label, "json form: exit 0 with output",
                        f"{describe_run(json_run)}; request {json_text}"):
        return

    # Step 2: query form, as the SDK client really sends it, through `--format query -`.
    mode = idx % 3
    capture, sdk_response = call_through_sdk(
        sdk_client(mode), req, lambda q: run_binary(binary, "query", q), rng)
    if not checks.check(capture.result is not None and capture.result[0] == 0, label,
                        "query form (SDK wire): exit 0",
                        f"{describe_run(capture.result) if capture.result else sdk_response}; "
                        f"request {capture.query}"):
        return
    out = json_run[1]

    # The captured query is what our explicit reconstruction of the SDK says it is (so the
    # notes in sdk_query_params/sdk_query_string are true), plus only common parameters.
    expected_query = sdk_query_string(sdk_query_params(req))
    api_part = "&".join(p for p in capture.query.split("&")
                        if p.split("=", 1)[0] not in COMMON_PARAMS)
    checks.check(api_part == expected_query, label, "SDK query matches its reconstruction",
                 f"captured {capture.query!r}, reconstructed {expected_query!r}")
    if mode:
        checks.check("Action=BatchModifyEntitlement" in capture.query.split("&")
                     and "Version=2020-09-30" in capture.query.split("&"), label,
                     "signed RPC query carries Action and Version", capture.query)

    # Step 3: both forms give byte-identical output.
    checks.check(capture.result[1] == out, label, "query output == json output",
                 "json vs query: " + first_difference(out, capture.result[1]))

    # Parameter order is not significant (docs/contract.md §1: order by N, not by position).
    pairs = capture.query.split("&")
    rng.shuffle(pairs)
    shuffled = run_binary(binary, "query", "&".join(pairs))
    checks.check(shuffled[0] == 0 and shuffled[1] == out, label,
                 "shuffled query output == json output",
                 (f"json vs query: {first_difference(out, shuffled[1])}" if shuffled[0] == 0
                  else describe_run(shuffled)) + f"; request {'&'.join(pairs)}")

    # Step 4: the output is JSON in the contract's §3 shape and reads back through the SDK.
    try:
        body = json.loads(out, object_pairs_hook=ordered_pairs)
    except ValueError as exc:
        checks.check(False, label, "output is JSON", f"{exc}: {out!r}")
        return
    problems = key_order_problems(body)
    checks.check(not problems, label, "response keys in the contract's order", "; ".join(problems))
    model = ecd_models.BatchModifyEntitlementResponseBody().from_map(json.loads(out))
    checks.check(model.to_map() == json.loads(out), label, "from_map/to_map round trip",
                 f"to_map {model.to_map()!r}\noutput {json.loads(out)!r}")
    # ... and through the SDK client's own response handling, which received the query
    # run's stdout as its HTTP body: it must read it back unchanged too.
    try:
        sent = json.loads(capture.result[1])
    except ValueError as exc:
        sent = exc
    if isinstance(sdk_response, Exception) or isinstance(sent, Exception):
        checks.check(False, label, "SDK client parses the response",
                     sdk_response if isinstance(sdk_response, Exception) else sent)
    else:
        checks.check(sdk_response.status_code == 200 and sdk_response.body.to_map() == sent,
                     label, "SDK client parses the response",
                     f"parsed {sdk_response.body.to_map()!r}\nsent {sent!r}")

    ent = body.get("Entitlements") or {}
    models = ent.get("AssignModels") or []

    # Statuses follow Preview (docs/contract.md §3).
    want = "FINISHED" if req.preview else "NOT_STARTED"
    statuses = [ent.get("Status")] + [am.get("InnerStatus") for am in models]
    checks.check(all(s == want for s in statuses), label, f"statuses all {want}", statuses)

    # IDs look like the API's; distinct requests get distinct IDs (checked at the end).
    rid, tid = body.get("RequestId"), ent.get("TaskId")
    checks.check(isinstance(rid, str) and isinstance(tid, str)
                 and UUID_RE.match(rid) and UUID_RE.match(tid), label,
                 "RequestId/TaskId are uppercase 8-4-4-4-12 hex", f"{rid!r} {tid!r}")
    key = json.dumps([desktops, users, k or 0, m or 0, strategy, req.preview, req.region_id])
    ids_seen.append((key, rid, tid, label))

    # Step 5: the plan itself, against the reference planner and the contract's guarantees.
    got = [am.get("EndUserIds") for am in models]
    _total, _quotas, want_plan = reference_plan(desktops, users, k, m, strategy)
    checks.check([am.get("DesktopId") for am in models] == desktops and got == want_plan,
                  label, "plan == docs/contract.md §2 reference",
                  f"got {list(zip([am.get('DesktopId') for am in models], got))}\n"
                  f"want {list(zip(desktops, want_plan))}")
    problems = guarantee_problems(desktops, users, k, m, strategy, models)
    checks.check(not problems, label, "docs/contract.md §2 guarantees 1-7", "; ".join(problems))
    if case.expected_plan is not None:
        checks.check(got == case.expected_plan, label, "plan == the contract's worked example",
                     f"got {got}, want {case.expected_plan}")


# --- the contract's section 8: `requests`, the calls that carry out a plan -------------------
# Every call the binary prints, as a query line and as a JSON object, is read with the SDK's
# own request models (from_map, then to_map gives the same values), sent through the SDK
# client's real modify_*_with_options with the transport captured (the SDK must put exactly
# the printed parameters on the wire), and applied to a model of the service: the result must
# be the plan, with FAILED and unlisted desktops untouched.
REQUEST_MODELS = {
    "ModifyEntitlement": ("modify_entitlement_with_options",
                          lambda: ecd_models.ModifyEntitlementRequest()),
    "ModifyUserEntitlement": ("modify_user_entitlement_with_options",
                              lambda: ecd_models.ModifyUserEntitlementRequest()),
}
LIST_PARAMS = {"EndUserId", "AuthorizeDesktopId", "RevokeDesktopId"}


def run_requests(binary, plan_text, fmt, region, fleet=None):
    extra = ["--fleet", fleet] if fleet else []
    try:
        proc = subprocess.run([binary, "requests", "-", "--region", region, "--format", fmt,
                               "--summary"] + extra, input=plan_text.encode("utf-8"),
                              capture_output=True, timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return -1, b"", str(exc).encode()
    return proc.returncode, proc.stdout, proc.stderr


def aliyun_line_to_map(line):
    """An `aliyun ecd ...` call line, split as a POSIX shell splits it, as the SDK's to_map()
    shape (lists from --Name.1, --Name.2, ...) with its Action; problems listed."""
    problems, params, lists = [], {}, {}
    words = shlex.split(line, posix=True)
    if words[:2] != ["aliyun", "ecd"] or len(words) < 3:
        return None, {}, [f"not an aliyun ecd line: {line[:80]!r}"]
    action, rest = words[2], words[3:]
    if rest[-3:] != ["--version", "2020-09-30", "--force"]:
        problems.append(f"does not end --version 2020-09-30 --force: {rest[-3:]}")
    rest = rest[:-3]
    i = 0
    while i < len(rest):
        word = rest[i]
        if not word.startswith("--"):
            problems.append(f"{word!r} is not an option")
            i += 1
            continue
        if "=" in word:
            name, value = word[2:].split("=", 1)
            if not value.startswith("-"):
                problems.append(f"{word!r}: only a value beginning with '-' is written --Name=")
            i += 1
        else:
            name, value = word[2:], rest[i + 1] if i + 1 < len(rest) else None
            if value is None or value.startswith("-"):
                problems.append(f"{word!r} has no value, or one beginning with '-'")
            i += 2
        if "." in name and name.split(".")[0] in LIST_PARAMS:
            lst, n = name.split(".", 1)
            lists.setdefault(lst, []).append((int(n), value))
        else:
            params[name] = value
    for lst, items in lists.items():
        if [n for n, _ in items] != list(range(1, len(items) + 1)):
            problems.append(f"{lst} items not numbered 1, 2, ...: {[n for n, _ in items]}")
        params[lst] = [v for _, v in items]
    return action, params, problems


def waves_of(lines, comment="# wave "):
    """The query form's lines in waves: a `# wave N` line starts wave N."""
    waves = []
    for line in lines:
        if line.startswith("#"):
            if line.startswith(comment):
                waves.append([])
            continue
        if not waves:
            return None
        waves[-1].append(line)
    return waves


def query_line_to_map(line):
    """A printed query line as the SDK's to_map() shape: lists from Name.1, Name.2, ...;
    also checks the encoding is the SDK's percent-encoding (quote(value, safe='~'))."""
    problems, common, params, lists = [], {}, {}, {}
    for k, pair in enumerate(line.split("&")):
        name, _, raw = pair.partition("=")
        value = dict(parse_qsl(pair, keep_blank_values=True)).get(name, "")
        if raw != quote(value, safe="~"):
            problems.append(f"{name}: {raw!r} is not the SDK's encoding {quote(value, safe='~')!r}")
        if k < 3:
            common[name] = value
        elif "." in name and name.split(".")[0] in LIST_PARAMS:
            lst, n = name.split(".", 1)
            lists.setdefault(lst, []).append((int(n), value))
        else:
            params[name] = value
    for lst, items in lists.items():
        if [n for n, _ in items] != list(range(1, len(items) + 1)):
            problems.append(f"{lst} items not numbered 1, 2, ...: {[n for n, _ in items]}")
        params[lst] = [v for _, v in items]
    return common, params, problems


def capture_sdk_query(action, model, rng):
    """The API parameters the SDK client sends for `model` (transport replaced)."""
    method, _ = REQUEST_MODELS[action]
    capture = WireCapture(lambda q: (0, b'{"RequestId":"00000000-0000-0000-0000-000000000000"}',
                                     b""))
    client = sdk_client(0)
    with patched(DaraCore, "do_action", staticmethod(capture.do_action)):
        try:
            getattr(client, method)(model, RuntimeOptions())
        except Exception as exc:  # reported by the caller
            return None, exc
    return dict(parse_qsl(capture.query, keep_blank_values=True)), None


def apply_call(state, action, params):
    users = params.get("EndUserId", [])
    if action == "ModifyEntitlement":
        state[params["DesktopId"]] = set(users)
    else:
        for d in params.get("AuthorizeDesktopId", []):
            state.setdefault(d, set()).update(users)
        for d in params.get("RevokeDesktopId", []):
            state.setdefault(d, set()).difference_update(users)


def requests_plans(binary, rng):
    """Plans to carry out: the binary's own (Preview false, tricky IDs, more than 100 users
    per desktop) and hand-made live-API-like bodies with FAILED items and shared additions."""
    plans = []
    for idx in range(6):
        n = rng.randint(1, 5)
        u = rng.choice([3, 40, 150, 260])
        desktops = unique_ids(rng, n, desktop_id(rng), 0.4)
        users = unique_ids(rng, u, user_id(rng), 0.3)
        req = make_request(desktops, users, rng.choice([None, 0, 2, 120, 500]), None,
                           rng.choice(["AVERAGE", "CENTRAL"]), False, "cn-hangzhou")
        status, out, err = run_binary(binary, "json", json.dumps(req.to_map()))
        if status == 0:
            plans.append((f"requests-preview-{idx}", out.decode("utf-8")))
        else:
            plans.append((f"requests-preview-{idx}", None))
    for idx in range(4):
        users = unique_ids(rng, 320, user_id(rng), 0.3)
        models = []
        for i in range(rng.randint(2, 6)):
            status = rng.choice(["NOT_STARTED", "NOT_STARTED", "FAILED", "FINISHED"])
            planned = list(users[:rng.choice([0, 5, 100, 101, 250, 320])])
            if i % 2:
                rng.shuffle(planned)
            models.append({"DesktopId": f"ecd-{idx} {i}&=", "InnerStatus": status,
                           "EndUserIds": planned})
        body = {"RequestId": "51592A88-0F2C-55E6-AD2C-2AD9C10D0000",
                "Entitlements": {"Status": "NOT_STARTED", "TaskId": "T", "AssignModels": models}}
        plans.append((f"requests-live-{idx}", json.dumps(body, ensure_ascii=bool(idx % 2))))
    return plans


def snapshot_file(before, directory):
    """The fleet `before` as a DescribeDesktops body, through the SDK's response model."""
    body = ecd_models.DescribeDesktopsResponseBody().from_map({
        "RequestId": "1", "TotalCount": len(before),
        "Desktops": [{"DesktopId": d, "DesktopStatus": "Running", "ManagementFlags": ["NoFlag"],
                      "EndUserIds": sorted(users), "Cpu": 4} for d, users in before.items()]})
    path = os.path.join(directory, "fleet.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(body.to_map(), f)
    return path


def run_requests_case(binary, label, plan_text, rng, checks):
    if not checks.check(plan_text is not None, label, "preview made a plan"):
        return
    calls = run_requests_mode(binary, label, plan_text, rng, checks, with_fleet=False)
    run_requests_mode(binary, label + " --fleet", plan_text, rng, checks, with_fleet=True)
    return calls


def run_requests_mode(binary, label, plan_text, rng, checks, with_fleet):
    """Without a snapshot, every desktop starts with a stranger beside its planned users; with
    one, every other desktop starts with exactly its plan, and must get no call."""
    models = json.loads(plan_text)["Entitlements"]["AssignModels"]
    before = {}
    for i, am in enumerate(models):
        planned = set(am.get("EndUserIds") or [])
        before[am["DesktopId"]] = planned if with_fleet and i % 2 == 0 else {"stranger"} | planned
    before["unlisted desktop"] = {"someone"}
    region = rng.choice(REGIONS)
    with tempfile.TemporaryDirectory() as directory:
        fleet = snapshot_file(before, directory) if with_fleet else None
        q_status, q_out, q_err = run_requests(binary, plan_text, "query", region, fleet)
        j_status, j_out, j_err = run_requests(binary, plan_text, "json", region, fleet)
        a_status, a_out, a_err = run_requests(binary, plan_text, "aliyun", region, fleet)
    if not checks.check(q_status == 0 and j_status == 0 and a_status == 0, label,
                        "requests: exit 0",
                        f"query: {q_status} {q_err!r}; json: {j_status} {j_err!r}; "
                        f"aliyun: {a_status} {a_err!r}"):
        return
    q_waves = waves_of(q_out.decode("utf-8").splitlines())
    if not checks.check(q_waves is not None, label, "query lines come after '# wave 1'"):
        return
    q_lines = [line for wave in q_waves for line in wave]
    q_wave_of = [n + 1 for n, wave in enumerate(q_waves) for _ in wave]
    j_lines = j_out.decode("utf-8").splitlines()
    a_lines = [line for line in a_out.decode("utf-8").splitlines()
               if line.startswith("aliyun ecd Modify")]
    checks.check(len(q_lines) == len(j_lines) == len(a_lines), label,
                 "as many query lines as JSON lines and aliyun call lines",
                 f"{len(q_lines)} vs {len(j_lines)} vs {len(a_lines)}")
    a_text = a_out.decode("utf-8")
    checks.check(a_text.count("\n# wave ") == len(q_waves)
                 and a_text.count("\nwait_for_wave ") >= len(q_waves), label,
                 "the aliyun script marks and waits for every wave")
    checks.check(q_err.decode().startswith(f"eds-entitlement: {len(q_lines)} call")
                 and f" in {len(q_waves)} wave" in q_err.decode(), label,
                 "--summary counts the calls and the waves", q_err)
    state = {d: set(u) for d, u in before.items()}
    named = set()
    refused = []
    for n, wave in enumerate(q_waves):
        # The service assigns in the background: a desktop named earlier in the wave is
        # Assigning, and a second call on it is refused (IncorrectDesktopStatus).
        assigning = set()
        for line in wave:
            _, params, _ = query_line_to_map(line)
            desktops = [params["DesktopId"]] if "DesktopId" in params else []
            desktops += params.get("AuthorizeDesktopId", []) + params.get("RevokeDesktopId", [])
            refused += [f"wave {n + 1}: {d}" for d in desktops if d in assigning]
            assigning.update(desktops)
    checks.check(not refused, label, "no desktop twice in a wave (no call refused)",
                 "; ".join(refused[:5]))
    for line, json_line, aliyun_line, wave in zip(q_lines, j_lines, a_lines, q_wave_of):
        common, params, problems = query_line_to_map(line)
        checks.check(not problems, label, "query encoding is the SDK's", "; ".join(problems))
        action = common.get("Action")
        if not checks.check(list(common) == ["Action", "Version", "RegionId"]
                            and common.get("Version") == "2020-09-30"
                            and common.get("RegionId") == region
                            and action in REQUEST_MODELS, label,
                            "query line starts Action, Version, RegionId", line):
            return
        sdk_map = dict(params, RegionId=region)
        model = REQUEST_MODELS[action][1]().from_map(sdk_map)
        checks.check(model.to_map() == sdk_map, label, f"{action} from_map/to_map (query)",
                     f"to_map {model.to_map()!r}\nline {sdk_map!r}")
        obj = json.loads(json_line, object_pairs_hook=ordered_pairs)
        checks.check(obj.pop("Action", None) == action, label, "JSON line has the same Action",
                     json_line)
        checks.check(obj.pop("Wave", None) == wave, label, "JSON line has the same Wave",
                     json_line)
        json_model = REQUEST_MODELS[action][1]().from_map(obj)
        checks.check(json_model.to_map() == obj == sdk_map, label,
                     f"{action} from_map/to_map (JSON) == query line",
                     f"to_map {json_model.to_map()!r}\njson {obj!r}\nquery {sdk_map!r}")
        a_action, a_params, a_problems = aliyun_line_to_map(aliyun_line)
        checks.check(not a_problems and a_action == action and a_params == sdk_map, label,
                     "aliyun line, split by shlex, == query line",
                     f"{a_problems} {a_action} {a_params!r}\nquery {sdk_map!r}")
        too_long = [k for k, v in params.items() if isinstance(v, list) and not 1 <= len(v) <= 100]
        checks.check(not too_long, label, "lists hold 1 to 100 IDs", too_long)
        sent, exc = capture_sdk_query(action, model, rng)
        flat = OpenApiUtils.query(sdk_map)
        checks.check(exc is None and sent == flat, label,
                     "the SDK client sends exactly the printed parameters",
                     f"{exc!r}" if exc else f"sent {sent!r}\nprinted {flat!r}")
        apply_call(state, action, params)
        for key in ("DesktopId", "AuthorizeDesktopId", "RevokeDesktopId"):
            value = params.get(key, [])
            named.update([value] if isinstance(value, str) else value)
    for am in models:
        d = am["DesktopId"]
        if am.get("InnerStatus") == "FAILED":
            checks.check(state[d] == before[d] and d not in named, label,
                         f"FAILED {d!r} untouched")
        elif with_fleet and before[d] == set(am["EndUserIds"]):
            checks.check(d not in named, label, f"unchanged {d!r} gets no call")
        else:
            checks.check(state[d] == set(am["EndUserIds"]), label, f"{d!r} ends as planned",
                         f"has {sorted(state[d])[:10]}..., planned {am['EndUserIds'][:10]}...")
    checks.check(state["unlisted desktop"] == {"someone"}, label, "unlisted desktop untouched")
    return len(q_lines)



# --- the contract's section 6: plans against a DescribeDesktops snapshot --------------------
SNAPSHOT_CASES = 24      # generated requests with snapshots
STATUS_SPELLINGS = ["Running", "running", "RUNNING", "Stopped", "Pending", "Starting", "Expired"]
FLAG_SPELLINGS = ["NoFlag", "Updating", "Assigning", "ASSIGNING", "assigning"]


def sdk_filled(cls):
    """An instance of the SDK model `cls` with every field filled, by its type hints (as
    tools/make_snapshot.py builds them)."""
    import typing

    def value_for(name, hint):
        if typing.get_origin(hint) in (list, typing.List):
            (item,) = typing.get_args(hint)
            return [value_for(name, item)]
        if hint is str:
            return name.split("_")[0]
        if hint is int:
            return 80
        if hint is float:
            return 1.0
        if hint is bool:
            return True
        return sdk_filled(hint)

    hints = typing.get_type_hints(cls.__init__)
    return cls(**{name: value_for(name, hint) for name, hint in hints.items() if name != "return"})


def snapshot_desktop(rng, desktop_id, users):
    """One desktop of the SDK's model, every field filled, with random state."""
    d = sdk_filled(ecd_models.DescribeDesktopsResponseBodyDesktops)
    d.desktop_id = desktop_id
    d.desktop_status = rng.choice(STATUS_SPELLINGS)
    d.management_flags = rng.choice([None, [], [rng.choice(FLAG_SPELLINGS)],
                                     [rng.choice(FLAG_SPELLINGS), rng.choice(FLAG_SPELLINGS)]])
    d.management_flag = rng.choice([None, rng.choice(FLAG_SPELLINGS)])
    held = rng.sample(users, min(len(users), rng.randint(0, 3))) if users else []
    if rng.random() < 0.3:
        held.append(f"former-{rng.randint(0, 99)}")
    d.end_user_ids = list(dict.fromkeys(held)) if rng.random() < 0.9 else None
    return d


def eligibility(snapshot_by_id, desktop_id):
    """The contract's section 6, written out: (eligible, reason, status, users before)."""
    d = snapshot_by_id.get(desktop_id)
    if d is None:
        return False, "NotInSnapshot", None, []
    flags = list(d.get("ManagementFlags") or [])
    if d.get("ManagementFlag"):
        flags.append(d["ManagementFlag"])
    before = d.get("EndUserIds") or []
    if d["DesktopStatus"].lower() != "running":
        return False, "NotRunning", d["DesktopStatus"], before
    if any(f.lower() == "assigning" for f in flags):
        return False, "Assigning", d["DesktopStatus"], before
    return True, None, d["DesktopStatus"], before


def run_snapshot_case(binary, idx, rng, checks, tmp):
    """A request and a snapshot of its fleet built with the SDK's models, split into pages;
    `preview --fleet` must give the response and the change report the contract's section 6
    describes, readable by the SDK's response model."""
    import os
    n, u = rng.randint(1, 12), rng.randint(0, 8)
    desktops = [f"ecd-snap{idx}-{i}" for i in range(n)]
    users = [f"user-{idx}-{j}" for j in range(u)]
    k, m = rng.choice([0, 1, 2, 3]), rng.choice([0, 1, 2])
    strategy = rng.choice(["AVERAGE", "CENTRAL"])
    preview = rng.random() < 0.7
    request = make_request(desktops, users, k, m, strategy, preview, "cn-hangzhou")
    in_snapshot = [d for d in desktops if rng.random() < 0.85] + [f"ecd-unlisted-{idx}"]
    models = [snapshot_desktop(rng, d, users) for d in in_snapshot]
    rng.shuffle(models)
    cut = rng.randint(0, len(models))
    pages = []
    for p, part in enumerate([models[:cut], models[cut:]]):
        body = ecd_models.DescribeDesktopsResponseBody(
            desktops=part, request_id=f"R{idx}-{p}", total_count=len(models),
            next_token="next" if p == 0 else None, page_number=p + 1, page_size=len(part))
        body_map = body.to_map()
        # The model reads its own map back: the field names are the SDK's.
        again = ecd_models.DescribeDesktopsResponseBody().from_map(body_map).to_map()
        checks.check(again == body_map, f"snapshot {idx}", "the snapshot survives the SDK model")
        path = os.path.join(tmp, f"snapshot{idx}.{p}.json")
        with open(path, "w") as out:
            json.dump(body_map, out, indent=rng.choice([None, 2]))
        pages.append(path)
    snapshot_by_id = {d.desktop_id: d.to_map() for d in models}

    request_path = os.path.join(tmp, f"request{idx}.json")
    with open(request_path, "w") as out:
        json.dump(request.to_map(), out)
    args = [binary, "preview", request_path] + [a for p in pages for a in ("--fleet", p)]
    proc = subprocess.run(args, capture_output=True, timeout=TIMEOUT_S)
    label = f"snapshot {idx}"
    if not checks.check(proc.returncode == 0, label, "preview --fleet exits 0",
                        describe_run((proc.returncode, proc.stdout, proc.stderr))):
        return
    body = json.loads(proc.stdout)
    sdk_body = ecd_models.BatchModifyEntitlementResponseBody().from_map(body)
    checks.check(sdk_body.to_map() == body, label, "the SDK's response model reads it unchanged",
                 first_difference(json.dumps(sdk_body.to_map()), json.dumps(body)))

    states = [eligibility(snapshot_by_id, d) for d in desktops]
    eligible = [d for d, s in zip(desktops, states) if s[0]]
    # Section 6.1: what each listed user keeps on the ineligible listed desktops.
    held = [sum(1 for s in states if not s[0] and user in s[3]) for user in users]
    _, _, plan = reference_kept_plan(eligible, users, k, m, strategy, held)
    planned = dict(zip(eligible, plan))
    status = "FINISHED" if preview else "NOT_STARTED"
    expected = [{"DesktopId": d, "InnerStatus": status if s[0] else "FAILED",
                 "EndUserIds": planned[d] if s[0] else s[3]} for d, s in zip(desktops, states)]
    checks.check(body["Entitlements"]["AssignModels"] == expected, label,
                 "AssignModels: the section 6.1 plan over eligible desktops, FAILED keep their users",
                 first_difference(json.dumps(body["Entitlements"]["AssignModels"]), json.dumps(expected)))
    checks.check(body["Entitlements"]["Status"] == (status if eligible else "FAILED"), label,
                 "Status is FAILED exactly when no listed desktop is eligible")

    proc = subprocess.run(args + ["--output", "changes"], capture_output=True, timeout=TIMEOUT_S)
    if not checks.check(proc.returncode == 0, label, "--output changes exits 0",
                        describe_run((proc.returncode, proc.stdout, proc.stderr))):
        return
    report = json.loads(proc.stdout)
    rows, totals = [], dict.fromkeys(
        ["desktops", "desktops_eligible", "desktops_ineligible", "desktops_changed",
         "desktops_left_empty", "pairs_before", "pairs_after", "pairs_kept", "pairs_added",
         "pairs_removed", "users_losing_all", "users_over_limit"], 0)
    holds = {}
    for d, (ok, reason, st, before) in zip(desktops, states):
        after = planned[d] if ok else before
        added = [x for x in after if x not in before]
        removed = [x for x in before if x not in after]
        rows.append({"desktop_id": d, "eligible": ok, "reason": reason, "status": st,
                     "before": before, "after": after, "added": added, "removed": removed})
        totals["desktops"] += 1
        totals["desktops_eligible" if ok else "desktops_ineligible"] += 1
        totals["desktops_changed"] += bool(added or removed)
        totals["desktops_left_empty"] += bool(before and not after)
        totals["pairs_before"] += len(before)
        totals["pairs_after"] += len(after)
        totals["pairs_kept"] += len([x for x in after if x in before])
        totals["pairs_added"] += len(added)
        totals["pairs_removed"] += len(removed)
        for x in before:
            holds.setdefault(x, [False, False])[0] = True
        for x in after:
            holds.setdefault(x, [False, False])[1] = True
    totals["users_losing_all"] = sum(1 for b, a in holds.values() if b and not a)
    totals["users_over_limit"] = sum(1 for h in held if m and h > m)
    checks.check(report == {"desktops": rows, "totals": totals}, label,
                 "the change report is the contract's section 6, key for key",
                 first_difference(json.dumps(report), json.dumps({"desktops": rows, "totals": totals})))
    checks.check(list(report) == ["desktops", "totals"] and list(report["totals"]) == list(totals),
                 label, "the change report's keys are in the contract's order")


# --- the docs' Python for carrying out a plan (section 8.1, 8.2) ----------------------------
# The blocks marked `<!-- readme-carry-out -->` in README.md and docs/carrying-out.md are run
# as they are, against the SDK's request and response models, with a simulated client: the
# service assigns in the background (a desktop is Assigning for a few simulated seconds after
# a call), refuses a call on a desktop that is Assigning or not Running, pages DescribeDesktops
# (10 a page unless MaxResults says otherwise, NextToken), and can be told to refuse the k-th
# call. No network.
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MARKER = "<!-- readme-carry-out -->"


def marked_python(path):
    """The Python blocks that follow the marker in the Markdown file at path."""
    text = open(path, encoding="utf-8").read()
    blocks = []
    for part in text.split(MARKER)[1:]:
        body = part.lstrip()
        if not body.startswith("```python\n"):
            raise ValueError(f"{path}: the marker is not followed by a python block")
        blocks.append(body[len("```python\n"):body.index("\n```", 0) + 1])
    return blocks


class Refused(Exception):
    """The service refused a call (IncorrectDesktopStatus)."""


class SimulatedClient:
    def __init__(self, desktops, fail_call=None):
        self.desktops = desktops          # id -> {"status", "users", "done_at"}
        self.now = 0.0
        self.calls = 0
        self.fail_call = fail_call
        self.describe_requests = []
        self.problems = []

    def sleep(self, seconds):
        self.now += seconds

    def busy(self, d):
        return self.desktops[d]["done_at"] > self.now

    def describe_desktops(self, request):
        if not isinstance(request, ecd_models.DescribeDesktopsRequest):
            self.problems.append(f"describe_desktops got {type(request).__name__}")
        self.describe_requests.append(request.to_map())
        ids = request.desktop_id or sorted(self.desktops)
        ids = [d for d in ids if d in self.desktops]
        size = request.max_results or 10
        start = int(request.next_token or 0)
        page = ids[start:start + size]
        token = str(start + size) if start + size < len(ids) else None
        body = {"RequestId": "1", "Desktops": [
            {"DesktopId": d, "DesktopStatus": self.desktops[d]["status"],
             "ManagementFlags": ["Assigning"] if self.busy(d) else ["NoFlag"],
             "EndUserIds": sorted(self.desktops[d]["users"]), "Cpu": 4} for d in page]}
        if token:
            body["NextToken"] = token
        return ecd_models.DescribeDesktopsResponse().from_map(
            {"headers": {}, "statusCode": 200, "body": body})

    def _call(self, named):
        self.calls += 1
        if self.calls == self.fail_call:
            raise Refused(f"call {self.calls} refused (injected)")
        for d in named:
            if d not in self.desktops or self.desktops[d]["status"] != "Running" or self.busy(d):
                self.problems.append(f"call {self.calls} on {d} while busy or stopped")
                raise Refused(f"IncorrectDesktopStatus: {d}")

    def _assigning(self, named):
        for d in named:
            self.desktops[d]["done_at"] = self.now + 1 + len(d) % 7

    def modify_entitlement(self, request):
        if not isinstance(request, ecd_models.ModifyEntitlementRequest):
            self.problems.append(f"modify_entitlement got {type(request).__name__}")
        self._call([request.desktop_id])
        self.desktops[request.desktop_id]["users"] = set(request.end_user_id or [])
        self._assigning([request.desktop_id])

    def modify_user_entitlement(self, request):
        if not isinstance(request, ecd_models.ModifyUserEntitlementRequest):
            self.problems.append(f"modify_user_entitlement got {type(request).__name__}")
        named = (request.authorize_desktop_id or []) + (request.revoke_desktop_id or [])
        self._call(named)
        for d in request.authorize_desktop_id or []:
            self.desktops[d]["users"].update(request.end_user_id or [])
        for d in request.revoke_desktop_id or []:
            self.desktops[d]["users"].difference_update(request.end_user_id or [])
        self._assigning(named)


def run_readme_cases(binary, rng, checks):
    label = "readme carry-out"
    try:
        blocks = marked_python(os.path.join(REPO, "README.md")) + \
            marked_python(os.path.join(REPO, "docs", "carrying-out.md"))
    except (OSError, ValueError) as exc:
        checks.check(False, label, "the marked Python blocks are found", exc)
        return
    checks.check(len(blocks) >= 3, label, "README and docs/carrying-out.md have marked blocks",
                 len(blocks))
    for fail_call in (None, 3, 25):
        case = f"{label} (refuse call {fail_call})" if fail_call else label
        namespace = {"__name__": "readme"}
        try:
            for block in blocks:
                exec(compile(block, "readme-carry-out", "exec"), namespace)
        except Exception as exc:  # reported below
            checks.check(False, case, "the marked blocks run", repr(exc))
            return
        users = [f"user{j:03}" for j in range(260)] + ["O'Neil", "-dash"]
        desktops = {}
        for i in range(30):
            status = "Stopped" if i == 7 else "Running"
            had = set(rng.sample(users, rng.choice([0, 3, 150])))
            desktops[f"ecd-{i:02}"] = {"status": status, "users": had, "done_at": 0}
        desktops["ecd-unlisted"] = {"status": "Running", "users": {"someone"}, "done_at": 0}
        for i in range(120):  # unlisted too: the snapshot takes two pages of 100
            desktops[f"ecd-x{i:03}"] = {"status": "Running", "users": set(), "done_at": 0}
        client = SimulatedClient(desktops, fail_call)
        with tempfile.TemporaryDirectory() as tmp:
            cwd = os.getcwd()
            os.chdir(tmp)
            try:
                namespace["take_snapshot"](client, "cn-hangzhou", "before0.json")
                request = {"RegionId": "cn-hangzhou",
                           "DesktopId": [f"ecd-{i:02}" for i in range(30)],
                           "EndUserId": users, "MaxUserPerDesktop": 120,
                           "Strategy": "AVERAGE", "Preview": False}
                with open("request.json", "w") as f:
                    json.dump(request, f)
                with open("plan.json", "w") as plan_file:
                    made = subprocess.run([binary, "preview", "request.json", "--fleet",
                                           "before0.json"], stdout=plan_file,
                                          capture_output=False, timeout=TIMEOUT_S)
                if not checks.check(made.returncode == 0, case, "preview --fleet made a plan"):
                    return
                before = {d: set(v["users"]) for d, v in desktops.items()}
                done = namespace["carry_out"](client, "cn-hangzhou", "plan.json", tool=binary,
                                              sleep=client.sleep)
                plan = json.load(open("plan.json"))["Entitlements"]["AssignModels"]
            finally:
                os.chdir(cwd)
        checks.check(done is True, case, "carry_out ends with verify's exit 0")
        checks.check(not client.problems, case, "no call refused for a busy desktop, models used",
                     "; ".join(client.problems[:5]))
        wrong = []
        for am in plan:
            d = am["DesktopId"]
            want = before[d] if am.get("InnerStatus") == "FAILED" else set(am["EndUserIds"])
            if desktops[d]["users"] != want:
                wrong.append(d)
        checks.check(not wrong, case, "the fleet is the plan; FAILED desktops untouched", wrong)
        checks.check(desktops["ecd-unlisted"]["users"] == {"someone"}
                     and all(not desktops[f"ecd-x{i:03}"]["users"] for i in range(120)), case,
                     "the unlisted desktops untouched")
        checks.check(all(r.get("MaxResults") == 100 for r in client.describe_requests), case,
                     "every DescribeDesktops asks for MaxResults 100")
        checks.check(any(r.get("NextToken") for r in client.describe_requests), case,
                     "the snapshot follows NextToken")


def main():
    if len(sys.argv) != 2:
        print("usage: interop.py BINARY", file=sys.stderr)
        sys.exit(2)
    binary = sys.argv[1]
    checks = Checks()

    # The reference planner reproduces the contract's §2 worked examples (checks the checker).
    for n, u, k, m, strategy, t, quotas, plan in CONTRACT_EXAMPLES:
        users = [chr(ord("A") + j) for j in range(u)]
        got = reference_plan([f"d{i}" for i in range(n)], users, k, m, strategy)
        checks.check(got == (t, quotas, [list(p) for p in plan]), "reference",
                     f"worked example n={n} u={u} k={k} m={m} {strategy}", got)

    rng = random.Random(SEED)
    cases = generate_cases(rng)
    ids_seen = []
    for idx, case in enumerate(cases):
        before = checks.failed
        run_case(binary, case, idx, rng, checks, ids_seen)
        req = case.request
        print(f"{'ok  ' if checks.failed == before else 'FAIL'} {case.label}: "
              f"n={len(req.desktop_id)} u={len(req.end_user_id or [])} "
              f"k={req.max_user_per_desktop} m={req.max_desktop_per_user} "
              f"{req.strategy} preview={req.preview}")

    # Different requests get different RequestIds and TaskIds (docs/contract.md §3).
    for name, col in [("RequestId", 1), ("TaskId", 2)]:
        owner = {}
        clashes = []
        for entry in ids_seen:
            other = owner.setdefault(entry[col], entry)
            if other[0] != entry[0]:
                clashes.append(f"{other[3]} and {entry[3]} share {entry[col]}")
        checks.check(not clashes, "all", f"distinct requests get distinct {name}s",
                     "; ".join(clashes))

    # The same request gives the same bytes on a second run (determinism).
    for idx in (0, len(cases) // 2, len(cases) - 1):
        text = json_form(cases[idx].request, idx)
        a, b = run_binary(binary, "json", text), run_binary(binary, "json", text)
        checks.check(a[0] == 0 and a == b, cases[idx].label, "second run gives the same bytes",
                     f"{describe_run(a)} vs {describe_run(b)}")

    # The contract's section 8: the calls that carry out plans.
    for label, plan_text in requests_plans(binary, rng):
        before = checks.failed
        calls = run_requests_case(binary, label, plan_text, rng, checks)
        print(f"{'ok  ' if checks.failed == before else 'FAIL'} {label}: {calls} call(s)")

    # The docs' Python for carrying a plan out (docs/carrying-out.md), against the SDK's models.
    before = checks.failed
    run_readme_cases(binary, rng, checks)
    print(f"{'ok  ' if checks.failed == before else 'FAIL'} readme carry-out")

    # The contract's section 6: plans against DescribeDesktops snapshots built with the SDK.
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        for idx in range(SNAPSHOT_CASES):
            before = checks.failed
            run_snapshot_case(binary, idx, rng, checks, tmp)
            print(f"{'ok  ' if checks.failed == before else 'FAIL'} snapshot {idx}")

    if len(cases) < 50:  # the brief's floor; guards against a generator edit
        checks.check(False, "all", f"at least 50 requests (have {len(cases)})")
    print(f"{len(cases)} requests")
    print(f"{checks.passed} passed, {checks.failed} failed")
    sys.exit(1 if checks.failed else 0)


if __name__ == "__main__":
    main()
