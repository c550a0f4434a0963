//! Carrying a plan out (the contract, §8.1 and §8.2) on the command line: the calls in waves
//! in each output form (goldens), make-before-break, the desktops that cannot be changed now
//! (exit status 4), a reader that stops early, and `verify` with each of its reasons.
//!
//! The goldens are `tests/golden/calls/`: a plan of eight desktops (one FAILED, one
//! `Assigning` that already has its users, one `Stopped`, two of 150 users that share
//! additions, a desktop ID that begins with `-`, a user ID with a `'`), the snapshot before
//! the calls, and one after them.

use crate::support;

use std::io::Read;
use std::process::{Command, Stdio};

use support::{golden, run_cli};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/calls");

fn path(name: &str) -> String {
    format!("{DIR}/{name}")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

/// `requests` on the golden plan and snapshot, with `extra` arguments: stdout, stderr and
/// the exit status.
fn requests(extra: &[&str]) -> (String, String, Option<i32>) {
    let plan = path("plan.json");
    let before = path("before.json");
    let mut args = vec!["requests", &plan, "--region", "cn-hangzhou"];
    args.extend(extra);
    if !extra.contains(&"--no-fleet") {
        args.extend(["--fleet", &before]);
    } else {
        args.retain(|a| *a != "--no-fleet");
    }
    let output = run_cli(&args, b"");
    (
        text(&output.stdout),
        text(&output.stderr),
        output.status.code(),
    )
}

const LEFT_OUT: &str = "eds-entitlement: desktop \"ecd-f\" gets no call: NotRunning now\n";
const LATER: &str = "eds-entitlement: 1 desktop left for a later run: send these calls, then take \
a new snapshot and run requests again\n";

#[test]
fn query_form_golden_in_waves_with_the_unchangeable_desktop_named_and_exit_4() {
    let (out, err, status) = requests(&["--summary"]);
    assert_eq!(out, golden("calls/requests.query.txt"));
    assert_eq!(status, Some(4));
    assert_eq!(
        err,
        format!(
            "{LEFT_OUT}eds-entitlement: 6 calls (5 ModifyEntitlement, 1 ModifyUserEntitlement) \
             in 2 waves for 5 desktops; per-desktop baseline 7; 1 desktop cannot be changed \
             now\n{LATER}"
        )
    );
    // The Assigning desktop that already has its users gets no call and is not counted;
    // neither does the FAILED one.
    assert!(!out.contains("ecd-e") && !out.contains("ecd-d") && !out.contains("ecd-f"));
    // ecd-g and ecd-h share their additions, in the wave after their replacements.
    let wave2 = out.split("# wave 2\n").nth(1).expect("a second wave");
    assert!(wave2.starts_with(
        "Action=ModifyUserEntitlement&Version=2020-09-30&RegionId=cn-hangzhou\
         &AuthorizeDesktopId.1=ecd-g&AuthorizeDesktopId.2=ecd-h&EndUserId.1=u101&"
    ));
}

#[test]
fn json_golden_has_the_wave_on_each_line() {
    let (out, err, status) = requests(&["--format", "json"]);
    assert_eq!(out, golden("calls/requests.jsonl"));
    assert_eq!((err, status), (format!("{LEFT_OUT}{LATER}"), Some(4)));
    let waves: Vec<&str> = out
        .lines()
        .map(|l| {
            l.split("\"Wave\":")
                .nth(1)
                .expect("a Wave")
                .split(',')
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(waves, ["1", "1", "1", "1", "1", "2"]);
}

#[test]
fn aliyun_golden_is_a_script_that_waits_between_waves() {
    let (out, _, status) = requests(&["--format", "aliyun"]);
    assert_eq!(out, golden("calls/requests.aliyun.sh"));
    assert_eq!(status, Some(4));
    // Every line that sends a call begins `aliyun ecd Modify`; the other lines that name
    // aliyun only describe desktops.
    let calls: Vec<&str> = out.lines().filter(|l| l.contains("ecd Modify")).collect();
    assert_eq!(calls.len(), 6);
    assert!(calls.iter().all(
        |l| l.starts_with("aliyun ecd Modify") && l.ends_with(" --version 2020-09-30 --force")
    ));
    for line in out
        .lines()
        .filter(|l| l.contains("aliyun ") && !l.starts_with("aliyun ecd Modify"))
    {
        assert!(
            line.trim_start().starts_with('#') || line.contains("aliyun ecd DescribeDesktops"),
            "{line}"
        );
    }
    assert!(
        out.contains("--DesktopId='-ecd-c'"),
        "a value beginning with '-' is --Name='-x'"
    );
    assert!(
        out.contains("--EndUserId.2 'O'\\''Neil'"),
        "a ' is written '\\''"
    );
    assert_eq!(
        out.matches("\nwait_for_wave ").count(),
        2,
        "a wait after each wave"
    );
}

/// The script runs under `sh` with a stand-in `aliyun` that records its arguments and says
/// each desktop is Assigning on the first poll, and a `sleep` that returns at once.
#[cfg(unix)]
#[test]
fn the_aliyun_script_runs_and_waits_for_each_wave() {
    use std::os::unix::fs::PermissionsExt;

    let (script, _, _) = requests(&["--format", "aliyun"]);
    let dir = support::scratch("aliyun");
    let log = dir.join("log");
    let fake = format!(
        "#!/bin/sh\nprintf '%s|' \"$@\" >> '{log}'\necho >> '{log}'\n\
         case \"$2\" in DescribeDesktops)\n\
           if [ -e '{dir}/polled' ]; then echo '{{\"Desktops\":[{{\"ManagementFlags\":[\"NoFlag\"]}}]}}';\n\
           else : > '{dir}/polled'; echo '{{\"Desktops\":[{{\"ManagementFlags\":[\"Assigning\"]}}]}}'; fi ;;\n\
         *) rm -f '{dir}/polled'; echo '{{\"RequestId\":\"1\"}}' ;;\nesac\n",
        log = log.display(),
        dir = dir.display()
    );
    for (name, body) in [("aliyun", fake.as_str()), ("sleep", "#!/bin/sh\nexit 0\n")] {
        let file = dir.join(name);
        std::fs::write(&file, body).expect("a stand-in");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let script_path = dir.join("calls.sh");
    std::fs::write(&script_path, &script).expect("the script");
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("sh")
        .arg(&script_path)
        .env("PATH", path)
        .output()
        .expect("sh runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let log = std::fs::read_to_string(&log).expect("the log");
    let actions: Vec<&str> = log
        .lines()
        .map(|l| l.split('|').nth(1).unwrap_or(""))
        .collect();
    // Wave 1's five calls, two polls (Assigning, then done), wave 2's call, two polls.
    assert_eq!(
        actions,
        [
            "ModifyEntitlement",
            "ModifyEntitlement",
            "ModifyEntitlement",
            "ModifyEntitlement",
            "ModifyEntitlement",
            "DescribeDesktops",
            "DescribeDesktops",
            "ModifyUserEntitlement",
            "DescribeDesktops",
            "DescribeDesktops"
        ]
    );
    // The shell gave the stand-in each value as it is.
    assert!(log.contains("|--EndUserId.2|O'Neil|"), "{log}");
    assert!(log.contains("|--DesktopId=-ecd-c|"), "{log}");
    assert!(
        log.contains(
            "|DescribeDesktops|--RegionId|cn-hangzhou|--MaxResults|100|--DesktopId.1|ecd-a|"
        ),
        "{log}"
    );
}

#[test]
fn make_before_break_golden_gains_before_it_takes() {
    let (out, err, status) = requests(&["--make-before-break", "--summary"]);
    assert_eq!(out, golden("calls/requests.mbb.query.txt"));
    assert_eq!(status, Some(4));
    assert!(err.contains("6 calls (3 ModifyEntitlement, 3 ModifyUserEntitlement) in 2 waves"));
    // Alice gets ecd-b in wave 1 and loses ecd-a in wave 2.
    let (wave1, wave2) = out.split_once("# wave 2\n").expect("two waves");
    assert!(wave1.contains("DesktopId=ecd-b&EndUserId.1=Alice"));
    assert!(wave2.contains("DesktopId=ecd-a&EndUserId.1=Bob\n"));

    let output = run_cli(
        &[
            "requests",
            &path("plan.json"),
            "--region",
            "cn-hangzhou",
            "--make-before-break",
        ],
        b"",
    );
    assert_eq!(
        output.status.code(),
        Some(2),
        "without --fleet: a usage error"
    );
    assert!(text(&output.stderr).contains("--fleet <FILE>"));
}

#[test]
fn make_before_break_holds_back_a_revocation_and_counts_extra_calls() {
    // Ann moves from a to b, which is Stopped: she keeps a. c, 2 users, gains one and loses
    // one: changed with two calls where a replacement would take one.
    let plan = r#"{"Entitlements":{"AssignModels":[
        {"DesktopId":"a","EndUserIds":[]},
        {"DesktopId":"b","EndUserIds":["Ann"]},
        {"DesktopId":"c","EndUserIds":["Cy","Di"]}]}}"#;
    let fleet = support::temp_file(
        "mbb.json",
        r#"{"Desktops":[
        {"DesktopId":"a","DesktopStatus":"Running","EndUserIds":["Ann"]},
        {"DesktopId":"b","DesktopStatus":"Stopped","EndUserIds":[]},
        {"DesktopId":"c","DesktopStatus":"Running","EndUserIds":["Cy","Ed"]}]}"#,
    );
    let fleet = fleet.to_str().expect("UTF-8");
    let args = [
        "requests",
        "-",
        "--region",
        "cn-hangzhou",
        "--fleet",
        fleet,
        "--make-before-break",
        "--summary",
    ];
    let output = run_cli(&args, plan.as_bytes());
    assert_eq!(output.status.code(), Some(4));
    assert_eq!(
        text(&output.stdout),
        "# wave 1\n\
         Action=ModifyUserEntitlement&Version=2020-09-30&RegionId=cn-hangzhou&AuthorizeDesktopId.1=c&EndUserId.1=Di\n\
         # wave 2\n\
         Action=ModifyUserEntitlement&Version=2020-09-30&RegionId=cn-hangzhou&EndUserId.1=Ed&RevokeDesktopId.1=c\n"
    );
    assert_eq!(
        text(&output.stderr),
        "eds-entitlement: desktop \"b\" gets no call: NotRunning now\n\
         eds-entitlement: desktop \"a\" keeps user \"Ann\" (make-before-break): the desktop \
         planned for this user instead cannot be changed now\n\
         eds-entitlement: 2 calls (0 ModifyEntitlement, 2 ModifyUserEntitlement) in 2 waves \
         for 1 desktop; per-desktop baseline 1; 1 call beyond it (make-before-break); 1 \
         desktop cannot be changed now; 1 revocation held back\n\
         eds-entitlement: 1 desktop and 1 revocation left for a later run: send these calls, \
         then take a new snapshot and run requests again\n"
    );
}

