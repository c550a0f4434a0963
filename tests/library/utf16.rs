//! UTF-16 without a byte order mark that does not begin with an ASCII character (a list of
//! Chinese names, one ID with no line break), refused in one line by every reader, through
//! the library and the command line; and UTF-8 never taken for UTF-16.

use crate::support;

use eds_entitlement::wire;
use proptest::prelude::*;

/// `text` in UTF-16, little-endian or big-endian, with no byte order mark.
fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    support::utf16(text, big_endian, false)
}

/// Lists and IDs whose UTF-16 begins beyond ASCII, none of them UTF-8 in either byte order.
const LISTS: [&str; 6] = [
    "王芳\r\n李娜\r\n刘洋\r\n",
    "李四",
    "山田太郎\n佐藤花子\n",
    "김철수",
    "Иван\r\nПётр\r\n",
    "Ωμέγα",
];

proptest! {
    /// UTF-8 without a NUL byte is never called UTF-16, whatever it holds (control
    /// characters, any script, any length: the prefix is cut anywhere).
    #[test]
    fn utf8_without_nul_is_never_utf16(text in any::<String>()) {
        let bytes: Vec<u8> = text.bytes().filter(|&b| b != 0).collect();
        prop_assert!(!wire::is_utf16(&bytes), "{:02X?}", bytes);
    }

    /// The same, with UTF-8 of the alphabets the readers see most: ASCII, CJK, Cyrillic,
    /// around the 1 KiB prefix.
    #[test]
    fn utf8_ids_are_never_utf16(
        text in "[a-zA-Z0-9\\-_,;\"\\r\\n\t 张王李娜芳иванΩé]{0,1100}"
    ) {
        prop_assert!(!wire::is_utf16(text.as_bytes()), "{:?}", text);
    }
}

#[test]
fn no_list_here_is_utf8() {
    for text in LISTS {
        for big_endian in [false, true] {
            let bytes = utf16(text, big_endian);
            assert!(
                std::str::from_utf8(&bytes).is_err() || bytes.contains(&0),
                "{text:?} {big_endian}"
            );
            assert!(wire::is_utf16(&bytes), "{text:?} {big_endian}");
        }
    }
}

#[cfg(feature = "cli")]
mod readers {
    use std::io::{self, Read};
    use std::path::PathBuf;

    use eds_entitlement::{wire, Error, Field};

    use super::{support, utf16, LISTS};

    /// A reader that gives one byte a read, as a slow pipe may.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((&b, rest)), Some(slot)) => {
                    *slot = b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    fn file(name: &str, contents: &[u8]) -> PathBuf {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("utf16");
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let path = dir.join(name);
        std::fs::write(&path, contents).expect("a temporary file");
        path
    }

    /// `args` to the command line, with `stdin`: bad input (exit 2, nothing on stdout), and
    /// its one line.
    fn refused(args: &[&str], stdin: &[u8]) -> String {
        let output = support::run_cli(args, stdin);
        let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
        stderr
            .strip_prefix("eds-entitlement: ")
            .and_then(|s| s.strip_suffix('\n'))
            .filter(|line| !line.contains('\n'))
            .unwrap_or_else(|| panic!("not one line: {stderr:?}"))
            .to_owned()
    }

    #[test]
    fn csv_lists_of_names_beyond_ascii() {
        for (at, text) in LISTS.into_iter().enumerate() {
            for big_endian in [false, true] {
                let bytes = utf16(text, big_endian);
                let case = format!("{text:?}, big-endian {big_endian}");
                for field in [Field::DesktopId, Field::EndUserId] {
                    let error = wire::ids_from_csv(&bytes, "names.csv", field).unwrap_err();
                    assert!(matches!(error, Error::Utf16 { .. }), "{case}: {error:?}");
                    assert_eq!(
                        error.to_string(),
                        "names.csv is UTF-16: save as UTF-8",
                        "{case}"
                    );
                }
                let path = file(&format!("names-{at}-{big_endian}.csv"), &bytes);
                let path = path.to_str().expect("temporary paths are UTF-8");
                assert_eq!(
                    refused(&["preview", "--desktops", path, "--region", "r"], b""),
                    format!("{path} is UTF-16: save as UTF-8"),
                    "{case}"
                );
                let desktops = file("desktops.csv", b"ecd-a\n");
                let desktops = desktops.to_str().expect("temporary paths are UTF-8");
                assert_eq!(
                    refused(
                        &[
                            "preview",
                            "--desktops",
                            desktops,
                            "--users",
                            path,
                            "--region",
                            "r"
                        ],
                        b""
                    ),
                    format!("{path} is UTF-16: save as UTF-8"),
                    "{case}"
                );
                assert_eq!(
                    refused(&["preview", "--desktops", "-", "--region", "r"], &bytes),
                    "standard input is UTF-16: save as UTF-8",
                    "{case}"
                );
            }
        }
    }

