//! Helpers shared by the integration tests: the naive reference planner, request builders,
//! running the command line, golden and temporary files, and a seeded generator.

#![allow(dead_code)]

pub(crate) mod rng;

use std::path::{Path, PathBuf};

use eds_entitlement::{CheckedRequest, Plan, Request, Strategy};

/// The contract (`docs/contract.md`), §2, read as literally as it is written: limits, `T`, the quotas one user at a time,
/// then dealing positions `p, p+1, …` modulo `n`. Slow and obviously right.
pub(crate) fn reference_plan(request: &CheckedRequest) -> Plan {
    let n = request.desktop_ids().len();
    let u = request.end_user_ids().len();
    let k = match request.max_user_per_desktop().get() {
        None => u,
        Some(k) => (k as usize).min(u),
    };
    let m = match request.max_desktop_per_user().get() {
        None => n,
        Some(m) => (m as usize).min(n),
    };
    let total = (n * k).min(u * m);
    let mut quotas = Vec::with_capacity(u);
    match request.strategy() {
        Strategy::Average => {
            for j in 0..u {
                quotas.push(total / u + usize::from(j < total % u));
            }
        }
        Strategy::Central => {
            let mut left = total;
            for _ in 0..u {
                let q = m.min(left);
                quotas.push(q);
                left -= q;
            }
        }
        // `Strategy` is non-exhaustive: a strategy added later needs its reference here.
        other => panic!("no reference planner for {other}"),
    }
    let mut desktops = vec![Vec::new(); n];
    let mut p = 0;
    for (j, &q) in quotas.iter().enumerate() {
        for _ in 0..q {
            desktops[p % n].push(j as u32);
            p += 1;
        }
    }
    Plan::from_lists(desktops)
}

/// A checked request for `n` desktops `d1…` and `u` users `A, B, …` (then `U27…`).
pub(crate) fn request(n: usize, u: usize, k: u32, m: u32, strategy: Strategy) -> CheckedRequest {
    Request::new(
        "cn-hangzhou",
        (1..=n).map(|i| format!("d{i}")),
        (0..u).map(user_name),
    )
    .max_user_per_desktop(k)
    .max_desktop_per_user(m)
    .strategy(strategy)
    .check()
    .expect("a well-formed request")
}

/// `A`…`Z`, then `U27`, `U28`, …
pub(crate) fn user_name(j: usize) -> String {
    if j < 26 {
        char::from(b'A' + j as u8).to_string()
    } else {
        format!("U{}", j + 1)
    }
}

