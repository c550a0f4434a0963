//! The command line under careless and hostile use: unwritable standard error, closed
//! standard output, odd paths, standard input for lists, huge inputs, memory limits.

use crate::support;

use std::fs::{self, File};

use eds_entitlement::wire;
use std::process::{Command, Output, Stdio};
use support::scratch;

fn bin() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_eds-entitlement"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn stderr_line(output: &Output) -> String {
    let stderr = String::from_utf8(output.stderr.clone()).expect("UTF-8 stderr");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    stderr
}

#[test]
fn an_unwritable_stderr_keeps_the_exit_status() {
    for (args, status) in [
        (&["preview", "no/such/request.json"][..], 1),
        (&["preview", "tests/golden/api_doc_response.json"][..], 2),
        (
            &[
                "capacity",
                "--desktops",
                "1",
                "--users",
                "1",
                "--strategy",
                "X",
            ][..],
            2,
        ),
    ] {
        let full = File::options()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let output = bin()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(full)
            .output()
            .expect("the binary runs");
        assert_eq!(output.status.code(), Some(status), "{args:?}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn a_closed_stdout_is_an_io_failure() {
    for args in [
        "preview examples/request.json",
        "preview examples/request.json --output table",
        "capacity --desktops 1 --users 2",
    ] {
        // `>&-` closes the descriptor: the shell is the only way to start a child so.
        let output = Command::new("sh")
            .arg("-c")
            .arg(format!("exec \"$0\" {args} >&-"))
            .arg(env!("CARGO_BIN_EXE_eds-entitlement"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("sh runs");
        assert_eq!(output.status.code(), Some(1), "{args}");
        assert_eq!(
            stderr_line(&output),
            "eds-entitlement: standard output is closed: nothing can be written\n"
        );
    }
    // `>/dev/null` is a request to discard the output, and is honoured.
    let output = bin()
        .args(["preview", "examples/request.json"])
        .stdout(File::create("/dev/null").expect("/dev/null"))
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn paths_in_messages_stay_on_one_line() {
    let dir = scratch("paths_in_messages");
    let missing = dir.join("no\nsuch.json");
    let output = support::run_cli(&["preview", missing.to_str().unwrap()], b"");
    assert_eq!(output.status.code(), Some(1));
    let line = stderr_line(&output);
    assert!(line.contains("no\\nsuch.json: "), "{line}");
}

/// [`support::run`]'s exit status, stdout and stderr, as the tests below take them apart.
fn run(args: &[&str], stdin: &str) -> (Option<i32>, String, String) {
    let support::Run {
        status,
        stdout,
        stderr,
    } = support::run(args, stdin);
    (Some(status), stdout, stderr)
}

#[test]
fn a_table_of_very_long_ids_neither_panics_nor_pads_every_row() {
    // 70,000 characters: past a format width's `u16`. (IDs hold no control character, so
    // none grows when escaped.)
    let long = "é".repeat(70_000);
    let request = format!(
        r#"{{"RegionId":"cn-hangzhou","DesktopId":["{long}","ecd-b","ecd-c"],"EndUserId":["Alice"],"Preview":true}}"#
    );
    let (status, out, err) = run(&["preview", "-", "--output", "table"], &request);
    assert_eq!(status, Some(0), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[1].starts_with(&format!("1 {long} ")));
    // The column is at most 64 characters wide: the long ID pushes its own row only.
    assert_eq!(lines[0], format!("# {:<64} Users EndUserIds", "DesktopId"));
    assert_eq!(lines[2], format!("2 {:<64}     1 Alice", "ecd-b"));
}

#[test]
fn a_plan_beyond_the_memory_limit_is_refused_with_its_own_status() {
    // One desktop and 100 users: 100 slots of working space, 20 bytes each.
    let users: Vec<String> = (0..100).map(|j| format!("\"u{j}\"")).collect();
    let request = format!(
        r#"{{"RegionId":"cn-hangzhou","DesktopId":["d1"],"EndUserId":[{}],"Preview":true}}"#,
        users.join(",")
    );
    let (status, out, err) = run(&["preview", "-", "--memory-limit", "1K"], &request);
    assert_eq!(status, Some(3));
    assert!(out.is_empty());
    assert_eq!(
        err,
        "eds-entitlement: planning this request needs 2.0 KiB of memory, more than \
         --memory-limit (1.0 KiB): set MaxUserPerDesktop or MaxDesktopPerUser, plan fewer \
         desktops or users, or raise --memory-limit\n"
    );
    for output in ["json", "table"] {
        let (status, _, err) = run(
            &["preview", "-", "--memory-limit", "2000", "--output", output],
            &request,
        );
        assert_eq!(status, Some(0), "{err}");
    }
    // The default is the memory this run can have, which a small plan does not reach.
    let (status, _, err) = run(&["preview", "-"], &request);
    assert_eq!(status, Some(0), "{err}");
    let (status, _, err) = run(&["preview", "-", "--memory-limit", "lots"], &request);
    assert_eq!(status, Some(2));
    assert!(
        err.contains("a number of bytes, e.g. 500M or 2G, is expected"),
        "{err}"
    );
    let help = run(&["preview", "--help"], "").1;
    assert!(help.contains("3 too large for this run"), "{help}");
}

#[test]
fn inputs_beyond_the_size_cap_are_refused_early() {
    let (status, out, err) = run(
        &[
            "preview",
            "examples/request.json",
            "--max-input-bytes",
            "100",
        ],
        "",
    );
    assert_eq!(status, Some(3));
    assert!(out.is_empty());
    assert_eq!(
        err,
        "eds-entitlement: examples/request.json is longer than --max-input-bytes (100 bytes): \
         raise it to read this input\n"
    );
    // An endless input stops at the cap.
    let (status, _, err) = run(&["preview", "/dev/zero", "--max-input-bytes", "1M"], "");
    assert_eq!(status, Some(3));
    assert_eq!(
        err,
        "eds-entitlement: /dev/zero is longer than --max-input-bytes (1.0 MiB): raise it to \
         read this input\n"
    );
    let (status, _, err) = run(
        &["preview", "-", "--max-input-bytes", "10"],
        &"x".repeat(11),
    );
    assert_eq!(status, Some(3));
    assert!(
        err.starts_with("eds-entitlement: standard input is longer than"),
        "{err}"
    );
    let dir = scratch("size_cap");
    let users = dir.join("users.csv");
    fs::write(&users, "EndUserId\nAlice\nBob\n").expect("written");
    let (status, _, err) = run(
        &[
            "preview",
            "--desktops",
            "-",
            "--users",
            users.to_str().unwrap(),
            "--region",
            "cn-hangzhou",
            "--max-input-bytes",
            "12",
        ],
        "ecd-a\n",
    );
    assert_eq!(status, Some(3), "{err}");
    assert!(
        err.contains("users.csv is longer than --max-input-bytes (12 bytes)"),
        "{err}"
    );
}

#[test]
fn desktops_or_users_can_come_from_standard_input() {
    let dir = scratch("lists_from_stdin");
    let users = dir.join("users.csv");
    fs::write(&users, "EndUserId\nAlice\nBob\n").expect("written");
    let users = users.to_str().unwrap();
    let from_files = {
        let desktops = dir.join("desktops.csv");
        fs::write(&desktops, "ecd-a\necd-b\n").expect("written");
        let args = [
            "preview",
            "--desktops",
            desktops.to_str().unwrap(),
            "--users",
            users,
            "--region",
            "cn-hangzhou",
        ];
        run(&args, "")
    };
    assert_eq!(from_files.0, Some(0), "{}", from_files.2);
    let from_stdin = run(
        &[
            "preview",
            "--desktops",
            "-",
            "--users",
            users,
            "--region",
            "cn-hangzhou",
        ],
        "ecd-a\necd-b\n",
    );
    assert_eq!(from_stdin, from_files);
    let users_from_stdin = run(
        &[
            "preview",
            "--desktops",
            dir.join("desktops.csv").to_str().unwrap(),
            "--users",
            "-",
            "--region",
            "cn-hangzhou",
        ],
        "EndUserId\nAlice\nBob\n",
    );
    assert_eq!(users_from_stdin, from_files);

    let (status, out, err) = run(
        &[
            "preview",
            "--desktops",
            "-",
            "--users",
            "-",
            "--region",
            "cn-hangzhou",
        ],
        "ecd-a\n",
    );
    assert_eq!(status, Some(2));
    assert!(out.is_empty());
    assert_eq!(
        err,
        "eds-entitlement: --desktops and --users both read standard input: one of them at most \
         may be '-'\n"
    );
    // A bad row names standard input as its file.
    let (status, _, err) = run(
        &["preview", "--desktops", "-", "--region", "cn-hangzhou"],
        "ecd-a\necd-a\n",
    );
    assert_eq!(status, Some(2));
    assert!(
        err.starts_with("eds-entitlement: standard input, line 2: "),
        "{err}"
    );
}

#[test]
fn a_users_file_without_users_is_refused_unless_asked_for() {
    let dir = scratch("no_users");
    let desktops = dir.join("desktops.csv");
    fs::write(&desktops, "ecd-a\n").expect("written");
    let desktops = desktops.to_str().unwrap();
    for (name, text) in [("header-only.csv", "EndUserId\n"), ("empty.csv", "")] {
        let users = dir.join(name);
        fs::write(&users, text).expect("written");
        let users = users.to_str().unwrap();
        let args = [
            "preview",
            "--desktops",
            desktops,
            "--users",
            users,
            "--region",
            "cn-hangzhou",
        ];
        let (status, out, err) = run(&args, "");
        assert_eq!(status, Some(2), "{name}");
        assert!(out.is_empty());
        assert_eq!(
            err,
            format!(
                "eds-entitlement: {users} lists no user, so every desktop would be planned with \
                 no users, taking everyone's access away: pass --allow-no-users if that is meant\n"
            )
        );
        let mut allowed = args.to_vec();
        allowed.push("--allow-no-users");
        let (status, out, err) = run(&allowed, "");
        assert_eq!(status, Some(0), "{err}");
        assert!(out.contains(r#""EndUserIds":[]"#), "{out}");
    }
    // Leaving --users out still means no users, as the API's absent EndUserId does.
    let (status, out, _) = run(
        &["preview", "--desktops", desktops, "--region", "cn-hangzhou"],
        "",
    );
    assert_eq!(status, Some(0));
    assert!(out.contains(r#""EndUserIds":[]"#), "{out}");
}

#[test]
fn limit_flags_are_read_as_the_wire_forms_read_limits() {
    let dir = scratch("limit_flags");
    let desktops = dir.join("desktops.csv");
    fs::write(&desktops, "ecd-a\necd-b\n").expect("written");
    let users = dir.join("users.csv");
    fs::write(&users, "Alice\nBob\nCarol\n").expect("written");
    let preview = |flag: &str, value: &str| {
        run(
            &[
                "preview",
                "--desktops",
                desktops.to_str().unwrap(),
                "--users",
                users.to_str().unwrap(),
                "--region",
                "cn-hangzhou",
                flag,
                value,
            ],
            "",
        )
    };
    let capacity = |flag: &str, value: &str| {
        run(
            &["capacity", "--desktops", "2", "--users", "3", flag, value],
            "",
        )
    };
    for flag in ["--max-user-per-desktop", "--max-desktop-per-user"] {
        let field = if flag == "--max-user-per-desktop" {
            "MaxUserPerDesktop"
        } else {
            "MaxDesktopPerUser"
        };
        let one = preview(flag, "1");
        assert_eq!(one.0, Some(0), "{}", one.2);
        for same in ["1.0", "1e0", "10e-1", "1.000"] {
            assert_eq!(preview(flag, same), one, "{flag} {same}");
        }
        let figures = capacity(flag, "1");
        for same in ["1.0", "1e0", "0.1e1"] {
            assert_eq!(capacity(flag, same), figures, "{flag} {same}");
        }
        for value in ["+5", "-1", "1.5", "5e3", " 5", "0x5", ""] {
            // The query form's reading of the same text, word for word.
            let query = format!(
                "RegionId=cn-hangzhou&DesktopId.1=ecd-a&Preview=true&{field}={}",
                value.replace('+', "%2B").replace(' ', "%20")
            );
            let wire = wire::from_query(query.as_bytes())
                .and_then(|request| request.check().map(|_| ()))
                .expect_err("a bad limit");
            let expected = format!("eds-entitlement: {wire}\n");
            for (status, out, err) in [preview(flag, value), capacity(flag, value)] {
                assert_eq!(status, Some(2), "{flag} {value}");
                assert!(out.is_empty());
                assert_eq!(err, expected, "{flag} {value}");
            }
        }
        assert_eq!(
            preview(flag, "+5").2,
            format!(
                "eds-entitlement: parameter '{field}' is \"+5\", which is not a number: it must \
                 be a whole number from 0 to 500\n"
            )
        );
    }
}

/// Runs `preview FILE` under `ulimit -v KIB`, its output discarded: the exit status (`None`
/// when a signal ended it, as an abort does) and stderr.
fn preview_under_ulimit(file: &std::path::Path, kib: u32) -> (Option<i32>, String) {
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {kib} && exec \"$0\" preview \"$1\" >/dev/null"
        ))
        .arg(env!("CARGO_BIN_EXE_eds-entitlement"))
        .arg(file)
        .output()
        .expect("sh runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), stderr)
}

#[test]
fn under_a_memory_limit_the_command_line_fails_cleanly_or_plans() {
    let dir = scratch("ulimit");
    // One desktop and a million users: the planner's working space (20 MB) is larger than
    // the request (11 MB).
    let users: Vec<String> = (0..1_000_000).map(|j| format!("\"u{j}\"")).collect();
    let one = dir.join("one-desktop.json");
    fs::write(
        &one,
        format!(
            r#"{{"RegionId":"cn-hangzhou","DesktopId":["d1"],"EndUserId":[{}],"Preview":true}}"#,
            users.join(",")
        ),
    )
    .expect("written");
    let mut refused = 0;
    for kib in [30_000, 45_000, 120_000] {
        let (status, stderr) = preview_under_ulimit(&one, kib);
        // Planned, or refused with status 3 and one line: never an abort.
        match status {
            Some(0) => assert!(stderr.is_empty(), "{kib}: {stderr}"),
            Some(3) => {
                refused += 1;
                assert_eq!(stderr.lines().count(), 1, "{kib}: {stderr}");
                assert!(stderr.contains("memory"), "{kib}: {stderr}");
            }
            other => panic!("ulimit -v {kib}: {other:?}: {stderr}"),
        }
    }
    assert!(refused > 0, "no limit was low enough to refuse");

    // 3,000 desktops and 3,000 users without limits: a plan of 9 million pairs (36 MB) that
    // is written as it is made, in much less.
    let square = dir.join("square.json");
    let ids = |prefix: &str| {
        (0..3000)
            .map(|i| format!("\"{prefix}{i}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    fs::write(
        &square,
        format!(
            r#"{{"RegionId":"cn-hangzhou","DesktopId":[{}],"EndUserId":[{}],"Preview":true}}"#,
            ids("d"),
            ids("u")
        ),
    )
    .expect("written");
    assert_eq!(
        preview_under_ulimit(&square, 30_000),
        (Some(0), String::new())
    );
}
