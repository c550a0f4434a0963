//! `eds-entitlement requests`: the calls for a plan, as query-form lines or JSON objects,
//! and its exit statuses and messages (the contract, §8).

use crate::support;

use support::run_cli as run;

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

/// The plan `preview` makes of a `Preview: false` request with IDs that need encoding.
fn plan() -> String {
    let request = r#"{"RegionId":"cn-hangzhou","DesktopId":["ecd-a","ecd b"],"EndUserId":["Alice","Zoë&Co"],"MaxUserPerDesktop":1,"Preview":false}"#;
    let output = run(&["preview", "-"], request);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    text(&output.stdout)
}

#[test]
fn prints_one_query_line_per_call_and_the_count_on_request() {
    let output = run(
        &["requests", "-", "--region", "cn-hangzhou", "--summary"],
        &plan(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "# wave 1\n\
         Action=ModifyEntitlement&Version=2020-09-30&RegionId=cn-hangzhou&DesktopId=ecd-a&EndUserId.1=Alice\n\
         Action=ModifyEntitlement&Version=2020-09-30&RegionId=cn-hangzhou&DesktopId=ecd%20b&EndUserId.1=Zo%C3%AB%26Co\n"
    );
    assert_eq!(
        text(&output.stderr),
        "eds-entitlement: 2 calls (2 ModifyEntitlement, 0 ModifyUserEntitlement) in 1 wave \
         for 2 desktops; per-desktop baseline 2\n"
    );
}

#[test]
fn prints_json_objects_as_the_sdks_to_map_gives_them() {
    let output = run(
        &[
            "requests",
            "-",
            "--region",
            "cn-hangzhou",
            "--format",
            "json",
        ],
        &plan(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "{\"Action\":\"ModifyEntitlement\",\"Wave\":1,\"RegionId\":\"cn-hangzhou\",\"DesktopId\":\"ecd-a\",\"EndUserId\":[\"Alice\"]}\n\
         {\"Action\":\"ModifyEntitlement\",\"Wave\":1,\"RegionId\":\"cn-hangzhou\",\"DesktopId\":\"ecd b\",\"EndUserId\":[\"Zoë&Co\"]}\n"
    );
    assert!(output.stderr.is_empty());
}

#[test]
fn failed_desktops_get_no_call() {
    let plan = r#"{"Entitlements":{"Status":"NOT_STARTED","AssignModels":[
        {"DesktopId":"ecd-a","InnerStatus":"FAILED","EndUserIds":["Alice"]},
        {"DesktopId":"ecd-b","InnerStatus":"NOT_STARTED","EndUserIds":[]}]}}"#;
    let output = run(&["requests", "-", "--region", "cn-hangzhou"], plan);
    assert_eq!(
        text(&output.stdout),
        "# wave 1\nAction=ModifyEntitlement&Version=2020-09-30&RegionId=cn-hangzhou&DesktopId=ecd-b\n"
    );
}

#[test]
fn a_bad_plan_is_exit_2_with_one_line_naming_the_item() {
    let cases = [
        (
            "not json",
            "malformed JSON at line 1, column 2: expected ident",
        ),
        (
            r#"{"RequestId":"x","Entitlements":{}}"#,
            "the plan is not a BatchModifyEntitlement response body: it has no \
             'Entitlements.AssignModels'",
        ),
        (
            r#"{"Entitlements":{"AssignModels":[{"DesktopId":"a","EndUserIds":[]},{"InnerStatus":"NOT_STARTED","EndUserIds":[]}]}}"#,
            "plan 'AssignModels' item 2 has no 'DesktopId'",
        ),
        (
            r#"{"Entitlements":{"AssignModels":[{"DesktopId":"a","EndUserIds":{"0":"Alice"}}]}}"#,
            "plan 'AssignModels' item 1 has 'EndUserIds' that is an object, not a list of \
             user IDs",
        ),
        (
            r#"{"Entitlements":{"AssignModels":[{"DesktopId":"a","EndUserIds":[]},{"DesktopId":"b","EndUserIds":[]},{"DesktopId":"a","EndUserIds":["x"]}]}}"#,
            "plan 'AssignModels' item 3 is desktop \"a\", which repeats item 1: a plan lists \
             each desktop once",
        ),
    ];
    for (plan, message) in cases {
        let output = run(&["requests", "-", "--region", "cn-hangzhou"], plan);
        assert_eq!(output.status.code(), Some(2), "{plan}");
        assert!(output.stdout.is_empty());
        assert_eq!(
            text(&output.stderr),
            format!("eds-entitlement: {message}\n")
        );
    }
}

