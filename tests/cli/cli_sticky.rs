//! `preview … --fleet FILE --keep-existing` (the contract, §7) on the command line.

use crate::support;

const REQUEST: &str = "tests/golden/fleet/request.json";
const PAGE1: &str = "tests/golden/fleet/page1.json";
const PAGE2: &str = "tests/golden/fleet/page2.json";

/// `totals.pairs_kept` of `--output changes`, with or without `--keep-existing`.
fn pairs_kept(keep: bool) -> u64 {
    let mut args = vec![
        "preview", REQUEST, "--fleet", PAGE1, "--fleet", PAGE2, "--output", "changes",
    ];
    if keep {
        args.push("--keep-existing");
    }
    let output = support::run_cli(&args, b"");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    report["totals"]["pairs_kept"].as_u64().expect("a count")
}

#[test]
fn keep_existing_keeps_at_least_what_the_canonical_plan_keeps() {
    let (sticky, canonical) = (pairs_kept(true), pairs_kept(false));
    assert!(sticky >= canonical, "{sticky} < {canonical}");
    // Every pair is kept: Bob on ecd-b and Carol on ecd-c (ineligible: no plan changes them),
    // Alice on ecd-a, Dave and Alice on ecd-d (Erin is not listed).
    assert_eq!(sticky, 5);
}

#[test]
fn keep_existing_without_a_snapshot_is_a_usage_error() {
    let output = support::run_cli(&["preview", REQUEST, "--keep-existing"], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).trim_end(),
        "eds-entitlement: --keep-existing keeps the pairs of a snapshot: give it with --fleet FILE"
    );
}

/// `e1` of `tools/make_sticky_family.py` with `2k` desktops, as a request and a snapshot.
fn family_e1(k: usize) -> (String, String) {
    let desktops: Vec<String> = (0..k)
        .map(|i| format!("y{i}"))
        .chain((0..k).map(|i| format!("x{i}")))
        .collect();
    let users: Vec<String> = (0..k)
        .map(|i| format!("p{i}"))
        .chain((0..k).map(|i| format!("q{i}")))
        .collect();
    let request = serde_json::json!({
        "RegionId": "cn-hangzhou",
        "DesktopId": desktops,
        "EndUserId": users,
        "MaxUserPerDesktop": 1,
        "MaxDesktopPerUser": 0,
        "Strategy": "AVERAGE",
        "Preview": true,
    });
    let held = (0..k)
        .map(|i| (format!("y{i}"), vec![format!("p{i}"), format!("q{i}")]))
        .chain((0..k).map(|i| (format!("x{i}"), vec![format!("p{i}")])));
    let snapshot = serde_json::json!({
        "TotalCount": 2 * k,
        "Desktops": held
            .map(|(id, users)| serde_json::json!({
                "DesktopId": id, "DesktopStatus": "Running", "EndUserIds": users,
            }))
            .collect::<Vec<_>>(),
    });
    (request.to_string(), snapshot.to_string())
}

#[test]
fn keep_existing_under_a_memory_limit_plans_or_refuses_with_status_3() {
    let (request, snapshot) = family_e1(2000);
    let request = support::temp_file("sticky_e1_request.json", request);
    let snapshot = support::temp_file("sticky_e1_snapshot.json", snapshot);
    let (request, snapshot) = (request.to_str().unwrap(), snapshot.to_str().unwrap());
    let mut codes = Vec::new();
    for limit in ["1K", "64K", "256K", "512K", "1M", "2M", "4M", "64M"] {
        let output = support::run_cli(
            &[
                "preview",
                request,
                "--fleet",
                snapshot,
                "--output",
                "changes",
                "--keep-existing",
                "--memory-limit",
                limit,
            ],
            b"",
        );
        let code = output.status.code();
        assert!(
            matches!(code, Some(0 | 3)),
            "--memory-limit {limit}: {output:?}"
        );
        if code == Some(3) {
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.starts_with("eds-entitlement: planning this request needs "),
                "{stderr}"
            );
            assert!(output.stdout.is_empty());
        } else {
            // Every pair can be kept: y_i keeps q_i, x_i keeps p_i.
            let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
            assert_eq!(report["totals"]["pairs_kept"], 4000);
        }
        codes.push(code);
    }
    assert_eq!(codes.first(), Some(&Some(3)), "{codes:?}");
    assert_eq!(codes.last(), Some(&Some(0)), "{codes:?}");
}

/// The smallest case of §6.1 with `--keep-existing`: Alice keeps the Stopped ecd-1 and is at
/// her limit of 1, so the Running ecd-2 goes to Bob under either strategy, even when the
/// snapshot has Alice on ecd-2 (keeping that pair would give her two desktops).
#[test]
fn keep_existing_gives_the_running_desktop_to_bob() {
    const REQUEST: &str = r#"{"RegionId":"cn-hangzhou","DesktopId":["ecd-1","ecd-2"],"EndUserId":["Alice","Bob"],"MaxUserPerDesktop":1,"MaxDesktopPerUser":1,"Preview":true}"#;
    for (name, on_ecd2) in [("empty", ""), ("alice", r#""Alice""#)] {
        let snapshot = support::temp_file(
            &format!("sticky_smallest_{name}.json"),
            format!(
                r#"{{"TotalCount":2,"Desktops":[
  {{"DesktopId":"ecd-1","DesktopStatus":"Stopped","EndUserIds":["Alice"]}},
  {{"DesktopId":"ecd-2","DesktopStatus":"Running","EndUserIds":[{on_ecd2}]}}]}}"#
            ),
        );
        for strategy in ["AVERAGE", "CENTRAL"] {
            let request = REQUEST.replace(
                r#""Preview":true"#,
                &format!(r#""Strategy":"{strategy}","Preview":true"#),
            );
            let response = support::stdout_of(
                &[
                    "preview",
                    "-",
                    "--fleet",
                    support::arg(&snapshot),
                    "--keep-existing",
                ],
                &request,
            );
            assert!(
                response.contains(
                    r#""AssignModels":[{"DesktopId":"ecd-1","InnerStatus":"FAILED","EndUserIds":["Alice"]},{"DesktopId":"ecd-2","InnerStatus":"FINISHED","EndUserIds":["Bob"]}]"#
                ),
                "{name} {strategy}: {response}"
            );
        }
    }
}
