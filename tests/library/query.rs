//! The RPC query form (`docs/contract.md`, §1): reading, every rejection with its wording pinned, and the
//! round trip through `to_query`.

use eds_entitlement::wire::{from_query, to_query};
use eds_entitlement::{Error, Field, IdList, IndexProblem, LimitProblem, Request, Strategy};
use proptest::prelude::*;
use proptest::strategy::Strategy as _;

const BASE: &str = "RegionId=cn-hangzhou&Preview=true";

/// `BASE` with `extra` appended, read.
fn read(extra: &str) -> Result<Request, Error> {
    from_query(format!("{BASE}&{extra}").as_bytes())
}

/// The message of the error that `text` is rejected with.
fn message(text: &str) -> String {
    match from_query(text.as_bytes()) {
        Ok(request) => panic!("{text:?} was accepted as {request:?}"),
        Err(e) => e.to_string(),
    }
}

fn ids(list: &IdList) -> Vec<&str> {
    list.iter().collect()
}

#[test]
fn reads_the_spec_example() {
    let request = from_query(
        b"RegionId=cn-hangzhou&DesktopId.1=ecd-a&DesktopId.2=ecd-b&EndUserId.1=Alice&MaxUserPerDesktop=1&Preview=true",
    )
    .unwrap();
    assert_eq!(
        request,
        Request::new("cn-hangzhou", ["ecd-a", "ecd-b"], ["Alice"])
            .max_user_per_desktop(1)
            .preview(true)
    );
    assert_eq!(request.max_desktop_per_user, None);
    assert_eq!(request.strategy, Strategy::Average);
}

#[test]
fn items_are_ordered_by_number_not_position() {
    let request =
        read("DesktopId.3=c&DesktopId.1=a&EndUserId.2=B&DesktopId.2=b&EndUserId.1=A").unwrap();
    assert_eq!(ids(&request.desktop_ids), ["a", "b", "c"]);
    assert_eq!(ids(&request.end_user_ids), ["A", "B"]);

    // Ten and more sort as numbers, not as text.
    let text: Vec<String> = (1..=12)
        .rev()
        .map(|i| format!("DesktopId.{i}=d{i}"))
        .collect();
    let request = read(&text.join("&")).unwrap();
    let expected: Vec<String> = (1..=12).map(|i| format!("d{i}")).collect();
    assert_eq!(ids(&request.desktop_ids), expected);
}

#[test]
fn values_are_percent_decoded_with_plus_as_space() {
    let request = read(
        "DesktopId.1=a%20b+c&DesktopId.2=%26%3d%25%2B.&DesktopId.3=Zo%C3%ABe&DesktopId.4=%e6%bc%a2&DesktopId.5=x=y",
    )
    .unwrap();
    assert_eq!(
        ids(&request.desktop_ids),
        ["a b c", "&=%+.", "Zoëe", "漢", "x=y"]
    );
    // Names are decoded too.
    let request = from_query(b"Region%49d=cn-hangzhou&DesktopId%2E1=a&Preview=true").unwrap();
    assert_eq!(request.region_id, "cn-hangzhou");
    assert_eq!(ids(&request.desktop_ids), ["a"]);
    // Raw UTF-8 is taken as it is.
    assert_eq!(ids(&read("DesktopId.1=漢").unwrap().desktop_ids), ["漢"]);
}

#[test]
fn booleans_take_both_sdk_spellings() {
    for (text, value) in [
        ("true", true),
        ("True", true),
        ("false", false),
        ("False", false),
    ] {
        let request =
            from_query(format!("RegionId=r&DesktopId.1=a&Preview={text}").as_bytes()).unwrap();
        assert_eq!(request.preview, value, "{text}");
    }
    for text in ["TRUE", "1", "yes", "", " true"] {
        let e =
            from_query(format!("RegionId=r&DesktopId.1=a&Preview={text}").as_bytes()).unwrap_err();
        // Its Debug text: the variant is non-exhaustive, not built outside the crate.
        assert_eq!(
            format!("{e:?}"),
            format!(
                r#"WrongType {{ field: Preview, position: None, expected: "a boolean (true, false, True or False)", found: {:?} }}"#,
                format!("{text:?}")
            )
        );
    }
    assert_eq!(
        message("RegionId=r&DesktopId.1=a&Preview=yes"),
        r#"parameter 'Preview' must be a boolean (true, false, True or False), but it is "yes""#
    );
}

