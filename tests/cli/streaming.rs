//! Planning while writing: [`PlanRows`] gives the rows of [`plan`], and the streaming writers
//! write the same bytes as the writers of a whole [`Plan`](eds_entitlement::Plan).

use crate::support;

use eds_entitlement::{
    plan, plan_shape, report, try_plan_rows, wire, Limit, PlanRows, Request, Response, Shape,
    Strategy,
};
use proptest::prelude::*;
use support::arb::{self, strategy, Arm::*};

fn limit() -> impl proptest::strategy::Strategy<Value = u32> {
    arb::limit_value(&[Is(0), In(1..7), Is(500)])
}

proptest! {
    #[test]
    fn rows_are_the_plans_rows(
        n in 1u32..200, u in 0u32..200, k in limit(), m in limit(), strategy in strategy(),
    ) {
        let shape = Shape::new(n, u, Limit::new(k).unwrap(), Limit::new(m).unwrap(), strategy);
        let whole = plan_shape(&shape);
        let mut rows = PlanRows::try_from_shape(&shape).expect("small");
        let mut desktops = whole.iter();
        while let Some(row) = rows.next_row() {
            prop_assert_eq!(Some(row), desktops.next());
        }
        prop_assert_eq!(desktops.next(), None);
        prop_assert_eq!(rows.desktops_left(), 0);
    }

    #[test]
    fn streamed_response_is_the_materialised_one(
        n in 1usize..60, u in 0usize..60, k in limit(), m in limit(), strategy in strategy(),
        preview in any::<bool>(), pretty in any::<bool>(),
        request_id in prop::option::of("[ -~]{0,12}"),
    ) {
        let request = Request::new(
            "cn-hangzhou",
            (0..n).map(|i| format!("ecd-\"{i}\"\\")),
            (0..u).map(support::user_name),
        )
        .max_user_per_desktop(k)
        .max_desktop_per_user(m)
        .strategy(strategy)
        .preview(preview)
        .check()
        .expect("valid");
        let whole = plan(&request);
        let mut response = Response::new(&request, &whole);
        if let Some(id) = &request_id {
            response = response.with_request_id(id.clone());
        }
        let mut expected = Vec::new();
        wire::write_json(&response, &mut expected, pretty).expect("writes");
        let mut streamed = Vec::new();
        let mut rows = try_plan_rows(&request).expect("small");
        wire::write_json_rows(&request, &mut rows, request_id.as_deref(), &mut streamed, pretty)
            .expect("writes");
        prop_assert_eq!(String::from_utf8_lossy(&streamed), String::from_utf8_lossy(&expected));

        let mut table = Vec::new();
        eds_entitlement::report::write_table(&request, &whole, &mut table).expect("writes");
        let mut streamed = Vec::new();
        let mut rows = try_plan_rows(&request).expect("small");
        eds_entitlement::report::write_table_rows(&request, &mut rows, &mut streamed)
            .expect("writes");
        prop_assert_eq!(String::from_utf8_lossy(&streamed), String::from_utf8_lossy(&table));
    }
}

#[test]
fn rows_of_another_request_or_half_read_are_refused() {
    let request = Request::new("cn-hangzhou", ["d1", "d2"], ["A"])
        .check()
        .expect("valid");
    let other = Request::new("cn-hangzhou", ["d1"], ["A"])
        .check()
        .expect("valid");
    let mut rows = try_plan_rows(&other).expect("small");
    let error = wire::write_json_rows(&request, &mut rows, None, &mut Vec::new(), false)
        .expect_err("another request's rows");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    let mut rows = try_plan_rows(&request).expect("small");
    rows.next_row();
    let error = wire::write_json_rows(&request, &mut rows, None, &mut Vec::new(), false)
        .expect_err("half-read rows");
    assert_eq!(
        error.to_string(),
        "the rows are not the untouched rows of this request's plan"
    );
    // The report's writers that plan as they write refuse them alike.
    for rows in [try_plan_rows(&other).expect("small"), rows] {
        let mut table_rows = rows.clone();
        let table = report::write_table_rows(&request, &mut table_rows, &mut Vec::new());
        let mut page_rows = rows;
        let page = report::write_plan_review_html(&request, &mut page_rows, &mut Vec::new());
        for error in [table, page] {
            assert_eq!(
                error.expect_err("rows not this request's").to_string(),
                "the rows are not the untouched rows of this request's plan"
            );
        }
    }
}

#[test]
fn a_desktop_of_millions_of_users_is_one_row() {
    // The working space is one row: 20 bytes per user of the busiest desktop.
    let shape = Shape::new(
        1,
        3_000_000,
        Limit::UNLIMITED,
        Limit::UNLIMITED,
        Strategy::Central,
    );
    assert_eq!(PlanRows::bytes_for(&shape), 60_000_000);
    let mut rows = PlanRows::try_from_shape(&shape).expect("60 MB");
    let row = rows.next_row().expect("one desktop");
    assert_eq!(row.len(), 3_000_000);
    assert!(row.iter().enumerate().all(|(j, &user)| user as usize == j));
    assert_eq!(rows.next_row(), None);
}
