//! The command line under careless and hostile use: unwritable standard error, closed
//! standard output, odd paths, standard input for lists, huge inputs, memory limits.
#![cfg(feature = "cli")]

mod support;

use std::fs::{self, File};
use std::process::{Command, Output, Stdio};

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

/// A scratch directory for this test, empty.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a scratch directory");
    dir
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
