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
