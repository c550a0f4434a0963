//! Planning under a memory limit (`ulimit -v`, a container's): an error, never an abort.
//!
//! The test runs itself again in a child process under `ulimit -v` (the limit must not
//! reach the other tests), and the child plans what does not fit.
#![cfg(unix)]

use std::process::Command;

use eds_entitlement::{try_plan_shape, Error, Limit, PlanRows, Shape, Strategy};

/// Set in the child's environment.
const CHILD: &str = "EDS_ENTITLEMENT_MEMORY_LIMIT_CHILD";

/// The child's address space: 512 MiB.
const LIMIT_KIB: u32 = 512 * 1024;

#[test]
fn planning_beyond_a_memory_limit_is_an_error() {
    if std::env::var_os(CHILD).is_some() {
        return plan_under_the_limit();
    }
    let exe = std::env::current_exe().expect("the test binary");
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {LIMIT_KIB} && exec \"$0\" \"$@\""))
        .arg(exe)
        .args([
            "--exact",
            "planning_beyond_a_memory_limit_is_an_error",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .output()
        .expect("sh runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the child failed ({:?}): {stdout}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
}

/// One desktop and 40 million users: the plan takes 160 MB, which fits, and the planner's
/// working space 640 MB (a cursor per user on the desktop), which does not.
fn plan_under_the_limit() {
    let shape = Shape::new(
        1,
        40_000_000,
        Limit::UNLIMITED,
        Limit::UNLIMITED,
        Strategy::Average,
    );
    for error in [
        try_plan_shape(&shape).map(|_| ()).unwrap_err(),
        PlanRows::try_from_shape(&shape).map(|_| ()).unwrap_err(),
    ] {
        assert!(
            matches!(
                error,
                Error::PlanTooLarge {
                    desktops: 1,
                    assignments: 40_000_000,
                    ..
                }
            ),
            "{error:?}"
        );
    }
    // What fits is planned, under the same limit.
    let small = Shape::new(
        1,
        1_000_000,
        Limit::UNLIMITED,
        Limit::UNLIMITED,
        Strategy::Average,
    );
    assert_eq!(
        try_plan_shape(&small).map(|p| p.assignments()),
        Ok(1_000_000)
    );
}
