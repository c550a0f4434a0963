//! Snapshots checked whole and read from anywhere (the contract, §6.2), on the command line:
//! one test per input form (files, several files to one `--fleet`, `-`, a pipe as
//! `/dev/stdin`, process substitution, a byte order mark, the `aliyun` command line's merged
//! body), and the snapshots refused (no `Desktops`, a page missing, pages of different
//! listings), each with its message pinned.

mod support;

use std::process::{Command, Stdio};

use support::{arg, failure, golden, run_cli, stdout_of, temp_file};

const REQUEST: &str = "tests/golden/fleet/request.json";
const PAGE1: &str = "tests/golden/fleet/page1.json";
const PAGE2: &str = "tests/golden/fleet/page2.json";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The change report of the golden snapshot, however it was given.
fn changes() -> String {
    golden("fleet/changes.json")
}

#[test]
fn one_fleet_takes_several_files_before_or_after_the_request() {
    let before = [
        "preview", REQUEST, "--output", "changes", "--fleet", PAGE1, PAGE2,
    ];
    assert_eq!(stdout_of(&before, b""), changes());
    let after = [
        "preview", "--output", "changes", "--fleet", PAGE1, PAGE2, "--", REQUEST,
    ];
    assert_eq!(stdout_of(&after, b""), changes());
    // Still repeatable, and mixed.
    let repeated = [
        "preview", REQUEST, "--fleet", PAGE1, "--output", "changes", "--fleet", PAGE2,
    ];
    assert_eq!(stdout_of(&repeated, b""), changes());
    // requests takes them the same way.
    let plan = stdout_of(&["preview", REQUEST, "--fleet", PAGE1, PAGE2], b"");
    let one = stdout_of(
        &[
            "requests",
            "-",
            "--region",
            "cn-hangzhou",
            "--fleet",
            PAGE1,
            PAGE2,
        ],
        &plan,
    );
    let two = stdout_of(
        &[
            "requests",
            "--region",
            "cn-hangzhou",
            "--fleet",
            PAGE1,
            "--fleet",
            PAGE2,
            "--",
            "-",
        ],
        &plan,
    );
    assert_eq!(one, two);
    assert!(
        one.starts_with("# wave 1\nAction=ModifyEntitlement"),
        "{one}"
    );
}

#[test]
fn the_request_after_fleet_is_named_in_the_message() {
    // `preview --fleet page1 page2 request.json`: the request is taken as a page, and the
    // request is read from standard input (empty here; a terminal is refused at once).
    assert_eq!(
        failure(&["preview", "--fleet", PAGE1, PAGE2, REQUEST], b"", 2),
        "eds-entitlement: missing required parameter 'RegionId' (the request was read from \
         standard input: --fleet takes every file after it, so give the request FILE before \
         --fleet, or after --)"
    );
    // A request (or plan) given as a page.
    let request = std::fs::read(REQUEST).unwrap();
    assert_eq!(
        failure(
            &["preview", "-", "--fleet", PAGE1, PAGE2, REQUEST],
            &request,
            2
        ),
        "eds-entitlement: tests/golden/fleet/request.json: the body has no 'Desktops' key, so \
         it is not a DescribeDesktops response (a request, a plan or another operation's \
         body?): a snapshot is the body DescribeDesktops returns, one per page or the pages \
         merged; if it is the request or the plan, give it before --fleet (or after --)"
    );
}

#[test]
fn dash_reads_the_snapshot_from_standard_input() {
    let page2 = std::fs::read(PAGE2).unwrap();
    let args = [
        "preview", REQUEST, "--output", "changes", "--fleet", PAGE1, "-",
    ];
    assert_eq!(stdout_of(&args, &page2), changes());
    // A pipe named by path, as `--fleet /dev/stdin` does: streamed, never seeked.
    let args = [
        "preview",
        REQUEST,
        "--output",
        "changes",
        "--fleet",
        PAGE1,
        "/dev/stdin",
    ];
    if std::path::Path::new("/dev/stdin").exists() {
        assert_eq!(stdout_of(&args, &page2), changes());
    }
}

