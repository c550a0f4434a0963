//! `preview --fleet` (the contract, §6): golden outputs of a hand-made two-page snapshot in
//! every output, exit statuses, and the bytes without a snapshot.

use crate::support;

use support::{arg, failure, golden, stdout_of, temp_file};

const REQUEST: &str = "tests/golden/fleet/request.json";
const PAGE1: &str = "tests/golden/fleet/page1.json";
const PAGE2: &str = "tests/golden/fleet/page2.json";

fn with_fleet(output: &str) -> Vec<&str> {
    vec![
        "preview", REQUEST, "--fleet", PAGE1, "--fleet", PAGE2, "--output", output,
    ]
}

#[test]
fn response_matches_the_golden_file() {
    assert_eq!(
        stdout_of(&with_fleet("json"), b""),
        golden("fleet/response.json")
    );
}

#[test]
fn changes_match_the_golden_file() {
    assert_eq!(
        stdout_of(&with_fleet("changes"), b""),
        golden("fleet/changes.json")
    );
    let mut pretty = with_fleet("changes");
    pretty.push("--pretty");
    assert_eq!(stdout_of(&pretty, b""), golden("fleet/changes_pretty.json"));
}

#[test]
fn table_matches_the_golden_file() {
    assert_eq!(
        stdout_of(&with_fleet("table"), b""),
        golden("fleet/table.txt")
    );
}

#[test]
fn summary_matches_the_golden_file() {
    assert_eq!(
        stdout_of(&with_fleet("summary"), b""),
        golden("fleet/summary.txt")
    );
}

#[test]
fn the_query_form_and_csv_requests_read_the_same_snapshot() {
    let query = "RegionId=cn-hangzhou&DesktopId.1=ecd-a&DesktopId.2=ecd-b&DesktopId.3=ecd-c\
                 &DesktopId.4=ecd-d&DesktopId.5=ecd-e&DesktopId.6=ecd-f&EndUserId.1=Alice\
                 &EndUserId.2=Bob&EndUserId.3=Carol&EndUserId.4=Dave&MaxUserPerDesktop=2\
                 &MaxDesktopPerUser=2&Strategy=AVERAGE&Preview=true";
    let output = support::run_cli(
        &["preview", "-", "--fleet", PAGE1, "--fleet", PAGE2],
        query.as_bytes(),
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        golden("fleet/response.json")
    );

    let desktops = temp_file(
        "desktops.csv",
        "DesktopId\necd-a\necd-b\necd-c\necd-d\necd-e\necd-f\n",
    );
    let users = temp_file("users.csv", "Alice\nBob\nCarol\nDave\n");
    let changes = stdout_of(
        &[
            "preview",
            "--desktops",
            arg(&desktops),
            "--users",
            arg(&users),
            "--region",
            "cn-hangzhou",
            "--max-user-per-desktop",
            "2",
            "--max-desktop-per-user",
            "2",
            "--fleet",
            PAGE1,
            "--fleet",
            PAGE2,
            "--output",
            "changes",
        ],
        b"",
    );
    assert_eq!(changes, golden("fleet/changes.json"));
}

