//! `preview --output html`: the change review page. Golden pages of the hand-made fleet, its
//! rows read back and compared with the change report, hostile IDs kept as text, one
//! self-contained file, the same bytes every time. (`tests/browser/run.py` checks the same
//! pages in a real browser.)

use crate::support;

use serde_json::Value;
use support::{arg, failure, golden, stdout_of, temp_file};

const REQUEST: &str = "tests/golden/fleet/request.json";
const PAGE1: &str = "tests/golden/fleet/page1.json";
const PAGE2: &str = "tests/golden/fleet/page2.json";
const HOSTILE_REQUEST: &str = "tests/browser/hostile_request.json";
const HOSTILE_SNAPSHOT: &str = "tests/browser/hostile_snapshot.json";

fn golden_fleet(output: &str) -> Vec<&str> {
    vec![
        "preview", REQUEST, "--fleet", PAGE1, "--fleet", PAGE2, "--output", output,
    ]
}

fn hostile(output: &str) -> Vec<&str> {
    vec![
        "preview",
        HOSTILE_REQUEST,
        "--fleet",
        HOSTILE_SNAPSHOT,
        "--output",
        output,
    ]
}

/// The page's JSON block of rows, parsed.
fn data_of(page: &str) -> Value {
    let start = "<script type=\"application/json\" id=\"review-data\">";
    let from = page.find(start).expect("a data block") + start.len();
    let to = from + page[from..].find("</script>").expect("the block's end");
    serde_json::from_str(&page[from..to]).expect("the block is JSON")
}

/// A desktop as the change report has it: ID, reason, status, users before and after.
type Desktop = (String, Value, Value, Vec<String>, Vec<String>);

/// Each desktop of the page's rows as the change report writes it: ID, reason, status,
/// users before and after.
fn rows_of(page: &str) -> Vec<Desktop> {
    let data = data_of(page);
    let users = data["users"].as_array().expect("users");
    let states = data["states"].as_array().expect("states");
    let statuses = data["statuses"].as_array().expect("statuses");
    let names = |list: &Value| -> Vec<String> {
        list.as_array()
            .expect("a list of users")
            .iter()
            .map(|j| {
                users[j.as_u64().expect("an index") as usize]
                    .as_str()
                    .expect("an ID")
                    .to_owned()
            })
            .collect()
    };
    data["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| {
            let state = states[row[1].as_u64().expect("a state") as usize]
                .as_str()
                .expect("a name");
            let reason = match state {
                "NotRunning" | "Assigning" | "NotInSnapshot" => Value::from(state),
                _ => Value::Null,
            };
            let status = match row[2].as_i64().expect("a status") {
                -1 => Value::Null,
                s => statuses[s as usize].clone(),
            };
            let id = row[0].as_str().expect("a desktop ID").to_owned();
            (id, reason, status, names(&row[3]), names(&row[4]))
        })
        .collect()
}

/// The change report's desktops in the same form.
fn report_of(changes: &Value) -> Vec<Desktop> {
    let ids = |v: &Value| -> Vec<String> {
        v.as_array()
            .expect("a list")
            .iter()
            .map(|s| s.as_str().expect("an ID").to_owned())
            .collect()
    };
    changes["desktops"]
        .as_array()
        .expect("desktops")
        .iter()
        .map(|d| {
            (
                d["desktop_id"].as_str().expect("an ID").to_owned(),
                d["reason"].clone(),
                d["status"].clone(),
                ids(&d["before"]),
                ids(&d["after"]),
            )
        })
        .collect()
}

/// The figure in the list headed `heading`.
fn list_count(page: &str, heading: &str) -> u64 {
    let at = page
        .find(&format!("<summary>{heading} <span class=\"count\">"))
        .unwrap_or_else(|| panic!("a list headed {heading}"));
    let rest = &page[at..];
    let from = rest.find("\"count\">").expect("a count") + "\"count\">".len();
    let to = from + rest[from..].find('<').expect("the count's end");
    rest[from..to].replace(',', "").parse().expect("a number")
}

