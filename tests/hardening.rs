//! Careless and hostile input (issue 11's input-reading half): every class is refused with
//! one line that names the input and the place, through the library and the command line.
#![cfg(feature = "cli")]

mod support;

use std::path::PathBuf;

use eds_entitlement::{wire, Error, Field};

/// Runs `preview` with `args`, expecting bad input (exit 2, nothing on stdout); its one
/// stderr line, without the program's name and the final newline.
fn preview_bad(args: &[&str], stdin: &[u8]) -> String {
    let mut all = vec!["preview"];
    all.extend_from_slice(args);
    let output = support::run_cli(&all, stdin);
    let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(output.stdout.is_empty(), "{args:?}");
    let line = stderr
        .strip_prefix("eds-entitlement: ")
        .and_then(|s| s.strip_suffix('\n'))
        .unwrap_or_else(|| panic!("not one line: {stderr:?}"));
    assert!(!line.contains('\n'), "{line:?}");
    line.to_owned()
}

/// A file named `name` with `contents`, in this test binary's own temporary directory.
fn file(name: &str, contents: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hardening");
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("a temporary file");
    path
}

fn arg(path: &std::path::Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut units: Vec<u16> = Vec::new();
    if bom {
        units.push(0xFEFF);
    }
    units.extend(text.encode_utf16());
    units
        .into_iter()
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

const JSON: &str = r#"{"RegionId":"cn-hangzhou","DesktopId":["ecd-a"],"Preview":true}"#;
const QUERY: &str = "RegionId=cn-hangzhou&DesktopId.1=ecd-a&Preview=true";

#[test]
fn utf16_is_refused_in_one_line_in_every_form() {
    for big_endian in [false, true] {
        for bom in [false, true] {
            let case = format!("big-endian {big_endian}, mark {bom}");
            let json = utf16(JSON, big_endian, bom);
            let query = utf16(QUERY, big_endian, bom);
            let csv = utf16("DesktopId\r\necd-a\r\n", big_endian, bom);
            for error in [
                wire::from_json(&json),
                wire::from_query(&query),
                wire::from_bytes(&json),
                wire::from_bytes(&query),
            ] {
                let error = error.unwrap_err();
                assert!(matches!(error, Error::Utf16 { .. }), "{case}: {error:?}");
                assert_eq!(error.to_string(), "the request is UTF-16: save as UTF-8");
            }
            assert_eq!(
                wire::ids_from_csv(&csv, "d.csv", Field::DesktopId)
                    .unwrap_err()
                    .to_string(),
                "d.csv is UTF-16: save as UTF-8",
                "{case}"
            );
            for (name, bytes) in [("json", &json), ("query", &query)] {
                assert_eq!(
                    preview_bad(&[], bytes),
                    "the request is UTF-16: save as UTF-8",
                    "{case}"
                );
                assert_eq!(
                    preview_bad(&["--format", name], bytes),
                    "the request is UTF-16: save as UTF-8",
                    "{case}"
                );
            }
            let path = file(&format!("utf16-{big_endian}-{bom}.csv"), &csv);
            assert_eq!(
                preview_bad(&["--desktops", arg(&path), "--region", "r"], b""),
                format!("{} is UTF-16: save as UTF-8", arg(&path)),
                "{case}"
            );
        }
    }
}