#[test]
fn a_snapshot_that_changes_nothing_gives_the_bytes_without_it() {
    let desktops: Vec<String> = ["ecd-a", "ecd-b", "ecd-c", "ecd-d", "ecd-e", "ecd-f"]
        .iter()
        .map(|id| {
            format!(
                r#"{{"DesktopId":"{id}","DesktopStatus":"Running","ManagementFlags":["NoFlag"]}}"#
            )
        })
        .collect();
    let snapshot = temp_file(
        "snapshot.json",
        format!(r#"{{"Desktops":[{}]}}"#, desktops.join(",")),
    );
    let snapshot = arg(&snapshot);
    for extra in [&[][..], &["--pretty"], &["--request-id", "R-1"]] {
        let mut without = vec!["preview", REQUEST];
        without.extend_from_slice(extra);
        let mut with = without.clone();
        with.extend_from_slice(&["--fleet", snapshot]);
        assert_eq!(stdout_of(&with, b""), stdout_of(&without, b""), "{extra:?}");
    }
}

#[test]
fn no_eligible_desktop_fails_the_whole_task() {
    let output = support::run_cli(
        // Page 2 alone is a listing short of page 1's desktops: accepted as partial.
        &["preview", "-", "--allow-partial-snapshot", "--fleet", PAGE2],
        br#"{"RegionId":"cn-hangzhou","DesktopId":["ecd-e"],"EndUserId":["Alice"],"Preview":false}"#,
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains(r#""Entitlements":{"Status":"FAILED","#),
        "{stdout}"
    );
    assert!(stdout.contains(r#"{"DesktopId":"ecd-e","InnerStatus":"FAILED","EndUserIds":[]}"#));
}

#[test]
fn a_missing_snapshot_file_is_exit_1() {
    let line = failure(
        &[
            "preview",
            REQUEST,
            "--fleet",
            "tests/golden/fleet/nope.json",
        ],
        b"",
        1,
    );
    assert!(
        line.starts_with("eds-entitlement: cannot read tests/golden/fleet/nope.json: "),
        "{line}"
    );
}

#[test]
fn a_bad_snapshot_is_one_line_and_exit_2() {
    let line = failure(
        &["preview", REQUEST, "--fleet", PAGE1, "--fleet", PAGE1],
        b"",
        2,
    );
    assert_eq!(
        line,
        r#"eds-entitlement: tests/golden/fleet/page1.json, desktop 1: DesktopId "ecd-a" repeats desktop 1 of tests/golden/fleet/page1.json: a snapshot lists each desktop once"#
    );
    let line = failure(
        &[
            "preview",
            REQUEST,
            "--fleet",
            "tests/golden/fleet/table.txt",
        ],
        b"",
        2,
    );
    assert_eq!(
        line,
        "eds-entitlement: tests/golden/fleet/table.txt: malformed JSON at byte 1: expected value"
    );
}

#[test]
fn changes_need_a_snapshot() {
    assert_eq!(
        failure(&["preview", REQUEST, "--output", "changes"], b"", 2),
        "eds-entitlement: --output changes reports against a snapshot: give it with --fleet FILE"
    );
    assert_eq!(
        failure(&["preview", REQUEST, "--fleet", PAGE1, "--output", "table", "--pretty"], b"", 2),
        "eds-entitlement: --request-id and --pretty shape the response JSON: they go with --output json only"
    );
}

/// `sdk_snapshot.json` is `tools/make_snapshot.py 12 6 … --pretty`: every field of the
/// SDK's `DescribeDesktopsResponseBodyDesktops` filled in, as its `to_map()` names them.
#[test]
fn a_snapshot_built_with_the_sdk_model_reads_and_matches_the_golden_table() {
    let table = stdout_of(
        &[
            "preview",
            "tests/golden/fleet/sdk_request.json",
            "--fleet",
            "tests/golden/fleet/sdk_snapshot.json",
            "--output",
            "table",
        ],
        b"",
    );
    assert_eq!(table, golden("fleet/sdk_table.txt"));
}

/// A crowd: 30 listed desktops (5 not in the snapshot, 14 Stopped, 2 Assigning), 150 users,
/// 15 a desktop, one desktop held by 20 users of the snapshot. The summary lists each group
/// by its count and at most 10 IDs, and its figures agree with one another; table rows list
/// at most 10 users per list.
const CROWD_REQUEST: &str = "tests/golden/fleet/crowd_request.json";
const CROWD_SNAPSHOT: &str = "tests/golden/fleet/crowd_snapshot.json";

#[test]
fn a_crowded_summary_is_bounded_and_matches_the_golden_file() {
    let summary = stdout_of(
        &[
            "preview",
            CROWD_REQUEST,
            "--fleet",
            CROWD_SNAPSHOT,
            "--output",
            "summary",
        ],
        b"",
    );
    assert_eq!(summary, golden("fleet/crowd_summary.txt"));
    // Figures that say the same thing say the same number.
    let figure = |label: &str| -> Vec<String> {
        summary
            .lines()
            .filter_map(|l| l.strip_prefix(label))
            .filter(|rest| rest.starts_with([' ', ':']))
            .map(|rest| rest.trim_start_matches([' ', ':']).to_owned())
            .filter(|value| value.bytes().all(|b| b.is_ascii_digit()))
            .collect()
    };
    assert_eq!(figure("desktops eligible"), ["9", "9"]);
    assert_eq!(figure("users losing all access"), ["36"]);
    assert_eq!(figure("users losing all"), ["36"]);
    assert_eq!(figure("ineligible desktops"), ["21"]);
    assert_eq!(figure("desktops ineligible"), ["21"]);
    assert_eq!(figure("users without a desktop"), ["15", "15"]);
    assert!(summary.contains("  NotRunning: 14\n"), "{summary}");
    assert!(summary.contains("    … and 4 more (all of them: --output changes)\n"));
    // No list runs longer than its sample.
    assert!(summary.lines().count() < 90, "{summary}");
}

#[test]
fn crowded_table_rows_are_bounded_and_match_the_golden_files() {
    let table = stdout_of(
        &[
            "preview",
            CROWD_REQUEST,
            "--fleet",
            CROWD_SNAPSHOT,
            "--output",
            "table",
        ],
        b"",
    );
    assert_eq!(table, golden("fleet/crowd_table.txt"));
    let first = table.lines().nth(1).unwrap();
    assert!(
        first.contains("old-00-9 … and 10 more → ") && first.matches(" … and 5 more").count() == 2,
        "{first}"
    );
    let plain = stdout_of(&["preview", CROWD_REQUEST, "--output", "table"], b"");
    assert_eq!(plain, golden("fleet/crowd_plain_table.txt"));
    assert!(plain
        .lines()
        .skip(1)
        .all(|row| row.contains("   15 ") && row.ends_with(" … and 5 more")));
}

/// §6.1 in the summary: Alice keeps two Stopped desktops under `MaxDesktopPerUser` 1 (over
/// the limit, named with what she keeps), Bob one (at the limit: counted apart, not
/// "without a desktop").
#[test]
fn the_summary_names_the_users_over_the_limit() {
    let summary = stdout_of(
        &[
            "preview",
            "tests/golden/fleet/over_limit_request.json",
            "--fleet",
            "tests/golden/fleet/over_limit_snapshot.json",
            "--output",
            "summary",
        ],
        b"",
    );
    assert_eq!(summary, golden("fleet/over_limit_summary.txt"));
    assert!(summary.contains(
        "users over the limit on desktops the call cannot change: 1\n  Alice (keeps 2)\n"
    ));
    assert!(summary.contains("\nusers at limit already    2\n"));
    assert!(summary.contains("\nusers without a desktop: 0\n"));
    assert!(summary.ends_with("\nusers over limit          1\n"));
}
