#!/usr/bin/env python3
"""The review page (`preview --output html`) in a real browser: headless Chromium runs the
page's script, and its DOM afterwards is checked.

usage: run.py BINARY              check the pages of the golden fleet and of hostile IDs
       run.py --time PAGE [RUNS]  print how long PAGE takes until its table shows

Checks, with `chromium --headless --dump-dom` (the DOM after the script ran):
- the golden fleet's page shows the change report's totals and every desktop's row;
- a filter in the address (`#filter=Carol`, `#state=NotRunning`) narrows the table, as
  typing in the filter box does (the script reads the same fragment);
- the plan alone (no --fleet) shows its rows;
- hostile IDs (`<img src=x onerror=…>`, `</script><script>…`, `"><svg onload=…>`) show as
  text in the table and the lists, and make no element: the page has exactly its own two
  script elements, no img or iframe, and no element with an event-handler attribute.

Python's standard library only; the browser is `chromium` (or $CHROMIUM).
"""
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GOLDEN = os.path.join(ROOT, "tests", "golden", "fleet")


def chromium():
    browser = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which(
        "chromium-browser"
    )
    if not browser:
        sys.exit("no chromium: install it (apt-get install chromium) or set $CHROMIUM")
    return browser


def dump_dom(page, fragment=""):
    """The page's DOM after its script ran, as Chromium serialises it."""
    url = "file://" + urllib.parse.quote(os.path.abspath(page))
    if fragment:
        url += "#" + fragment
    try:
        run = subprocess.run(
            [
                chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
                "--virtual-time-budget=10000",
                "--dump-dom",
                url,
            ],
            capture_output=True,
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        # A dialog (alert) that nobody closes keeps headless Chromium waiting: a script of
        # the page's IDs ran.
        check(f"chromium finishes {url} (a page whose alert() ran never does)", False, "timed out")
        return "<html></html>"
    if run.returncode != 0:
        sys.exit(f"chromium failed on {url}: {run.stderr.decode(errors='replace')[-2000:]}")
    return run.stdout.decode("utf-8")


class Dom(html.parser.HTMLParser):
    """What the checks read of a DOM: every element with its attributes, each table row's
    cells as text, the text of elements by id, and all text."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, {attr: value})
        self.rows = []  # table body rows: [cell text, ...]
        self.by_id = {}
        self.text = []
        self._open_ids = []  # (id, depth, [text]) of elements with an id
        self._depth = 0
        self._in_tbody = False
        self._row = None
        self._cell = None
        self.feed(text)

    VOID = {"meta", "input", "br", "img", "link", "hr", "rect", "source"}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag in self.VOID:
            return
        self._depth += 1
        if "id" in attrs:
            self._open_ids.append((attrs["id"], self._depth, []))
        if tag == "tbody":
            self._in_tbody = True
        elif tag == "tr" and self._in_tbody:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if tag == "td" and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_tbody = False
        while self._open_ids and self._open_ids[-1][1] >= self._depth:
            name, _, text = self._open_ids.pop()
            self.by_id[name] = "".join(text)
        self._depth -= 1

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        for _, _, text in self._open_ids:
            text.append(data)

    def all_text(self):
        return "".join(self.text)


failures = []


def check(what, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + what + ("" if ok else f": {detail}"))
    if not ok:
        failures.append(what)


def desktops_shown(dom):
    return [row[1] for row in dom.rows]


def no_injected_elements(dom, what):
    scripts = [attrs for tag, attrs in dom.elements if tag == "script"]
    check(f"{what}: only the page's own two scripts", len(scripts) == 2, scripts)
    injected = [tag for tag, _ in dom.elements if tag in ("img", "iframe", "object", "embed")]
    check(f"{what}: no img, iframe, object or embed element", not injected, injected)
    handlers = [
        (tag, name)
        for tag, attrs in dom.elements
        for name in attrs
        if name.lower().startswith("on")
    ]
    check(f"{what}: no event-handler attribute", not handlers, handlers)


def write_page(binary, args, page):
    """Runs `preview ARGS --output html` into `page`; returns `--output changes` of the same
    inputs (None without a snapshot): what the page must show."""
    with open(page, "wb") as out:
        subprocess.run([binary, "preview", *args, "--output", "html"], stdout=out, check=True)
    if "--fleet" not in args:
        return None
    changes = subprocess.run(
        [binary, "preview", *args, "--output", "changes"], capture_output=True, check=True
    )
    return json.loads(changes.stdout)


def expected(changes, text="", reason=None):
    """The desktops the table shows for a filter: a part of the desktop's ID or of a user's
    before or after, without case; and a reason (state) when given."""
    q = text.lower()
    return [
        d["desktop_id"]
        for d in changes["desktops"]
        if (reason is None or d["reason"] == reason)
        and any(q in id.lower() for id in [d["desktop_id"], *d["before"], *d["after"]])
    ]


def golden_fleet(binary, work):
    page = os.path.join(work, "review.html")
    args = [
        os.path.join(GOLDEN, "request.json"),
        "--fleet",
        os.path.join(GOLDEN, "page1.json"),
        "--fleet",
        os.path.join(GOLDEN, "page2.json"),
    ]
    changes = write_page(binary, args, page)
    totals = changes["totals"]
    dom = Dom(dump_dom(page))
    text = dom.all_text()
    # The change report's totals, as figures (a figure's text, then its label).
    for key, label in [
        ("desktops", "listed"),
        ("desktops_eligible", "eligible"),
        ("desktops_ineligible", "ineligible"),
        ("desktops_changed", "changed"),
        ("desktops_left_empty", "left empty"),
        ("pairs_before", "before"),
        ("pairs_after", "after"),
        ("pairs_kept", "kept"),
        ("pairs_added", "added"),
        ("pairs_removed", "removed"),
        ("users_losing_all", "losing all access"),
        ("users_over_limit", "over the limit"),
    ]:
        figure = f"{totals[key]:,}"
        check(f"golden: the figure '{label}' is {figure}", f"{figure}{label}" in text, label)
    changed, left = totals["desktops_changed"], totals["desktops_left_empty"]
    parts = f"changed: {changed:,} = {changed - left:,} still with users + {left:,} left empty"
    check("golden: the picture's two changed parts add up to the changed figure", parts in text, parts)
    option = f"changed, still has users ({changed - left:,})"
    check("golden: the state filter names the changed desktops that still have users", option in text, option)
    check("golden: the capacity block shows T", "the limits allow (T)" in text)
    check("golden: the page cites no section of a document the board lacks", "\u00a7" not in text)
    every = expected(changes)
    check("golden: the table shows every desktop", desktops_shown(dom) == every, desktops_shown(dom))
    first = changes["desktops"][0]
    before_after = [", ".join(first["before"]) or "(none)", "→", ", ".join(first["after"]) or "(none)"]
    check(
        "golden: the first row reads before → after",
        bool(dom.rows) and dom.rows[0][3:] == before_after,
        (dom.rows[:1], before_after),
    )
    check(
        "golden: the count of rows",
        dom.by_id.get("shown", "").startswith(f"{len(every)} of {len(every)}"),
        dom.by_id.get("shown"),
    )

    for fragment, text, reason in [
        ("filter=Carol", "Carol", None),
        ("filter=erin", "erin", None),
        ("state=NotRunning", "", "NotRunning"),
        ("filter=ECD-F&state=changed", "ecd-f", None),
    ]:
        dom = Dom(dump_dom(page, fragment))
        want = expected(changes, text, reason)
        check(
            f"golden: #{fragment} narrows the table to {want}",
            desktops_shown(dom) == want and len(want) < len(every),
            desktops_shown(dom),
        )
    dom = Dom(dump_dom(page, "filter=nobody"))
    check("golden: a filter nothing matches shows no row", dom.rows == [], dom.rows)
    no_injected_elements(dom, "golden")

    plan = os.path.join(work, "plan.html")
    write_page(binary, [os.path.join(GOLDEN, "request.json")], plan)
    response = json.loads(
        subprocess.run(
            [binary, "preview", os.path.join(GOLDEN, "request.json")],
            capture_output=True,
            check=True,
        ).stdout
    )
    models = response["Entitlements"]["AssignModels"]
    dave = [m["DesktopId"] for m in models if "Dave" in m["EndUserIds"]]
    dom = Dom(dump_dom(plan, "filter=Dave"))
    check(
        f"plan alone: #filter=Dave shows Dave's desktops {dave}",
        desktops_shown(dom) == dave and 0 < len(dave) < len(models),
        desktops_shown(dom),
    )


def hostile(binary, work):
    page = os.path.join(work, "hostile.html")
    changes = write_page(
        binary,
        [
            os.path.join(HERE, "hostile_request.json"),
            "--fleet",
            os.path.join(HERE, "hostile_snapshot.json"),
        ],
        page,
    )
    img = "<img src=x onerror=alert(1)>"
    script = "</script><script>alert(2)</script>"
    svg = '"><svg onload=alert(3)>'
    iframe = "<iframe src=javascript:alert(4)>"
    dom = Dom(dump_dom(page))
    no_injected_elements(dom, "hostile")
    cells = [cell for row in dom.rows for cell in row]
    check("hostile: the img user is text in the table", any(img in c for c in cells), cells)
    check("hostile: the </script> user is text in the table", any(script in c for c in cells), cells)
    check("hostile: the svg desktop is text in the table", svg in cells, cells)
    check("hostile: the '<!--' desktop is text in the table", "ecd-<!--" in cells, cells)
    text = dom.all_text()
    check("hostile: the iframe user is text in the lists", iframe in text)
    check("hostile: the status is text", "<i>Stopped</i>" in text)
    want = expected(changes, "<img")
    dom = Dom(dump_dom(page, urllib.parse.urlencode({"filter": "<img"})))
    check(
        f"hostile: filtering by '<img' finds its desktops {want}",
        desktops_shown(dom) == want and want,
        desktops_shown(dom),
    )
    no_injected_elements(dom, "hostile, filtered")


def time_page(page, runs):
    """Milliseconds from navigation to the table shown (the script's own figure), and the
    browser's wall time, per run."""
    for _ in range(runs):
        start = time.monotonic()
        dom = dump_dom(page)
        wall = time.monotonic() - start
        head = dom[:400]
        made = head.split('data-table-ms="', 1)[1].split('"', 1)[0]
        drawn = head.split('data-drawn-ms="', 1)[1].split('"', 1)[0] if "data-drawn-ms" in head else "?"
        rows = len(Dom(dom).rows)
        print(f"table rows made after {made} ms, drawn after {drawn} ms (the page's "
              f"performance.now()); chromium ran {wall:.2f} s in all; {rows} rows shown")


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "--time":
        time_page(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3)
        return
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as work:
        golden_fleet(binary, work)
        hostile(binary, work)
    if failures:
        sys.exit(f"{len(failures)} browser check(s) failed")
    print("every browser check passed")


if __name__ == "__main__":
    main()
