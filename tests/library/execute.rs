//! The laws of carrying out a plan (the contract, §8), on arbitrary plans and fleets: the
//! calls, sent as the query-form lines they print and applied to a model of the service,
//! leave exactly the plan; they touch nothing else; with a snapshot they leave unchanged
//! desktops alone; they never outnumber the per-desktop baseline. Sent wave by wave to a
//! model of the live service, which assigns in the background and refuses a call on a busy
//! or stopped desktop (§8.1), none is refused; with make-before-break no user is ever left
//! without a desktop.

use std::collections::{BTreeMap, BTreeSet};

use eds_entitlement::{
    baseline_calls, calls, calls_with, Call, CallOptions, Calls, Fleet, PlanResponse,
    PlannedDesktop, SnapshotDesktop, Status,
};
use proptest::prelude::*;
use proptest::sample::subsequence;

/// Users `0..POOL` of every test; a desktop has 0 to 500 of them.
const POOL: usize = 600;

/// User `i`: plain, or with bytes that need percent-encoding (space, `&`, `=`, `%`, `+`,
/// `/`, `?`, non-ASCII) or that must stay as they are (`-._~`).
fn user(i: usize) -> String {
    const PREFIXES: [&str; 7] = ["u", "用户 ", "a&b=", "100%+", "é~.-_", "x/y?#", "Zoë "];
    format!("{}{i}", PREFIXES[i % PREFIXES.len()])
}

/// Desktop `i`, some with bytes to encode too.
fn desktop(i: usize) -> String {
    if i % 3 == 2 {
        format!("ecd {i}&x")
    } else {
        format!("ecd-{i}")
    }
}

/// A list of distinct users in arbitrary order: 0 to 500 of them.
fn users() -> impl Strategy<Value = Vec<usize>> {
    prop_oneof![
        subsequence((0..POOL).collect::<Vec<_>>(), 0..=12),
        subsequence((0..POOL).collect::<Vec<_>>(), 90..=110),
        subsequence((0..POOL).collect::<Vec<_>>(), 0..=500),
    ]
    .prop_shuffle()
}

/// What the service has on a desktop before the calls, relative to its plan.
#[derive(Clone, Debug)]
enum Before {
    /// Exactly the planned users, in another order.
    Same,
    /// The planned users, some removed and some others added.
    Near { drop: Vec<usize>, add: Vec<usize> },
    /// Anything.
    Other(Vec<usize>),
}

#[derive(Clone, Debug)]
struct DesktopCase {
    failed: bool,
    status: Option<Status>,
    /// `None`: its own users; `Some(t)`: template `t`'s (desktops that share additions).
    template: Option<usize>,
    own: Vec<usize>,
    before: Before,
    /// Whether the snapshot has the desktop.
    in_snapshot: bool,
    /// Its state in the snapshot: 0 `Running`, 1 `Stopped`, 2 `Running` and `Assigning`.
    state: u8,
}

#[derive(Clone, Debug)]
struct Case {
    templates: Vec<Vec<usize>>,
    desktops: Vec<DesktopCase>,
    /// Desktops the plan does not list, with their users: no call may touch them.
    others: Vec<Vec<usize>>,
}

fn before() -> impl Strategy<Value = Before> {
    prop_oneof![
        Just(Before::Same),
        (
            subsequence((0..POOL).collect::<Vec<_>>(), 0..=8),
            subsequence((0..POOL).collect::<Vec<_>>(), 0..=8)
        )
            .prop_map(|(drop, add)| Before::Near { drop, add }),
        users().prop_map(Before::Other),
    ]
}