#[test]
fn standard_input_is_read_once() {
    let request = std::fs::read(REQUEST).unwrap();
    assert_eq!(
        failure(&["preview", "--fleet", PAGE1, "-", "--", "-"], &request, 2),
        "eds-entitlement: --fleet - and the request both read standard input: give one of \
         them as a file"
    );
    assert_eq!(
        failure(&["preview", "-", "--fleet", "-"], &request, 2),
        "eds-entitlement: --fleet - and the request both read standard input: give one of \
         them as a file"
    );
    assert_eq!(
        failure(&["preview", REQUEST, "--fleet", "-", "-"], b"", 2),
        "eds-entitlement: --fleet names standard input ('-') more than once: it can be read \
         once"
    );
    assert_eq!(
        failure(
            &["requests", "-", "--region", "cn-hangzhou", "--fleet", "-"],
            b"",
            2
        ),
        "eds-entitlement: --fleet - and the plan both read standard input: give one of them \
         as a file"
    );
    assert_eq!(
        failure(
            &[
                "preview",
                "--desktops",
                "-",
                "--region",
                "r",
                "--fleet",
                "-"
            ],
            b"ecd-a\n",
            2
        ),
        "eds-entitlement: --fleet - and --desktops - both read standard input: give one of \
         them as a file"
    );
}

