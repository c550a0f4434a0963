//! `Serialize` and `Deserialize` of the crate's types, so that an embedder's own types can
//! hold them: round trips, the API's spellings, and rejections that keep the crate's words.

use eds_entitlement::{plan, wire, CheckedRequest, Field, Limit, Plan, Request, Status, Strategy};
use proptest::prelude::*;

fn request() -> Request {
    Request::new(
        "cn-hangzhou",
        ["ecd-a", "ecd-\"b\"", "ecd-c"],
        ["Alice", "Bob"],
    )
    .max_user_per_desktop(1)
    .strategy(Strategy::Central)
    .preview(false)
}

#[test]
fn a_request_serialises_in_the_apis_form() {
    let json = serde_json::to_string(&request()).expect("serialises");
    assert_eq!(
        json,
        r#"{"RegionId":"cn-hangzhou","MaxUserPerDesktop":1,"Strategy":"CENTRAL","DesktopId":["ecd-a","ecd-\"b\"","ecd-c"],"EndUserId":["Alice","Bob"],"Preview":false}"#
    );
    // The crate's own reader and serde read it back as the same request.
    assert_eq!(wire::from_json(json.as_bytes()).expect("reads"), request());
    assert_eq!(
        serde_json::from_str::<Request>(&json).expect("reads"),
        request()
    );
    // A checked request serialises as the request it was checked from.
    let checked = request().check().expect("valid");
    assert_eq!(serde_json::to_string(&checked).expect("serialises"), json);
    assert_eq!(
        serde_json::from_str::<CheckedRequest>(&json).expect("valid"),
        checked
    );
}