#[test]
fn without_a_snapshot_every_desktop_is_replaced_and_the_run_is_complete() {
    let (out, err, status) = requests(&["--no-fleet", "--summary"]);
    assert_eq!(out, golden("calls/requests.nofleet.query.txt"));
    assert_eq!(status, Some(0));
    assert_eq!(
        err,
        "eds-entitlement: 8 calls (7 ModifyEntitlement, 1 ModifyUserEntitlement) in 2 waves \
         for 7 desktops; per-desktop baseline 9\n"
    );
}

/// `requests … | head`: the reader stops early; the run ends with status 0 and no message.
#[test]
fn a_reader_that_stops_early_ends_the_run_quietly() {
    let mut plan = String::from(r#"{"Entitlements":{"AssignModels":["#);
    for i in 0..20_000 {
        if i > 0 {
            plan.push(',');
        }
        plan += &format!(r#"{{"DesktopId":"ecd-{i:06}","EndUserIds":["user-{i:06}"]}}"#);
    }
    plan += "]}}";
    let plan_file = support::temp_file("big-plan.json", &plan);
    let mut child = Command::new(env!("CARGO_BIN_EXE_eds-entitlement"))
        .args([
            "requests",
            plan_file.to_str().expect("UTF-8"),
            "--region",
            "cn-hangzhou",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut first = [0u8; 64];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("a first line");
    // The reader is gone: the rest of the two megabytes cannot be written.
    let output = child.wait_with_output().expect("it ends");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(text(&output.stderr), "");
    assert!(first.starts_with(b"# wave 1\nAction=ModifyEntitlement"));
}

#[test]
fn the_plan_reader_applies_the_one_id_rule() {
    let cases = [
        (
            r#"{"Entitlements":{"AssignModels":[{"DesktopId":"ecd-a\t","EndUserIds":[]}]}}"#,
            "plan 'AssignModels' item 1 has 'DesktopId' \"ecd-a\\t\", which holds the control \
             character U+0009: IDs must be printable text",
        ),
        (
            r#"{"Entitlements":{"AssignModels":[{"DesktopId":"a","EndUserIds":[]},{"DesktopId":"b","EndUserIds":["Ann"," Bob"]}]}}"#,
            "plan 'AssignModels' item 2 has 'EndUserIds' item 2 \" Bob\", which begins or ends \
             with whitespace: IDs must not be padded",
        ),
    ];
    for (plan, message) in cases {
        for sub in ["requests", "verify"] {
            let before = path("before.json");
            let args = match sub {
                "requests" => vec![sub, "-", "--region", "cn-hangzhou"],
                _ => vec![sub, "-", "--fleet", &before],
            };
            let output = run_cli(&args, plan.as_bytes());
            assert_eq!(output.status.code(), Some(2), "{sub} {plan}");
            assert!(output.stdout.is_empty());
            assert_eq!(
                text(&output.stderr),
                format!("eds-entitlement: {message}\n")
            );
        }
    }
}

fn verify(args: &[&str], stdin: &str) -> (String, String, Option<i32>) {
    let mut all = vec!["verify"];
    all.extend(args);
    let output = run_cli(&all, stdin.as_bytes());
    (
        text(&output.stdout),
        text(&output.stderr),
        output.status.code(),
    )
}

#[test]
fn verify_golden_names_each_reason_and_exits_4() {
    let (plan, after, before) = (path("plan.json"), path("after.json"), path("before.json"));
    let (out, err, status) = verify(&[&plan, "--fleet", &after, "--before", &before], "");
    assert_eq!(out, golden("calls/verify.txt"));
    assert_eq!(
        err,
        "eds-entitlement: 9 desktops checked, 5 not as planned\n"
    );
    assert_eq!(status, Some(4));
    for reason in ["Assigning", "Differs", "NotInSnapshot", "Touched"] {
        assert!(out.contains(&format!(": {reason}")), "{reason}");
    }
    let (json, _, status) = verify(
        &[
            &plan, "--fleet", &after, "--before", &before, "--format", "json",
        ],
        "",
    );
    assert_eq!(json, golden("calls/verify.json"));
    assert_eq!(status, Some(4));
    assert!(json.ends_with(
        "\"totals\":{\"checked\":9,\"as_planned\":4,\"NotInSnapshot\":1,\"Assigning\":1,\
         \"Differs\":2,\"Touched\":1}}\n"
    ));
    // Without --before, the FAILED and unlisted desktops are not compared.
    let (out, err, status) = verify(&[&plan, "--fleet", &after], "");
    assert!(!out.contains("Touched"));
    assert_eq!(
        err,
        "eds-entitlement: 7 desktops checked, 4 not as planned\n"
    );
    assert_eq!(status, Some(4));
}

#[test]
fn verify_passes_when_the_fleet_is_as_planned() {
    let plan = r#"{"Entitlements":{"AssignModels":[
        {"DesktopId":"a","EndUserIds":["Ann","Bo"]},
        {"DesktopId":"b","InnerStatus":"FAILED","EndUserIds":["Cy"]}]}}"#;
    let after = support::temp_file(
        "after-ok.json",
        r#"{"Desktops":[{"DesktopId":"a","DesktopStatus":"Running","EndUserIds":["Bo","Ann"]},
        {"DesktopId":"b","DesktopStatus":"Running","EndUserIds":["Di"]}]}"#,
    );
    let after = after.to_str().expect("UTF-8");
    let (out, err, status) = verify(&["-", "--fleet", after], plan);
    assert_eq!((out.as_str(), status), ("", Some(0)));
    assert_eq!(err, "eds-entitlement: 1 desktop checked, all as planned\n");
    // --before: b was FAILED and kept Di: untouched.
    let (_, err, status) = verify(&["-", "--fleet", after, "--before", after], plan);
    assert_eq!(status, Some(0));
    assert_eq!(err, "eds-entitlement: 2 desktops checked, all as planned\n");
    let (json, _, _) = verify(&["-", "--fleet", after, "--format", "json"], plan);
    assert_eq!(
        json,
        "{\"desktops\":[],\"totals\":{\"checked\":1,\"as_planned\":1,\"NotInSnapshot\":0,\
         \"Assigning\":0,\"Differs\":0,\"Touched\":0}}\n"
    );
}

