//! Replays every fuzz input kept in the repository, on stable Rust, through the very
//! functions the fuzz targets call (`fuzz/harness.rs`): the seed corpora in
//! `fuzz/corpus/<target>/` and the crashes found and fixed in `fuzz/regressions/<target>/`.
//! A file there is a bug that must stay fixed; each has its story in
//! `fuzz/regressions/README.md`.

#[path = "../../fuzz/harness.rs"]
mod harness;

use std::fs;
use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};

/// Every file kept for `target`, in a stable order.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files = Vec::new();
    for dir in [
        root.join("corpus").join(target),
        root.join("regressions").join(target),
    ] {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a readable directory").path();
            let bytes = fs::read(&path).expect("a readable file");
            files.push((path.display().to_string(), bytes));
        }
    }
    files.sort();
    files
}

fn replay(target: &str, body: impl Fn(&[u8])) {
    let files = inputs(target);
    assert!(!files.is_empty(), "no corpus for {target}");
    for (name, bytes) in &files {
        eprintln!("replaying {name}");
        body(bytes);
    }
}

#[test]
fn request_json_inputs_replay() {
    replay("request_json", harness::request_json);
}

#[test]
fn plan_calls_inputs_replay() {
    replay("plan_calls", harness::plan_calls);
}

#[test]
fn plan_structured_inputs_replay() {
    replay("plan_structured", |bytes| {
        let fleet = harness::Fleet::arbitrary_take_rest(Unstructured::new(bytes))
            .expect("a fleet can be read from any bytes");
        harness::plan_structured(&fleet);
    });
}

#[cfg(feature = "csv")]
#[test]
fn csv_ids_inputs_replay() {
    replay("csv_ids", harness::csv_ids);
}

#[test]
fn request_query_inputs_replay() {
    replay("request_query", harness::request_query);
}

#[test]
fn fleet_json_inputs_replay() {
    replay("fleet_json", harness::fleet_json);
}

#[test]
fn roundtrip_inputs_replay() {
    replay("roundtrip", |bytes| {
        let request = harness::AnyRequest::arbitrary_take_rest(Unstructured::new(bytes))
            .expect("a request can be read from any bytes");
        harness::roundtrip(&request);
    });
}

/// `fuzz/regressions/request_query/multiline_item_number` (see the README there): an item
/// number made of newlines was echoed into the message as written.
#[test]
fn multiline_item_number_is_named_on_one_line() {
    let input = include_bytes!("../../fuzz/regressions/request_query/multiline_item_number");
    let message = eds_entitlement::wire::from_query(input)
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        r#"parameter 'DesktopId.\n\n\n\n\n\n\n\t\u{c}\n\t\0\0\0\0,\0\0\0.' has item number "\n\n\n\n\n\n\n\t\u{c}\n\t\0\0\0\0,\0\0\0.", which is not a whole number: items are numbered 1, 2, 3, … in decimal"#
    );
}

/// `fuzz/regressions/request_json/multiline_limit_text`: a limit given as an object over
/// several lines was quoted with its newlines.
#[test]
fn multiline_limit_text_is_quoted_on_one_line() {
    let input = include_bytes!("../../fuzz/regressions/request_json/multiline_limit_text");
    let message = eds_entitlement::wire::from_json(input)
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        r#"parameter 'MaxDesktopPerUser' is {\t\t\n  "Strategy": "AVERAGE",\n  "Preview": true\n}, which is not a number: it must be a whole number from 0 to 500"#
    );
}

/// `fuzz/regressions/fleet_json/control_character_in_a_key`: a control character inside a
/// key was placed at byte 6 when the snapshot was read whole and at byte 7 when streamed
/// (serde_json's two readers place this error differently); both now read through one.
#[test]
fn a_control_character_is_placed_at_the_same_byte_whole_or_streamed() {
    let input = include_bytes!("../../fuzz/regressions/fleet_json/control_character_in_a_key");
    let message = eds_entitlement::wire::fleet_from_json([("fuzz.json", &input[..])])
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        r"fuzz.json: malformed JSON at byte 7: control character (\u0000-\u001F) found while parsing a string"
    );
}
