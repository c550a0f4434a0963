//! `preview --fleet` under the contract's §6.1 on the command line: a desktop a user keeps
//! because the call cannot change it counts against `MaxDesktopPerUser`.

mod support;

use support::{arg, stdout_of, temp_file};

const REQUEST: &str = r#"{"RegionId":"cn-hangzhou","DesktopId":["ecd-1","ecd-2"],"EndUserId":["Alice","Bob"],"MaxUserPerDesktop":1,"MaxDesktopPerUser":1,"Preview":true}"#;

const SNAPSHOT: &str = r#"{"RequestId":"r","TotalCount":2,"Desktops":[
  {"DesktopId":"ecd-1","DesktopStatus":"Stopped","EndUserIds":["Alice"]},
  {"DesktopId":"ecd-2","DesktopStatus":"Running","EndUserIds":[]}]}"#;

/// The smallest case of the issue: Alice keeps the Stopped ecd-1 and is at her limit, so
/// the Running ecd-2 goes to Bob, under either strategy.
#[test]
fn the_running_desktop_goes_to_bob() {
    let snapshot = temp_file("smallest.json", SNAPSHOT);
    for strategy in ["AVERAGE", "CENTRAL"] {
        let request = REQUEST.replace(
            r#""Preview":true"#,
            &format!(r#""Strategy":"{strategy}","Preview":true"#),
        );
        let response = stdout_of(&["preview", "-", "--fleet", arg(&snapshot)], &request);
        assert!(
            response.contains(
                r#""AssignModels":[{"DesktopId":"ecd-1","InnerStatus":"FAILED","EndUserIds":["Alice"]},{"DesktopId":"ecd-2","InnerStatus":"FINISHED","EndUserIds":["Bob"]}]"#
            ),
            "{strategy}: {response}"
        );
    }
}

/// A user over the limit on kept desktops alone is counted in the change report's
/// `users_over_limit`, after `users_losing_all`, and given nothing.
#[test]
fn the_change_report_counts_users_over_the_limit() {
    let snapshot = temp_file(
        "over.json",
        r#"{"Desktops":[
  {"DesktopId":"ecd-1","DesktopStatus":"Stopped","EndUserIds":["Alice"]},
  {"DesktopId":"ecd-2","DesktopStatus":"Running","EndUserIds":["Alice"]},
  {"DesktopId":"ecd-3","DesktopStatus":"Stopped","EndUserIds":["Alice","Bob"]}]}"#,
    );
    let request = REQUEST.replace(r#""ecd-1","ecd-2""#, r#""ecd-1","ecd-2","ecd-3""#);
    let report = stdout_of(
        &[
            "preview",
            "-",
            "--fleet",
            arg(&snapshot),
            "--output",
            "changes",
        ],
        &request,
    );
    assert!(
        report.contains(r#"{"desktop_id":"ecd-2","eligible":true,"reason":null,"status":"Running","before":["Alice"],"after":[],"added":[],"removed":["Alice"]}"#),
        "{report}"
    );
    assert!(
        report.ends_with(
            r#""pairs_removed":1,"users_losing_all":0,"users_over_limit":1}}
"#
        ),
        "{report}"
    );
}
