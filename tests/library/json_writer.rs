//! The hand-written compact JSON writer against serde_json, byte for byte, on IDs with
//! every kind of character JSON escapes (or does not).

use eds_entitlement::Strategy::{Average, Central};
use eds_entitlement::{plan, wire, Plan, Request, Response};
use proptest::prelude::*;

/// IDs drawn from characters that matter to JSON: quotes, backslashes, non-ASCII, and
/// plain letters; made distinct by their index in front (a suffix alone lets "1"+"4" and
/// ""+"14" collide), and ending in it. (IDs hold no control character and no whitespace at
/// their ends, or the request is not checked; the `RequestId`, which is not an ID, carries
/// every control character to the writer.)
fn ids(max: usize) -> impl Strategy<Value = Vec<String>> {
    let ch = prop_oneof![
        4 => prop::char::range('a', 'z'),
        1 => Just('"'),
        1 => Just('\\'),
        1 => Just('/'),
        1 => Just(' '),
        1 => any::<char>().prop_filter("printable", |c| !c.is_control()),
    ];
    prop::collection::vec(prop::collection::vec(ch, 0..6), 0..max).prop_map(|ids| {
        ids.into_iter()
            .enumerate()
            .map(|(i, chars)| format!("x{i}:{}{i}", chars.into_iter().collect::<String>()))
            .collect()
    })
}

fn serde(response: &Response<'_>) -> Vec<u8> {
    let mut expected = serde_json::to_vec(response).expect("serialises");
    expected.push(b'\n');
    expected
}

proptest! {
    #[test]
    fn compact_writer_matches_serde_json(
        desktops in ids(40).prop_filter("at least one desktop", |d| !d.is_empty()),
        users in ids(40),
        k in 0..4u32, m in 0..4u32, central in any::<bool>(), preview in any::<bool>(),
        request_id in prop::option::of("(.|[\\x00-\\x1f\\x7f])*"),
    ) {
        let strategy = if central { Central } else { Average };
        let request = Request::new("cn-hangzhou", &desktops, &users)
            .max_user_per_desktop(k)
            .max_desktop_per_user(m)
            .strategy(strategy)
            .preview(preview)
            .check()
            .expect("valid");
        let plan = plan(&request);
        let mut response = Response::new(&request, &plan);
        if let Some(id) = request_id {
            response = response.with_request_id(id);
        }
        let mut written = Vec::new();
        wire::write_json(&response, &mut written, false).expect("writes");
        // As text first, for a readable failure; then the bytes.
        let expected = serde(&response);
        prop_assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(&expected));
        prop_assert_eq!(&written, &expected);
        // The in-memory form: the same bytes, by the same writer, without the newline.
        let string = wire::to_json_string(&response);
        prop_assert_eq!(string.as_bytes(), &written[..written.len() - 1]);
    }
}

#[test]
fn to_json_string_holds_a_large_plan_in_one_string() {
    // Past the stream's chunk size: the in-memory writer does not lose what it gathered.
    let desktops: Vec<String> = (0..5000).map(|i| format!("ecd-{i:05}")).collect();
    let users: Vec<String> = (0..300).map(|i| format!("user \"{i}\"")).collect();
    let request = Request::new("cn-hangzhou", &desktops, &users)
        .max_user_per_desktop(3)
        .check()
        .expect("valid");
    let plan = plan(&request);
    let response = Response::new(&request, &plan);
    let string = wire::to_json_string(&response);
    assert!(string.len() > 1 << 17, "{}", string.len());
    assert_eq!(
        string,
        serde_json::to_string(&response).expect("serialises")
    );
}

#[test]
#[should_panic(expected = "the plan names user index 1, but the request lists 1 users")]
fn to_json_string_panics_on_a_plan_that_does_not_fit() {
    let request = Request::new("cn-hangzhou", ["d1", "d2"], ["A"])
        .check()
        .expect("valid");
    let unknown_user = Plan::from_lists([vec![0], vec![1]]);
    let _ = wire::to_json_string(&Response::new(&request, &unknown_user));
}

#[test]
fn a_plan_that_does_not_fit_is_refused() {
    let request = Request::new("cn-hangzhou", ["d1", "d2"], ["A"])
        .check()
        .expect("valid");
    let unknown_user = Plan::from_lists([vec![0], vec![1]]);
    let response = Response::new(&request, &unknown_user);
    let error = wire::write_json(&response, &mut Vec::new(), false).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    assert_eq!(
        error.to_string(),
        "the plan names user index 1, but the request lists 1 users"
    );
    let one_desktop = Plan::from_lists([vec![0]]);
    let response = Response::new(&request, &one_desktop);
    let error = wire::write_json(&response, &mut Vec::new(), false).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the plan has 1 desktops, but the request lists 2"
    );
}
