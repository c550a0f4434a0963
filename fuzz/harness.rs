//! The bodies of the fuzz targets, shared with the stable replay test
//! (`tests/library/fuzz_regressions.rs`): a corpus or regression file replays through exactly the
//! code the fuzzer ran. Each body panics on a bug, and only on a bug.

#![allow(dead_code)]

use std::fmt;

use arbitrary::{Arbitrary, Unstructured};
use eds_entitlement::{
    capacity, plan, plan_shape, verify, wire, Capacity, Limit, Plan, Request, Response, Shape,
    Strategy,
};

/// Inputs longer than this are skipped: the targets explore logic, not memory. 64 KiB
/// holds thousands of IDs.
pub(crate) const MAX_INPUT: usize = 1 << 16;

/// Plans larger than this many pairs are not made: `u` users with no limit on `n` desktops
/// is `n·u` pairs, which 64 KiB of IDs can push past 10^8. The capacity figures, which need
/// no plan, are still checked on them.
pub(crate) const MAX_PAIRS: u64 = 1 << 20;

/// `request_json`: arbitrary bytes → JSON request → check → plan → verify → response.
/// Any `Err` is fine; a panic, or a plan that fails the checker, is a bug.
pub(crate) fn request_json(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    if let Ok(request) = error_or(wire::from_json(data)) {
        same_in_the_query_form(&request);
        plan_and_verify(request);
    }
}

/// `request_query`: arbitrary bytes → query-form request → check → plan → verify →
/// response; and what is read is written back and read again the same.
pub(crate) fn request_query(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    if let Ok(request) = error_or(wire::from_query(data)) {
        same_in_the_query_form(&request);
        plan_and_verify(request);
    }
}

/// `csv_ids`: arbitrary bytes as a CSV file of IDs (the first byte picks the list). What
/// is accepted is a list of IDs that [`Request::check`] would take (non-empty, distinct,
/// without control characters or padding), and the same list written back as CSV reads
/// the same; any error is one line.
#[cfg(feature = "csv")]
pub(crate) fn csv_ids(data: &[u8]) {
    use eds_entitlement::Field;
    if data.len() > MAX_INPUT {
        return;
    }
    let Some((&pick, text)) = data.split_first() else {
        return;
    };
    let field = if pick % 2 == 0 {
        Field::DesktopId
    } else {
        Field::EndUserId
    };
    let Ok(ids) = error_or(wire::ids_from_csv(text, "fuzz.csv", field)) else {
        return;
    };
    let mut seen = std::collections::HashSet::new();
    for id in &ids {
        assert!(!id.is_empty(), "an empty ID");
        assert_eq!(eds_entitlement::id_problem(id), None, "{id:?}");
        assert!(seen.insert(id), "a repeated ID: {id:?}");
    }
    // Written back, one quoted ID a row under a header, it reads the same.
    let mut again = format!("{}\r\n", field.name());
    for id in &ids {
        again.push('"');
        again.push_str(&id.replace('"', "\"\""));
        again.push_str("\"\r\n");
    }
    match wire::ids_from_csv(again.as_bytes(), "again.csv", field) {
        Ok(read) => assert_eq!(read, ids, "{again:?}"),
        Err(e) => panic!("the list written back is refused: {e}: {again:?}"),
    }
    if !ids.is_empty() {
        let request = Request::new("cn-hangzhou", &ids, [] as [&str; 0]);
        assert!(request.check().is_ok(), "the CSV's IDs fail the check");
    }
}

/// A request read from either form survives the query form's encoder and parser.
fn same_in_the_query_form(request: &Request) {
    if request.desktop_ids.is_empty() {
        // The one request the query form cannot express (`wire::to_query`'s docs).
        return;
    }
    let text = wire::to_query(request);
    assert_eq!(
        wire::from_query(text.as_bytes()).as_ref(),
        Ok(request),
        "{text}"
    );
}

/// `roundtrip`'s input: any request the library can hold.
#[derive(Debug, Arbitrary)]
pub(crate) struct AnyRequest {
    region_id: String,
    desktop_ids: Vec<String>,
    end_user_ids: Vec<String>,
    max_user_per_desktop: Option<u32>,
    max_desktop_per_user: Option<u32>,
    central: bool,
    preview: bool,
}

/// `roundtrip`: request → query-form encoding → parse → the same request, for any request
/// with at least one desktop, checked or not.
pub(crate) fn roundtrip(input: &AnyRequest) {
    let mut request = Request::new(
        input.region_id.clone(),
        &input.desktop_ids,
        &input.end_user_ids,
    )
    .strategy(if input.central {
        Strategy::Central
    } else {
        Strategy::Average
    })
    .preview(input.preview);
    request.max_user_per_desktop = input.max_user_per_desktop;
    request.max_desktop_per_user = input.max_desktop_per_user;
    same_in_the_query_form(&request);
}