#[test]
fn the_golden_fleets_page_matches_the_golden_file() {
    assert_eq!(
        stdout_of(&golden_fleet("html"), b""),
        golden("fleet/review.html")
    );
}

#[test]
fn the_plan_alone_matches_the_golden_file() {
    assert_eq!(
        stdout_of(&["preview", REQUEST, "--output", "html"], b""),
        golden("fleet/review_plan.html")
    );
}

#[test]
fn rows_and_lists_are_the_change_report() {
    let mut keep = golden_fleet("html");
    keep.push("--keep-existing");
    let mut keep_changes = golden_fleet("changes");
    keep_changes.push("--keep-existing");
    for (page, changes) in [
        (golden_fleet("html"), golden_fleet("changes")),
        (hostile("html"), hostile("changes")),
        (keep, keep_changes),
    ] {
        let html = stdout_of(&page, b"");
        let report: Value =
            serde_json::from_str(&stdout_of(&changes, b"")).expect("the change report");
        assert_eq!(rows_of(&html), report_of(&report), "{page:?}");
        let totals = &report["totals"];
        // Listed users and users the request does not list, in lists of their own.
        assert_eq!(
            list_count(&html, "Listed users losing all access")
                + list_count(&html, "Users not in the request losing all access"),
            totals["users_losing_all"].as_u64().expect("a total"),
            "{page:?}"
        );
        // The tile "changed" is the report's; the picture's two parts add up to it.
        let changed = totals["desktops_changed"].as_u64().expect("a total");
        let left_empty = totals["desktops_left_empty"].as_u64().expect("a total");
        assert!(html.contains(&format!("<dd>{changed}</dd><dt>changed</dt>")));
        assert!(html.contains(&format!(
            "Desktops by state (changed: {changed} = {} still with users + {left_empty} left empty)",
            changed - left_empty
        )));
        let ineligible: u64 = ["NotRunning", "Assigning", "NotInSnapshot"]
            .iter()
            .map(|reason| list_count(&html, &format!("Ineligible desktops: {reason}")))
            .sum();
        assert_eq!(
            ineligible,
            totals["desktops_ineligible"].as_u64().expect("a total")
        );
        for key in ["pairs_added", "pairs_removed", "pairs_kept"] {
            let label = key.trim_start_matches("pairs_");
            let figure = format!(
                "<dd>{}</dd><dt>{label}</dt>",
                totals[key].as_u64().expect("a total")
            );
            assert!(html.contains(&figure), "{page:?}: {figure}");
        }
    }
}

#[test]
fn the_brief_says_whether_existing_pairs_are_kept() {
    let canonical = stdout_of(&golden_fleet("html"), b"");
    assert!(canonical.contains("<dd>the canonical plan (without --keep-existing)</dd>"));
    let mut keep = golden_fleet("html");
    keep.push("--keep-existing");
    let keep = stdout_of(&keep, b"");
    assert!(keep.contains("<dd>keeps the most existing pairs (--keep-existing)</dd>"));
    assert!(!keep.contains("without --keep-existing"));
}