fn desktop_case() -> impl Strategy<Value = DesktopCase> {
    (
        prop::bool::weighted(0.15),
        prop_oneof![
            Just(Some(Status::NotStarted)),
            Just(None),
            Just(Some(Status::Finished))
        ],
        prop_oneof![Just(None), (0usize..2).prop_map(Some)],
        users(),
        before(),
        prop::bool::weighted(0.85),
        prop_oneof![8 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)],
    )
        .prop_map(
            |(failed, status, template, own, before, in_snapshot, state)| DesktopCase {
                failed,
                status,
                template,
                own,
                before,
                in_snapshot,
                state,
            },
        )
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(users(), 2),
        prop::collection::vec(desktop_case(), 0..=7),
        prop::collection::vec(users(), 0..=2),
    )
        .prop_map(|(templates, desktops, others)| Case {
            templates,
            desktops,
            others,
        })
}

/// The plan, the service's state before the calls, and the snapshot of it.
struct World {
    plan: PlanResponse,
    before: BTreeMap<String, BTreeSet<String>>,
    snapshot: Fleet,
}

fn world(case: &Case) -> World {
    let names = |ids: &[usize]| ids.iter().map(|&i| user(i)).collect::<Vec<_>>();
    let mut items = Vec::new();
    let mut before = BTreeMap::new();
    let mut snapshot = Fleet::new();
    for (i, d) in case.desktops.iter().enumerate() {
        let planned = match d.template {
            Some(t) => names(&case.templates[t]),
            None => names(&d.own),
        };
        let now: Vec<String> = match &d.before {
            Before::Same => planned.iter().rev().cloned().collect(),
            Before::Near { drop, add } => {
                let dropped: BTreeSet<String> = names(drop).into_iter().collect();
                let mut now: Vec<String> = planned
                    .iter()
                    .filter(|u| !dropped.contains(*u))
                    .cloned()
                    .collect();
                for u in names(add) {
                    if !now.contains(&u) {
                        now.push(u);
                    }
                }
                now
            }
            Before::Other(ids) => names(ids),
        };
        let status = if d.failed {
            Some(Status::Failed)
        } else {
            d.status
        };
        items.push(PlannedDesktop::new(desktop(i), status, planned));
        before.insert(desktop(i), now.iter().cloned().collect());
        if d.in_snapshot {
            let seen = match d.state {
                1 => SnapshotDesktop::new("Stopped"),
                2 => SnapshotDesktop::new("Running").flag("Assigning"),
                _ => SnapshotDesktop::new("Running"),
            };
            snapshot
                .insert(desktop(i), seen.end_users(now))
                .expect("distinct desktops");
        }
    }
    for (j, ids) in case.others.iter().enumerate() {
        let id = format!("other {j}");
        before.insert(id.clone(), names(ids).into_iter().collect());
        snapshot
            .insert(id, SnapshotDesktop::new("Running").end_users(names(ids)))
            .expect("distinct desktops");
    }
    World {
        plan: PlanResponse::new(items).expect("a valid plan"),
        before,
        snapshot,
    }
}

/// Percent-decodes a query-form value, refusing what the SDKs would not have written: a
/// byte outside RFC 3986's unreserved set left as it is, or an escape in lowercase hex.
fn decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = &value[i + 1..i + 3];
            assert!(
                hex.bytes()
                    .all(|h| h.is_ascii_digit() || h.is_ascii_uppercase()),
                "escape %{hex} is not uppercase hex"
            );
            out.push(u8::from_str_radix(hex, 16).expect("hex"));
            i += 3;
        } else {
            assert!(
                b.is_ascii_alphanumeric() || b"-._~".contains(&b),
                "byte {:?} left unencoded in {value:?}",
                char::from(b)
            );
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8")
}

/// One printed line, read back: its `Action` and its parameters, lists in item order.
struct Sent {
    action: String,
    single: BTreeMap<String, String>,
    lists: BTreeMap<String, Vec<String>>,
}