/// Checks, plans, verifies and serialises a request read from the wire.
fn plan_and_verify(request: Request) {
    let Ok(request) = error_or(request.check()) else {
        return;
    };
    // Whatever form it came in, an accepted ID holds no control character (issue 11).
    for id in request.desktop_ids().iter().chain(request.end_user_ids()) {
        assert!(
            !id.chars().any(char::is_control),
            "an accepted ID holds a control character: {id:?}"
        );
    }
    if request.shape().assignments() > MAX_PAIRS {
        return;
    }
    let plan = plan(&request);
    if let Err(violation) = verify(&request, &plan) {
        panic!("the plan of a checked request fails the checker: {violation}");
    }
    let response = Response::new(&request, &plan);
    // Panics if the plan did not fit the request.
    let json = wire::to_json_string(&response);
    assert!(
        json.starts_with(r#"{"RequestId":""#) && json.ends_with("]}}"),
        "{json}"
    );
}

/// Renders an error's message, which must not panic either, and passes the result on.
fn error_or<T>(result: Result<T, eds_entitlement::Error>) -> Result<T, eds_entitlement::Error> {
    if let Err(e) = &result {
        let message = e.to_string();
        assert!(
            !message.is_empty() && !message.contains('\n'),
            "one line: {message:?}"
        );
    }
    result
}

/// A limit as the fuzzer picks it: the interesting values often, any valid one sometimes.
#[derive(Clone, Copy, Arbitrary)]
pub(crate) enum LimitPick {
    Unlimited,
    One,
    Small(u8),
    ApiMax,
    Any(u16),
}

impl LimitPick {
    fn limit(self) -> Limit {
        let value = match self {
            LimitPick::Unlimited => 0,
            LimitPick::One => 1,
            LimitPick::Small(v) => u32::from(v % 16),
            LimitPick::ApiMax => Limit::MAX,
            LimitPick::Any(v) => u32::from(v) % (Limit::MAX + 1),
        };
        Limit::new(value).unwrap_or(Limit::UNLIMITED)
    }
}

/// `plan_structured`'s input: a fleet small enough to plan, and a huge one to size.
pub(crate) struct Fleet {
    pub(crate) small: Shape,
    pub(crate) huge: Shape,
}

impl<'a> Arbitrary<'a> for Fleet {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Fleet> {
        let strategy = if bool::arbitrary(u)? {
            Strategy::Central
        } else {
            Strategy::Average
        };
        let k = LimitPick::arbitrary(u)?.limit();
        let m = LimitPick::arbitrary(u)?.limit();
        let desktops = u16::arbitrary(u)? % 400;
        let users = u16::arbitrary(u)? % 400;
        let small = Shape::new(u32::from(desktops), u32::from(users), k, m, strategy);
        let huge = Shape::new(u32::arbitrary(u)?, u32::arbitrary(u)?, k, m, strategy);
        Ok(Fleet { small, huge })
    }
}

/// Prints a paste-ready reproduction.
impl fmt::Debug for Fleet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, s) in [("small", &self.small), ("huge", &self.huge)] {
            writeln!(
                f,
                "let {name} = Shape::new({}, {}, Limit::new({}).unwrap(), Limit::new({}).unwrap(), Strategy::{:?});",
                s.desktops(),
                s.users(),
                s.max_user_per_desktop().to_wire(),
                s.max_desktop_per_user().to_wire(),
                s.strategy(),
            )?;
        }
        Ok(())
    }
}

/// `plan_structured`: plans the small fleet through a real request, checks it, and checks
/// every capacity figure against the same figure counted on the plan; sizes the huge fleet
/// without overflow and checks that its figures add up.
pub(crate) fn plan_structured(fleet: &Fleet) {
    let small = &fleet.small;
    if small.desktops() > 0 {
        let request = Request::new(
            "cn-hangzhou",
            (0..small.desktops()).map(|i| format!("ecd-{i}")),
            (0..small.users()).map(|j| format!("user{j}")),
        )
        .max_user_per_desktop(small.max_user_per_desktop().to_wire())
        .max_desktop_per_user(small.max_desktop_per_user().to_wire())
        .strategy(small.strategy())
        .check()
        .expect("a request of distinct, non-empty IDs is valid");
        assert_eq!(request.shape(), *small);
        let plan = plan(&request);
        if let Err(violation) = verify(&request, &plan) {
            panic!("{fleet:?}: the plan fails the checker: {violation}");
        }
    }
    let plan = plan_shape(small);
    assert_eq!(capacity(small), counted(small, &plan), "{fleet:?}");
    adds_up(&capacity(&fleet.huge), &fleet.huge, fleet);
}

