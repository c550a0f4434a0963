//! The library as a service embeds it: checking without losing the request, changing a
//! checked request, a budget of assignments, checking on one thread, errors mapped through
//! their accessors, non-exhaustive types built through their constructors.

use eds_entitlement::{plan, CheckOptions, Error, Field, Request, Strategy};

fn ids(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

#[test]
fn check_ref_keeps_the_request_whatever_the_outcome() {
    let mut request = Request::new("cn-hangzhou", ["d1", "d2", "d1"], ["A"]);
    let before = request.clone();
    let error = request.check_ref(&CheckOptions::new()).unwrap_err();
    assert_eq!(request, before);
    assert_eq!(
        error.to_string(),
        r#"parameter 'DesktopId' item 3 is "d1", which repeats item 1: IDs must be unique"#
    );
    // The same error as `check`, which consumes the request.
    assert_eq!(before.clone().check().unwrap_err(), error);
    request.desktop_ids = ["d1", "d2", "d3"].into_iter().collect();
    let checked = request.check_ref(&CheckOptions::new()).expect("mended");
    assert_eq!(checked.as_request(), &request);
    assert_eq!(checked, request.check().expect("valid"));
}

#[test]
fn a_checked_request_changes_strategy_and_preview_without_a_second_check() {
    let checked = Request::new("cn-hangzhou", ["d1", "d2", "d3"], ["A", "B"])
        .max_user_per_desktop(1)
        .check()
        .expect("valid");
    let central = checked.clone().with_strategy(Strategy::Central);
    assert_eq!(central.strategy(), Strategy::Central);
    // The same as checking the request with that strategy.
    let direct = checked
        .as_request()
        .clone()
        .strategy(Strategy::Central)
        .check()
        .expect("valid");
    assert_eq!(central, direct);
    assert_eq!(plan(&central).end_users(1), &[0]);
    assert_eq!(plan(&checked).end_users(1), &[0]);
    assert_eq!(plan(&checked).end_users(2), &[1]);
    let task = checked.clone().with_preview(false);
    assert!(!task.preview());
    assert_eq!(
        task.as_request(),
        &checked.as_request().clone().preview(false)
    );
}

#[test]
fn a_request_over_budget_is_a_typed_error() {
    let request = Request::new("cn-hangzhou", ids("d", 30), ids("u", 20)).max_user_per_desktop(2);
    // T = min(30·2, 20·30) = 60.
    let options = CheckOptions::new().max_assignments(59);
    let error = request.clone().check_with(&options).unwrap_err();
    assert!(
        matches!(
            error,
            Error::TooManyAssignments {
                desktops: 30,
                users: 20,
                assignments: 60,
                max: 59,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the plan of 30 desktops and 20 users has 60 (desktop, user) pairs, more than the 59 \
         allowed: set MaxUserPerDesktop or MaxDesktopPerUser, or plan fewer desktops or users"
    );
    assert_eq!(error.field(), None);
    // At the budget exactly, it passes; without one, anything does.
    let options = CheckOptions::new().max_assignments(60);
    assert_eq!(
        request
            .clone()
            .check_with(&options)
            .expect("at budget")
            .shape()
            .assignments(),
        60
    );
    assert!(request.check().is_ok());
}

#[test]
fn the_budget_is_checked_before_the_ids() {
    // A repeated ID and a request over budget: the budget is the O(1) check, done first.
    let request = Request::new("cn-hangzhou", ["d1", "d1"], ["A", "B"]);
    let error = request
        .check_with(&CheckOptions::new().max_assignments(1))
        .unwrap_err();
    assert!(
        matches!(error, Error::TooManyAssignments { .. }),
        "{error:?}"
    );
    // But after the lists' lengths: an empty DesktopId is said first.
    let request = Request::new("cn-hangzhou", Vec::<String>::new(), ["A"]);
    let error = request
        .check_with(&CheckOptions::new().max_assignments(0))
        .unwrap_err();
    assert_eq!(
        error,
        Error::EmptyList {
            field: Field::DesktopId
        }
    );
}

#[test]
fn checking_on_one_thread_finds_the_same() {
    // Both lists past the size at which users are checked on a second thread.
    let n = 1 << 16;
    let mut desktops = ids("d", n);
    let mut users = ids("u", n);
    let one_thread = CheckOptions::new().parallel(false);
    let both = |d: &[String], u: &[String]| {
        let request = Request::new("cn-hangzhou", d, u);
        (
            request.check_ref(&CheckOptions::new()),
            request.check_ref(&one_thread),
        )
    };
    let (two, one) = both(&desktops, &users);
    assert_eq!(two.expect("valid"), one.expect("valid"));
    users[n - 1] = "u7".to_owned();
    let (two, one) = both(&desktops, &users);
    assert_eq!(two.unwrap_err(), one.clone().unwrap_err());
    assert_eq!(one.unwrap_err().position(), Some(n));
    // Both lists bad: the desktops' error, on one thread as on two.
    desktops[5] = String::new();
    let (two, one) = both(&desktops, &users);
    assert_eq!(two.unwrap_err(), one.clone().unwrap_err());
    assert_eq!(
        one.unwrap_err(),
        Error::EmptyId {
            field: Field::DesktopId,
            position: 6
        }
    );
}

#[test]
fn a_service_maps_rejections_through_the_accessors() {
    let body = |request: Request| {
        let error = request.check().unwrap_err();
        format!(
            "{}|{}|{}",
            error.field().map_or("-", |f| f.name()),
            error.position().map_or("-".to_owned(), |p| p.to_string()),
            error.value().unwrap_or("-"),
        )
    };
    assert_eq!(body(Request::new("CN", ["d"], ["A"])), "RegionId|-|CN");
    assert_eq!(body(Request::new("cn", ["d"], ["A", ""])), "EndUserId|2|-");
    assert_eq!(
        body(Request::new("cn", ["d"], ["A"]).max_desktop_per_user(501)),
        "MaxDesktopPerUser|-|501"
    );
    assert_eq!(
        body(Request::new("cn", ["d", "e", "d"], ["A"])),
        "DesktopId|3|d"
    );
}

#[test]
fn field_all_is_a_slice() {
    let all: &'static [Field] = Field::ALL;
    assert_eq!(all.first(), Some(&Field::RegionId));
    assert!(all.contains(&Field::Preview));
}

#[test]
fn a_request_from_id_lists_takes_them_as_they_are() {
    let desktops: eds_entitlement::IdList = ["d1", "d2"].into_iter().collect();
    let users: eds_entitlement::IdList = ["A"].into_iter().collect();
    let request = Request::from_id_lists("cn-hangzhou", desktops.clone(), users.clone());
    assert_eq!(request, Request::new("cn-hangzhou", &desktops, &users));
}

#[test]
fn plans_read_by_id_without_index_glue() {
    let request = Request::new("cn-hangzhou", ["d1", "d2", "d3"], ["A", "B"])
        .max_user_per_desktop(1)
        .check()
        .expect("valid");
    let plan = plan(&request);
    let by_id = plan.by_id(&request);
    assert_eq!(by_id.len(), 3);
    let rows: Vec<(&str, Vec<&str>)> = by_id.map(|(d, users)| (d, users.collect())).collect();
    assert_eq!(
        rows,
        [("d1", vec!["A"]), ("d2", vec!["A"]), ("d3", vec!["B"])]
    );
    // The same as the index glue it replaces.
    let glued: Vec<(&str, Vec<&str>)> = request
        .desktop_ids()
        .iter()
        .zip(&plan)
        .map(|(d, users)| {
            (
                d,
                users
                    .iter()
                    .map(|&j| &request.end_user_ids()[j as usize])
                    .collect(),
            )
        })
        .collect();
    assert_eq!(rows, glued);
}

#[test]
fn plan_rows_are_a_named_double_ended_iterator() {
    let plan = eds_entitlement::Plan::from_lists([vec![0], vec![], vec![1, 2]]);
    let mut rows: eds_entitlement::Rows<'_> = plan.iter();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows.next_back(), Some(&[1, 2][..]));
    assert_eq!(rows.next(), Some(&[0][..]));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows.next(), Some(&[][..]));
    assert_eq!(rows.next(), None);
    assert_eq!((&plan).into_iter().count(), 3);
}

#[test]
fn a_plan_from_a_responses_ids_is_the_plan() {
    let desktops = ids("ecd-", 40);
    let users = ids("user", 13);
    let request = Request::new("cn-hangzhou", &desktops, &users)
        .max_user_per_desktop(2)
        .max_desktop_per_user(5)
        .strategy(Strategy::Central)
        .check()
        .expect("valid");
    let ours = plan(&request);
    // The response read back as a service would, with serde_json.
    #[cfg(feature = "serde")]
    {
        let response = eds_entitlement::Response::new(&request, &ours);
        let json: serde_json::Value =
            serde_json::from_str(&eds_entitlement::wire::to_json_string(&response)).unwrap();
        let models = json["Entitlements"]["AssignModels"].as_array().unwrap();
        let rows = models.iter().map(|m| {
            (
                m["DesktopId"].as_str().unwrap(),
                m["EndUserIds"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|u| u.as_str().unwrap()),
            )
        });
        let theirs = eds_entitlement::Plan::from_ids(&request, rows).expect("known IDs");
        assert_eq!(theirs, ours);
    }
    let rows: Vec<(&str, Vec<&str>)> = ours
        .by_id(&request)
        .map(|(d, u)| (d, u.collect()))
        .collect();
    let theirs = eds_entitlement::Plan::from_ids(&request, rows.iter().cloned()).unwrap();
    assert_eq!(theirs, ours);
    eds_entitlement::verify(&request, &theirs).expect("the canonical plan");
}

#[test]
fn a_plan_from_ids_names_unknown_and_misplaced_ids() {
    use eds_entitlement::Plan;
    let request = Request::new("cn-hangzhou", ["d1", "d2", "d3"], ["A", "B"])
        .check()
        .expect("valid");
    let error = Plan::from_ids(&request, [("d1", vec!["A"]), ("dX", vec![])]).unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"the plan's row 2 names DesktopId "dX", which the request does not list"#
    );
    assert_eq!(
        (error.field(), error.position(), error.value()),
        (Some(Field::DesktopId), None, Some("dX"))
    );
    let error = Plan::from_ids(&request, [("d2", vec!["A"])]).unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"the plan's row 1 is for DesktopId "d2", but the request lists it as item 2: rows follow the request's order"#
    );
    let error = Plan::from_ids(&request, [("d1", vec!["B", "A", "C"])]).unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"the plan's row 1 names EndUserId "C" (item 3 of the row), which the request does not list"#
    );
    // Too few rows, repeated or unordered users: a plan, which `verify` judges.
    let short = Plan::from_ids(&request, [("d1", vec!["B", "A", "B"])]).expect("known IDs");
    assert_eq!(short.end_users(0), &[1, 0, 1]);
    assert!(eds_entitlement::verify(&request, &short).is_err());
}