#[test]
fn hostile_ids_are_text() {
    let page = stdout_of(&hostile("html"), b"");
    // Nothing an ID holds becomes markup: the page's own two scripts, and no other tag.
    assert_eq!(page.matches("<script").count(), 2);
    assert_eq!(page.matches("</script").count(), 2);
    for markup in [
        "<img",
        "<iframe",
        "<svg onload",
        "<i>",
        "<!--",
        "onerror=alert",
    ] {
        // `onerror=alert` appears, escaped, in the lists: never inside a tag.
        if markup == "onerror=alert" {
            assert!(!page.contains("<img src=x onerror=alert"));
            continue;
        }
        assert!(!page.contains(markup), "{markup}");
    }
    // As HTML text in the lists.
    assert!(page.contains("<li>&lt;iframe src=javascript:alert(4)&gt;</li>"));
    assert!(page.contains("<li>&lt;img src=x onerror=alert(1)&gt; <span class=\"note\">"));
    assert!(page.contains("status &lt;i&gt;Stopped&lt;/i&gt;"));
    // That user keeps two Stopped desktops with MaxDesktopPerUser 1: over the limit (§6.1).
    assert_eq!(list_count(&page, "Users over the limit"), 1);
    assert!(page.contains(
        "<li>&lt;img src=x onerror=alert(1)&gt; <span class=\"note\">keeps 2 ineligible desktops</span></li>"
    ));
    // As JSON in the data block, read back whole.
    let data = data_of(&page);
    let users: Vec<&str> = data["users"]
        .as_array()
        .expect("users")
        .iter()
        .map(|u| u.as_str().expect("an ID"))
        .collect();
    assert!(users.contains(&"</script><script>alert(2)</script>"));
    assert!(users.contains(&"Alice & \"Bob's\""));
    assert_eq!(data["rows"][1][0], "\"><svg onload=alert(3)>");
    assert_eq!(data["rows"][2][0], "ecd-<!--");
}

#[test]
fn ids_that_end_lines_stay_on_one_line() {
    // Snapshot user IDs with a line separator and a control character: the data block
    // writes them as JSON escapes (a line separator ends a line in older JavaScript), the
    // lists as the text reports do (`\n`).
    let request = temp_file(
        "separators.json",
        r#"{"RegionId":"cn-hangzhou","DesktopId":["ecd-a"],"EndUserId":["Bob"],"Preview":true}"#,
    );
    let snapshot = temp_file(
        "separators_snapshot.json",
        "{\"Desktops\":[{\"DesktopId\":\"ecd-a\",\"DesktopStatus\":\"Running\",\
         \"EndUserIds\":[\"Al\\u2028ice\",\"Ca\\nrol\"]}]}",
    );
    let page = stdout_of(
        &[
            "preview",
            arg(&request),
            "--fleet",
            arg(&snapshot),
            "--output",
            "html",
        ],
        b"",
    );
    assert!(page.contains("\"Al\\u2028ice\""));
    assert!(page.contains("\"Ca\\\\nrol\""));
    assert!(page.contains("<li>Ca\\nrol</li>"));
    // In HTML text a line separator is only text, as the other reports leave it.
    assert!(page.contains("<li>Al\u{2028}ice</li>"));
}

#[test]
fn the_page_fetches_nothing() {
    for page in [
        stdout_of(&golden_fleet("html"), b""),
        stdout_of(&["preview", REQUEST, "--output", "html"], b""),
    ] {
        // The only address is the SVG namespace, which is a name, not a fetch.
        let addresses = page.matches("http://").count() + page.matches("https://").count();
        let namespaces = page.matches("xmlns=\"http://www.w3.org/2000/svg\"").count();
        assert_eq!(addresses, namespaces);
        for fetch in [
            " src=",
            "<link",
            "@import",
            "url(",
            "fetch(",
            "XMLHttpRequest",
        ] {
            assert!(!page.contains(fetch), "{fetch}");
        }
        assert!(page.contains("default-src 'none'"));
    }
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let mut keep = golden_fleet("html");
    keep.push("--keep-existing");
    for args in [
        golden_fleet("html"),
        hostile("html"),
        keep,
        vec!["preview", REQUEST, "--output", "html"],
    ] {
        assert_eq!(stdout_of(&args, b""), stdout_of(&args, b""), "{args:?}");
    }
}