#[test]
fn verify_of_an_all_failed_plan_checks_nothing_and_of_an_empty_plan_is_bad_input() {
    let after = path("after.json");
    let failed = r#"{"Entitlements":{"AssignModels":[{"DesktopId":"x","InnerStatus":"FAILED"}]}}"#;
    let (out, err, status) = verify(&["-", "--fleet", &after], failed);
    assert_eq!((out.as_str(), status), ("", Some(0)));
    assert_eq!(err, "eds-entitlement: 0 desktops checked, all as planned\n");

    let empty = r#"{"Entitlements":{"AssignModels":[]}}"#;
    let (out, err, status) = verify(&["-", "--fleet", &after], empty);
    assert_eq!((out.as_str(), status), ("", Some(2)));
    assert_eq!(
        err,
        "eds-entitlement: the plan lists no desktop: there is nothing to check\n"
    );

    let (_, err, status) = verify(&["-", "--fleet", &after], "{");
    assert_eq!(status, Some(2));
    assert!(err.starts_with("eds-entitlement: malformed JSON"), "{err}");
    let (_, err, status) = verify(&["-"], empty);
    assert_eq!(status, Some(2), "--fleet is required");
    assert!(err.contains("--fleet <AFTER>"), "{err}");
    let (_, err, status) = verify(&["-", "--fleet", "no/such/after.json"], empty);
    assert_eq!(status, Some(1));
    assert!(
        err.starts_with("eds-entitlement: cannot read no/such/after.json"),
        "{err}"
    );
}