/// `--fleet <(…)` as bash runs it: a pipe under `/dev/fd`, which cannot seek.
#[test]
fn process_substitution_is_read() {
    let bash = Command::new("bash")
        .arg("-c")
        .arg("exit 0")
        .status()
        .is_ok_and(|s| s.success());
    if !bash {
        eprintln!("no bash: process substitution not tried");
        return;
    }
    let output = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "\"$0\" preview {REQUEST} --output changes --fleet <(cat {PAGE1}) <(cat {PAGE2})"
        ))
        .arg(env!("CARGO_BIN_EXE_eds-entitlement"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .output()
        .expect("bash runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), changes());
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let mut marked = b"\xEF\xBB\xBF".to_vec();
    marked.extend(std::fs::read(PAGE2).unwrap());
    let path = temp_file("bom-page2.json", &marked);
    let args = [
        "preview",
        REQUEST,
        "--output",
        "changes",
        "--fleet",
        PAGE1,
        arg(&path),
    ];
    assert_eq!(stdout_of(&args, b""), changes());
    // And from a pipe.
    let args = [
        "preview", REQUEST, "--output", "changes", "--fleet", PAGE1, "-",
    ];
    assert_eq!(stdout_of(&args, &marked), changes());
}

/// `aliyun ecd DescribeDesktops --RegionId R --pager path=Desktops --force` prints the
/// pages merged as `{"Desktops":[…]}`, keys sorted, tab-indented, without `TotalCount`:
/// `aliyun_pager.json` is the golden pages' desktops written so (Python's
/// `json.dumps(body, sort_keys=True, indent="\t")`).
#[test]
fn the_aliyun_pager_body_is_read_as_it_is() {
    let body = golden("fleet/aliyun_pager.json");
    assert!(body.starts_with("{\n\t\"Desktops\": [\n\t\t{\n"));
    assert!(!body.contains("TotalCount"));
    let args = [
        "preview",
        REQUEST,
        "--output",
        "changes",
        "--fleet",
        "tests/golden/fleet/aliyun_pager.json",
    ];
    assert_eq!(stdout_of(&args, b""), changes());
}

#[test]
fn a_missing_page_is_refused_unless_partial_is_allowed() {
    assert_eq!(
        failure(&["preview", REQUEST, "--fleet", PAGE1], b"", 2),
        "eds-entitlement: tests/golden/fleet/page1.json gives TotalCount 6 but holds 3 \
         desktops: 3 are missing (a page not given, or the fleet changed while it was \
         listed); give every page of one listing, or pass --allow-partial-snapshot to plan \
         without them"
    );
    let output = run_cli(
        &[
            "preview",
            REQUEST,
            "--fleet",
            PAGE1,
            "--allow-partial-snapshot",
            "--output",
            "changes",
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stderr),
        "eds-entitlement: warning: tests/golden/fleet/page1.json gives TotalCount 6 but the \
         snapshot holds 3 of its desktops: the 3 missing are taken as not in the snapshot \
         (NotInSnapshot when listed), and the users they hold are unknown, so the limits on \
         what users will have (the contract, §6.1) cannot count them\n"
    );
    // Page 2's desktops (ecd-d, ecd-e, ecd-f) are then not in the snapshot.
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let reasons: Vec<&str> = report["desktops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["reason"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(
        reasons,
        [
            "-",
            "NotRunning",
            "Assigning",
            "NotInSnapshot",
            "NotInSnapshot",
            "NotInSnapshot"
        ]
    );
    // requests checks the same.
    let plan = stdout_of(&["preview", REQUEST], b"");
    assert_eq!(
        failure(
            &["requests", "-", "--region", "cn-hangzhou", "--fleet", PAGE2],
            &plan,
            2
        ),
        "eds-entitlement: tests/golden/fleet/page2.json gives TotalCount 6 but holds 3 \
         desktops: 3 are missing (a page not given, or the fleet changed while it was \
         listed); give every page of one listing, or pass --allow-partial-snapshot to plan \
         without them"
    );
}

#[test]
fn pages_of_different_listings_are_refused_even_when_partial() {
    // A page of another listing of six desktops (the same size, other desktops).
    let other = std::fs::read_to_string(PAGE2)
        .unwrap()
        .replace("\"ecd-", "\"ecd-other-");
    let other = temp_file("other-listing.json", other);
    for partial in [&[][..], &["--allow-partial-snapshot"]] {
        let mut args = vec!["preview", REQUEST, "--fleet", PAGE1, PAGE2, arg(&other)];
        args.extend_from_slice(partial);
        assert_eq!(
            failure(&args, b"", 2),
            "eds-entitlement: tests/golden/fleet/page1.json and 2 other pages give TotalCount \
             6 but hold 9 desktops, 3 more: pages of different listings (or of a fleet that \
             changed while it was listed); give the pages of one listing"
        );
    }
}

#[test]
fn a_bad_total_count_is_refused() {
    let page = std::fs::read_to_string(PAGE1)
        .unwrap()
        .replace("\"TotalCount\": 6", "\"TotalCount\": -6");
    assert!(page.contains("-6"));
    let path = temp_file("negative-count.json", page);
    let line = failure(&["preview", REQUEST, "--fleet", arg(&path), PAGE2], b"", 2);
    assert_eq!(
        line,
        format!(
            "eds-entitlement: {}: field 'TotalCount' must be a whole number of 0 or more, but \
             it is the number -6",
            arg(&path)
        )
    );
}

/// `--no-preview`, `--strategy` and the limits replace a request FILE's values (README,
/// workflow step 3: the reviewed request, as a task).
#[test]
fn parameter_options_replace_a_request_files() {
    let with = stdout_of(
        &[
            "preview",
            REQUEST,
            "--no-preview",
            "--strategy",
            "CENTRAL",
            "--max-user-per-desktop",
            "1",
            "--max-desktop-per-user",
            "3",
        ],
        b"",
    );
    let edited = std::fs::read_to_string(REQUEST)
        .unwrap()
        .replace("\"Preview\":true", "\"Preview\":false")
        .replace("\"Strategy\":\"AVERAGE\"", "\"Strategy\":\"CENTRAL\"")
        .replace("\"MaxUserPerDesktop\":2", "\"MaxUserPerDesktop\":1")
        .replace("\"MaxDesktopPerUser\":2", "\"MaxDesktopPerUser\":3");
    assert!(edited.contains("CENTRAL") && edited.contains("\"Preview\":false"));
    let from_file = stdout_of(&["preview", "-"], &edited);
    assert_eq!(with, from_file);
    assert!(with.contains("\"Status\":\"NOT_STARTED\""), "{with}");
    // Without them, the file's values stand.
    assert_ne!(stdout_of(&["preview", REQUEST], b""), with);
    // A bad value is named as in a file.
    assert_eq!(
        failure(&["preview", REQUEST, "--strategy", "FAST"], b"", 2),
        "eds-entitlement: parameter 'Strategy' is \"FAST\", which is not a strategy: valid \
         values are AVERAGE and CENTRAL"
    );
}
