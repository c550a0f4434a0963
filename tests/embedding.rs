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
