//! The laws of the contract's §6 on random fleets: snapshots with statuses in every case
//! spelling, both flag fields and both spellings of `Assigning`, users in and out of the
//! request, unlisted desktops, split into pages. The plan verifies and equals the naive
//! reference over the eligible desktops; every desktop's change adds up; the totals are the
//! sums over desktops; a snapshot that changes nothing gives the bytes without it; pages
//! change nothing.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};

use eds_entitlement::wire::{self, fleet_from_json};
use eds_entitlement::{
    desktop_changes, plan, plan_against, verify_against, Changes, CheckedRequest, Eligibility,
    Fleet, FleetResponse, Plan, Request, Response, Strategy,
};
use proptest::prelude::*;
use proptest::strategy::Strategy as Gen;
use serde_json::{json, Value};

/// One desktop of a generated snapshot.
#[derive(Clone, Debug)]
struct Desktop {
    id: String,
    status: &'static str,
    /// `ManagementFlags`: absent, `null`, or a list.
    flags: Option<Option<Vec<&'static str>>>,
    /// `ManagementFlag`: absent, `null`, or one.
    flag: Option<Option<&'static str>>,
    /// `EndUserIds`: absent, `null`, or a list.
    users: Option<Option<Vec<String>>>,
}

/// A request and a snapshot of it, cut into pages.
#[derive(Clone, Debug)]
struct Case {
    request: CheckedRequest,
    desktops: Vec<Desktop>,
    /// Where each page ends, in `desktops`.
    cuts: Vec<usize>,
}

const STATUSES: [&str; 7] = [
    "Running", "running", "RUNNING", "rUnNiNg", "Stopped", "Pending", "Expired",
];
const FLAGS: [&str; 6] = [
    "NoFlag",
    "Assigning",
    "ASSIGNING",
    "assigning",
    "Updating",
    "Upgrading",
];

fn flags() -> impl Gen<Value = Option<Option<Vec<&'static str>>>> {
    prop_oneof![
        Just(None),
        Just(Some(None)),
        prop::collection::vec(prop::sample::select(&FLAGS[..]), 0..3).prop_map(|f| Some(Some(f))),
    ]
}

fn flag() -> impl Gen<Value = Option<Option<&'static str>>> {
    prop_oneof![
        Just(None),
        Just(Some(None)),
        prop::sample::select(&FLAGS[..]).prop_map(|f| Some(Some(f))),
    ]
}