fn read_line(line: &str, region: &str) -> Sent {
    let mut sent = Sent {
        action: String::new(),
        single: BTreeMap::new(),
        lists: BTreeMap::new(),
    };
    for (k, pair) in line.split('&').enumerate() {
        let (name, value) = pair.split_once('=').expect("name=value");
        let value = decode(value);
        match k {
            0 => {
                assert_eq!(name, "Action");
                sent.action = value;
            }
            1 => assert_eq!((name, value.as_str()), ("Version", "2020-09-30")),
            2 => assert_eq!((name, value.as_str()), ("RegionId", region)),
            _ => match name.split_once('.') {
                Some((list, n)) => {
                    let items = sent.lists.entry(list.to_owned()).or_default();
                    assert_eq!(n, (items.len() + 1).to_string(), "items numbered from 1");
                    items.push(value);
                }
                None => {
                    assert!(sent.single.insert(name.to_owned(), value).is_none());
                }
            },
        }
    }
    sent
}

/// Applies the lines, in order, to `state`, as the service would; returns the desktops named.
fn apply(
    lines: &[String],
    region: &str,
    state: &mut BTreeMap<String, BTreeSet<String>>,
) -> BTreeSet<String> {
    let mut touched = BTreeSet::new();
    for line in lines {
        let sent = read_line(line, region);
        for (name, list) in &sent.lists {
            assert!(
                (1..=100).contains(&list.len()),
                "{name} has {} IDs",
                list.len()
            );
        }
        let list = |name: &str| sent.lists.get(name).cloned().unwrap_or_default();
        match sent.action.as_str() {
            "ModifyEntitlement" => {
                assert_eq!(sent.single.keys().collect::<Vec<_>>(), ["DesktopId"]);
                let id = sent.single["DesktopId"].clone();
                touched.insert(id.clone());
                state.insert(id, list("EndUserId").into_iter().collect());
            }
            "ModifyUserEntitlement" => {
                assert!(sent.single.is_empty());
                let users = list("EndUserId");
                let (authorize, revoke) = (list("AuthorizeDesktopId"), list("RevokeDesktopId"));
                assert!(!users.is_empty(), "a call without users");
                assert!(
                    authorize.len() + revoke.len() > 0,
                    "a call without desktops"
                );
                for d in &authorize {
                    touched.insert(d.clone());
                    state
                        .entry(d.clone())
                        .or_default()
                        .extend(users.iter().cloned());
                }
                for d in &revoke {
                    touched.insert(d.clone());
                    let now = state.entry(d.clone()).or_default();
                    for u in &users {
                        now.remove(u);
                    }
                }
            }
            other => panic!("unknown action {other}"),
        }
    }
    touched
}