#[test]
fn long_lists_are_folded_and_complete() {
    // 25 desktops whose former users the request does not list: all 25 lose all access.
    let desktops: Vec<String> = (1..=25).map(|i| format!("\"ecd-{i}\"")).collect();
    let request = temp_file(
        "long.json",
        format!(
            r#"{{"RegionId":"cn-hangzhou","DesktopId":[{}],"EndUserId":["Bob"],"Preview":true}}"#,
            desktops.join(",")
        ),
    );
    let snapshot: Vec<String> = (1..=25)
        .map(|i| {
            format!(
                r#"{{"DesktopId":"ecd-{i}","DesktopStatus":"Running","EndUserIds":["old-{i}"]}}"#
            )
        })
        .collect();
    let snapshot = temp_file(
        "long_snapshot.json",
        format!(r#"{{"Desktops":[{}]}}"#, snapshot.join(",")),
    );
    let page = stdout_of(
        &[
            "preview",
            arg(&request),
            "--fleet",
            arg(&snapshot),
            "--output",
            "html",
        ],
        b"",
    );
    assert!(page.contains(
        "<details class=\"list\">\n<summary>Users not in the request losing all access \
         <span class=\"count\">25</span>"
    ));
    // Why they lose it, and not mixed with the listed users (Bob keeps a desktop).
    assert!(page.contains("the call replaces each such desktop&#39;s users with the request&#39;s"));
    assert!(page.contains("<summary>Listed users losing all access <span class=\"count\">0</span>"));
    for i in 1..=25 {
        assert!(page.contains(&format!("<li>old-{i}</li>")), "old-{i}");
    }
    // A short list stays open.
    assert!(page.contains("<details class=\"list none\" open>\n<summary>Users over the limit"));
}

#[test]
fn html_takes_no_json_options() {
    let mut args = golden_fleet("html");
    args.push("--pretty");
    assert_eq!(
        failure(&args, b"", 2),
        "eds-entitlement: --request-id and --pretty shape the response JSON: they go with \
         --output json only"
    );
}

#[test]
fn users_over_the_limit_are_told_what_the_plan_does_to_them() {
    // Alice keeps two Stopped desktops with MaxDesktopPerUser 1, and has a Running one.
    let request = temp_file(
        "over.json",
        r#"{"RegionId":"cn-hangzhou","DesktopId":["ecd-1","ecd-2","ecd-3"],"EndUserId":["Alice","Bob"],"MaxDesktopPerUser":1,"Preview":true}"#,
    );
    let snapshot = temp_file(
        "over_snapshot.json",
        r#"{"Desktops":[{"DesktopId":"ecd-1","DesktopStatus":"Stopped","EndUserIds":["Alice"]},{"DesktopId":"ecd-2","DesktopStatus":"Pending","EndUserIds":["Alice"]},{"DesktopId":"ecd-3","DesktopStatus":"Running","EndUserIds":["Alice"]}]}"#,
    );
    let args = |keep: bool| {
        let mut args = vec![
            "preview",
            arg(&request),
            "--fleet",
            arg(&snapshot),
            "--output",
            "html",
        ];
        if keep {
            args.push("--keep-existing");
        }
        stdout_of(&args, b"")
    };
    let canonical = args(false);
    assert_eq!(list_count(&canonical, "Users over the limit"), 1);
    // The canonical plan takes her Running desktop away (to Bob) and says so.
    assert!(
        canonical.contains("gives these users nothing more, and takes away every Running desktop")
    );
    assert!(!canonical.contains("cannot take these away"));
    assert_eq!(
        list_count(
            &canonical,
            "Users left with only desktops that cannot be used now"
        ),
        1
    );
    assert!(canonical.contains(
        "<li>Alice <span class=\"note\">keeps 2 desktops, the first Stopped</span></li>"
    ));
    assert!(canonical.contains("<dd>1</dd><dt>at the limit already</dt>"));
    let data = data_of(&canonical);
    assert_eq!(
        data["rows"][2],
        serde_json::json!(["ecd-3", 0, 2, [0], [1]])
    );
    // With --keep-existing the same limits hold: her Running desktop still goes to Bob,
    // though the snapshot has her on it, and the page says the same.
    let keep = args(true);
    assert_eq!(list_count(&keep, "Users over the limit"), 1);
    assert!(keep.contains("gives these users nothing more, and takes away every Running desktop"));
    assert!(keep.contains("<dd>1</dd><dt>at the limit already</dt>"));
    assert_eq!(data_of(&keep)["rows"][2], data["rows"][2]);
}