#[test]
fn an_embedders_types_hold_the_crates() {
    // A job as a service might store it: a tuple stands for the embedder's own struct.
    let checked = request().check().expect("valid");
    let job = (
        request(),
        Strategy::Average,
        Limit::new(7).expect("0..=500"),
        plan(&checked),
        Status::NotStarted,
        Field::EndUserId,
    );
    let json = serde_json::to_string(&job).expect("serialises");
    assert!(
        json.ends_with(r#","AVERAGE",7,[[0],[0],[0]],"NOT_STARTED","EndUserId"]"#),
        "{json}"
    );
    let back: (Request, Strategy, Limit, Plan, Status, Field) =
        serde_json::from_str(&json).expect("reads");
    assert_eq!(back, job);
}

#[test]
fn a_checked_request_is_checked_as_it_is_read() {
    let error = serde_json::from_str::<CheckedRequest>(
        r#"{"RegionId":"cn-hangzhou","DesktopId":["a","b","a"],"Preview":true}"#,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"parameter 'DesktopId' item 3 is "a", which repeats item 1: IDs must be unique"#
    );
    // An unchecked request reads it; its check says the same.
    let request: Request = serde_json::from_str(
        r#"{"RegionId":"cn-hangzhou","DesktopId":["a","b","a"],"Preview":true}"#,
    )
    .expect("a request, not yet checked");
    assert_eq!(request.check().unwrap_err().to_string(), error.to_string());
}

#[test]
fn reading_from_any_deserializer_keeps_the_crates_words() {
    // `serde_json::Value` is a deserializer without the raw text `wire::from_json` uses.
    let read = |value: serde_json::Value| {
        serde_json::from_value::<Request>(value).map_err(|e| e.to_string())
    };
    let base = serde_json::json!({"RegionId": "cn-hangzhou", "DesktopId": ["a"], "Preview": true});
    let with = |key: &str, value: serde_json::Value| {
        let mut v = base.clone();
        v[key] = value;
        v
    };
    let limit2 = read(with("MaxUserPerDesktop", serde_json::json!(2.0))).expect("2.0 is 2");
    assert_eq!(limit2.max_user_per_desktop, Some(2));
    assert_eq!(
        read(with("MaxUserPerDesktop", serde_json::json!(2.5))).unwrap_err(),
        "parameter 'MaxUserPerDesktop' is 2.5, which is not a whole number: it must be a whole \
         number from 0 to 500"
    );
    assert_eq!(
        read(with("MaxDesktopPerUser", serde_json::json!(-1))).unwrap_err(),
        "parameter 'MaxDesktopPerUser' is -1, which is negative: it must be a whole number from \
         0 to 500"
    );
    assert_eq!(
        read(with("MaxDesktopPerUser", serde_json::json!("2"))).unwrap_err(),
        r#"parameter 'MaxDesktopPerUser' is "2", which is not a number: it must be a whole number from 0 to 500"#
    );
    assert_eq!(
        read(with("Strategy", serde_json::json!("average"))).unwrap_err(),
        r#"parameter 'Strategy' is "average", which is not a strategy: valid values are AVERAGE and CENTRAL"#
    );
    assert_eq!(
        read(with("EndUserId", serde_json::json!(["A", 1]))).unwrap_err(),
        "parameter 'EndUserId' item 2 must be a string, but it is the number 1"
    );
    assert_eq!(
        read(with("MaxUsersPerDesktop", serde_json::json!(1))).unwrap_err(),
        r#"unknown parameter "MaxUsersPerDesktop": did you mean 'MaxUserPerDesktop'?"#
    );
    assert_eq!(
        read(serde_json::json!({"RegionId": "cn-hangzhou", "DesktopId": ["a"]})).unwrap_err(),
        "missing required parameter 'Preview'"
    );
}

#[test]
fn plain_types_reject_what_the_api_would() {
    let err =
        |json: &str, f: fn(&str) -> Result<(), serde_json::Error>| f(json).unwrap_err().to_string();
    assert_eq!(
        err(r#""average""#, |j| serde_json::from_str::<Strategy>(j)
            .map(drop)),
        r#"parameter 'Strategy' is "average", which is not a strategy: valid values are AVERAGE and CENTRAL at line 1 column 9"#
    );
    assert_eq!(
        err("501", |j| serde_json::from_str::<Limit>(j).map(drop)),
        "invalid value: integer `501`, expected a whole number from 0 to 500"
    );
    assert_eq!(
        err(r#""DONE""#, |j| serde_json::from_str::<Status>(j).map(drop)),
        r#"unknown status "DONE": valid values are NOT_STARTED, STARTED, PROCESSING, FINISHED and FAILED at line 1 column 6"#
    );
    assert_eq!(
        err(r#""Desktop""#, |j| serde_json::from_str::<Field>(j)
            .map(drop)),
        r#"unknown parameter "Desktop" at line 1 column 9"#
    );
    assert_eq!(
        serde_json::from_str::<Limit>("0").expect("no limit"),
        Limit::UNLIMITED
    );
    assert_eq!(
        serde_json::to_string(&Limit::UNLIMITED).expect("serialises"),
        "0"
    );
    for status in [
        Status::NotStarted,
        Status::Started,
        Status::Processing,
        Status::Finished,
        Status::Failed,
    ] {
        let json = serde_json::to_string(&status).expect("serialises");
        assert_eq!(json, format!("\"{status}\""));
        assert_eq!(
            serde_json::from_str::<Status>(&json).expect("reads"),
            status
        );
    }
    for field in Field::ALL {
        let json = serde_json::to_string(field).expect("serialises");
        assert_eq!(serde_json::from_str::<Field>(&json).expect("reads"), *field);
    }
}

proptest! {
    #[test]
    fn requests_round_trip(
        desktops in prop::collection::vec(".{0,6}", 0..8),
        users in prop::collection::vec(".{0,6}", 0..8),
        k in prop::option::of(0..600u32), m in prop::option::of(0..600u32),
        central in any::<bool>(), preview in any::<bool>(),
    ) {
        let mut request = Request::new("cn-hangzhou", &desktops, &users)
            .strategy(if central { Strategy::Central } else { Strategy::Average })
            .preview(preview);
        request.max_user_per_desktop = k;
        request.max_desktop_per_user = m;
        let json = serde_json::to_string(&request).expect("serialises");
        prop_assert_eq!(&wire::from_json(json.as_bytes()).expect("reads"), &request);
        prop_assert_eq!(&serde_json::from_str::<Request>(&json).expect("reads"), &request);
        let value = serde_json::to_value(&request).expect("serialises");
        prop_assert_eq!(&serde_json::from_value::<Request>(value).expect("reads"), &request);
        // Checked as read, or rejected with the check's words.
        match (serde_json::from_str::<CheckedRequest>(&json), request.clone().check()) {
            (Ok(read), Ok(checked)) => prop_assert_eq!(read, checked),
            (Err(read), Err(checked)) => prop_assert_eq!(read.to_string(), checked.to_string()),
            (read, checked) => prop_assert!(false, "{:?} against {:?}", read, checked),
        }
    }

    #[test]
    fn plans_round_trip(lists in prop::collection::vec(prop::collection::vec(any::<u32>(), 0..5), 0..8)) {
        let plan = Plan::from_lists(lists.clone());
        let json = serde_json::to_string(&plan).expect("serialises");
        prop_assert_eq!(&json, &serde_json::to_string(&lists).expect("serialises"));
        prop_assert_eq!(serde_json::from_str::<Plan>(&json).expect("reads"), plan);
    }
}

#[test]
fn capacity_figures_round_trip_with_exactly_their_keys() {
    use eds_entitlement::{capacity, Capacity, Shape};
    let shape = Shape::new(
        3,
        5,
        Limit::new(2).expect("0..=500"),
        Limit::UNLIMITED,
        Strategy::Central,
    );
    let figures = capacity(&shape);
    let json = serde_json::to_string(&figures).expect("serialises");
    assert_eq!(
        serde_json::from_str::<Capacity>(&json).expect("reads"),
        figures
    );
    let unknown = json.replacen("\"users\":", "\"user\":", 1);
    assert_eq!(
        serde_json::from_str::<Capacity>(&unknown)
            .unwrap_err()
            .to_string(),
        "unknown field `user`, expected one of `desktops`, `users`, `assignments`, `users_full`, \
         `users_partial`, `users_unserved`, `desktops_used`, `desktops_idle`, \
         `min_users_per_desktop`, `max_users_per_desktop`, `min_desktops_per_user`, \
         `max_desktops_per_user`, `desktops_needed` at line 1 column 20"
    );
    let missing = json.replacen(",\"desktops_needed\":3", "", 1);
    assert_ne!(missing, json);
    assert_eq!(
        serde_json::from_str::<Capacity>(&missing)
            .unwrap_err()
            .to_string(),
        format!(
            "missing field `desktops_needed` at line 1 column {}",
            missing.len()
        )
    );
    let twice = json.replacen('}', ",\"users\":5}", 1);
    assert_eq!(
        serde_json::from_str::<Capacity>(&twice)
            .unwrap_err()
            .to_string(),
        format!("duplicate field `users` at line 1 column {}", twice.len())
    );
}

#[test]
fn id_lists_round_trip_as_sequences_of_strings() {
    use eds_entitlement::IdList;
    let list: IdList = ["ecd-a", "", "é\"x"].into_iter().collect();
    let json = serde_json::to_string(&list).expect("serialises");
    assert_eq!(json, r#"["ecd-a","","é\"x"]"#);
    assert_eq!(serde_json::from_str::<IdList>(&json).expect("reads"), list);
    assert_eq!(
        serde_json::from_str::<IdList>(r#"["a",1]"#)
            .unwrap_err()
            .to_string(),
        "invalid type: integer `1`, expected a string at line 1 column 6"
    );
    assert_eq!(
        serde_json::from_str::<Plan>(r#"[[0],[-1]]"#)
            .unwrap_err()
            .to_string(),
        "invalid value: integer `-1`, expected u32 at line 1 column 8"
    );
}