fn planned_set(d: &PlannedDesktop) -> BTreeSet<String> {
    d.end_user_ids.iter().cloned().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Without a snapshot: whatever each desktop has now, the calls leave every desktop not
    /// FAILED with exactly its plan, touch nothing else, and need at most the baseline.
    #[test]
    fn calls_carry_out_the_plan_whatever_the_fleet(case in case()) {
        let world = world(&case);
        let region = "ap-southeast-1";
        let calls = calls(&world.plan, None, region).unwrap();
        let lines: Vec<String> = calls.iter().map(Call::to_query).collect();
        let mut state = world.before.clone();
        let touched = apply(&lines, region, &mut state);
        let mut baseline = 0;
        for d in world.plan.desktops() {
            if d.is_failed() {
                prop_assert!(!touched.contains(&d.desktop_id));
            } else {
                prop_assert_eq!(&state[&d.desktop_id], &planned_set(d));
                baseline += baseline_calls(d.end_user_ids.len());
            }
        }
        for (id, users) in &world.before {
            if !world.plan.desktops().iter().any(|d| &d.desktop_id == id && !d.is_failed()) {
                prop_assert_eq!(&state[id], users, "{} changed", id);
            }
        }
        prop_assert_eq!(calls.baseline(), baseline);
        prop_assert!(calls.len() <= baseline);
        // Each desktop not FAILED is replaced first, with its first 100 planned users.
        let replaced: Vec<&Call> = calls.iter().take(calls.modify_entitlement()).collect();
        let live: Vec<&PlannedDesktop> = world.plan.desktops().iter().filter(|d| !d.is_failed()).collect();
        prop_assert_eq!(replaced.len(), live.len());
        for (call, d) in replaced.into_iter().zip(live) {
            match call {
                Call::ModifyEntitlement(call) => {
                    prop_assert_eq!(&call.desktop_id, &d.desktop_id);
                    prop_assert_eq!(&call.end_user_ids[..], &d.end_user_ids[..d.end_user_ids.len().min(100)]);
                }
                other => prop_assert!(false, "expected a replacement, got {:?}", other),
            }
        }
    }

    /// With a snapshot of the fleet as it is: the same result, no call for a desktop that
    /// already has its plan, and at most the baseline of the desktops that change.
    #[test]
    fn calls_with_a_snapshot_change_only_what_differs(case in case()) {
        let world = world(&case);
        let region = "cn-hangzhou";
        let calls = calls(&world.plan, Some(&world.snapshot), region).unwrap();
        let lines: Vec<String> = calls.iter().map(Call::to_query).collect();
        let mut state = world.before.clone();
        let touched = apply(&lines, region, &mut state);
        let mut baseline = 0;
        let mut changed = 0;
        for d in world.plan.desktops() {
            let seen = world.snapshot.get(&d.desktop_id);
            let unchanged = seen.is_some() && world.before[&d.desktop_id] == planned_set(d);
            // A desktop to change that the snapshot lacks, or that is not Running, or is
            // Assigning, cannot be changed now: no call, and it is listed (§8.1).
            let unchangeable = !d.is_failed()
                && !unchanged
                && !seen.is_some_and(|s| s.eligibility().is_eligible());
            prop_assert_eq!(
                unchangeable,
                calls.unchangeable().iter().any(|u| u.desktop_id == d.desktop_id)
            );
            if d.is_failed() || unchanged || unchangeable {
                prop_assert!(!touched.contains(&d.desktop_id), "{} touched", d.desktop_id);
            } else {
                prop_assert_eq!(&state[&d.desktop_id], &planned_set(d));
                baseline += baseline_calls(d.end_user_ids.len());
                changed += 1;
            }
        }
        for (id, users) in &world.before {
            if !world.plan.desktops().iter().any(|d| &d.desktop_id == id && !d.is_failed()) {
                prop_assert_eq!(&state[id], users, "{} changed", id);
            }
        }
        prop_assert_eq!((calls.desktops(), calls.baseline()), (changed, baseline));
        prop_assert!(calls.len() <= baseline);
    }

    /// The calls made from the plan itself (its IDs taken, not copied) are the same calls.
    #[test]
    fn into_calls_gives_the_same_calls(case in case(), mbb in any::<bool>()) {
        let world = world(&case);
        let options = CallOptions::new().make_before_break(mbb);
        let copied = calls_with(&world.plan, Some(&world.snapshot), "cn-hangzhou", &options).unwrap();
        let taken = world.plan.clone().into_calls(Some(&world.snapshot), "cn-hangzhou", &options).unwrap();
        prop_assert_eq!(copied, taken);
        let copied = calls(&world.plan, None, "cn-hangzhou").unwrap();
        let taken = world.plan.into_calls(None, "cn-hangzhou", &CallOptions::new()).unwrap();
        prop_assert_eq!(copied, taken);
    }

    /// The same inputs give the same calls.
    #[test]
    fn calls_are_deterministic(case in case()) {
        let world = world(&case);
        let once = calls(&world.plan, Some(&world.snapshot), "cn-hangzhou").unwrap();
        let twice = calls(&world.plan, Some(&world.snapshot), "cn-hangzhou").unwrap();
        prop_assert_eq!(once, twice);
    }
}

