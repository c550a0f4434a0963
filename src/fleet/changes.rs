//! The change report (the contract, §6): who gains and who loses a desktop when a plan made
//! against a snapshot is carried out.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use core::ops::Range;

use indexmap::IndexMap;
use xxhash_rust::xxh3::Xxh3DefaultBuilder;

use super::caps::held_counts;
use super::plan::FleetPlan;
use super::snapshot::{Eligibility, Fleet, SnapshotDesktop};
use crate::ids::{find_each, IdList};
use crate::request::CheckedRequest;

/// The totals of the change report of a plan made against a snapshot: the contract's §6
/// `totals`, one field per key, with the key's name.
///
/// Each is a sum over the listed desktops of [`desktop_changes`] (the tests check that),
/// except `users_losing_all` and `users_over_limit`, which count users.
///
/// # Representation
///
/// Plain public fields, all `u64`.
///
/// ```
/// use eds_entitlement::{plan_against, Changes, Fleet, Request, SnapshotDesktop};
///
/// let request = Request::new("cn-hangzhou", ["ecd-a", "ecd-b"], ["Alice", "Bob"])
///     .max_user_per_desktop(1)
///     .check()?;
/// let mut fleet = Fleet::new();
/// fleet.insert("ecd-a", SnapshotDesktop::new("Running").end_users(["Alice", "Carol"])).unwrap();
/// fleet.insert("ecd-b", SnapshotDesktop::new("Running").end_users(["Dave"])).unwrap();
///
/// let planned = plan_against(&request, &fleet)?;
/// let changes = Changes::new(&request, &fleet, &planned);
/// // ecd-a: Alice stays, Carol goes; ecd-b: Dave goes, Bob comes.
/// assert_eq!((changes.pairs_before, changes.pairs_after), (3, 2));
/// assert_eq!((changes.pairs_kept, changes.pairs_added, changes.pairs_removed), (1, 1, 2));
/// assert_eq!(changes.users_losing_all, 2); // Carol and Dave
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Changes {
    /// The listed desktops, `n`.
    pub desktops: u64,
    /// Listed desktops that the call can change.
    pub desktops_eligible: u64,
    /// Listed desktops that it cannot (not in the snapshot, not `Running`, or `Assigning`).
    pub desktops_ineligible: u64,
    /// Listed desktops that gain or lose a user.
    pub desktops_changed: u64,
    /// Listed desktops that have users before and none after.
    pub desktops_left_empty: u64,
    /// (desktop, user) pairs of the listed desktops in the snapshot.
    pub pairs_before: u64,
    /// Pairs of the listed desktops after the call (an ineligible desktop keeps its pairs).
    pub pairs_after: u64,
    /// Pairs both before and after: what a call keeps, the ineligible desktops' pairs included.
    pub pairs_kept: u64,
    /// Pairs after but not before.
    pub pairs_added: u64,
    /// Pairs before but not after.
    pub pairs_removed: u64,
    /// Users who have a listed desktop before and none after (counted over the listed
    /// desktops only: a desktop the request does not list is not looked at).
    pub users_losing_all: u64,
    /// Listed users who keep more than `MaxDesktopPerUser` listed desktops that the call
    /// cannot change (§6.1: `h_j > M`): the plan gives them nothing and cannot mend them.
    /// `0` when `MaxDesktopPerUser` is unlimited. [`Changes::users_over_limit_ids`] names
    /// them.
    pub users_over_limit: u64,
}

impl Changes {
    /// The totals of the change report of `plan`, made for `request` against `fleet`.
    ///
    /// `plan` need not come from [`plan_against`](crate::plan_against): any fleet plan with
    /// one row per listed desktop is counted as it is (an ineligible desktop keeps the
    /// snapshot's users whatever its row says). Costs `O(n + u + T + P)` time, where `P` is
    /// the number of pairs in the snapshot's listed desktops, and the memory of
    /// [`desktop_changes`].
    pub fn new(request: &CheckedRequest, fleet: &Fleet, plan: &FleetPlan) -> Changes {
        let users = request.end_user_ids().len();
        let mut totals = Changes::default();
        // Per request user: has a listed desktop before; has one after.
        let mut had = vec![false; users];
        let mut has = vec![false; users];
        // Per request user: the ineligible listed desktops it keeps (§6.1's `h_j`).
        let mut held = vec![0u32; users];
        // Users of the snapshot that the request does not list: whether they keep a desktop.
        let mut others: IndexMap<&str, bool, Xxh3DefaultBuilder> = IndexMap::default();
        let mut changes = desktop_changes(request, fleet, plan);
        while let Some(change) = changes.next() {
            let eligible = change.eligibility.is_eligible();
            totals.desktops += 1;
            if eligible {
                totals.desktops_eligible += 1;
            } else {
                totals.desktops_ineligible += 1;
            }
            if !change.added.is_empty() || !change.removed.is_empty() {
                totals.desktops_changed += 1;
            }
            if !change.before.is_empty() && change.after.is_empty() {
                totals.desktops_left_empty += 1;
            }
            totals.pairs_before += change.before.len() as u64;
            totals.pairs_after += change.after.len() as u64;
            totals.pairs_added += change.added.len() as u64;
            totals.pairs_removed += change.removed.len() as u64;
            totals.pairs_kept += (change.after.len() - change.added.len()) as u64;
            let before = changes.last_before();
            for (user, &found) in change.before.iter().zip(before) {
                match found {
                    Some(j) => had[j] = true,
                    None => {
                        let keeps = others.entry(user.as_str()).or_insert(false);
                        *keeps |= !eligible;
                    }
                }
            }
            // The users after: the plan's row, or an ineligible desktop's users before.
            if eligible {
                for &j in changes.last_row() {
                    if let Some(has) = has.get_mut(j as usize) {
                        *has = true;
                    }
                }
            } else {
                for &j in before.iter().flatten() {
                    has[j] = true;
                    held[j] = held[j].saturating_add(1);
                }
            }
        }
        if let Some(limit) = request.max_desktop_per_user().get() {
            totals.users_over_limit = held.iter().filter(|&&h| h > limit).count() as u64;
        }
        totals.users_losing_all = had.iter().zip(&has).filter(|&(&h, &a)| h && !a).count() as u64
            + others.values().filter(|&&keeps| !keeps).count() as u64;
        totals
    }
}