#[test]
fn a_missing_region_is_a_usage_error_and_a_bad_one_is_bad_input() {
    let output = run(&["requests", "-"], &plan());
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("--region <R>"));
    assert!(output.stdout.is_empty());

    let output = run(&["requests", "-", "--region", "Hangzhou"], &plan());
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr),
        "eds-entitlement: parameter 'RegionId' is \"Hangzhou\", which is not a region ID: it \
         must be 1 to 64 lowercase ASCII letters, digits and '-'\n"
    );
}

#[test]
fn a_missing_plan_file_is_exit_1() {
    let output = run(
        &["requests", "no/such/plan.json", "--region", "cn-hangzhou"],
        "",
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).starts_with("eds-entitlement: cannot read no/such/plan.json: "));
    assert!(output.stdout.is_empty());
}

/// A snapshot where `ecd-a` has its plan already and `ecd b` has one user too many.
const FLEET: &str = r#"{"RequestId":"1","TotalCount":2,"Desktops":[
    {"DesktopId":"ecd-a","DesktopStatus":"Running","ManagementFlags":["NoFlag"],"EndUserIds":["Alice"],"Cpu":4},
    {"DesktopId":"ecd b","DesktopStatus":"Running","EndUserIds":["Zoë&Co","Bob"]}]}"#;

#[test]
fn with_a_snapshot_only_changed_desktops_get_calls() {
    let fleet = support::temp_file("fleet.json", FLEET);
    let fleet = fleet.to_str().expect("a UTF-8 path");
    let output = run(
        &[
            "requests",
            "-",
            "--region",
            "cn-hangzhou",
            "--fleet",
            fleet,
            "--summary",
        ],
        &plan(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "# wave 1\nAction=ModifyEntitlement&Version=2020-09-30&RegionId=cn-hangzhou&DesktopId=ecd%20b&EndUserId.1=Zo%C3%AB%26Co\n"
    );
    assert_eq!(
        text(&output.stderr),
        "eds-entitlement: 1 call (1 ModifyEntitlement, 0 ModifyUserEntitlement) in 1 wave \
         for 1 desktop; per-desktop baseline 1\n"
    );
}

#[test]
fn a_bad_or_missing_snapshot_is_refused() {
    let bad = support::temp_file("bad.json", r#"{"Desktops":[{"DesktopStatus":"Running"}]}"#);
    let bad = bad.to_str().expect("a UTF-8 path");
    let output = run(
        &["requests", "-", "--region", "cn-hangzhou", "--fleet", bad],
        &plan(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let message = text(&output.stderr);
    assert!(
        message.starts_with(&format!("eds-entitlement: {bad}, desktop 1: "))
            && message.contains("DesktopId"),
        "{message}"
    );

    let output = run(
        &[
            "requests",
            "-",
            "--region",
            "cn-hangzhou",
            "--fleet",
            "no/such/fleet.json",
        ],
        &plan(),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(text(&output.stderr).starts_with("eds-entitlement: cannot read no/such/fleet.json: "));
}

/// The README's workflow on the fleet golden files: plan against the snapshot, then the
/// calls for that plan and snapshot. The ineligible desktops (FAILED in the plan) get none,
/// nor does ecd-d, which the plan leaves as it is (Bob and Carol keep ineligible desktops, so
/// under MaxDesktopPerUser 2 they take one eligible desktop each).
#[test]
fn the_workflow_preview_against_a_fleet_then_requests() {
    let pages = [
        "--fleet",
        "tests/golden/fleet/page1.json",
        "--fleet",
        "tests/golden/fleet/page2.json",
    ];
    let request = std::fs::read_to_string("tests/golden/fleet/request.json")
        .expect("the golden request")
        .replace("\"Preview\":true", "\"Preview\":false");
    let mut args = vec!["preview", "-"];
    args.extend(pages);
    let plan = run(&args, &request);
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan.stderr));
    let mut args = vec!["requests", "-", "--region", "cn-hangzhou"];
    args.extend(pages);
    let output = run(&args, &text(&plan.stdout));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "# wave 1\n\
         Action=ModifyEntitlement&Version=2020-09-30&RegionId=cn-hangzhou&DesktopId=ecd-a&EndUserId.1=Alice&EndUserId.2=Carol\n\
         Action=ModifyEntitlement&Version=2020-09-30&RegionId=cn-hangzhou&DesktopId=ecd-f&EndUserId.1=Bob&EndUserId.2=Dave\n"
    );
}