/// Two desktops planned for the same 250 users in different orders share their additions;
/// a third with other additions gets its own.
#[test]
fn desktops_with_the_same_additions_share_calls_whatever_their_order() {
    let users: Vec<String> = (0..250).map(user).collect();
    let mut shuffled = users.clone();
    shuffled[100..].reverse();
    let mut other: Vec<String> = users[..100].to_vec();
    other.extend((300..450).map(user));
    let plan = PlanResponse::new(vec![
        PlannedDesktop::new("a", None, users.clone()),
        PlannedDesktop::new("b", None, shuffled),
        PlannedDesktop::new("c", None, other),
    ])
    .unwrap();
    let calls = calls(&plan, None, "cn-hangzhou").unwrap();
    let shares: Vec<Vec<String>> = calls
        .iter()
        .filter_map(|c| match c {
            Call::ModifyUserEntitlement(c) => Some(c.authorize_desktop_ids.clone()),
            Call::ModifyEntitlement(_) => None,
        })
        .collect();
    // Wave 2 has the first run of each, wave 3 the second.
    assert_eq!(
        shares,
        [vec!["a", "b"], vec!["c"], vec!["a", "b"], vec!["c"]]
    );
    assert_eq!(calls.waves(), 3);
    assert_eq!((calls.len(), calls.baseline()), (3 + 4, 9));
}

/// More than 100 desktops needing the same additions: one call per 100 desktops.
#[test]
fn shared_additions_name_at_most_100_desktops() {
    let users: Vec<String> = (0..150).map(user).collect();
    let plan = PlanResponse::new(
        (0..250)
            .map(|i| PlannedDesktop::new(desktop(i), None, users.clone()))
            .collect(),
    )
    .unwrap();
    let calls = calls(&plan, None, "cn-hangzhou").unwrap();
    let sizes: Vec<usize> = calls
        .iter()
        .filter_map(|c| match c {
            Call::ModifyUserEntitlement(c) => Some(c.authorize_desktop_ids.len()),
            Call::ModifyEntitlement(_) => None,
        })
        .collect();
    assert_eq!(sizes, [100, 100, 50]);
    assert_eq!((calls.len(), calls.baseline()), (253, 500));
}

/// A model of the live service (§8.1): a call is refused on a desktop that is not `Running`
/// or is `Assigning`, and leaves every desktop it names `Assigning` until the sender waits.
struct Service {
    users: BTreeMap<String, BTreeSet<String>>,
    stopped: BTreeSet<String>,
    assigning: BTreeSet<String>,
}

impl Service {
    fn new(world: &World, with_states: bool) -> Service {
        let mut service = Service {
            users: world.before.clone(),
            stopped: BTreeSet::new(),
            assigning: BTreeSet::new(),
        };
        if with_states {
            for (id, seen) in world.snapshot.iter() {
                if !seen.is_running() {
                    service.stopped.insert(id.to_owned());
                }
                if seen.is_assigning() {
                    service.assigning.insert(id.to_owned());
                }
            }
        }
        service
    }

    /// Sends one call: refused (`Err`) on a busy or stopped desktop, else applied in the
    /// background.
    fn send(&mut self, line: &str, region: &str) -> Result<(), String> {
        let sent = read_line(line, region);
        let named = named(&sent);
        for d in &named {
            if self.assigning.contains(d) {
                return Err(format!("IncorrectDesktopStatus: {d} is Assigning: {line}"));
            }
            if self.stopped.contains(d) {
                return Err(format!("IncorrectDesktopStatus: {d} is Stopped: {line}"));
            }
        }
        apply(&[line.to_owned()], region, &mut self.users);
        self.assigning.extend(named);
        Ok(())
    }

    /// The sender's wait between waves: every assignment finishes.
    fn settle(&mut self) {
        self.assigning.clear();
    }
}