/// The plan as the contract's §2 tables write it: `d1:[A] d2:[A,B]`.
pub(crate) fn render(request: &CheckedRequest, plan: &Plan) -> String {
    let desktops = request.desktop_ids();
    let users = request.end_user_ids();
    plan.iter()
        .enumerate()
        .map(|(i, list)| {
            let names: Vec<&str> = list.iter().map(|&j| &users[j as usize]).collect();
            format!("{}:[{}]", &desktops[i], names.join(","))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Each user's number of desktops in `plan`.
pub(crate) fn user_counts(plan: &Plan, users: usize) -> Vec<usize> {
    let mut counts = vec![0; users];
    for list in plan.iter() {
        for &j in list {
            counts[j as usize] += 1;
        }
    }
    counts
}

/// Runs the `eds-entitlement` binary with `args`, in the crate's directory, with `stdin` on
/// its standard input; its exit status and output.
#[cfg(feature = "cli")]
pub(crate) fn run_cli(args: &[&str], stdin: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let mut child = Command::new(env!("CARGO_BIN_EXE_eds-entitlement"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut input = child.stdin.take().expect("stdin is piped");
    // The binary may exit before reading all of it: a broken pipe is not the test's concern.
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().expect("the binary ends")
}

/// Runs the binary as [`run_cli`] does, expecting success: exit status 0 and nothing on
/// stderr; its stdout.
#[cfg(feature = "cli")]
pub(crate) fn stdout_of(args: &[&str], stdin: &(impl AsRef<[u8]> + ?Sized)) -> String {
    let output = run_cli(args, stdin.as_ref());
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stderr.is_empty(), "{args:?}");
    String::from_utf8(output.stdout).expect("UTF-8 stdout")
}

/// Runs the binary as [`run_cli`] does, expecting it to fail with exit `status`, nothing on
/// stdout and one line on stderr; that line, without its newline.
#[cfg(feature = "cli")]
pub(crate) fn failure(args: &[&str], stdin: &(impl AsRef<[u8]> + ?Sized), status: i32) -> String {
    let output = run_cli(args, stdin.as_ref());
    assert_eq!(output.status.code(), Some(status), "{args:?}: {output:?}");
    assert!(output.stdout.is_empty(), "{args:?}: {output:?}");
    let stderr = String::from_utf8(output.stderr).expect("UTF-8 stderr");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr.trim_end().to_owned()
}

/// The golden file `tests/golden/<name>` (`name` may have folders: `fleet/response.json`).
pub(crate) fn golden(name: &str) -> String {
    let path = format!("{}/tests/golden/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// This test binary's own temporary directory: Cargo's for integration tests, then the
/// binary's name, so that test binaries running at once never share a file.
fn own_temp_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(env!("CARGO_CRATE_NAME"))
}

/// A file named `name` with `contents`, in this test binary's own temporary directory.
pub(crate) fn temp_file(name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let dir = own_temp_dir();
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("a temporary file");
    path
}

/// An empty directory named `name` for one test, in this test binary's own temporary
/// directory.
pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = own_temp_dir().join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// `path` as a command-line argument.
pub(crate) fn arg(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// `text` in UTF-16, little-endian or big-endian, with or without a byte order mark.
pub(crate) fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mark = bom.then_some('\u{FEFF}');
    mark.into_iter()
        .chain(text.chars())
        .collect::<String>()
        .encode_utf16()
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

/// The contract's §6.1, read as literally as it is written, for a request whose desktops are
/// the eligible ones and whose user `j` keeps `held[j]` ineligible listed desktops: the caps
/// `c_j`, `T`, the quotas (the `AVERAGE` level found by trying every `L` from the top), then
/// §2's dealing. With every `held[j] = 0` it is [`reference_plan`]. Slow and obviously right.
pub(crate) fn reference_held_plan(request: &CheckedRequest, held: &[usize]) -> Plan {
    let quotas = reference_held_quotas(request, held);
    let n = request.desktop_ids().len();
    let mut desktops = vec![Vec::new(); n];
    let mut p = 0;
    for (j, &q) in quotas.iter().enumerate() {
        for _ in 0..q {
            desktops[p % n].push(j as u32);
            p += 1;
        }
    }
    Plan::from_lists(desktops)
}

/// The quotas of [`reference_held_plan`].
pub(crate) fn reference_held_quotas(request: &CheckedRequest, held: &[usize]) -> Vec<usize> {
    let n = request.desktop_ids().len();
    let u = request.end_user_ids().len();
    assert_eq!(held.len(), u);
    let k = match request.max_user_per_desktop().get() {
        None => u,
        Some(k) => (k as usize).min(u),
    };
    let caps: Vec<usize> = held
        .iter()
        .map(|&h| match request.max_desktop_per_user().get() {
            None => n,
            Some(m) => (m as usize).saturating_sub(h).min(n),
        })
        .collect();
    let total = (n * k).min(caps.iter().sum());
    match request.strategy() {
        Strategy::Average => {
            let clamp = |l: usize, j: usize| l.saturating_sub(held[j]).min(caps[j]);
            let s = |l: usize| (0..u).map(|j| clamp(l, j)).sum::<usize>();
            let top = (0..u).map(|j| held[j] + caps[j]).max().unwrap_or(0);
            let level = (0..=top).rev().find(|&l| s(l) <= total).unwrap();
            let mut extras = total - s(level);
            (0..u)
                .map(|j| {
                    let base = clamp(level, j);
                    if extras > 0 && held[j] + base == level && base < caps[j] {
                        extras -= 1;
                        base + 1
                    } else {
                        base
                    }
                })
                .collect()
        }
        Strategy::Central => {
            let mut left = total;
            caps.iter()
                .map(|&c| {
                    let q = c.min(left);
                    left -= q;
                    q
                })
                .collect()
        }
        other => panic!("no reference planner for {other}"),
    }
}
