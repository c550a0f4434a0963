//! Limits in the JSON form are read exactly from their text, never through a float: a value
//! a hair away from a whole number is not that number, and no exponent is too large to read.

use eds_entitlement::{wire, Error, Field, LimitProblem, Request};

/// A JSON request whose `MaxUserPerDesktop` is `text`, read.
fn read(text: &str) -> Result<Request, Error> {
    let json = format!(
        r#"{{"RegionId":"cn-hangzhou","DesktopId":["ecd-a"],"Preview":true,"MaxUserPerDesktop":{text}}}"#
    );
    wire::from_json(json.as_bytes())
}

/// Whole values, however they are written, and what they are read as.
const WHOLE: [(&str, u32); 16] = [
    ("0", 0),
    ("-0", 0),
    ("-0.0", 0),
    ("0e999999999", 0),
    ("0.000e-999999999", 0),
    ("2.0", 2),
    ("5e1", 50),
    ("500E+0", 500),
    ("5000e-1", 500),
    ("0.5e1", 5),
    ("1.0000000000000000000000e2", 100),
    ("0.00000000000000000000000000005e29", 5),
    ("4294967295", u32::MAX),
    ("4.294967295e9", u32::MAX),
    ("42949672950e-1", u32::MAX),
    ("501", 501),
];

/// Values that are not whole numbers from 0 to `u32::MAX`, and why.
const REJECTED: [(&str, LimitProblem); 17] = [
    ("1e-400", LimitProblem::Fractional),
    ("-1e-400", LimitProblem::Negative),
    ("0.9999999999999999999", LimitProblem::Fractional),
    ("500.00000000000000001", LimitProblem::Fractional),
    ("1.00000000000000000001", LimitProblem::Fractional),
    ("25e-1", LimitProblem::Fractional),
    ("1e-99999999999999999999999999999", LimitProblem::Fractional),
    ("-0.5", LimitProblem::Negative),
    ("-1e99999999999999999999999999", LimitProblem::Negative),
    ("4294967295.5", LimitProblem::TooLarge),
    ("4294967295.0000000000000001", LimitProblem::TooLarge),
    ("4294967296", LimitProblem::TooLarge),
    ("4.294967296e9", LimitProblem::TooLarge),
    ("1e10", LimitProblem::TooLarge),
    ("1e999999999", LimitProblem::TooLarge),
    (
        "1e99999999999999999999999999999999999999999",
        LimitProblem::TooLarge,
    ),
    ("123456789012345678901234567890e-19", LimitProblem::TooLarge),
];

#[test]
fn whole_values_are_read_exactly() {
    for (text, value) in WHOLE {
        let request = read(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(request.max_user_per_desktop, Some(value), "{text}");
    }
}

#[test]
fn values_near_a_whole_number_are_not_rounded_to_it() {
    for (text, problem) in REJECTED {
        assert_eq!(
            read(text).unwrap_err(),
            Error::InvalidLimit {
                field: Field::MaxUserPerDesktop,
                value: text.to_owned(),
                problem
            },
            "{text}"
        );
    }
    assert_eq!(
        read("1e-400").unwrap_err().to_string(),
        "parameter 'MaxUserPerDesktop' is 1e-400, which is not a whole number: it must be a whole number from 0 to 500"
    );
    assert_eq!(
        read("-1e-400").unwrap_err().to_string(),
        "parameter 'MaxUserPerDesktop' is -1e-400, which is negative: it must be a whole number from 0 to 500"
    );
    assert_eq!(
        read("500.00000000000000001").unwrap_err().to_string(),
        "parameter 'MaxUserPerDesktop' is 500.00000000000000001, which is not a whole number: it must be a whole number from 0 to 500"
    );
}

#[test]
fn long_numbers_are_read_in_one_pass() {
    // A million-digit exponent and a million-digit fraction: read from the text alone.
    let exponent = format!("1e{}", "9".repeat(1_000_000));
    assert_eq!(
        read(&exponent).unwrap_err(),
        Error::InvalidLimit {
            field: Field::MaxUserPerDesktop,
            value: format!("1e{}…", "9".repeat(61)),
            problem: LimitProblem::TooLarge
        }
    );
    let fraction = format!("0.{}7e1000000", "0".repeat(999_999));
    assert_eq!(read(&fraction).unwrap().max_user_per_desktop, Some(7));
}

#[test]
fn other_json_values_are_not_numbers() {
    for text in [r#""2""#, "true", "[2]", r#"{"a":2}"#] {
        assert_eq!(
            read(text).unwrap_err(),
            Error::InvalidLimit {
                field: Field::MaxUserPerDesktop,
                value: text.to_owned(),
                problem: LimitProblem::NotANumber
            },
            "{text}"
        );
    }
    assert_eq!(read("null").unwrap().max_user_per_desktop, None);
}

#[test]
fn a_limit_spread_over_lines_is_shown_on_one() {
    // The raw JSON text of a bad limit is quoted as written, control characters escaped:
    // a message is one line (found by the fuzzer in the query form's item numbers).
    let error = read("[\n1]").unwrap_err();
    assert_eq!(
        error.to_string(),
        "parameter 'MaxUserPerDesktop' is [\\n1], which is not a number: it must be a whole number from 0 to 500"
    );
}