fn case() -> impl Gen<Value = Case> {
    (
        1usize..14,
        0usize..9,
        0u32..4,
        0u32..4,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_flat_map(|(n, u, k, m, central, preview)| {
            let request = Request::new(
                "cn-hangzhou",
                (0..n).map(|i| format!("ecd-{i}")),
                (0..u).map(support::user_name),
            )
            .max_user_per_desktop(k)
            .max_desktop_per_user(m)
            .strategy(if central {
                Strategy::Central
            } else {
                Strategy::Average
            })
            .preview(preview)
            .check()
            .expect("distinct, non-empty IDs");
            // Each listed desktop: in the snapshot or not; plus a few unlisted ones.
            let listed = prop::collection::vec(any::<bool>(), n);
            let unlisted = 0usize..3;
            (Just(request), listed, unlisted)
        })
        .prop_flat_map(|(request, listed, unlisted)| {
            let u = request.end_user_ids().len();
            let mut ids: Vec<String> = listed
                .iter()
                .enumerate()
                .filter(|&(_, &present)| present)
                .map(|(i, _)| format!("ecd-{i}"))
                .collect();
            ids.extend((0..unlisted).map(|i| format!("other-{i}")));
            let count = ids.len();
            let desktops = ids
                .into_iter()
                .map(|id| {
                    // Users: some of the request's (in any order) and some it does not list.
                    let users = prop::collection::btree_set(0..u + 3, 0..5).prop_shuffle_users(u);
                    (
                        Just(id),
                        prop::sample::select(&STATUSES[..]),
                        flags(),
                        flag(),
                        users,
                    )
                        .prop_map(|(id, status, flags, flag, users)| Desktop {
                            id,
                            status,
                            flags,
                            flag,
                            users,
                        })
                })
                .collect::<Vec<_>>();
            let cuts = prop::collection::vec(0..=count, 0..3);
            (Just(request), desktops, prop::strategy::Just(count), cuts)
        })
        .prop_map(|(request, mut desktops, count, mut cuts)| {
            // Snapshot order is not request order.
            desktops.reverse();
            cuts.push(count);
            cuts.sort_unstable();
            Case {
                request,
                desktops,
                cuts,
            }
        })
}

/// Users as indices `0..u + 3`, the last three not in the request, as absent, `null` or a
/// list in a shuffled order.
trait ShuffleUsers {
    fn prop_shuffle_users(self, u: usize) -> BoxedStrategy<Option<Option<Vec<String>>>>;
}

impl<S: Gen<Value = BTreeSet<usize>> + 'static> ShuffleUsers for S {
    fn prop_shuffle_users(self, u: usize) -> BoxedStrategy<Option<Option<Vec<String>>>> {
        let list = self
            .prop_map(move |set| {
                set.into_iter()
                    .map(|j| {
                        if j < u {
                            support::user_name(j)
                        } else {
                            format!("former-{}", j - u)
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .prop_shuffle();
        prop_oneof![
            1 => Just(None),
            1 => Just(Some(None)),
            6 => list.prop_map(|l| Some(Some(l))),
        ]
        .boxed()
    }
}

fn desktop_json(d: &Desktop) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("DesktopName".into(), json!(format!("name of {}", d.id)));
    object.insert("DesktopId".into(), json!(d.id));
    object.insert("Cpu".into(), json!(4));
    object.insert("DesktopStatus".into(), json!(d.status));
    if let Some(flags) = &d.flags {
        object.insert("ManagementFlags".into(), json!(flags));
    }
    if let Some(flag) = &d.flag {
        object.insert("ManagementFlag".into(), json!(flag));
    }
    if let Some(users) = &d.users {
        object.insert("EndUserIds".into(), json!(users));
    }
    object.insert("Disks".into(), json!([{"DiskId": "d-1", "DiskSize": 80}]));
    Value::Object(object)
}

fn page_json(desktops: &[Desktop]) -> String {
    listing_page_json(desktops, desktops.len())
}

/// A page of a listing of `total` desktops, as the SDKs' bodies give it.
fn listing_page_json(desktops: &[Desktop], total: usize) -> String {
    json!({
        "RequestId": "r",
        "TotalCount": total,
        "Desktops": desktops.iter().map(desktop_json).collect::<Vec<_>>(),
    })
    .to_string()
}

/// The snapshot as pages of one listing, cut at `case.cuts`: each gives the listing's
/// `TotalCount`.
fn pages(case: &Case) -> Vec<(String, String)> {
    let mut start = 0;
    let total = case.desktops.len();
    case.cuts
        .iter()
        .enumerate()
        .map(|(p, &end)| {
            let page = (
                format!("page{}.json", p + 1),
                listing_page_json(&case.desktops[start..end], total),
            );
            start = end;
            page
        })
        .collect()
}

fn merged(case: &Case) -> Fleet {
    fleet_from_json([("merged.json", page_json(&case.desktops))]).expect("a valid snapshot")
}

/// §6's eligibility, the naive way.
fn naive_eligibility(case: &Case, id: &str) -> Eligibility {
    let Some(d) = case.desktops.iter().find(|d| d.id == id) else {
        return Eligibility::NotInSnapshot;
    };
    let mut flags: Vec<&str> = d.flags.clone().flatten().unwrap_or_default();
    flags.extend(d.flag.flatten());
    if d.status.to_lowercase() != "running" {
        Eligibility::NotRunning
    } else if flags.iter().any(|f| f.to_lowercase() == "assigning") {
        Eligibility::Assigning
    } else {
        Eligibility::Eligible
    }
}

/// `h_j` of §6.1, the naive way: for each listed user, the ineligible listed desktops
/// whose snapshot users include it.
fn naive_held(case: &Case, eligibility: &[Eligibility]) -> Vec<usize> {
    let request = &case.request;
    request
        .end_user_ids()
        .iter()
        .map(|user| {
            request
                .desktop_ids()
                .iter()
                .zip(eligibility)
                .filter(|(id, e)| !e.is_eligible() && users_of(case, id).iter().any(|u| u == user))
                .count()
        })
        .collect()
}

fn users_of(case: &Case, id: &str) -> Vec<String> {
    case.desktops
        .iter()
        .find(|d| d.id == id)
        .and_then(|d| d.users.clone().flatten())
        .unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn plan_against_verifies_and_is_the_reference_over_eligible_desktops(case in case()) {
        let fleet = merged(&case);
        let request = &case.request;
        let planned = plan_against(request, &fleet).unwrap();
        prop_assert_eq!(verify_against(request, &fleet, &planned), Ok(()));
        let expected: Vec<Eligibility> = request
            .desktop_ids()
            .iter()
            .map(|id| naive_eligibility(&case, id))
            .collect();
        prop_assert_eq!(planned.eligibility(), &expected[..]);
        // The reference planner on a request of the eligible desktops only.
        let eligible: Vec<&str> = request
            .desktop_ids()
            .iter()
            .zip(&expected)
            .filter(|(_, e)| e.is_eligible())
            .map(|(id, _)| id)
            .collect();
        let rows: Vec<&[u32]> = planned
            .plan()
            .iter()
            .zip(&expected)
            .filter(|(_, e)| e.is_eligible())
            .map(|(row, _)| row)
            .collect();
        if !eligible.is_empty() {
            let sub = Request::new("cn-hangzhou", &eligible, request.end_user_ids())
                .max_user_per_desktop(request.max_user_per_desktop().to_wire())
                .max_desktop_per_user(request.max_desktop_per_user().to_wire())
                .strategy(request.strategy())
                .check()
                .unwrap();
            // §6.1: what each listed user keeps on ineligible listed desktops.
            let held = naive_held(&case, &expected);
            let rows = Plan::from_lists(rows.iter().map(|r| r.to_vec()));
            prop_assert_eq!(&rows, &support::reference_held_plan(&sub, &held));
            if held.iter().all(|&h| h == 0) {
                // The old rule, §2 over the eligible desktops, is the same plan.
                prop_assert_eq!(&rows, &support::reference_plan(&sub));
            }
        }
        for (row, e) in planned.plan().iter().zip(&expected) {
            prop_assert!(e.is_eligible() || row.is_empty());
        }
    }

    #[test]
    fn every_desktop_before_minus_removed_plus_added_is_after(case in case()) {
        let fleet = merged(&case);
        let request = &case.request;
        let planned = plan_against(request, &fleet).unwrap();
        for (i, change) in desktop_changes(request, &fleet, &planned).enumerate() {
            let before: BTreeSet<&str> = change.before.iter().map(String::as_str).collect();
            let after: BTreeSet<&str> = change.after.iter().copied().collect();
            let added: BTreeSet<&str> = change.added.iter().copied().collect();
            let removed: BTreeSet<&str> = change.removed.iter().copied().collect();
            prop_assert_eq!(change.before, &users_of(&case, change.desktop_id)[..]);
            prop_assert_eq!(added.len(), change.added.len());
            prop_assert_eq!(removed.len(), change.removed.len());
            let rebuilt: BTreeSet<&str> = before.difference(&removed).copied().chain(added.iter().copied()).collect();
            prop_assert_eq!(&rebuilt, &after);
            prop_assert!(added.is_disjoint(&before) && removed.is_disjoint(&after));
            prop_assert!(removed.is_subset(&before) && added.is_subset(&after));
            // Orders: added in after's order, removed in before's order.
            let in_after: Vec<&str> = change.after.iter().copied().filter(|id| added.contains(id)).collect();
            prop_assert_eq!(&change.added, &in_after);
            let in_before: Vec<&str> = change.before.iter().map(String::as_str).filter(|id| removed.contains(id)).collect();
            prop_assert_eq!(&change.removed, &in_before);
            if change.eligibility.is_eligible() {
                let planned_users: Vec<&str> = planned.plan().end_users(i).iter().map(|&j| &request.end_user_ids()[j as usize]).collect();
                prop_assert_eq!(&change.after, &planned_users);
            } else {
                prop_assert!(change.added.is_empty() && change.removed.is_empty());
            }
        }
    }

    #[test]
    fn totals_are_the_sums_over_desktops(case in case()) {
        let fleet = merged(&case);
        let request = &case.request;
        let planned = plan_against(request, &fleet).unwrap();
        let totals = Changes::new(request, &fleet, &planned);
        let changes: Vec<_> = desktop_changes(request, &fleet, &planned).collect();
        let sum = |f: &dyn Fn(&eds_entitlement::DesktopChange<'_>) -> usize| changes.iter().map(f).sum::<usize>() as u64;
        prop_assert_eq!(totals.desktops, changes.len() as u64);
        prop_assert_eq!(totals.desktops_eligible, sum(&|c| usize::from(c.eligibility.is_eligible())));
        prop_assert_eq!(totals.desktops_ineligible, sum(&|c| usize::from(!c.eligibility.is_eligible())));
        prop_assert_eq!(totals.desktops_changed, sum(&|c| usize::from(!c.added.is_empty() || !c.removed.is_empty())));
        prop_assert_eq!(totals.desktops_left_empty, sum(&|c| usize::from(!c.before.is_empty() && c.after.is_empty())));
        prop_assert_eq!(totals.pairs_before, sum(&|c| c.before.len()));
        prop_assert_eq!(totals.pairs_after, sum(&|c| c.after.len()));
        prop_assert_eq!(totals.pairs_added, sum(&|c| c.added.len()));
        prop_assert_eq!(totals.pairs_removed, sum(&|c| c.removed.len()));
        prop_assert_eq!(totals.pairs_kept, sum(&|c| c.after.iter().filter(|u| c.before.iter().any(|b| b == *u)).count()));
        prop_assert_eq!(totals.pairs_before - totals.pairs_removed, totals.pairs_kept);
        // Users losing all, counted the naive way.
        let mut holds: BTreeMap<&str, (bool, bool)> = BTreeMap::new();
        for c in &changes {
            for b in c.before {
                holds.entry(b.as_str()).or_default().0 = true;
            }
            for a in &c.after {
                holds.entry(a).or_default().1 = true;
            }
        }
        let losing = holds.values().filter(|&&(before, after)| before && !after).count() as u64;
        prop_assert_eq!(totals.users_losing_all, losing);
    }

    #[test]
    fn splitting_a_snapshot_into_pages_changes_nothing(case in case()) {
        let request = &case.request;
        let whole = merged(&case);
        let paged = fleet_from_json(pages(&case)).expect("valid pages");
        let (a, b) = (plan_against(request, &whole).unwrap(), plan_against(request, &paged).unwrap());
        prop_assert_eq!(&a, &b);
        let mut one = Vec::new();
        wire::write_changes_json(request, &whole, &a, &mut one, false).unwrap();
        let mut two = Vec::new();
        wire::write_changes_json(request, &paged, &b, &mut two, false).unwrap();
        prop_assert_eq!(one, two);
        let mut one = Vec::new();
        wire::write_fleet_json(&FleetResponse::new(request, &whole, &a), &mut one, false).unwrap();
        let mut two = Vec::new();
        wire::write_fleet_json(&FleetResponse::new(request, &paged, &b), &mut two, false).unwrap();
        prop_assert_eq!(one, two);
    }

    /// §6.2: leaving a page out of a listing is refused, naming both counts; allowed as
    /// partial, the missing desktops are simply not in the snapshot (and the plan is the one
    /// made against the pages given). Giving a page twice under another listing's count is
    /// refused even as partial.
    #[test]
    fn a_listing_without_one_of_its_pages_is_refused_unless_partial(case in case(), drop in any::<prop::sample::Index>()) {
        let all = pages(&case);
        let total = case.desktops.len() as u64;
        let left_out = drop.index(all.len());
        let kept: Vec<(String, String)> = all
            .iter()
            .enumerate()
            .filter(|&(p, _)| p != left_out)
            .map(|(_, page)| page.clone())
            .collect();
        let start = if left_out == 0 { 0 } else { case.cuts[left_out - 1] };
        let missing = (case.cuts[left_out] - start) as u64;
        let mut reader = wire::FleetReader::new();
        for (label, page) in &kept {
            reader.read_page(label, page.as_bytes()).unwrap();
        }
        if missing == 0 || kept.is_empty() {
            // An empty page changes no count; with no page left, nothing tells of one.
            prop_assert!(reader.check_counts(false).unwrap().is_empty());
        } else {
            match reader.check_counts(false) {
                Err(eds_entitlement::Error::SnapshotCount { total_count, desktops, .. }) => {
                    prop_assert_eq!((total_count, desktops), (total, total - missing));
                }
                other => prop_assert!(false, "{:?}", other),
            }
            let short = reader.check_counts(true).unwrap();
            let labels: Vec<String> = kept.iter().map(|(l, _)| l.clone()).collect();
            prop_assert_eq!(short.len(), 1);
            prop_assert_eq!((short[0].total_count, short[0].desktops), (total, total - missing));
            prop_assert_eq!(&short[0].pages, &labels);
            let fleet = reader.finish();
            prop_assert_eq!(fleet.len() as u64, total - missing);
        }
        // A second listing of the same size, but other desktops, beside this one: more.
        if total > 0 {
            let other: Vec<(String, String)> = all
                .iter()
                .map(|(label, page)| (format!("other-{label}"), page.replace("\"DesktopId\":\"", "\"DesktopId\":\"second-")))
                .collect();
            let mut both = all.clone();
            both.extend(other);
            let mut reader = wire::FleetReader::new();
            for (label, page) in &both {
                reader.read_page(label, page.as_bytes()).unwrap();
            }
            // Unless a page holds the whole listing: such a page is complete by itself
            // (as a query by ID is), so two of them are two snapshots, not one too many.
            let mut sizes = Vec::new();
            let mut start = 0;
            for &end in &case.cuts {
                sizes.push((end - start) as u64);
                start = end;
            }
            if !sizes.contains(&total) {
                match reader.check_counts(true) {
                    Err(eds_entitlement::Error::SnapshotCount { total_count, desktops, .. }) => {
                        prop_assert_eq!((total_count, desktops), (total, 2 * total));
                    }
                    other => prop_assert!(false, "{:?}", other),
                }
            }
        }
    }

    #[test]
    fn a_snapshot_that_changes_nothing_gives_the_bytes_without_it(case in case(), pretty in any::<bool>()) {
        let request = &case.request;
        // Every listed desktop Running (in some spelling), unflagged or NoFlag, and empty.
        let mut desktops: Vec<Desktop> = request
            .desktop_ids()
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let like = case.desktops.get(i % case.desktops.len().max(1));
                let flags = like.and_then(|d| d.flags.clone());
                let flag = like.and_then(|d| d.flag);
                Desktop {
                    id: id.to_owned(),
                    status: STATUSES[i % 4],
                    flags: flags.map(|f| f.map(|f| f.into_iter().filter(|f| f.to_lowercase() != "assigning").collect())),
                    flag: flag.map(|f| f.filter(|f| f.to_lowercase() != "assigning")),
                    users: if i % 2 == 0 { None } else { Some(Some(Vec::new())) },
                }
            })
            .collect();
        desktops.reverse();
        let fleet = fleet_from_json([("s.json", page_json(&desktops))]).unwrap();
        let planned = plan_against(request, &fleet).unwrap();
        let canonical = plan(request);
        prop_assert_eq!(planned.plan(), &canonical);
        let mut with = Vec::new();
        wire::write_fleet_json(&FleetResponse::new(request, &fleet, &planned), &mut with, pretty).unwrap();
        let mut without = Vec::new();
        wire::write_json(&Response::new(request, &canonical), &mut without, pretty).unwrap();
        prop_assert_eq!(String::from_utf8(with).unwrap(), String::from_utf8(without).unwrap());
    }
}