#[test]
fn limits_follow_the_json_rules() {
    let request = read("DesktopId.1=a&MaxUserPerDesktop=0&MaxDesktopPerUser=500").unwrap();
    assert_eq!(request.max_user_per_desktop, Some(0));
    assert_eq!(request.max_desktop_per_user, Some(500));
    let request = read("DesktopId.1=a&MaxUserPerDesktop=2.0&MaxDesktopPerUser=5e1").unwrap();
    assert_eq!(request.max_user_per_desktop, Some(2));
    assert_eq!(request.max_desktop_per_user, Some(50));

    let cases = [
        ("-1", "-1", LimitProblem::Negative),
        ("-0.5", "-0.5", LimitProblem::Negative),
        ("1.5", "1.5", LimitProblem::Fractional),
        ("abc", r#""abc""#, LimitProblem::NotANumber),
        ("", r#""""#, LimitProblem::NotANumber),
        ("+1", r#"" 1""#, LimitProblem::NotANumber),
        ("1x", r#""1x""#, LimitProblem::NotANumber),
        ("99999999999", "99999999999", LimitProblem::TooLarge),
    ];
    for (text, value, problem) in cases {
        let e = read(&format!("DesktopId.1=a&MaxUserPerDesktop={text}")).unwrap_err();
        assert_eq!(
            e,
            Error::InvalidLimit {
                field: Field::MaxUserPerDesktop,
                value: value.to_owned(),
                problem
            },
            "{text}"
        );
    }
    assert_eq!(
        message("RegionId=r&DesktopId.1=a&Preview=true&MaxDesktopPerUser=1.5"),
        "parameter 'MaxDesktopPerUser' is 1.5, which is not a whole number: it must be a whole number from 0 to 500"
    );
    assert_eq!(
        message("RegionId=r&DesktopId.1=a&Preview=true&MaxDesktopPerUser=two"),
        r#"parameter 'MaxDesktopPerUser' is "two", which is not a number: it must be a whole number from 0 to 500"#
    );
    // Above 500 is read, then rejected by the check, as in JSON.
    let request = read("DesktopId.1=a&MaxUserPerDesktop=501").unwrap();
    assert_eq!(
        request.check().unwrap_err().to_string(),
        "parameter 'MaxUserPerDesktop' is 501, which is above the API's maximum of 500: it must be a whole number from 0 to 500"
    );
}

#[test]
fn limits_are_read_exactly_not_through_a_float() {
    let whole = [
        ("-0", 0),
        ("0e999999999", 0),
        ("00012", 12),
        ("5000e-1", 500),
        ("0.00000000000000000000000000005e29", 5),
        ("42949672950e-1", u32::MAX),
    ];
    for (text, value) in whole {
        let request = read(&format!("DesktopId.1=a&MaxDesktopPerUser={text}"))
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(request.max_desktop_per_user, Some(value), "{text}");
    }
    let cases = [
        ("1e-400", "1e-400", LimitProblem::Fractional),
        ("-1e-400", "-1e-400", LimitProblem::Negative),
        (
            "0.9999999999999999999",
            "0.9999999999999999999",
            LimitProblem::Fractional,
        ),
        (
            "500.00000000000000001",
            "500.00000000000000001",
            LimitProblem::Fractional,
        ),
        (
            "4294967295.0000000000000001",
            "4294967295.0000000000000001",
            LimitProblem::TooLarge,
        ),
        ("1e999999999", "1e999999999", LimitProblem::TooLarge),
        ("1e-999999999", "1e-999999999", LimitProblem::Fractional),
        // The JSON number syntax, with leading zeros allowed: nothing else is a number.
        ("5.", r#""5.""#, LimitProblem::NotANumber),
        (".5", r#"".5""#, LimitProblem::NotANumber),
        ("-inf", r#""-inf""#, LimitProblem::NotANumber),
        ("1e", r#""1e""#, LimitProblem::NotANumber),
        ("1e%2B", r#""1e+""#, LimitProblem::NotANumber),
        ("-", r#""-""#, LimitProblem::NotANumber),
        ("1.2.3", r#""1.2.3""#, LimitProblem::NotANumber),
        ("1e5.5", r#""1e5.5""#, LimitProblem::NotANumber),
    ];
    for (text, value, problem) in cases {
        let e = read(&format!("DesktopId.1=a&MaxUserPerDesktop={text}")).unwrap_err();
        assert_eq!(
            e,
            Error::InvalidLimit {
                field: Field::MaxUserPerDesktop,
                value: value.to_owned(),
                problem
            },
            "{text}"
        );
    }
    assert_eq!(
        message("RegionId=r&DesktopId.1=a&Preview=true&MaxUserPerDesktop=1e-400"),
        "parameter 'MaxUserPerDesktop' is 1e-400, which is not a whole number: it must be a whole number from 0 to 500"
    );
    assert_eq!(
        message("RegionId=r&DesktopId.1=a&Preview=true&MaxUserPerDesktop=-1e-400"),
        "parameter 'MaxUserPerDesktop' is -1e-400, which is negative: it must be a whole number from 0 to 500"
    );
    assert_eq!(
        message("RegionId=r&DesktopId.1=a&Preview=true&MaxDesktopPerUser=0.9999999999999999999"),
        "parameter 'MaxDesktopPerUser' is 0.9999999999999999999, which is not a whole number: it must be a whole number from 0 to 500"
    );
    assert_eq!(
        message("RegionId=r&DesktopId.1=a&Preview=true&MaxDesktopPerUser=5."),
        r#"parameter 'MaxDesktopPerUser' is "5.", which is not a number: it must be a whole number from 0 to 500"#
    );
}

#[test]
fn strategy_is_read_exactly() {
    let request = read("DesktopId.1=a&Strategy=CENTRAL").unwrap();
    assert_eq!(request.strategy, Strategy::Central);
    assert_eq!(
        message("RegionId=r&DesktopId.1=a&Preview=true&Strategy=central"),
        r#"parameter 'Strategy' is "central", which is not a strategy: valid values are AVERAGE and CENTRAL"#
    );
}

#[test]
fn common_parameters_are_ignored_but_action_is_checked() {
    let request = read(
        "Action=BatchModifyEntitlement&Version=2020-09-30&Format=JSON&AccessKeyId=AK&\
         Signature=abc%2Bdef%3D&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&\
         SignatureNonce=n-1&Timestamp=2024-01-01T00%3A00%3A00Z&SecurityToken=tok&DesktopId.1=a",
    )
    .unwrap();
    assert_eq!(request, Request::new("cn-hangzhou", ["a"], [] as [&str; 0]));

    assert_eq!(
        read("Action=DescribeDesktops&DesktopId.1=a").unwrap_err(),
        Error::WrongAction {
            value: "DescribeDesktops".to_owned()
        }
    );
    assert_eq!(
        message("Action=ModifyEntitlement&RegionId=r"),
        r#"parameter 'Action' is "ModifyEntitlement", but this tool reads only 'BatchModifyEntitlement' requests"#
    );
    // Names are case-sensitive, as the API's are.
    assert_eq!(
        message("action=BatchModifyEntitlement"),
        r#"unknown parameter "action": known parameters are RegionId, MaxUserPerDesktop, MaxDesktopPerUser, Strategy, DesktopId, EndUserId, Preview"#
    );
}

#[test]
fn a_repeated_common_parameter_is_rejected() {
    assert_eq!(
        read("Version=2017-03-06&DesktopId.1=a&Version=2020-09-30").unwrap_err(),
        Error::RepeatedParameter {
            name: "Version",
            values: Some(("2017-03-06".to_owned(), "2020-09-30".to_owned()))
        }
    );
    assert_eq!(
        message("Action=BatchModifyEntitlement&Action=BatchModifyEntitlement"),
        r#"parameter 'Action' is given more than once: "BatchModifyEntitlement", then "BatchModifyEntitlement""#
    );
    // The repeat is found before the second Action is checked.
    assert_eq!(
        message("Action=BatchModifyEntitlement&Action=DescribeDesktops"),
        r#"parameter 'Action' is given more than once: "BatchModifyEntitlement", then "DescribeDesktops""#
    );
    assert_eq!(
        message("Timestamp=2024-01-01T00%3A00%3A00Z&Timestamp=x"),
        r#"parameter 'Timestamp' is given more than once: "2024-01-01T00:00:00Z", then "x""#
    );
    // Credentials are named, never shown.
    for name in ["Signature", "SecurityToken"] {
        assert_eq!(
            read(&format!("{name}=secret-1&{name}=secret-2")).unwrap_err(),
            Error::RepeatedParameter { name, values: None }
        );
        assert_eq!(
            message(&format!("{name}=secret-1&{name}=secret-2")),
            format!("parameter '{name}' is given more than once")
        );
    }
}

#[test]
fn unknown_parameters_get_a_suggestion_without_their_item_number() {
    assert_eq!(
        read("DesktopIds.1=a").unwrap_err(),
        Error::UnknownField {
            name: "DesktopIds.1".to_owned(),
            suggestion: Some(Field::DesktopId)
        }
    );
    assert_eq!(
        message("RegionId=r&MaxUsersPerDesktop=1"),
        r#"unknown parameter "MaxUsersPerDesktop": did you mean 'MaxUserPerDesktop'?"#
    );
    assert_eq!(
        message("EndUserIds.3=x"),
        r#"unknown parameter "EndUserIds.3": did you mean 'EndUserId'?"#
    );
    // A scalar with an item number is not that scalar.
    assert_eq!(
        message("RegionId.1=cn-hangzhou"),
        r#"unknown parameter "RegionId.1": did you mean 'RegionId'?"#
    );
}

#[test]
fn a_repeated_scalar_is_rejected_with_both_values() {
    assert_eq!(
        read("DesktopId.1=a&RegionId=cn-shanghai").unwrap_err(),
        Error::RepeatedParameter {
            name: "RegionId",
            values: Some(("cn-hangzhou".to_owned(), "cn-shanghai".to_owned()))
        }
    );
    assert_eq!(
        message("Preview=true&Preview=false"),
        r#"parameter 'Preview' is given more than once: "true", then "false""#
    );
    // The repeat is found before the second value is read as a limit.
    assert_eq!(
        message("MaxUserPerDesktop=1&Strategy=CENTRAL&MaxUserPerDesktop=x%26y"),
        r#"parameter 'MaxUserPerDesktop' is given more than once: "1", then "x&y""#
    );
    let long = "r".repeat(100);
    assert_eq!(
        message(&format!("RegionId={long}&RegionId=r")),
        format!(
            r#"parameter 'RegionId' is given more than once: "{}…", then "r""#,
            "r".repeat(63)
        )
    );
}

#[test]
fn item_numbers_must_be_one_two_three() {
    assert_eq!(
        read("DesktopId=a").unwrap_err(),
        Error::NotIndexed {
            field: Field::DesktopId
        }
    );
    assert_eq!(
        message("EndUserId=Alice"),
        "parameter 'EndUserId' needs an item number: a list is sent as 'EndUserId.1', 'EndUserId.2', …"
    );
    let cases = [
        ("0", IndexProblem::Zero),
        ("01", IndexProblem::LeadingZero),
        ("00", IndexProblem::LeadingZero),
        ("", IndexProblem::NotANumber),
        ("x", IndexProblem::NotANumber),
        ("-1", IndexProblem::NotANumber),
        ("+1", IndexProblem::NotANumber),
        ("1.2", IndexProblem::NotANumber),
    ];
    for (index, problem) in cases {
        let e = read(&format!("DesktopId.{index}=a")).unwrap_err();
        let index = index.replace('+', " ");
        assert_eq!(
            e,
            Error::BadIndex {
                field: Field::DesktopId,
                index,
                problem
            }
        );
    }
    assert_eq!(
        message("DesktopId.0=a"),
        r#"parameter 'DesktopId.0' has item number "0", which is zero: items are numbered 1, 2, 3, … in decimal"#
    );
    assert_eq!(
        message("EndUserId.01=a"),
        r#"parameter 'EndUserId.01' has item number "01", which has a leading zero: items are numbered 1, 2, 3, … in decimal"#
    );
    assert_eq!(
        message("EndUserId.one=a"),
        r#"parameter 'EndUserId.one' has item number "one", which is not a whole number: items are numbered 1, 2, 3, … in decimal"#
    );
}

#[test]
fn a_gap_or_a_repeat_in_the_numbers_is_rejected() {
    assert_eq!(
        read("DesktopId.1=a&DesktopId.3=c").unwrap_err(),
        Error::MissingItem {
            field: Field::DesktopId,
            missing: 2,
            next: "3".to_owned()
        }
    );
    assert_eq!(
        message("RegionId=r&Preview=true&EndUserId.2=B"),
        "parameter 'EndUserId' has no item 1 but has item 2: items are numbered 1, 2, 3, … without a gap"
    );
    assert_eq!(
        read("DesktopId.1=a&DesktopId.2=b&DesktopId.2=c").unwrap_err(),
        Error::RepeatedItem {
            field: Field::DesktopId,
            position: 2,
            first: "b".to_owned(),
            second: "c".to_owned()
        }
    );
    assert_eq!(
        message("RegionId=r&Preview=true&DesktopId.1=a&EndUserId.1=A&EndUserId.1=A"),
        r#"parameter 'EndUserId.1' is given more than once: "A", then "A""#
    );
    // First and second as they stand in the text, whatever stands between them.
    assert_eq!(
        message("RegionId=r&Preview=true&DesktopId.2=x&DesktopId.1=a&DesktopId.2=y&DesktopId.2=z"),
        r#"parameter 'DesktopId.2' is given more than once: "x", then "y""#
    );
    // DesktopId's problems come before EndUserId's, whatever the order in the text.
    assert_eq!(
        message("RegionId=r&Preview=true&EndUserId.2=B&DesktopId.2=a"),
        "parameter 'DesktopId' has no item 1 but has item 2: items are numbered 1, 2, 3, … without a gap"
    );
}

#[test]
fn huge_item_numbers_are_a_gap_not_an_allocation() {
    assert_eq!(
        message("RegionId=r&Preview=true&DesktopId.1=a&DesktopId.99999999999=b"),
        "parameter 'DesktopId' has no item 2 but has item 99999999999: items are numbered 1, 2, 3, … without a gap"
    );
    let huge = "9".repeat(40);
    assert_eq!(
        read(&format!(
            "DesktopId.1=a&DesktopId.{huge}=b&DesktopId.1{huge}=c"
        ))
        .unwrap_err(),
        Error::MissingItem {
            field: Field::DesktopId,
            missing: 2,
            next: huge
        }
    );
    assert_eq!(
        read(&format!("DesktopId.{}=a", u64::MAX)).unwrap_err(),
        Error::MissingItem {
            field: Field::DesktopId,
            missing: 1,
            next: u64::MAX.to_string()
        }
    );
}

#[test]
fn the_gap_names_the_least_number_beyond_it_however_large() {
    // u64::MAX is a number like any other, below every number too large for a u64.
    for text in [
        "DesktopId.1=a&DesktopId.18446744073709551615=x&DesktopId.99999999999999999999=y",
        "DesktopId.1=a&DesktopId.99999999999999999999=y&DesktopId.18446744073709551615=x",
        "DesktopId.1=a&DesktopId.18446744073709551616=y&DesktopId.18446744073709551615=x",
    ] {
        assert_eq!(
            message(&format!("RegionId=r&Preview=true&{text}")),
            "parameter 'DesktopId' has no item 2 but has item 18446744073709551615: items are numbered 1, 2, 3, … without a gap",
            "{text}"
        );
    }
    // A number that fits a u64 is below one that does not, and one of fewer digits below
    // one of more.
    assert_eq!(
        read("EndUserId.100000000000000000000=x&EndUserId.18446744073709551614=y&DesktopId.1=a")
            .unwrap_err(),
        Error::MissingItem {
            field: Field::EndUserId,
            missing: 1,
            next: "18446744073709551614".to_owned()
        }
    );
    assert_eq!(
        read("EndUserId.200000000000000000000=x&EndUserId.100000000000000000000=y&DesktopId.1=a")
            .unwrap_err(),
        Error::MissingItem {
            field: Field::EndUserId,
            missing: 1,
            next: "100000000000000000000".to_owned()
        }
    );
}

#[test]
fn malformed_text_says_where_and_in_which_parameter() {
    // Byte positions are 1-based: "RegionId=r&DesktopId.1=" is 23 bytes.
    assert_eq!(
        format!(
            "{:?}",
            from_query(b"RegionId=r&DesktopId.1=ab%G1&Preview=true").unwrap_err()
        ),
        r#"Query { byte: 26, parameter: Some("DesktopId.1"), problem: BadEscape { text: "%G1" } }"#
    );
    assert_eq!(
        message("RegionId=r&DesktopId.1=ab%G1&Preview=true"),
        r#"malformed query at byte 26, in parameter "DesktopId.1": "%G1" is not a percent escape: '%' must be followed by two hex digits"#
    );
    assert_eq!(
        message("RegionId=r&Preview=true&DesktopId.1=a%4"),
        r#"malformed query at byte 38, in parameter "DesktopId.1": "%4" is not a percent escape: '%' must be followed by two hex digits"#
    );
    assert_eq!(
        message("RegionId=r&Preview=true&DesktopId.1=a%"),
        r#"malformed query at byte 38, in parameter "DesktopId.1": "%" is not a percent escape: '%' must be followed by two hex digits"#
    );
    assert_eq!(
        message("RegionId=cn%2"),
        r#"malformed query at byte 12, in parameter "RegionId": "%2" is not a percent escape: '%' must be followed by two hex digits"#
    );
    // In a name: the name is shown as written.
    assert_eq!(
        message("Desktop%ZZId.1=a"),
        r#"malformed query at byte 8, in parameter "Desktop%ZZId.1": "%ZZ" is not a percent escape: '%' must be followed by two hex digits"#
    );
    // Not UTF-8 once decoded: the position of the escape that breaks it.
    assert_eq!(
        format!(
            "{:?}",
            from_query(b"RegionId=r&EndUserId.1=ok%C3%28").unwrap_err()
        ),
        r#"Query { byte: 26, parameter: Some("EndUserId.1"), problem: NotUtf8 }"#
    );
    assert_eq!(
        message("RegionId=r&EndUserId.1=%FF"),
        r#"malformed query at byte 24, in parameter "EndUserId.1": the text is not UTF-8 once percent-decoded"#
    );
    // Raw bytes that are not UTF-8.
    assert_eq!(
        format!(
            "{:?}",
            from_query(b"RegionId=r&DesktopId.1=a\xff").unwrap_err()
        ),
        r#"Query { byte: 25, parameter: Some("DesktopId.1"), problem: NotUtf8 }"#
    );
    assert_eq!(
        message("Region%FFId=r"),
        r#"malformed query at byte 7, in parameter "Region%FFId": the text is not UTF-8 once percent-decoded"#
    );
    // A pair without '=', and one without a name.
    assert_eq!(
        message("RegionId=r&Preview&DesktopId.1=a"),
        r#"malformed query at byte 12, in parameter "Preview": it has no '=' and no value"#
    );
    assert_eq!(
        message("RegionId=r&=a"),
        r#"malformed query at byte 12: the value "a" has no parameter name before its '='"#
    );
    // The value is shown decoded (as far as it can be) and shortened.
    assert_eq!(
        format!("{:?}", from_query(b"=ecd%2Da+b").unwrap_err()),
        r#"Query { byte: 1, parameter: None, problem: NoName { value: "ecd-a b" } }"#
    );
    assert_eq!(
        message("="),
        r#"malformed query at byte 1: the value "" has no parameter name before its '='"#
    );
    assert_eq!(
        message("=%FF%4"),
        r#"malformed query at byte 1: the value "%FF%4" has no parameter name before its '='"#
    );
    assert_eq!(
        message(&format!("={}", "v".repeat(70))),
        format!(
            r#"malformed query at byte 1: the value "{}…" has no parameter name before its '='"#,
            "v".repeat(63)
        )
    );
}

#[test]
fn missing_parameters_are_named() {
    assert_eq!(
        message("DesktopId.1=a&Preview=true"),
        "missing required parameter 'RegionId'"
    );
    assert_eq!(
        message("RegionId=r&Preview=true"),
        "missing required parameter 'DesktopId'"
    );
    assert_eq!(
        message("RegionId=r&DesktopId.1=a"),
        "missing required parameter 'Preview'"
    );
    assert_eq!(message(""), "missing required parameter 'RegionId'");
    // Empty values are read, and the check rejects them with their position.
    let request = read("DesktopId.1=a&DesktopId.2=").unwrap();
    assert_eq!(
        request.check().unwrap_err().to_string(),
        "parameter 'DesktopId' item 2 is an empty string, but IDs must not be empty"
    );
}

#[test]
fn copies_and_files_are_tolerated() {
    let expected = Request::new("cn-hangzhou", ["a", "b"], ["A"]);
    for text in [
        "RegionId=cn-hangzhou&DesktopId.1=a&DesktopId.2=b&EndUserId.1=A&Preview=true\n",
        "  RegionId=cn-hangzhou&DesktopId.1=a&DesktopId.2=b&EndUserId.1=A&Preview=true\r\n\t ",
        "?RegionId=cn-hangzhou&DesktopId.1=a&DesktopId.2=b&EndUserId.1=A&Preview=true",
        "RegionId=cn-hangzhou&&DesktopId.1=a&DesktopId.2=b&EndUserId.1=A&Preview=true&",
        "&RegionId=cn-hangzhou&DesktopId.1=a&&&DesktopId.2=b&EndUserId.1=A&Preview=true&&",
    ] {
        assert_eq!(
            from_query(text.as_bytes()),
            Ok(expected.clone()),
            "{text:?}"
        );
    }
    // Only one '?', and whitespace inside a value is part of it.
    assert_eq!(
        message("??RegionId=r"),
        r#"unknown parameter "?RegionId": did you mean 'RegionId'?"#
    );
    let request = read("DesktopId.1=a\n&DesktopId.2=b").unwrap();
    assert_eq!(ids(&request.desktop_ids), ["a\n", "b"]);
}

#[test]
fn to_query_writes_what_the_sdks_write() {
    let request = Request::new(
        "cn-hangzhou",
        ["ecd-a", "ecd b"],
        ["Zoë", "a&b=c%d+e.f~g_h/i"],
    )
    .max_desktop_per_user(0)
    .strategy(Strategy::Central)
    .preview(false);
    assert_eq!(
        to_query(&request),
        "RegionId=cn-hangzhou&DesktopId.1=ecd-a&DesktopId.2=ecd%20b&EndUserId.1=Zo%C3%AB&\
         EndUserId.2=a%26b%3Dc%25d%2Be.f~g_h%2Fi&MaxDesktopPerUser=0&Strategy=CENTRAL&Preview=false"
    );
    // No users: no EndUserId at all.
    let request = Request::new("r", ["d"], [] as [&str; 0]).max_user_per_desktop(3);
    assert_eq!(
        to_query(&request),
        "RegionId=r&DesktopId.1=d&MaxUserPerDesktop=3&Strategy=AVERAGE&Preview=true"
    );
}

fn id() -> impl proptest::strategy::Strategy<Value = String> {
    prop_oneof![
        // IDs that need escaping.
        "[ &=%+.a-zA-Z0-9~_/?#é漢😀-]{0,12}",
        // Anything at all.
        any::<String>(),
    ]
}

fn request() -> impl proptest::strategy::Strategy<Value = Request> {
    (
        id(),
        proptest::collection::vec(id(), 1..15),
        proptest::collection::vec(id(), 0..15),
        proptest::option::of(any::<u32>()),
        proptest::option::of(any::<u32>()),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(region, desktops, users, k, m, central, preview)| {
            let mut request = Request::new(region, desktops, users)
                .strategy(if central {
                    Strategy::Central
                } else {
                    Strategy::Average
                })
                .preview(preview);
            request.max_user_per_desktop = k;
            request.max_desktop_per_user = m;
            request
        })
}

proptest! {
    #[test]
    fn encode_then_parse_gives_the_same_request(request in request()) {
        let text = to_query(&request);
        prop_assert!(text.bytes().all(|b| b.is_ascii_graphic()), "{}", text);
        prop_assert_eq!(from_query(text.as_bytes()), Ok(request));
    }

    #[test]
    fn item_order_in_the_text_does_not_matter(request in request(), seed in any::<u64>()) {
        let text = to_query(&request);
        let mut pairs: Vec<&str> = text.split('&').collect();
        // A seeded shuffle (Fisher-Yates with an LCG): no randomness outside the seed.
        let mut state = seed;
        for i in (1..pairs.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            pairs.swap(i, (state >> 33) as usize % (i + 1));
        }
        prop_assert_eq!(from_query(pairs.join("&").as_bytes()), Ok(request));
    }

    #[test]
    fn whatever_is_read_is_written_back_the_same(
        text in proptest::collection::vec(
            prop_oneof![any::<u8>(), Just(b'&'), Just(b'='), Just(b'%'), Just(b'.')], 0..64),
        prefix in any::<bool>(),
    ) {
        // Arbitrary bytes, sometimes after a valid start: never a panic, and whatever is
        // accepted survives a round trip.
        let mut input = if prefix { b"RegionId=r&Preview=true&DesktopId.1=".to_vec() } else { Vec::new() };
        input.extend_from_slice(&text);
        if let Ok(request) = from_query(&input) {
            prop_assert_eq!(from_query(to_query(&request).as_bytes()), Ok(request));
        }
    }
}