#[test]
fn exit_status_4_is_in_the_help() {
    for sub in [
        &["--help"][..],
        &["requests", "--help"],
        &["verify", "--help"],
    ] {
        let output = run_cli(sub, b"");
        let help = text(&output.stdout);
        assert!(help.contains("4 done as far as can be now"), "{sub:?}");
        assert!(help.contains("status 0 and no message"), "{sub:?}");
    }
}

/// A plan of `desktops` desktops of 3 users each, as text.
fn big_plan(desktops: usize) -> String {
    let mut plan = String::from(r#"{"Entitlements":{"AssignModels":["#);
    for i in 0..desktops {
        if i > 0 {
            plan.push(',');
        }
        plan += &format!(
            r#"{{"DesktopId":"ecd-{i:06}","EndUserIds":["a-{i:06}","b-{i:06}","c-{i:06}"]}}"#
        );
    }
    plan + "]}}"
}

/// `requests` under `--memory-limit`, from far too little to plenty: the calls (status 0)
/// or one line saying it is too large (status 3), never anything else.
#[test]
fn requests_under_a_memory_limit_is_exit_0_or_3() {
    let plan = big_plan(5_000);
    let file = support::temp_file("limit-plan.json", &plan);
    let file = file.to_str().expect("UTF-8");
    let mut statuses = Vec::new();
    for limit in ["1K", "64K", "512K", "1M", "2M", "4M", "16M", "1G"] {
        let output = run_cli(
            &[
                "requests",
                file,
                "--region",
                "cn-hangzhou",
                "--memory-limit",
                limit,
            ],
            b"",
        );
        let status = output.status.code();
        let err = text(&output.stderr);
        match status {
            Some(0) => assert!(err.is_empty() && output.stdout.starts_with(b"# wave 1\n")),
            Some(3) => {
                assert!(output.stdout.is_empty(), "{limit}");
                assert_eq!(err.lines().count(), 1, "{err}");
                assert!(
                    err.starts_with("eds-entitlement: making the calls for this plan"),
                    "{err}"
                );
                assert!(err.contains("more than --memory-limit"), "{err}");
            }
            other => panic!("--memory-limit {limit}: status {other:?}: {err}"),
        }
        statuses.push(status);
    }
    assert_eq!(statuses.first(), Some(&Some(3)), "1K is too little");
    assert_eq!(statuses.last(), Some(&Some(0)), "1G is plenty");
    // Once enough, always enough.
    let first_ok = statuses
        .iter()
        .position(|s| *s == Some(0))
        .expect("some limit suffices");
    assert!(
        statuses[first_ok..].iter().all(|s| *s == Some(0)),
        "{statuses:?}"
    );
}

/// `requests` under `ulimit -v`, from too little to enough, with `--memory-limit` far above
/// it: the address space left bounds the calls' memory too, so each run is status 0 or 3,
/// never an abort (134).
#[cfg(unix)]
#[test]
fn requests_under_ulimit_is_exit_0_or_3_never_an_abort() {
    let plan = big_plan(40_000);
    let file = support::temp_file("ulimit-plan.json", &plan);
    let mut statuses = Vec::new();
    for kib in (8_000..=120_000).step_by(16_000) {
        let output = Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_eds-entitlement"))
            .args([
                "requests",
                file.to_str().expect("UTF-8"),
                "--region",
                "cn-hangzhou",
            ])
            .args(["--memory-limit", "1G"])
            .stdout(Stdio::null())
            .output()
            .expect("sh runs");
        let status = output.status.code();
        let err = text(&output.stderr);
        assert!(
            matches!(status, Some(0 | 3)),
            "ulimit -v {kib}: status {status:?}: {err}"
        );
        if status == Some(3) {
            assert_eq!(err.lines().count(), 1, "ulimit -v {kib}: {err}");
        }
        statuses.push(status);
    }
    assert!(
        statuses.contains(&Some(3)) && statuses.contains(&Some(0)),
        "{statuses:?}"
    );
}