fn named(sent: &Sent) -> Vec<String> {
    let mut named: Vec<String> = sent.single.get("DesktopId").cloned().into_iter().collect();
    for key in ["AuthorizeDesktopId", "RevokeDesktopId"] {
        named.extend(sent.lists.get(key).cloned().unwrap_or_default());
    }
    named
}

/// The printed waves, as `# wave N` lines and query lines, read back into waves.
fn printed_waves(calls: &Calls) -> Vec<Vec<String>> {
    let mut text = String::new();
    for (n, wave) in calls.iter_waves() {
        text += &format!("# wave {n}\n");
        for call in wave {
            text += &call.to_query();
            text.push('\n');
        }
    }
    let mut waves: Vec<Vec<String>> = Vec::new();
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("# wave ") {
            assert_eq!(n, (waves.len() + 1).to_string(), "waves numbered from 1");
            waves.push(Vec::new());
        } else {
            waves
                .last_mut()
                .expect("a call after '# wave 1'")
                .push(line.to_owned());
        }
    }
    waves
}

/// The users who have a listed desktop before and are planned to have one after (a FAILED
/// desktop they have counts): make-before-break must never leave one of them with none.
fn protected(world: &World) -> BTreeSet<String> {
    let mut before = BTreeSet::new();
    let mut after = BTreeSet::new();
    for d in world.plan.desktops() {
        let had = world.before.get(&d.desktop_id).cloned().unwrap_or_default();
        before.extend(had.iter().cloned());
        if d.is_failed() {
            after.extend(had);
        } else {
            after.extend(d.end_user_ids.iter().cloned());
        }
    }
    before.intersection(&after).cloned().collect()
}

/// Whether every protected user has a listed desktop in `state`; the first who has none.
fn first_stranded(
    world: &World,
    protected: &BTreeSet<String>,
    state: &BTreeMap<String, BTreeSet<String>>,
) -> Option<String> {
    let mut has = BTreeSet::new();
    for d in world.plan.desktops() {
        if let Some(users) = state.get(&d.desktop_id) {
            has.extend(users.iter().cloned());
        }
    }
    protected.iter().find(|u| !has.contains(*u)).cloned()
}

/// A wave landing in its worst order: every removal first (a replacement's too), then every
/// addition.
fn removals_first(wave: &[String], region: &str, state: &mut BTreeMap<String, BTreeSet<String>>) {
    for line in wave {
        let sent = read_line(line, region);
        let users: BTreeSet<String> = sent
            .lists
            .get("EndUserId")
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .collect();
        if sent.action == "ModifyEntitlement" {
            let now = state.entry(sent.single["DesktopId"].clone()).or_default();
            now.retain(|u| users.contains(u));
        } else {
            for d in sent
                .lists
                .get("RevokeDesktopId")
                .cloned()
                .unwrap_or_default()
            {
                let now = state.entry(d).or_default();
                now.retain(|u| !users.contains(u));
            }
        }
    }
}

/// The most calls naming one desktop.
fn most_calls_per_desktop(waves: &[Vec<String>], region: &str) -> usize {
    let mut per: BTreeMap<String, usize> = BTreeMap::new();
    for line in waves.iter().flatten() {
        for d in named(&read_line(line, region)) {
            *per.entry(d).or_default() += 1;
        }
    }
    per.values().copied().max().unwrap_or(0)
}