impl Changes {
    /// The users that [`Changes::users_over_limit`] counts, in request order, each with the
    /// number of listed desktops it keeps that the call cannot change (`h_j`, more than
    /// `MaxDesktopPerUser`). Empty when `MaxDesktopPerUser` is unlimited.
    ///
    /// As [`Changes::new`], any fleet plan with one row per listed desktop is read as it
    /// is: a desktop counts when the plan's eligibility says it is not eligible (a missing
    /// eligibility counts as not eligible). Costs `O(n + u + P)` expected time, where `P` is
    /// the number of users of the ineligible listed desktops (looked up in bulk), and
    /// `4·u` bytes.
    ///
    /// ```
    /// use eds_entitlement::{plan_against, Changes, Fleet, Request, SnapshotDesktop};
    ///
    /// let request = Request::new("cn-hangzhou", ["ecd-1", "ecd-2", "ecd-3"], ["Alice", "Bob"])
    ///     .max_desktop_per_user(1)
    ///     .check()?;
    /// let mut fleet = Fleet::new();
    /// fleet.insert("ecd-1", SnapshotDesktop::new("Stopped").end_users(["Alice", "Bob"])).unwrap();
    /// fleet.insert("ecd-2", SnapshotDesktop::new("Stopped").end_users(["Alice"])).unwrap();
    /// fleet.insert("ecd-3", SnapshotDesktop::new("Running")).unwrap();
    ///
    /// let planned = plan_against(&request, &fleet)?;
    /// // Alice keeps two Stopped desktops under a limit of one; Bob is at the limit.
    /// assert_eq!(Changes::users_over_limit_ids(&request, &fleet, &planned), [("Alice", 2)]);
    /// assert_eq!(Changes::new(&request, &fleet, &planned).users_over_limit, 1);
    /// # Ok::<(), eds_entitlement::Error>(())
    /// ```
    pub fn users_over_limit_ids<'a>(
        request: &'a CheckedRequest,
        fleet: &Fleet,
        plan: &FleetPlan,
    ) -> Vec<(&'a str, u64)> {
        let Some(limit) = request.max_desktop_per_user().get() else {
            return Vec::new();
        };
        let eligibility = plan.eligibility();
        let ineligible: Vec<&str> = request
            .desktop_ids()
            .iter()
            .enumerate()
            .filter(|&(i, _)| !eligibility.get(i).is_some_and(|e| e.is_eligible()))
            .map(|(_, id)| id)
            .collect();
        let found = fleet.find_all(&ineligible);
        let held = held_counts(request, found.into_iter().flatten());
        request
            .end_user_ids()
            .iter()
            .zip(held)
            .filter(|&(_, h)| h > limit)
            .map(|(id, h)| (id, u64::from(h)))
            .collect()
    }
}

/// One listed desktop's line of the change report (the contract, §6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesktopChange<'a> {
    /// The desktop's ID.
    pub desktop_id: &'a str,
    /// Whether the call can change it, and if not, why.
    pub eligibility: Eligibility,
    /// Its `DesktopStatus` in the snapshot; `None` when the snapshot does not have it.
    pub status: Option<&'a str>,
    /// Its users in the snapshot, in the snapshot's order.
    pub before: &'a [String],
    /// Its users after the call: the plan's for an eligible desktop (in request order),
    /// `before` for an ineligible one.
    pub after: Vec<&'a str>,
    /// `after` minus `before`, in `after`'s order.
    pub added: Vec<&'a str>,
    /// `before` minus `after`, in `before`'s order.
    pub removed: Vec<&'a str>,
}

