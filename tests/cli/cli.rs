//! The `eds-entitlement` command line: golden output, IDs, statuses and exit codes.

use crate::support;

use support::{golden, run_cli, stdout_of};

fn field<'a>(json: &'a str, name: &str) -> &'a str {
    let key = format!("\"{name}\":");
    let after = json
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {json}"))
        + key.len();
    let start = after + json[after..].find('"').expect("a string value") + 1;
    &json[start..start + 36]
}

#[test]
fn api_doc_example_matches_the_golden_response_byte_for_byte() {
    let out = stdout_of(&["preview", "tests/golden/api_doc_request.json"], "");
    assert_eq!(out, golden("api_doc_response.json"));
}

#[test]
fn example_request_matches_the_golden_response_byte_for_byte() {
    let out = stdout_of(&["preview", "examples/request.json"], "");
    assert_eq!(out, golden("example_response.json"));
}

#[test]
fn pretty_output_is_laid_out_as_the_api_doc_example() {
    // The API doc's own example response, with our derived IDs put in place of its masked
    // ones: same fields, same order, same layout.
    let out = stdout_of(
        &[
            "preview",
            "tests/golden/api_doc_request.json",
            "--pretty",
            "--request-id",
            "51592A88-0F2C-55E6-AD2C-2AD9C10D****",
        ],
        "",
    );
    let doc = golden("api_doc_example_response.json");
    let ours = out.replace(
        field(&out, "TaskId"),
        "B2F4F018-0EDF-159C-B285-117B5F1C****",
    );
    assert_eq!(ours, doc);
}

#[test]
fn request_id_option_overrides_only_the_request_id() {
    let derived = stdout_of(&["preview", "-"], &golden("api_doc_request.json"));
    let given = stdout_of(
        &["preview", "-", "--request-id", "my-request"],
        &golden("api_doc_request.json"),
    );
    assert!(
        given.starts_with(r#"{"RequestId":"my-request","#),
        "{given}"
    );
    assert_eq!(field(&given, "TaskId"), field(&derived, "TaskId"));
}

#[test]
fn ids_follow_the_content_not_the_spacing() {
    let compact = golden("api_doc_request.json");
    let spaced = compact.replace(',', " ,\n  ").replace(':', " : ");
    let reordered = r#"{"Preview":true,"Strategy":"AVERAGE","MaxDesktopPerUser":0,"MaxUserPerDesktop":1,"EndUserId":["Alice"],"DesktopId":["ecd-e94kzikmpljjx99pl"],"RegionId":"cn-hangzhou"}"#;
    let a = stdout_of(&["preview", "-"], &compact);
    assert_eq!(stdout_of(&["preview", "-"], &spaced), a);
    assert_eq!(stdout_of(&["preview", "-"], reordered), a);
    // An absent limit and 0 are the same request; a different user is not.
    let absent = compact.replace(r#""MaxDesktopPerUser":0,"#, "");
    assert_eq!(stdout_of(&["preview", "-"], &absent), a);
    let other = stdout_of(&["preview", "-"], &compact.replace("Alice", "Bob"));
    assert_ne!(field(&other, "RequestId"), field(&a, "RequestId"));
    assert_ne!(field(&other, "TaskId"), field(&a, "TaskId"));
    assert_ne!(field(&a, "RequestId"), field(&a, "TaskId"));
}

#[test]
fn a_task_is_not_started() {
    let out = stdout_of(
        &["preview", "-"],
        &golden("api_doc_request.json").replace(r#""Preview":true"#, r#""Preview":false"#),
    );
    assert!(out.contains(r#""Status":"NOT_STARTED""#), "{out}");
    assert!(out.contains(r#""InnerStatus":"NOT_STARTED""#), "{out}");
    assert!(!out.contains("FINISHED"), "{out}");
}

#[test]
fn a_desktop_without_users_gets_an_empty_list() {
    let out = stdout_of(
        &["preview", "-"],
        r#"{"RegionId":"cn-hangzhou","DesktopId":["ecd-a","ecd-b"],"EndUserId":["Alice"],"MaxDesktopPerUser":1,"Preview":true}"#,
    );
    assert!(out.contains(r#"{"DesktopId":"ecd-a","InnerStatus":"FINISHED","EndUserIds":["Alice"]},{"DesktopId":"ecd-b","InnerStatus":"FINISHED","EndUserIds":[]}"#), "{out}");
}

#[test]
fn ids_are_escaped_as_json() {
    let out = stdout_of(
        &["preview", "-"],
        r#"{"RegionId":"cn-hangzhou","DesktopId":["ecd-\"q\"\\é"],"EndUserId":["Ali\u0063e 漢"],"Preview":true}"#,
    );
    assert!(out.contains(r#""DesktopId":"ecd-\"q\"\\é""#), "{out}");
    assert!(out.contains(r#""EndUserIds":["Alice 漢"]"#), "{out}");
}

#[test]
fn unreadable_file_is_an_io_failure() {
    let output = run_cli(&["preview", "no/such/request.json"], b"");
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("eds-entitlement: cannot read no/such/request.json: "),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);
}

#[test]
fn version_and_help() {
    let version = stdout_of(&["--version"], "");
    assert_eq!(
        version,
        format!("eds-entitlement {}\n", env!("CARGO_PKG_VERSION"))
    );
    let help = stdout_of(&["--help"], "");
    assert!(help.contains("preview"), "{help}");
    let help = stdout_of(&["preview", "--help"], "");
    for option in ["--request-id", "--pretty", "FILE|-"] {
        assert!(help.contains(option), "{option} in {help}");
    }
}

#[test]
fn unknown_option_is_a_usage_error() {
    let output = run_cli(&["preview", "--colour"], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
}

#[test]
fn json_options_are_refused_with_people_output() {
    for args in [
        [
            "preview",
            "examples/request.json",
            "--output",
            "summary",
            "--pretty",
        ],
        [
            "preview",
            "examples/request.json",
            "--output",
            "table",
            "--request-id",
        ],
    ] {
        let mut args = args.to_vec();
        if args.last() == Some(&"--request-id") {
            args.push("x");
        }
        let output = run_cli(&args, b"");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty());
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            "eds-entitlement: --request-id and --pretty shape the response JSON: they go with --output json only\n"
        );
    }
}
