//! Careless and hostile input (issue 11's input-reading half): every class is refused with
//! one line that names the input and the place, through the library and the command line.

use crate::support;

use eds_entitlement::{wire, Error, Field};
use support::{arg, temp_file};

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

const JSON: &str = r#"{"RegionId":"cn-hangzhou","DesktopId":["ecd-a"],"Preview":true}"#;
const QUERY: &str = "RegionId=cn-hangzhou&DesktopId.1=ecd-a&Preview=true";

#[test]
fn utf16_is_refused_in_one_line_in_every_form() {
    for big_endian in [false, true] {
        for bom in [false, true] {
            let case = format!("big-endian {big_endian}, mark {bom}");
            let json = support::utf16(JSON, big_endian, bom);
            let query = support::utf16(QUERY, big_endian, bom);
            let csv = support::utf16("DesktopId\r\necd-a\r\n", big_endian, bom);
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
            let snapshot = support::utf16(r#"{"TotalCount":0,"Desktops":[]}"#, big_endian, bom);
            assert_eq!(
                wire::fleet_from_json([("fleet.json", &snapshot)])
                    .unwrap_err()
                    .to_string(),
                "fleet.json is UTF-16: save as UTF-8"
            );
            let plan = support::utf16(r#"{"Entitlements":{"AssignModels":[]}}"#, big_endian, bom);
            assert_eq!(
                wire::plan_from_json(&plan).unwrap_err().to_string(),
                "the plan is UTF-16: save as UTF-8"
            );
            let path = temp_file(&format!("utf16-{big_endian}-{bom}.csv"), &csv);
            assert_eq!(
                preview_bad(&["--desktops", arg(&path), "--region", "r"], b""),
                format!("{} is UTF-16: save as UTF-8", arg(&path)),
                "{case}"
            );
        }
    }
}

/// The CSV reader's error for `text` read as `field`'s list from `list.csv`, and the command
/// line's, which must be the same line.
fn csv_error(text: &str, field: Field) -> String {
    let library = match wire::ids_from_csv(text.as_bytes(), "list.csv", field) {
        Ok(ids) => panic!("{text:?} was accepted as {ids:?}"),
        Err(e) => e.to_string(),
    };
    let path = temp_file("list.csv", text.as_bytes());
    let path = arg(&path);
    let args: Vec<&str> = if field == Field::DesktopId {
        vec!["--desktops", path, "--region", "r"]
    } else {
        let desktops = temp_file("one-desktop.csv", b"ecd-z\n");
        let desktops = Box::leak(arg(&desktops).to_owned().into_boxed_str());
        vec!["--desktops", desktops, "--users", path, "--region", "r"]
    };
    assert_eq!(
        preview_bad(&args, b""),
        library.replacen("list.csv", path, 1),
        "{text:?}"
    );
    library
}

#[test]
fn a_stray_quote_in_csv_swallows_no_rows() {
    assert_eq!(
        csv_error(
            "DesktopId,Team\necd-a,\"Finance team\necd-b,Sales\necd-c,IT\n",
            Field::DesktopId
        ),
        "list.csv, line 2: the quote that opens cell 2 is not closed on its line: a cell \
         cannot span lines (is a quote stray?)"
    );
    // Text after a closing quote is not glued to the cell.
    assert_eq!(
        csv_error("ecd-0\n\"ecd-a\"x\n", Field::DesktopId),
        "list.csv, line 2: cell 1 has text after its closing quote: quote the whole cell, and \
         double the quotes inside it"
    );
    // A quoted cell over two lines would be an ID with a line break.
    assert_eq!(
        csv_error("EndUserId\n\"Ali\nce\"\n", Field::EndUserId),
        "list.csv, line 2: the quote that opens cell 1 is not closed on its line: a cell \
         cannot span lines (is a quote stray?)"
    );
    // Well-formed quoting still reads: a comma and a doubled quote inside quotes.
    let ids = wire::ids_from_csv(
        b"DesktopId,Note\n\"ecd,a\",\"say \"\"hi\"\"\"\n\"ecd\"\"b\",x\n",
        "d.csv",
        Field::DesktopId,
    )
    .expect("well-formed");
    assert_eq!(ids.iter().collect::<Vec<_>>(), ["ecd,a", "ecd\"b"]);
}

#[test]
fn several_columns_need_a_header() {
    assert_eq!(
        csv_error("ecd-a,ecd-b,ecd-c\n", Field::DesktopId),
        "list.csv, line 1: the first row has 3 cells separated by ',' but no header: a file of \
         several columns needs a header row naming its DesktopId column"
    );
    // A trailing empty column is a column too.
    assert_eq!(
        csv_error("\nAlice,\nBob,\n", Field::EndUserId),
        "list.csv, line 2: the first row has 2 cells separated by ',' but no header: a file of \
         several columns needs a header row naming its EndUserId column"
    );
}

#[test]
fn semicolon_and_tab_separated_files_are_read_by_their_header_or_refused() {
    for (text, name) in [
        ("Name;DesktopId\nfirst;ecd-a\nsecond;ecd-b\n", "semicolons"),
        (
            "Name\tDesktopId\r\nfirst\tecd-a\r\nsecond\tecd-b\r\n",
            "tabs",
        ),
        ("DesktopId;Name\necd-a;first\n\"ecd-b\";\"x;y\"\n", "quoted"),
    ] {
        let ids = wire::ids_from_csv(text.as_bytes(), "d.csv", Field::DesktopId)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(ids.iter().collect::<Vec<_>>(), ["ecd-a", "ecd-b"], "{name}");
    }
    // Never is the header planned as a desktop: without one, the separator is named.
    assert_eq!(
        csv_error("ecd-a;first\necd-b;second\n", Field::DesktopId),
        "list.csv, line 1: the first row has 2 cells separated by ';' but no header: a file of \
         several columns needs a header row naming its DesktopId column"
    );
    assert_eq!(
        csv_error("Alice\tAdmin\n", Field::EndUserId),
        "list.csv, line 1: the first row has 2 cells separated by tabs but no header: a file of \
         several columns needs a header row naming its EndUserId column"
    );
    // Rows must keep the header's separator.
    assert_eq!(
        csv_error(
            "Name;DesktopId\nfirst;ecd-a\nsecond,ecd-b\n",
            Field::DesktopId
        ),
        "list.csv, line 3: the row has 1 cells, but the rows before it have 2 (is a comma in \
         an ID not quoted?)"
    );
}

/// The message of reading then checking `input` in the form `form`, through the library,
/// and the command line's, which must be the same.
fn request_error(input: &[u8]) -> String {
    let library = wire::from_bytes(input)
        .and_then(|request| request.check().map(|_| ()))
        .expect_err("a bad request")
        .to_string();
    assert_eq!(preview_bad(&[], input), library);
    library
}

#[test]
fn no_id_holds_a_control_character_in_any_form() {
    for (escape, raw, code) in [
        ("\\u0000", '\0', "0000"),
        ("\\n", '\n', "000A"),
        ("\\t", '\t', "0009"),
        ("\\u007f", '\u{7f}', "007F"),
        ("\\u0085", '\u{85}', "0085"),
        ("\\u009f", '\u{9f}', "009F"),
    ] {
        let id = format!("ecd{raw}b");
        let shown = format!("{id:?}");
        let json =
            format!(r#"{{"RegionId":"r","DesktopId":["ecd-a","ecd{escape}b"],"Preview":true}}"#);
        assert_eq!(
            request_error(json.as_bytes()),
            format!(
                "parameter 'DesktopId' item 2 is {shown}, which holds the control character \
                 U+{code}: IDs must be printable text"
            )
        );
        let mut encoded = String::new();
        for byte in raw.to_string().bytes() {
            encoded.push_str(&format!("%{byte:02X}"));
        }
        let query = format!(
            "RegionId=r&DesktopId.1=ecd-a&EndUserId.1=Bob&EndUserId.2=ecd{encoded}b&Preview=true"
        );
        assert_eq!(
            request_error(query.as_bytes()),
            format!(
                "parameter 'EndUserId' item 2 is {shown}, which holds the control character \
                 U+{code}: IDs must be printable text"
            )
        );
        if raw != '\n' {
            assert_eq!(
                csv_error(&format!("DesktopId\necd-a\n{id}\n"), Field::DesktopId),
                format!(
                    "list.csv, line 3: DesktopId {shown} holds the control character U+{code}: \
                     IDs must be printable text"
                )
            );
        }
    }
    // The library enforces it on requests built in code too.
    let error = eds_entitlement::Request::new("r", ["ecd\u{1b}[31m"], ["Alice"])
        .check()
        .unwrap_err();
    assert_eq!(error.position(), Some(1));
    assert_eq!(
        error.to_string(),
        "parameter 'DesktopId' item 1 is \"ecd\\u{1b}[31m\", which holds the control character \
         U+001B: IDs must be printable text"
    );
}

#[test]
fn padded_ids_are_refused_in_every_form() {
    let message = "parameter 'EndUserId' item 1 is \" Alice\", which begins or ends with \
                   whitespace: IDs must not be padded";
    assert_eq!(
        request_error(
            br#"{"RegionId":"r","DesktopId":["ecd-a"],"EndUserId":[" Alice"],"Preview":true}"#
        ),
        message
    );
    assert_eq!(
        request_error(b"RegionId=r&DesktopId.1=ecd-a&EndUserId.1=+Alice&Preview=true"),
        message
    );
    assert_eq!(
        request_error("RegionId=r&DesktopId.1=ecd-a%C2%A0&Preview=true".as_bytes()),
        "parameter 'DesktopId' item 1 is \"ecd-a\\u{a0}\", which begins or ends with whitespace: \
         IDs must not be padded"
    );
    assert_eq!(
        csv_error("EndUserId\n Alice\n", Field::EndUserId),
        "list.csv, line 2: EndUserId \" Alice\" begins or ends with whitespace, which IDs do not \
         have"
    );
    // Whitespace inside an ID is part of it.
    assert!(eds_entitlement::Request::new("r", ["ecd a"], ["Ann Lee"])
        .check()
        .is_ok());
}

#[test]
fn json_messages_name_the_parameter_and_quote_numbers_as_written() {
    for (json, message) in [
        (
            r#"{"RegionId":1e999,"DesktopId":["a"],"Preview":true}"#,
            "parameter 'RegionId' must be a string, but it is the number 1e999",
        ),
        (
            r#"{"RegionId":"r","DesktopId":["a"],"Preview":-1e999}"#,
            "parameter 'Preview' must be a boolean (true or false), but it is the number -1e999",
        ),
        (
            r#"{"RegionId":"r","DesktopId":["a",1e999],"Preview":true}"#,
            "parameter 'DesktopId' item 2 must be a string, but it is the number 1e999",
        ),
        (
            r#"{"RegionId":"r","DesktopId":1e2,"Preview":true}"#,
            "parameter 'DesktopId' must be an array of strings, but it is the number 1e2",
        ),
        (
            r#"{"RegionId":"r","DesktopId":["a"],"Strategy":18446744073709551616,"Preview":true}"#,
            "parameter 'Strategy' must be a string (AVERAGE or CENTRAL), but it is the number \
             18446744073709551616",
        ),
        (
            r#"{"RegionId":"r","DesktopId":["a\u00e9",2.50],"Preview":true}"#,
            "parameter 'DesktopId' item 2 must be a string, but it is the number 2.50",
        ),
    ] {
        assert_eq!(request_error(json.as_bytes()), message, "{json}");
    }
    // A top level that is not an object says so, with the place, in both readings.
    assert_eq!(
        request_error(b"[]"),
        "malformed JSON at line 1, column 1: the request must be a JSON object of its \
         parameters, but it is an array"
    );
    assert_eq!(
        preview_bad(&["--format", "json"], b"\n  []"),
        "malformed JSON at line 2, column 3: the request must be a JSON object of its \
         parameters, but it is an array"
    );
    for text in ["null", "\"x\"", "1", "true"] {
        assert!(
            request_error(text.as_bytes()).contains("the request must be a JSON object"),
            "{text}"
        );
    }
}

#[test]
fn query_positions_count_the_byte_order_mark() {
    let query = b"RegionId=r&DesktopId.1=%G1&Preview=true";
    let bare = request_error(query);
    assert_eq!(
        bare,
        "malformed query at byte 24, in parameter \"DesktopId.1\": \"%G1\" is not a percent \
         escape: '%' must be followed by two hex digits"
    );
    let with_mark = [&b"\xEF\xBB\xBF"[..], query].concat();
    assert_eq!(
        request_error(&with_mark),
        bare.replace("byte 24", "byte 27")
    );
    assert_eq!(
        wire::from_query(&with_mark).unwrap_err().to_string(),
        bare.replace("byte 24", "byte 27")
    );
}

#[test]
fn a_huge_unknown_name_gets_no_suggestion() {
    let name = "x".repeat(20 << 20);
    let json = format!(r#"{{"{name}":1}}"#);
    let error = wire::from_json(json.as_bytes()).unwrap_err();
    assert!(matches!(
        error,
        Error::UnknownField {
            suggestion: None,
            ..
        }
    ));
    let query = format!("{name}=1");
    let error = wire::from_query(query.as_bytes()).unwrap_err();
    assert!(error.to_string().ends_with(
        ": known parameters are RegionId, MaxUserPerDesktop, MaxDesktopPerUser, Strategy, \
         DesktopId, EndUserId, Preview"
    ));
    assert_eq!(
        Field::closest("MaxUserPerDesktopp"),
        Some(Field::MaxUserPerDesktop)
    );
}

mod control_characters {
    use eds_entitlement::{wire, Field, Request};
    use proptest::prelude::*;

    /// A control character: C0, DEL or C1.
    fn control() -> impl Strategy<Value = char> {
        prop_oneof![
            prop::char::range('\u{0}', '\u{1f}'),
            Just('\u{7f}'),
            prop::char::range('\u{80}', '\u{9f}'),
        ]
    }

    /// Distinct printable IDs.
    fn ids() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec("[a-z0-9\"\\\\,;é漢 -]{0,8}", 1..8).prop_map(|ids| {
            ids.into_iter()
                .enumerate()
                .map(|(i, id)| format!("x{id}{i}"))
                .collect()
        })
    }

    fn csv(field: Field, ids: &[String]) -> String {
        let mut text = format!("{field}\n");
        for id in ids {
            text.push_str(&format!("\"{}\"\n", id.replace('"', "\"\"")));
        }
        text
    }

    proptest! {
        /// No ID holding a control character survives any of the three forms, wherever the
        /// character is and whichever list the ID is in.
        #[test]
        fn no_id_with_a_control_character_survives_any_form(
            mut desktops in ids(), mut users in ids(), c in control(),
            in_users in any::<bool>(), which in any::<prop::sample::Index>(),
            at in any::<prop::sample::Index>(),
        ) {
            let list = if in_users { &mut users } else { &mut desktops };
            let id = which.get_mut(list);
            let cut = at.index(id.chars().count() + 1);
            let byte = id.char_indices().nth(cut).map_or(id.len(), |(b, _)| b);
            id.insert(byte, c);
            let request = Request::new("cn-hangzhou", &desktops, &users);

            let json = serde_json::json!({
                "RegionId": "cn-hangzhou", "DesktopId": desktops, "EndUserId": users,
                "Preview": true,
            })
            .to_string();
            let from_json = wire::from_json(json.as_bytes()).and_then(|r| r.check());
            prop_assert!(from_json.is_err(), "JSON: {json}");
            let query = wire::to_query(&request);
            let from_query = wire::from_query(query.as_bytes()).and_then(|r| r.check());
            prop_assert!(from_query.is_err(), "query: {query}");
            let from_csv = wire::ids_from_csv(csv(Field::DesktopId, &desktops).as_bytes(), "d.csv", Field::DesktopId)
                .and_then(|d| {
                    let u = wire::ids_from_csv(csv(Field::EndUserId, &users).as_bytes(), "u.csv", Field::EndUserId)?;
                    Request::new("cn-hangzhou", &d, &u).check()
                });
            prop_assert!(from_csv.is_err(), "CSV: {desktops:?} {users:?}");
            prop_assert!(request.check().is_err());
        }
    }
}