/// The change report's desktops, in request order: what each listed desktop has before
/// and after `plan` is carried out, and who is added and removed (as sets: a change of
/// order alone is no change).
///
/// Costs `O(n + u + P)` expected time to start, where `P` is the number of pairs in the
/// snapshot's listed desktops (each listed desktop and each of their users is looked up in
/// bulk: at a million, looking them up one by one missed the CPU's caches every time), and
/// `8·n + 16·P + 16·u` bytes; then `O(|before| + |after|)` per desktop.
///
/// ```
/// use eds_entitlement::{desktop_changes, plan_against, Eligibility, Fleet, Request, SnapshotDesktop};
///
/// let request = Request::new("cn-hangzhou", ["ecd-a", "ecd-z"], ["Alice", "Bob"]).check()?;
/// let mut fleet = Fleet::new();
/// fleet.insert("ecd-a", SnapshotDesktop::new("Running").end_users(["Bob", "Carol"])).unwrap();
///
/// let planned = plan_against(&request, &fleet)?;
/// let report: Vec<_> = desktop_changes(&request, &fleet, &planned).collect();
/// assert_eq!(report[0].after, ["Alice", "Bob"]);
/// assert_eq!(report[0].added, ["Alice"]);
/// assert_eq!(report[0].removed, ["Carol"]);
/// assert_eq!(report[1].eligibility, Eligibility::NotInSnapshot);
/// assert!(report[1].before.is_empty() && report[1].after.is_empty());
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
pub fn desktop_changes<'a>(
    request: &'a CheckedRequest,
    fleet: &'a Fleet,
    plan: &'a FleetPlan,
) -> DesktopChanges<'a> {
    let users = request.end_user_ids();
    let listed = fleet.listed(request);
    let named: Vec<&str> = listed
        .iter()
        .flat_map(|d| d.map_or(&[][..], |d| d.end_user_ids()))
        .map(String::as_str)
        .collect();
    let before = find_each(users.len(), |j| &users[j], &named);
    DesktopChanges {
        request,
        plan,
        listed,
        before,
        last: 0..0,
        in_before: vec![0; users.len()],
        in_after: vec![0; users.len()],
        next: 0,
    }
}

/// The iterator of [`desktop_changes`].
#[derive(Debug)]
pub struct DesktopChanges<'a> {
    request: &'a CheckedRequest,
    plan: &'a FleetPlan,
    /// Each listed desktop as the snapshot has it.
    listed: Vec<Option<&'a SnapshotDesktop>>,
    /// Each user of each listed desktop in the snapshot, in order: its index in
    /// `EndUserId`, if the request lists it.
    before: Vec<Option<usize>>,
    /// The part of `before` of the desktop returned last.
    last: Range<usize>,
    /// Per request user, the last desktop (counted from 1) that had it before, and after.
    in_before: Vec<usize>,
    in_after: Vec<usize>,
    next: usize,
}

impl<'a> DesktopChanges<'a> {
    /// The index in `EndUserId` of each user the desktop returned last has before.
    fn last_before(&self) -> &[Option<usize>] {
        &self.before[self.last.clone()]
    }

    /// The plan's row of the desktop returned last.
    fn last_row(&self) -> &'a [u32] {
        self.plan.plan().end_users(self.next.wrapping_sub(1))
    }
}

impl<'a> Iterator for DesktopChanges<'a> {
    type Item = DesktopChange<'a>;

    fn next(&mut self) -> Option<DesktopChange<'a>> {
        let request: &'a CheckedRequest = self.request;
        let desktop_id = request.desktop_ids().get(self.next)?;
        let stamp = self.next + 1;
        let eligibility = self
            .plan
            .eligibility()
            .get(self.next)
            .copied()
            .unwrap_or(Eligibility::NotInSnapshot);
        let snapshot = self.listed.get(self.next).copied().flatten();
        let before: &'a [String] = snapshot.map_or(&[], |d| d.end_user_ids());
        self.last = self.last.end..self.last.end + before.len();
        let status = snapshot.map(|d| d.status());
        let row: &'a [u32] = self.plan.plan().end_users(self.next);
        self.next += 1;
        if !eligibility.is_eligible() {
            return Some(DesktopChange {
                desktop_id,
                eligibility,
                status,
                before,
                after: before.iter().map(String::as_str).collect(),
                added: Vec::new(),
                removed: Vec::new(),
            });
        }
        let users: &'a IdList = request.end_user_ids();
        let after: Vec<&'a str> = row
            .iter()
            .filter_map(|&j| {
                let id = users.get(j as usize)?;
                self.in_after[j as usize] = stamp;
                Some(id)
            })
            .collect();
        let mut removed = Vec::new();
        for (user, &found) in before.iter().zip(&self.before[self.last.clone()]) {
            match found {
                Some(j) if self.in_after[j] == stamp => self.in_before[j] = stamp,
                Some(j) => {
                    self.in_before[j] = stamp;
                    removed.push(user.as_str());
                }
                None => removed.push(user.as_str()),
            }
        }
        let added = row
            .iter()
            .filter(|&&j| self.in_before.get(j as usize) != Some(&stamp))
            .filter_map(|&j| users.get(j as usize))
            .collect();
        Some(DesktopChange {
            desktop_id,
            eligibility,
            status,
            before,
            after,
            added,
            removed,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.request.desktop_ids().len() - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for DesktopChanges<'_> {}