/// Sends `calls` wave by wave to a service that assigns in the background, and checks what
/// every plan sent so must give: no call refused, the plan done on every desktop that could
/// be changed, nothing else touched. Returns the waves as printed.
fn send_in_waves(
    world: &World,
    calls: &Calls,
    region: &str,
    with_snapshot: bool,
) -> Result<Vec<Vec<String>>, TestCaseError> {
    let waves = printed_waves(calls);
    prop_assert_eq!(waves.len(), calls.waves());
    let mut service = Service::new(world, with_snapshot);
    for wave in &waves {
        for line in wave {
            service.send(line, region).map_err(TestCaseError::fail)?;
        }
        service.settle();
    }
    let left_out: BTreeSet<&str> = calls
        .unchangeable()
        .iter()
        .map(|u| u.desktop_id.as_str())
        .collect();
    let held: BTreeSet<&str> = calls
        .held_back()
        .iter()
        .map(|h| h.desktop_id.as_str())
        .collect();
    let mut listed = BTreeSet::new();
    for d in world.plan.desktops() {
        listed.insert(d.desktop_id.as_str());
        let id = d.desktop_id.as_str();
        let now = &service.users[id];
        if d.is_failed() || left_out.contains(id) {
            prop_assert_eq!(now, &world.before[id], "{} touched", id);
        } else if held.contains(id) {
            // It keeps its held-back users beside its plan.
            let kept: BTreeSet<String> = calls
                .held_back()
                .iter()
                .filter(|h| h.desktop_id == id)
                .map(|h| h.user_id.clone())
                .collect();
            let expected: BTreeSet<String> = planned_set(d).union(&kept).cloned().collect();
            prop_assert_eq!(now, &expected, "{} with its held-back users", id);
        } else {
            prop_assert_eq!(now, &planned_set(d), "{} not as planned", id);
        }
    }
    for (id, users) in &world.before {
        if !listed.contains(id.as_str()) {
            prop_assert_eq!(&service.users[id], users, "unlisted {} touched", id);
        }
    }
    Ok(waves)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Sent wave by wave to a service that assigns in the background and refuses a call on
    /// a busy or stopped desktop: no call is refused, the plan is done, nothing else is
    /// touched; the waves stay within the bound, and the calls within the baseline.
    #[test]
    fn waves_survive_a_service_that_assigns_in_the_background(case in case(), with_snapshot in any::<bool>()) {
        let world = world(&case);
        let region = "cn-hangzhou";
        let fleet = with_snapshot.then_some(&world.snapshot);
        let calls = calls(&world.plan, fleet, region).unwrap();
        let waves = send_in_waves(&world, &calls, region, with_snapshot)?;
        let most = most_calls_per_desktop(&waves, region);
        prop_assert!(waves.len() <= most + 1, "{} waves, {} calls on one desktop", waves.len(), most);
        prop_assert!(calls.len() <= calls.baseline());
        prop_assert_eq!(calls.extra(), 0);
        if most == 1 {
            prop_assert_eq!(waves.len(), 1);
        }
        prop_assert!(calls.held_back().is_empty());
    }

    /// With make-before-break: the same, and at every wave boundary, and within every wave
    /// in its worst order (all its removals before its additions), no user who has a listed
    /// desktop before and is planned one after is left with none.
    #[test]
    fn make_before_break_never_strands_a_user(case in case()) {
        let world = world(&case);
        let region = "cn-hangzhou";
        let options = CallOptions::new().make_before_break(true);
        let calls = calls_with(&world.plan, Some(&world.snapshot), region, &options).unwrap();
        let waves = send_in_waves(&world, &calls, region, true)?;
        let protected = protected(&world);
        let mut state = world.before.clone();
        prop_assert_eq!(first_stranded(&world, &protected, &state), None);
        for (n, wave) in waves.iter().enumerate() {
            let mut worst = state.clone();
            removals_first(wave, region, &mut worst);
            if let Some(user) = first_stranded(&world, &protected, &worst) {
                prop_assert!(false, "{} has no desktop within wave {}", user, n + 1);
            }
            apply(wave, region, &mut state);
            if let Some(user) = first_stranded(&world, &protected, &state) {
                prop_assert!(false, "{} has no desktop after wave {}", user, n + 1);
            }
        }
        let most = most_calls_per_desktop(&waves, region);
        prop_assert!(waves.len() <= most + 2, "{} waves, {} calls on one desktop", waves.len(), most);
        prop_assert_eq!(calls.extra(), calls.len().saturating_sub(calls.baseline()));
    }
}