#[test]
fn debug_summarises_requests_and_plans() {
    let request = Request::new("cn-hangzhou", ids("d", 1000), ids("u", 3)).max_user_per_desktop(2);
    let debug = format!("{request:?}");
    assert_eq!(
        debug,
        r#"Request { region_id: "cn-hangzhou", desktop_ids: ["d0", "d1", "d2", "d3", "d4", … 995 more], end_user_ids: ["u0", "u1", "u2"], max_user_per_desktop: Some(2), max_desktop_per_user: None, strategy: Average, preview: true }"#
    );
    let checked = request.check().expect("valid");
    assert!(format!("{checked:?}").contains("… 995 more"));
    let plan = plan(&checked);
    assert_eq!(
        format!("{plan:?}"),
        "Plan { desktops: 1000, assignments: 2000, rows: [[0, 1], [0, 1], [0, 1], [0, 1], [0, 1], … 995 more] }"
    );
    let wide = eds_entitlement::Plan::from_lists([(0..20).collect::<Vec<u32>>()]);
    assert_eq!(
        format!("{wide:?}"),
        "Plan { desktops: 1, assignments: 20, rows: [[0, 1, 2, 3, 4, … 15 more]] }"
    );
}

/// The pipeline a service runs on the live API's answer: read the body, turn its IDs into
/// a plan of the request, verify it against the contract.
#[cfg(feature = "serde")]
#[test]
fn a_response_body_read_back_is_verified() {
    use eds_entitlement::{verify, wire, Plan, Response};
    let request = Request::new("cn-hangzhou", ["d1", "d2", "d3"], ["A", "B"])
        .max_user_per_desktop(1)
        .check()
        .expect("valid");
    let ours = plan(&request);
    let body = wire::to_json_string(&Response::new(&request, &ours));
    let read = wire::plan_from_json(body.as_bytes()).expect("a plan body");
    let rows = read
        .desktops()
        .iter()
        .map(|d| (d.desktop_id.as_str(), d.end_user_ids.iter()));
    let theirs = Plan::from_ids(&request, rows).expect("the request's IDs");
    assert_eq!(theirs, ours);
    verify(&request, &theirs).expect("the canonical plan");
    // A live plan that breaks a guarantee: d3 left without B, who is then unserved.
    let broken = body.replace(r#""EndUserIds":["B"]"#, r#""EndUserIds":[]"#);
    let read = wire::plan_from_json(broken.as_bytes()).expect("a plan body");
    let rows = read
        .desktops()
        .iter()
        .map(|d| (d.desktop_id.as_str(), d.end_user_ids.iter()));
    let theirs = Plan::from_ids(&request, rows).expect("the request's IDs");
    assert_eq!(
        verify(&request, &theirs).unwrap_err().to_string(),
        "guarantee 4 broken: the plan has 2 pairs, but the limits allow 3"
    );
}
