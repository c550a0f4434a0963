//! Reading the ID lists: the fast path for plain strings and the general one agree, and
//! the general one still words every error.

use eds_entitlement::wire;
use proptest::prelude::*;

fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z0-9-]{1,8}",
        1 => any::<String>(),
        1 => Just("quote\"back\\slash\ttab\u{1}é".to_owned()),
    ]
}

proptest! {
    #[test]
    fn ids_read_back_as_written(
        desktops in prop::collection::vec(id(), 1..30),
        users in prop::collection::vec(id(), 0..30),
        spaced in any::<bool>(),
    ) {
        let json = serde_json::json!({
            "RegionId": "cn-hangzhou", "DesktopId": desktops, "EndUserId": users, "Preview": true,
        });
        let text = if spaced {
            serde_json::to_string_pretty(&json).expect("JSON")
        } else {
            serde_json::to_string(&json).expect("JSON")
        };
        let request = wire::from_json(text.as_bytes()).expect("reads");
        prop_assert_eq!(request.desktop_ids.iter().collect::<Vec<_>>(), desktops);
        prop_assert_eq!(request.end_user_ids.iter().collect::<Vec<_>>(), users);
    }
}

#[test]
fn list_errors_keep_their_words() {
    let cases = [
        (
            r#"{"DesktopId":["a", 5]}"#,
            "parameter 'DesktopId' item 2 must be a string, but it is the number 5",
        ),
        (
            r#"{"EndUserId":["a","b\n",null]}"#,
            "parameter 'EndUserId' item 3 must be a string, but it is null",
        ),
        (
            r#"{"DesktopId":"ecd-a"}"#,
            "parameter 'DesktopId' must be an array of strings, but it is the string \"ecd-a\"",
        ),
        (
            r#"{"DesktopId":["a",]}"#,
            "malformed JSON at line 1, column 19: trailing comma",
        ),
        (
            r#"{"DesktopId":["a","\ud800"]}"#,
            "malformed JSON at line 1, column 26: unexpected end of hex escape",
        ),
        (
            r#"{"DesktopId":["a" "b"]}"#,
            "malformed JSON at line 1, column 19: expected `,` or `]`",
        ),
    ];
    for (json, message) in cases {
        let error = wire::from_json(json.as_bytes()).unwrap_err();
        assert_eq!(error.to_string(), message, "{json}");
    }
    let request =
        wire::from_json(br#"{"RegionId":"r","DesktopId":[ ],"EndUserId":null,"Preview":true}"#)
            .expect("reads");
    assert!(request.desktop_ids.is_empty() && request.end_user_ids.is_empty());
}