    #[test]
    fn requests_that_begin_beyond_ascii() {
        // Not a request either way, but what it is told first is that it is UTF-16.
        let json = r#"Ω{"RegionId":"cn-hangzhou","DesktopId":["ecd-a"]}"#;
        let query = "Ω=1&RegionId=cn-hangzhou&DesktopId.1=ecd-a";
        for big_endian in [false, true] {
            let json = utf16(json, big_endian);
            let query = utf16(query, big_endian);
            for error in [
                wire::from_json(&json),
                wire::from_query(&query),
                wire::from_bytes(&json),
                wire::from_bytes(&query),
            ] {
                let error = error.unwrap_err();
                assert_eq!(error.to_string(), "the request is UTF-16: save as UTF-8");
            }
            for bytes in [&json, &query] {
                for format in [&[][..], &["--format", "json"], &["--format", "query"]] {
                    let mut args = vec!["preview"];
                    args.extend_from_slice(format);
                    assert_eq!(
                        refused(&args, bytes),
                        "the request is UTF-16: save as UTF-8"
                    );
                }
            }
            assert_eq!(
                wire::plan_from_json(&json).unwrap_err().to_string(),
                "the plan is UTF-16: save as UTF-8"
            );
            assert_eq!(
                refused(&["requests", "-", "--region", "r"], &json),
                "the plan is UTF-16: save as UTF-8"
            );
        }
    }

    #[test]
    fn snapshots_through_every_reader() {
        let snapshot = r#"Ω{"Desktops":[{"DesktopId":"ecd-a","DesktopStatus":"Running","EndUserIds":["王芳"]}]}"#;
        for big_endian in [false, true] {
            let bytes = utf16(snapshot, big_endian);
            let expected = "fleet.json is UTF-16: save as UTF-8";
            assert_eq!(
                wire::fleet_from_json([("fleet.json", &bytes)])
                    .unwrap_err()
                    .to_string(),
                expected
            );
            let mut reader = wire::FleetReader::new();
            let error = reader
                .read_page_seekable("fleet.json", io::Cursor::new(&bytes))
                .expect("no I/O error")
                .unwrap_err();
            assert_eq!(error.to_string(), expected);
            let path = file(&format!("fleet-{big_endian}.json"), &bytes);
            let path = path.to_str().expect("temporary paths are UTF-8");
            assert_eq!(
                refused(&["preview", "examples/request.json", "--fleet", path], b""),
                format!("{path} is UTF-16: save as UTF-8")
            );
        }
    }

    /// The streaming reader peeks the first KiB however the reader gives it, one byte a
    /// read too, then reads the body from the start.
    #[test]
    fn the_plain_reader_reads_the_prefix_in_as_many_reads_as_it_takes() {
        let body = r#"{"Desktops":[{"DesktopId":"ecd-a","DesktopStatus":"Running","EndUserIds":["Alice"]}]}"#;
        for bytes in [
            utf16(body, false),
            utf16(body, true),
            [&[0xFF, 0xFE][..], &utf16(body, false)].concat(),
            utf16(&format!("Ω{body}"), false),
        ] {
            for trickle in [false, true] {
                let mut reader = wire::FleetReader::new();
                let read = if trickle {
                    reader.read_page_from("fleet.json", Trickle(&bytes))
                } else {
                    reader.read_page_from("fleet.json", &bytes[..])
                };
                assert_eq!(
                    read.expect("no I/O error").unwrap_err().to_string(),
                    "fleet.json is UTF-16: save as UTF-8",
                    "trickle {trickle}: {bytes:02X?}"
                );
            }
        }
        // UTF-8 read so, shorter and longer than the prefix, is read whole.
        let many: Vec<String> = (0..100)
            .map(|i| format!(r#"{{"DesktopId":"ecd-{i}","DesktopStatus":"Running"}}"#))
            .collect();
        let long = format!(r#"{{"Desktops":[{}]}}"#, many.join(","));
        assert!(long.len() > wire::UTF16_PREFIX);
        for (text, desktops) in [(body, 1), (long.as_str(), 100)] {
            let mut reader = wire::FleetReader::new();
            reader
                .read_page_from("fleet.json", Trickle(text.as_bytes()))
                .expect("no I/O error")
                .expect("a snapshot");
            assert_eq!(reader.finish().len(), desktops);
        }
        // Errors still name the byte of the whole body, not of what was read after the
        // prefix.
        let bad = format!("{}x", &long[..long.len() - 1]);
        let mut reader = wire::FleetReader::new();
        let error = reader
            .read_page_from("fleet.json", Trickle(bad.as_bytes()))
            .expect("no I/O error")
            .unwrap_err();
        let mut whole = wire::FleetReader::new();
        let expected = whole.read_page("fleet.json", bad.as_bytes()).unwrap_err();
        assert_eq!(error.to_string(), expected.to_string());
        assert!(
            error.to_string().contains(&format!("byte {}", bad.len())),
            "{error}"
        );
    }

    /// Not UTF-16, and left to the readers, which say more: Latin-1 text, a zip (a
    /// spreadsheet's `.xlsx` given for CSV), UTF-8 with a stray NUL.
    #[test]
    fn other_text_gets_its_readers_error() {
        for (bytes, message) in [
            (
                &b"M\xFCller\r\nJos\xE9\r\n"[..],
                "names.csv, line 1: the DesktopId cell is not UTF-8 text (save the file as UTF-8)",
            ),
            (
                b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
                r#"names.csv, line 1: DesktopId "PK\u{3}\u{4}\u{14}\0\u{6}\0\u{8}\0\0\0!\0" holds the control character U+0003: IDs must be printable text"#,
            ),
            (
                b"ecd-a\necd\0b\n",
                r#"names.csv, line 2: DesktopId "ecd\0b" holds the control character U+0000: IDs must be printable text"#,
            ),
        ] {
            let error = wire::ids_from_csv(bytes, "names.csv", Field::DesktopId)
                .unwrap_err()
                .to_string();
            assert_eq!(error, message);
        }
    }
}
