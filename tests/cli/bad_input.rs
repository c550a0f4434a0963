//! Every kind of bad input of `docs/contract.md`, §1, each its own test, through the library and through
//! the command line (exit status 2, one line on stderr, nothing on stdout). The messages'
//! wording is pinned: it is interface.

use crate::support;

use eds_entitlement::{wire, Error, Field, LimitProblem};

/// Reads and checks `json` with the library and returns the error.
fn library_error(json: &str) -> Error {
    match wire::from_json(json.as_bytes()).and_then(|request| request.check()) {
        Ok(request) => panic!("accepted {json}: {request:?}"),
        Err(e) => e,
    }
}

/// Runs `eds-entitlement preview --format json -` on `json` and returns its stderr, after checking the
/// exit status and that stdout is empty.
fn cli_error(json: &str) -> String {
    let output = support::run_cli(&["preview", "--format", "json", "-"], json.as_bytes());
    assert_eq!(output.status.code(), Some(2), "exit status for {json}");
    assert!(
        output.stdout.is_empty(),
        "stdout for {json}: {:?}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8(output.stderr).expect("UTF-8 stderr")
}

/// A request that is right but for `change`, which replaces the named parameter's value
/// (`None` removes the parameter); `extra` is appended as more parameters.
fn with(field: &str, value: Option<&str>, extra: &str) -> String {
    let mut fields = vec![
        ("RegionId", r#""cn-hangzhou""#),
        ("DesktopId", r#"["ecd-a","ecd-b","ecd-c"]"#),
        ("EndUserId", r#"["Alice","Bob"]"#),
        ("MaxUserPerDesktop", "1"),
        ("MaxDesktopPerUser", "0"),
        ("Strategy", r#""AVERAGE""#),
        ("Preview", "true"),
    ];
    fields.retain(|(name, _)| *name != field);
    let mut parts: Vec<String> = fields.iter().map(|(n, v)| format!("\"{n}\":{v}")).collect();
    if let Some(value) = value {
        parts.push(format!("\"{field}\":{value}"));
    }
    if !extra.is_empty() {
        parts.push(extra.to_owned());
    }
    format!("{{{}}}", parts.join(","))
}

/// What a rejection must be: the error itself, or, for a variant that is non-exhaustive
/// (not built outside the crate), its `Debug` text.
trait Expected: std::fmt::Debug {
    fn is(&self, error: &Error) -> bool;
}

impl Expected for Error {
    fn is(&self, error: &Error) -> bool {
        self == error
    }
}

impl Expected for &str {
    fn is(&self, error: &Error) -> bool {
        format!("{error:?}") == *self
    }
}

/// Checks one bad input both ways: the typed error, its message, and the command line.
fn rejects(json: &str, expected: impl Expected, message: &str) {
    let error = library_error(json);
    assert!(expected.is(&error), "{json}: {error:?}, not {expected:?}");
    assert_eq!(error.to_string(), message);
    assert_eq!(cli_error(json), format!("eds-entitlement: {message}\n"));
}

#[test]
fn the_well_formed_base_request_is_accepted() {
    // The cases below differ from this request in one parameter only.
    let request = wire::from_json(with("", None, "").as_bytes()).and_then(|r| r.check());
    assert!(request.is_ok(), "{request:?}");
}

#[test]
fn missing_region() {
    rejects(
        &with("RegionId", None, ""),
        Error::Missing {
            field: Field::RegionId,
        },
        "missing required parameter 'RegionId'",
    );
}

#[test]
fn missing_desktops() {
    rejects(
        &with("DesktopId", None, ""),
        Error::Missing {
            field: Field::DesktopId,
        },
        "missing required parameter 'DesktopId'",
    );
}

#[test]
fn missing_preview() {
    rejects(
        &with("Preview", None, ""),
        Error::Missing {
            field: Field::Preview,
        },
        "missing required parameter 'Preview'",
    );
}

#[test]
fn null_required_parameter_is_missing() {
    rejects(
        &with("Preview", Some("null"), ""),
        Error::Missing {
            field: Field::Preview,
        },
        "missing required parameter 'Preview'",
    );
}

#[test]
fn empty_desktop_list() {
    rejects(
        &with("DesktopId", Some("[]"), ""),
        Error::EmptyList {
            field: Field::DesktopId,
        },
        "parameter 'DesktopId' is empty, but it must list at least one ID",
    );
}

#[test]
fn empty_desktop_id() {
    rejects(
        &with("DesktopId", Some(r#"["ecd-a",""]"#), ""),
        Error::EmptyId {
            field: Field::DesktopId,
            position: 2,
        },
        "parameter 'DesktopId' item 2 is an empty string, but IDs must not be empty",
    );
}

#[test]
fn empty_user_id() {
    rejects(
        &with("EndUserId", Some(r#"["","Bob"]"#), ""),
        Error::EmptyId {
            field: Field::EndUserId,
            position: 1,
        },
        "parameter 'EndUserId' item 1 is an empty string, but IDs must not be empty",
    );
}

#[test]
fn duplicate_desktop_names_both_positions() {
    rejects(
        &with(
            "DesktopId",
            Some(r#"["ecd-a","ecd-b","ecd-c","ecd-b"]"#),
            "",
        ),
        Error::DuplicateId {
            field: Field::DesktopId,
            value: "ecd-b".into(),
            first: 2,
            second: 4,
        },
        "parameter 'DesktopId' item 4 is \"ecd-b\", which repeats item 2: IDs must be unique",
    );
}

#[test]
fn duplicate_user_names_both_positions() {
    rejects(
        &with("EndUserId", Some(r#"["Alice","Bob","Alice"]"#), ""),
        Error::DuplicateId {
            field: Field::EndUserId,
            value: "Alice".into(),
            first: 1,
            second: 3,
        },
        "parameter 'EndUserId' item 3 is \"Alice\", which repeats item 1: IDs must be unique",
    );
}

#[test]
fn negative_limit() {
    rejects(
        &with("MaxUserPerDesktop", Some("-1"), ""),
        Error::InvalidLimit {
            field: Field::MaxUserPerDesktop,
            value: "-1".into(),
            problem: LimitProblem::Negative,
        },
        "parameter 'MaxUserPerDesktop' is -1, which is negative: it must be a whole number from 0 to 500",
    );
}

#[test]
fn fractional_limit() {
    rejects(
        &with("MaxDesktopPerUser", Some("1.5"), ""),
        Error::InvalidLimit {
            field: Field::MaxDesktopPerUser,
            value: "1.5".into(),
            problem: LimitProblem::Fractional,
        },
        "parameter 'MaxDesktopPerUser' is 1.5, which is not a whole number: it must be a whole number from 0 to 500",
    );
}

#[test]
fn non_numeric_limit() {
    rejects(
        &with("MaxUserPerDesktop", Some(r#""two""#), ""),
        Error::InvalidLimit {
            field: Field::MaxUserPerDesktop,
            value: "\"two\"".into(),
            problem: LimitProblem::NotANumber,
        },
        "parameter 'MaxUserPerDesktop' is \"two\", which is not a number: it must be a whole number from 0 to 500",
    );
}

#[test]
fn limit_above_the_api_maximum() {
    rejects(
        &with("MaxDesktopPerUser", Some("501"), ""),
        Error::InvalidLimit {
            field: Field::MaxDesktopPerUser,
            value: "501".into(),
            problem: LimitProblem::TooLarge,
        },
        "parameter 'MaxDesktopPerUser' is 501, which is above the API's maximum of 500: it must be a whole number from 0 to 500",
    );
}

#[test]
fn limit_beyond_any_integer_type() {
    rejects(
        &with("MaxUserPerDesktop", Some("123456789012345678901234567890"), ""),
        Error::InvalidLimit {
            field: Field::MaxUserPerDesktop,
            value: "123456789012345678901234567890".into(),
            problem: LimitProblem::TooLarge,
        },
        "parameter 'MaxUserPerDesktop' is 123456789012345678901234567890, which is above the API's maximum of 500: it must be a whole number from 0 to 500",
    );
}

#[test]
fn unknown_strategy_lists_the_valid_ones() {
    rejects(
        &with("Strategy", Some(r#""average""#), ""),
        Error::UnknownStrategy { value: "average".into() },
        "parameter 'Strategy' is \"average\", which is not a strategy: valid values are AVERAGE and CENTRAL",
    );
}

#[test]
fn unknown_field_suggests_the_closest() {
    rejects(
        &with("", None, r#""MaxUsersPerDesktop":1"#),
        Error::UnknownField {
            name: "MaxUsersPerDesktop".into(),
            suggestion: Some(Field::MaxUserPerDesktop),
        },
        "unknown parameter \"MaxUsersPerDesktop\": did you mean 'MaxUserPerDesktop'?",
    );
}

#[test]
fn unknown_field_far_from_any_lists_them_all() {
    rejects(
        &with("", None, r#""Colour":"blue""#),
        Error::UnknownField {
            name: "Colour".into(),
            suggestion: None,
        },
        "unknown parameter \"Colour\": known parameters are RegionId, MaxUserPerDesktop, \
         MaxDesktopPerUser, Strategy, DesktopId, EndUserId, Preview",
    );
}

#[test]
fn repeated_parameter() {
    rejects(
        &with("", None, r#""Preview":false"#),
        Error::Repeated {
            field: Field::Preview,
        },
        "parameter 'Preview' is given more than once",
    );
}

#[test]
fn malformed_json_says_where() {
    rejects(
        "{\"RegionId\":\"cn-hangzhou\",\n\"DesktopId\":[\"ecd-a\",]}",
        r#"Json { line: 2, column: 22, message: "trailing comma" }"#,
        "malformed JSON at line 2, column 22: trailing comma",
    );
}

#[test]
fn text_after_the_request_is_malformed() {
    rejects(
        &format!("{} {{}}", with("", None, "")),
        r#"Json { line: 1, column: 174, message: "trailing characters" }"#,
        "malformed JSON at line 1, column 174: trailing characters",
    );
}

#[test]
fn not_an_object() {
    rejects(
        r#"["ecd-a"]"#,
        r#"Json { line: 1, column: 1, message: "the request must be a JSON object of its parameters, but it is an array" }"#,
        "malformed JSON at line 1, column 1: the request must be a JSON object of its parameters, but it is an array",
    );
    // Every other top level too, placed where it starts.
    for (json, found, line, column) in [
        ("null", "null", 1, 1),
        ("  \"x\"", "a string", 1, 3),
        ("\n 1", "a number", 2, 2),
        ("-5", "a number", 1, 1),
        ("true", "a boolean", 1, 1),
        ("\u{feff}[]", "an array", 1, 1),
    ] {
        let message =
            format!("the request must be a JSON object of its parameters, but it is {found}");
        rejects(
            json,
            format!("Json {{ line: {line}, column: {column}, message: {message:?} }}").as_str(),
            &format!("malformed JSON at line {line}, column {column}: {message}"),
        );
    }
}

#[test]
fn empty_input() {
    rejects(
        "",
        r#"Json { line: 1, column: 1, message: "EOF while parsing a value" }"#,
        "malformed JSON at line 1, column 1: EOF while parsing a value",
    );
}

#[test]
fn id_of_the_wrong_type_names_its_position() {
    rejects(
        &with("EndUserId", Some(r#"["Alice",42]"#), ""),
        r#"WrongType { field: EndUserId, position: Some(2), expected: "a string", found: "the number 42" }"#,
        "parameter 'EndUserId' item 2 must be a string, but it is the number 42",
    );
}

#[test]
fn list_of_the_wrong_type() {
    rejects(
        &with("DesktopId", Some(r#""ecd-a""#), ""),
        r#"WrongType { field: DesktopId, position: None, expected: "an array of strings", found: "the string \"ecd-a\"" }"#,
        "parameter 'DesktopId' must be an array of strings, but it is the string \"ecd-a\"",
    );
}

#[test]
fn preview_of_the_wrong_type() {
    rejects(
        &with("Preview", Some(r#""True""#), ""),
        r#"WrongType { field: Preview, position: None, expected: "a boolean (true or false)", found: "the string \"True\"" }"#,
        "parameter 'Preview' must be a boolean (true or false), but it is the string \"True\"",
    );
}

#[test]
fn invalid_region() {
    rejects(
        &with("RegionId", Some(r#""CN_Hangzhou""#), ""),
        Error::InvalidRegion {
            value: "CN_Hangzhou".into(),
        },
        "parameter 'RegionId' is \"CN_Hangzhou\", which is not a region ID: it must be 1 to 64 \
         lowercase ASCII letters, digits and '-'",
    );
}

#[test]
fn long_values_are_shortened_in_messages() {
    let long = "x".repeat(1000);
    let expected = format!("{}…", "x".repeat(eds_entitlement::SHOWN_CHARS - 1));
    rejects(
        &with("EndUserId", Some(&format!(r#"["{long}","{long}"]"#)), ""),
        Error::DuplicateId {
            field: Field::EndUserId,
            value: expected.clone(),
            first: 1,
            second: 2,
        },
        &format!("parameter 'EndUserId' item 2 is \"{expected}\", which repeats item 1: IDs must be unique"),
    );
}