/// The contract's §5 figures counted on a real plan, the slow way.
fn counted(shape: &Shape, plan: &Plan) -> Capacity {
    let (n, u) = (shape.desktops(), shape.users());
    let m = shape.desktops_per_user_cap();
    let mut per_user = vec![0u64; u as usize];
    for users in plan.iter() {
        for &j in users {
            per_user[j as usize] += 1;
        }
    }
    let loads: Vec<u64> = plan.iter().map(|users| users.len() as u64).collect();
    let wanted = u64::from(shape.max_desktop_per_user().get().unwrap_or(1));
    let k = shape.users_per_desktop_cap();
    // Every figure is overwritten: the struct is non-exhaustive, built only by `capacity`.
    let mut c = capacity(shape);
    c.desktops = n;
    c.users = u;
    c.assignments = plan.assignments() as u64;
    c.users_full = per_user.iter().filter(|&&q| q > 0 && q == m).count() as u64;
    c.users_partial = per_user.iter().filter(|&&q| q > 0 && q < m).count() as u64;
    c.users_unserved = per_user.iter().filter(|&&q| q == 0).count() as u64;
    c.desktops_used = loads.iter().filter(|&&l| l > 0).count() as u64;
    c.desktops_idle = loads.iter().filter(|&&l| l == 0).count() as u64;
    c.min_users_per_desktop = loads.iter().copied().min().unwrap_or(0);
    c.max_users_per_desktop = loads.iter().copied().max().unwrap_or(0);
    c.min_desktops_per_user = per_user.iter().copied().min().unwrap_or(0);
    c.max_desktops_per_user = per_user.iter().copied().max().unwrap_or(0);
    c.desktops_needed = if u == 0 {
        0
    } else {
        wanted.max((u * wanted).div_ceil(k))
    };
    c
}

/// The figures of a shape too big to plan: nothing overflowed, and they add up.
fn adds_up(c: &Capacity, shape: &Shape, fleet: &Fleet) {
    assert_eq!(c.desktops, shape.desktops(), "{fleet:?}");
    assert_eq!(c.users, shape.users(), "{fleet:?}");
    assert_eq!(c.assignments, shape.assignments(), "{fleet:?}");
    assert_eq!(
        c.users_full + c.users_partial + c.users_unserved,
        c.users,
        "{fleet:?}"
    );
    assert_eq!(c.desktops_used + c.desktops_idle, c.desktops, "{fleet:?}");
    assert!(
        c.min_users_per_desktop <= c.max_users_per_desktop,
        "{fleet:?}"
    );
    assert!(
        c.max_users_per_desktop <= shape.users_per_desktop_cap(),
        "{fleet:?}"
    );
    assert!(
        c.min_desktops_per_user <= c.max_desktops_per_user,
        "{fleet:?}"
    );
    assert!(
        c.max_desktops_per_user <= shape.desktops_per_user_cap(),
        "{fleet:?}"
    );
    assert!(
        c.assignments <= c.desktops * shape.users_per_desktop_cap(),
        "{fleet:?}"
    );
    assert!(
        c.assignments <= c.users * shape.desktops_per_user_cap(),
        "{fleet:?}"
    );
    // Each served user holds at least one pair, each used desktop at least one.
    assert!(c.users_full + c.users_partial <= c.assignments, "{fleet:?}");
    assert!(c.desktops_used <= c.assignments, "{fleet:?}");
}

/// `plan_calls`: arbitrary bytes → a plan body (the contract, §8) → the calls that carry it
/// out, applied to a model of the service that starts with a stranger on every desktop.
/// Every listed desktop that is not `FAILED` must end with exactly its planned users, the
/// `FAILED` ones untouched; every list holds 1 to 100 IDs; no more calls than the baseline;
/// each call's JSON line says what its query line says.
pub(crate) fn plan_calls(data: &[u8]) {
    use std::collections::{BTreeMap, BTreeSet};

    use eds_entitlement::{calls, Call};

    if data.len() > MAX_INPUT {
        return;
    }
    let Ok(plan) = error_or(wire::plan_from_json(data)) else {
        return;
    };
    let calls = calls(&plan, None, "cn-hangzhou").expect("a valid region");
    let mut state: BTreeMap<&str, BTreeSet<&str>> = plan
        .desktops()
        .iter()
        .map(|d| (d.desktop_id.as_str(), BTreeSet::from(["\u{0}stranger"])))
        .collect();
    let before = state.clone();
    for call in calls.iter() {
        let mut json = Vec::new();
        wire::write_call_json(call, &mut json).expect("writing to memory");
        let json: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
        assert_eq!(json["Action"], call.action());
        let query = call.to_query();
        assert!(query.starts_with(&format!(
            "Action={}&Version=2020-09-30&RegionId=cn-hangzhou",
            call.action()
        )));
        match call {
            Call::ModifyEntitlement(c) => {
                assert!(c.end_user_ids.len() <= 100);
                assert_eq!(json["DesktopId"], c.desktop_id.as_str());
                state.insert(
                    &c.desktop_id,
                    c.end_user_ids.iter().map(String::as_str).collect(),
                );
            }
            Call::ModifyUserEntitlement(c) => {
                for list in [
                    &c.end_user_ids,
                    &c.authorize_desktop_ids,
                    &c.revoke_desktop_ids,
                ] {
                    assert!(list.len() <= 100);
                }
                assert!(!c.end_user_ids.is_empty());
                for d in &c.authorize_desktop_ids {
                    let now = state.get_mut(d.as_str()).expect("a listed desktop");
                    now.extend(c.end_user_ids.iter().map(String::as_str));
                }
                for d in &c.revoke_desktop_ids {
                    let now = state.get_mut(d.as_str()).expect("a listed desktop");
                    for u in &c.end_user_ids {
                        now.remove(u.as_str());
                    }
                }
            }
        }
    }
    for d in plan.desktops() {
        let id = d.desktop_id.as_str();
        if d.is_failed() {
            assert_eq!(state[id], before[id], "{id} is FAILED but changed");
        } else {
            let planned: BTreeSet<&str> = d.end_user_ids.iter().map(String::as_str).collect();
            assert_eq!(state[id], planned, "{id}");
        }
    }
    assert!(calls.len() <= calls.baseline());
}

/// `fleet_json`: arbitrary bytes as a `DescribeDesktops` snapshot page. Read whole (in
/// chunks, each desktop from memory, the streaming reader telling errors) and streamed, both
/// must say the same: the same desktops, or the same one-line error. A
/// snapshot read is then planned against: a request of its first desktops (and one that
/// it does not have) and of its users plus one more; the plan must pass `verify_against`,
/// the change report's totals must add up, and both JSON outputs must be written.
pub(crate) fn fleet_json(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let whole = error_or(wire::fleet_from_json([("fuzz.json", data)]));
    let mut reader = wire::FleetReader::new();
    let streamed = reader
        .read_page_from("fuzz.json", data)
        .expect("a slice never fails to read")
        .and_then(|()| reader.check_counts(false))
        .map(|_| reader.finish());
    match (&whole, &streamed) {
        (Ok(a), Ok(b)) => assert_eq!(
            a.iter().collect::<Vec<_>>(),
            b.iter().collect::<Vec<_>>(),
            "whole and streamed reads differ"
        ),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!("whole {whole:?} but streamed {streamed:?}"),
    }
    let Ok(fleet) = whole else {
        return;
    };
    let mut desktops: Vec<&str> = fleet.iter().map(|(id, _)| id).take(64).collect();
    desktops.push("not-in-the-snapshot");
    desktops.retain(|id| !id.is_empty());
    desktops.sort_unstable();
    desktops.dedup();
    let mut users: Vec<&str> = fleet
        .iter()
        .take(64)
        .flat_map(|(_, d)| d.end_user_ids().iter().map(String::as_str))
        .collect();
    users.push("newcomer");
    users.sort_unstable();
    users.dedup();
    for k in [0, 1, 3] {
        let Ok(request) = Request::new("cn-hangzhou", &desktops, &users)
            .max_user_per_desktop(k)
            .check()
        else {
            continue;
        };
        let planned = eds_entitlement::plan_against(&request, &fleet).expect("a small plan fits");
        if let Err(violation) = eds_entitlement::verify_against(&request, &fleet, &planned) {
            panic!("the plan against the snapshot fails the checker: {violation}");
        }
        let totals = eds_entitlement::Changes::new(&request, &fleet, &planned);
        assert_eq!(totals.desktops, desktops.len() as u64);
        assert_eq!(
            totals.desktops_eligible + totals.desktops_ineligible,
            totals.desktops
        );
        assert_eq!(
            totals.pairs_before - totals.pairs_removed,
            totals.pairs_kept
        );
        assert_eq!(totals.pairs_after - totals.pairs_added, totals.pairs_kept);
        let response = eds_entitlement::FleetResponse::new(&request, &fleet, &planned);
        wire::write_fleet_json(&response, &mut Vec::new(), false).expect("the response writes");
        wire::write_changes_json(&request, &fleet, &planned, &mut Vec::new(), true)
            .expect("the change report writes");
    }
}
