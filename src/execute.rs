//! Carrying out a plan (the contract, §8): the single-desktop API calls that make a
//! `BatchModifyEntitlement` plan real, exactly, whatever rule the live service would follow.
//!
//! A plan is read from a response body into a [`PlanResponse`] (from JSON by
//! [`wire::plan_from_json`](crate::wire::plan_from_json)); [`calls`] turns it into
//! [`ModifyEntitlement`] and [`ModifyUserEntitlement`] requests, which encode to the RPC query
//! form here ([`Call::to_query`]) and to the SDKs' JSON with the `serde` feature
//! ([`wire::write_call_json`](crate::wire::write_call_json)).
//!
//! The rules, the grouping rule among them, are documented on [`calls`].

use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Deref;

use indexmap::IndexMap;
use xxhash_rust::xxh3::Xxh3DefaultBuilder;

use crate::error::{shown, Error, PlanProblem};
use crate::fleet::Fleet;
use crate::request::check_region;
use crate::status::Status;
use crate::wire::encode_query_value;

/// The most IDs one list of one `ModifyEntitlement` or `ModifyUserEntitlement` call holds:
/// 100, `ModifyEntitlement`'s documented maximum, kept for every list.
pub const MAX_IDS_PER_CALL: usize = 100;

/// The API version of the calls, sent as `Version`.
pub const API_VERSION: &str = "2020-09-30";

/// One item of a plan's `AssignModels`: a desktop, its status and its planned users.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedDesktop {
    /// `DesktopId`.
    pub desktop_id: String,
    /// `InnerStatus`; `None` when the body has none (read as not `FAILED`).
    pub inner_status: Option<Status>,
    /// `EndUserIds`: the complete list of users the desktop is planned to have.
    pub end_user_ids: Vec<String>,
}

impl PlannedDesktop {
    /// A desktop planned for these users.
    pub fn new<I, S>(
        desktop_id: impl Into<String>,
        inner_status: Option<Status>,
        end_user_ids: I,
    ) -> PlannedDesktop
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        PlannedDesktop {
            desktop_id: desktop_id.into(),
            inner_status,
            end_user_ids: end_user_ids.into_iter().map(Into::into).collect(),
        }
    }

    /// Whether the plan gave up on this desktop (`InnerStatus: FAILED`): no call touches it.
    pub fn is_failed(&self) -> bool {
        self.inner_status == Some(Status::Failed)
    }
}

/// The plan of a `BatchModifyEntitlement` response body: its `AssignModels`, checked.
///
/// It guarantees: no desktop twice; no empty desktop or user ID; no user twice on one
/// desktop. Nothing else (a live API's plan need not follow the contract's §2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanResponse {
    desktops: Vec<PlannedDesktop>,
}

impl PlanResponse {
    /// Checks the items of `AssignModels`, in order.
    ///
    /// Costs `O(n + P)` time for `n` desktops and `P` planned (desktop, user) pairs: the
    /// repeats are found with hash maps (XXH3, a fixed secret).
    ///
    /// # Errors
    ///
    /// [`Error::Plan`] at the first bad item, with its 1-based position:
    /// [`PlanProblem::EmptyDesktopId`], [`PlanProblem::RepeatedDesktop`],
    /// [`PlanProblem::NotAUserId`] (an empty user ID), [`PlanProblem::RepeatedUser`].
    pub fn new(desktops: Vec<PlannedDesktop>) -> Result<PlanResponse, Error> {
        let mut seen: IndexMap<&str, usize, Xxh3DefaultBuilder> = IndexMap::default();
        for (i, desktop) in desktops.iter().enumerate() {
            let position = i + 1;
            let bad = |problem| Error::Plan { position, problem };
            if desktop.desktop_id.is_empty() {
                return Err(bad(PlanProblem::EmptyDesktopId));
            }
            if let Some(&first) = seen.get(desktop.desktop_id.as_str()) {
                return Err(bad(PlanProblem::RepeatedDesktop {
                    desktop: shown(&desktop.desktop_id),
                    first,
                }));
            }
            seen.insert(&desktop.desktop_id, position);
            let mut users: IndexMap<&str, usize, Xxh3DefaultBuilder> = IndexMap::default();
            for (j, user) in desktop.end_user_ids.iter().enumerate() {
                if user.is_empty() {
                    return Err(bad(PlanProblem::NotAUserId {
                        user: j + 1,
                        found: String::from("\"\""),
                    }));
                }
                if let Some(&first) = users.get(user.as_str()) {
                    return Err(bad(PlanProblem::RepeatedUser {
                        user: shown(user),
                        first,
                        second: j + 1,
                    }));
                }
                users.insert(user, j + 1);
            }
        }
        Ok(PlanResponse { desktops })
    }

    /// The items of `AssignModels`, in the body's order.
    pub fn desktops(&self) -> &[PlannedDesktop] {
        &self.desktops
    }
}

/// `ModifyEntitlement`: replaces one desktop's users.
///
/// Encodes as `Action=ModifyEntitlement&Version=2020-09-30&RegionId=…&DesktopId=…&EndUserId.1=…`;
/// with no users it has no `EndUserId` at all, and removes every user of the desktop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModifyEntitlement {
    /// `RegionId`.
    pub region_id: String,
    /// `DesktopId`: one desktop.
    pub desktop_id: String,
    /// `EndUserId`: the desktop's users after the call, 0 to 100 of them.
    pub end_user_ids: Vec<String>,
}

/// `ModifyUserEntitlement`: gives every listed user every `AuthorizeDesktopId` desktop and
/// takes every `RevokeDesktopId` desktop away from every listed user.
///
/// Encodes as `Action=ModifyUserEntitlement&Version=2020-09-30&RegionId=…&AuthorizeDesktopId.1=…
/// &EndUserId.1=…&RevokeDesktopId.1=…`; an empty list is left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModifyUserEntitlement {
    /// `RegionId`.
    pub region_id: String,
    /// `AuthorizeDesktopId`: desktops every listed user is added to.
    pub authorize_desktop_ids: Vec<String>,
    /// `EndUserId`: the users.
    pub end_user_ids: Vec<String>,
    /// `RevokeDesktopId`: desktops every listed user is removed from.
    pub revoke_desktop_ids: Vec<String>,
}

/// One API call that carries out part of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    /// Replaces a desktop's users.
    ModifyEntitlement(ModifyEntitlement),
    /// Adds or removes users on desktops.
    ModifyUserEntitlement(ModifyUserEntitlement),
}

impl Call {
    /// The operation's name, sent as `Action`.
    pub const fn action(&self) -> &'static str {
        match self {
            Call::ModifyEntitlement(_) => "ModifyEntitlement",
            Call::ModifyUserEntitlement(_) => "ModifyUserEntitlement",
        }
    }

    /// The call's parameters after `Action`, `Version` and `RegionId`, in the order the SDK
    /// sends them (its query map's), lists as `Name.N` from 1. Empty lists are left out.
    pub fn parameters(&self) -> Vec<(String, &str)> {
        let mut out = Vec::new();
        match self {
            Call::ModifyEntitlement(call) => {
                out.push((String::from("DesktopId"), call.desktop_id.as_str()));
                numbered(&mut out, "EndUserId", &call.end_user_ids);
            }
            Call::ModifyUserEntitlement(call) => {
                numbered(&mut out, "AuthorizeDesktopId", &call.authorize_desktop_ids);
                numbered(&mut out, "EndUserId", &call.end_user_ids);
                numbered(&mut out, "RevokeDesktopId", &call.revoke_desktop_ids);
            }
        }
        out
    }

    /// `RegionId`.
    pub fn region_id(&self) -> &str {
        match self {
            Call::ModifyEntitlement(call) => &call.region_id,
            Call::ModifyUserEntitlement(call) => &call.region_id,
        }
    }

    /// The call in the RPC query form: `Action`, `Version=2020-09-30`, `RegionId`, then
    /// [`Call::parameters`]; no credentials and no signature (the caller's SDK signs).
    ///
    /// Values are percent-encoded as the SDKs encode RPC parameters for signing (Python's
    /// `quote(value, safe='~')`, Java's `percentEncode`): the bytes of RFC 3986's unreserved
    /// set (`A-Z a-z 0-9 - . _ ~`) stay, every other byte of the UTF-8 text is `%XX` in
    /// uppercase hex, a space is `%20`. Names need no encoding.
    ///
    /// Costs `O(len)` for the text it returns.
    ///
    /// ```
    /// use eds_entitlement::{Call, ModifyUserEntitlement};
    ///
    /// let call = Call::ModifyUserEntitlement(ModifyUserEntitlement {
    ///     region_id: "cn-hangzhou".into(),
    ///     authorize_desktop_ids: vec!["ecd-a".into()],
    ///     end_user_ids: vec!["Zoë & Co".into()],
    ///     revoke_desktop_ids: vec![],
    /// });
    /// assert_eq!(
    ///     call.to_query(),
    ///     "Action=ModifyUserEntitlement&Version=2020-09-30&RegionId=cn-hangzhou\
    ///      &AuthorizeDesktopId.1=ecd-a&EndUserId.1=Zo%C3%AB%20%26%20Co"
    /// );
    /// ```
    pub fn to_query(&self) -> String {
        let mut out = String::new();
        out.push_str("Action=");
        out.push_str(self.action());
        out.push_str("&Version=");
        out.push_str(API_VERSION);
        out.push_str("&RegionId=");
        encode_query_value(&mut out, self.region_id());
        for (name, value) in self.parameters() {
            out.push('&');
            out.push_str(&name);
            out.push('=');
            encode_query_value(&mut out, value);
        }
        out
    }
}

/// `Name.1=…`, `Name.2=…` for a list.
fn numbered<'c>(out: &mut Vec<(String, &'c str)>, name: &str, ids: &'c [String]) {
    for (i, id) in ids.iter().enumerate() {
        out.push((alloc::format!("{name}.{}", i + 1), id.as_str()));
    }
}

/// The calls that carry out a plan, with the figures `--summary` prints. Dereferences to the
/// calls, in the order they must be sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calls {
    calls: Vec<Call>,
    desktops: usize,
    baseline: usize,
}

impl Calls {
    /// The calls, in the order they must be sent.
    pub fn into_vec(self) -> Vec<Call> {
        self.calls
    }

    /// How many desktops the calls change.
    pub fn desktops(&self) -> usize {
        self.desktops
    }

    /// The per-desktop baseline of those desktops: the sum of [`baseline_calls`] of their
    /// planned user counts. [`calls`] never returns more calls than this.
    pub fn baseline(&self) -> usize {
        self.baseline
    }

    /// How many of the calls are `ModifyEntitlement`.
    pub fn modify_entitlement(&self) -> usize {
        self.calls
            .iter()
            .filter(|c| matches!(c, Call::ModifyEntitlement(_)))
            .count()
    }
}

impl Deref for Calls {
    type Target = [Call];

    fn deref(&self) -> &[Call] {
        &self.calls
    }
}

/// The per-desktop baseline: the calls that set one desktop to `users` users, whatever it
/// has now, alone: `ModifyEntitlement` with the first 100, then one `ModifyUserEntitlement`
/// per further 100. `1 + ⌈(users − 100)/100⌉`, and `1` for 100 users or fewer.
///
/// ```
/// use eds_entitlement::baseline_calls;
///
/// assert_eq!(baseline_calls(0), 1);
/// assert_eq!(baseline_calls(100), 1);
/// assert_eq!(baseline_calls(101), 2);
/// assert_eq!(baseline_calls(500), 5);
/// ```
pub const fn baseline_calls(users: usize) -> usize {
    1 + users
        .saturating_sub(MAX_IDS_PER_CALL)
        .div_ceil(MAX_IDS_PER_CALL)
}

/// The calls that carry out `plan` (the contract, §8), by the rules below: applied in
/// order, they leave every desktop of the plan that is not `FAILED` with exactly its planned
/// users (as a set) and touch no other desktop. With a `fleet` snapshot, desktops that already have exactly their planned users get no call, and
/// additions and revocations replace a replacement where they need fewer calls.
///
/// # The calls
///
/// Every desktop of `AssignModels` whose `InnerStatus` is not `FAILED` must end with exactly
/// its `EndUserIds`, as a set; `FAILED` desktops and desktops the plan does not list are never
/// named in a call. For each such desktop with `k` planned users:
///
/// * **Replace**: `ModifyEntitlement` with its first `min(k, 100)` planned users (none at all
///   when `k = 0`, which removes every user), then the rest as additions. This is always
///   right, whatever users the desktop has now; it costs `1 + ⌈(k − 100)/100⌉` calls alone
///   (`1` when `k ≤ 100`): the **per-desktop baseline**.
/// * **Change** (only with a snapshot that has the desktop): the planned users it lacks as
///   additions, the users it has but is not planned to keep as revocations; alone,
///   `⌈added/100⌉ + ⌈removed/100⌉` calls. Chosen only when that is *strictly* fewer than the
///   baseline: a replacement does not depend on the snapshot being current.
/// * **Nothing**, with a snapshot that has the desktop with exactly its planned users (as
///   sets). A desktop the snapshot does not have is replaced.
///
/// # The grouping rule
///
/// Additions and revocations are `ModifyUserEntitlement` calls, which give every listed user
/// every `AuthorizeDesktopId` (or take every `RevokeDesktopId` away from every listed user),
/// so desktops that need the same users added share calls:
///
/// 1. each desktop's users to add (and, separately, to revoke) are sorted by their bytes and
///    cut into runs of 100;
/// 2. desktops whose runs are equal share one call per run, with up to 100 desktops each,
///    in plan order;
/// 3. runs are emitted in the order they first appear in the plan.
///
/// So two desktops needing the same additions, in any order, share every call, and sharing
/// only merges calls: the total is never more than the sum of the desktops' own costs, each of
/// which is at most its baseline.
///
/// The calls come in this order: every `ModifyEntitlement` (plan order), then the additions,
/// then the revocations. A desktop's replacement therefore precedes its additions; additions
/// and revocations of one desktop name disjoint users, so their order does not matter.
///
/// ```
/// use eds_entitlement::{calls, Call, PlanResponse, PlannedDesktop, Status};
///
/// let plan = PlanResponse::new(vec![
///     PlannedDesktop::new("ecd-a", Some(Status::NotStarted), ["Alice", "Bob"]),
///     PlannedDesktop::new("ecd-b", Some(Status::Failed), ["Carol"]),
/// ])?;
/// let calls = calls(&plan, None, "cn-hangzhou")?;
/// assert_eq!(calls.len(), 1, "the FAILED desktop is left alone");
/// assert_eq!(
///     calls[0].to_query(),
///     "Action=ModifyEntitlement&Version=2020-09-30&RegionId=cn-hangzhou&DesktopId=ecd-a\
///      &EndUserId.1=Alice&EndUserId.2=Bob"
/// );
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
///
/// Every list holds 1 to 100 IDs (a `ModifyEntitlement` for no user has no list); the number
/// of calls is at most [`Calls::baseline`].
///
/// Costs `O(P log P)` time and `O(P)` memory for `P` planned (desktop, user) pairs, plus the
/// snapshot users of the changed desktops. The output depends only on the inputs: grouping
/// uses insertion-ordered maps.
///
/// # Errors
///
/// [`Error::InvalidRegion`] when `region_id` is not a region ID (as `RegionId` of §1).
pub fn calls(plan: &PlanResponse, fleet: Option<&Fleet>, region_id: &str) -> Result<Calls, Error> {
    check_region(region_id)?;
    let mut replacements = Vec::new();
    let mut additions = Grouper::default();
    let mut revocations = Grouper::default();
    let mut desktops = 0;
    let mut baseline = 0;
    for desktop in plan.desktops.iter().filter(|d| !d.is_failed()) {
        let id = desktop.desktop_id.as_str();
        let planned = &desktop.end_user_ids;
        let replace_cost = baseline_calls(planned.len());
        if let Some(now) = fleet.and_then(|f| f.get(id)) {
            let now_set: BTreeSet<&str> = now.end_user_ids().iter().map(String::as_str).collect();
            let planned_set: BTreeSet<&str> = planned.iter().map(String::as_str).collect();
            let added: Vec<&str> = planned_set.difference(&now_set).copied().collect();
            let removed: Vec<&str> = now_set.difference(&planned_set).copied().collect();
            if added.is_empty() && removed.is_empty() {
                continue;
            }
            desktops += 1;
            baseline += replace_cost;
            let change_cost =
                added.len().div_ceil(MAX_IDS_PER_CALL) + removed.len().div_ceil(MAX_IDS_PER_CALL);
            if change_cost < replace_cost {
                additions.push(id, added);
                revocations.push(id, removed);
                continue;
            }
        } else {
            desktops += 1;
            baseline += replace_cost;
        }
        let first = planned.len().min(MAX_IDS_PER_CALL);
        replacements.push(Call::ModifyEntitlement(ModifyEntitlement {
            region_id: String::from(region_id),
            desktop_id: String::from(id),
            end_user_ids: planned[..first].to_vec(),
        }));
        additions.push(id, planned[first..].iter().map(String::as_str).collect());
    }
    let mut calls = replacements;
    additions.emit(region_id, true, &mut calls);
    revocations.emit(region_id, false, &mut calls);
    Ok(Calls {
        calls,
        desktops,
        baseline,
    })
}

/// Desktops by the run of users they need added (or revoked): the grouping rule.
#[derive(Default)]
struct Grouper<'p> {
    runs: IndexMap<Vec<&'p str>, Vec<&'p str>, Xxh3DefaultBuilder>,
}

impl<'p> Grouper<'p> {
    /// Files `desktop` under each run of 100 of `users`, sorted by bytes.
    fn push(&mut self, desktop: &'p str, mut users: Vec<&'p str>) {
        users.sort_unstable();
        for run in users.chunks(MAX_IDS_PER_CALL) {
            self.runs.entry(run.to_vec()).or_default().push(desktop);
        }
    }

    /// One call per run and 100 desktops, runs in order of first appearance.
    fn emit(self, region_id: &str, authorize: bool, calls: &mut Vec<Call>) {
        let owned = |ids: &[&str]| ids.iter().map(|&id| String::from(id)).collect::<Vec<_>>();
        for (users, desktops) in self.runs {
            for group in desktops.chunks(MAX_IDS_PER_CALL) {
                let (authorize_desktop_ids, revoke_desktop_ids) = if authorize {
                    (owned(group), Vec::new())
                } else {
                    (Vec::new(), owned(group))
                };
                calls.push(Call::ModifyUserEntitlement(ModifyUserEntitlement {
                    region_id: String::from(region_id),
                    authorize_desktop_ids,
                    end_user_ids: owned(&users),
                    revoke_desktop_ids,
                }));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::SnapshotDesktop;
    use alloc::format;

    fn users(range: core::ops::Range<usize>) -> Vec<String> {
        range.map(|i| format!("u{i:03}")).collect()
    }

    fn planned(id: &str, users: Vec<String>) -> PlannedDesktop {
        PlannedDesktop::new(id, Some(Status::NotStarted), users)
    }

    #[test]
    fn desktops_needing_the_same_additions_share_calls() {
        let plan = PlanResponse::new(vec![
            planned("a", users(0..250)),
            planned("b", users(0..250)),
            planned("c", users(0..50)),
        ])
        .unwrap();
        let calls = calls(&plan, None, "cn-hangzhou").unwrap();
        // Three replacements, then the 150 additions of a and b as two shared calls.
        assert_eq!(calls.len(), 5);
        assert_eq!(calls.baseline(), 3 + 3 + 1);
        assert_eq!(calls.modify_entitlement(), 3);
        match &calls[3] {
            Call::ModifyUserEntitlement(call) => {
                assert_eq!(call.authorize_desktop_ids, ["a", "b"]);
                assert_eq!(call.end_user_ids, users(100..200));
            }
            other => panic!("expected an addition, got {other:?}"),
        }
    }

    #[test]
    fn a_snapshot_turns_small_changes_into_additions_and_revocations() {
        let plan = PlanResponse::new(vec![
            planned("same", users(0..3)),
            planned("small", users(0..250)),
            planned("missing", users(0..1)),
        ])
        .unwrap();
        let mut fleet = Fleet::new();
        fleet
            .insert(
                "same",
                SnapshotDesktop::new("Running").end_users(["u002", "u000", "u001"]),
            )
            .unwrap();
        fleet
            .insert(
                "small",
                SnapshotDesktop::new("Running").end_users(users(1..251)),
            )
            .unwrap();
        let calls = calls(&plan, Some(&fleet), "cn-hangzhou").unwrap();
        let queries: Vec<String> = calls.iter().map(Call::to_query).collect();
        assert_eq!(
            queries,
            [
                "Action=ModifyEntitlement&Version=2020-09-30&RegionId=cn-hangzhou&DesktopId=missing&EndUserId.1=u000",
                "Action=ModifyUserEntitlement&Version=2020-09-30&RegionId=cn-hangzhou&AuthorizeDesktopId.1=small&EndUserId.1=u000",
                "Action=ModifyUserEntitlement&Version=2020-09-30&RegionId=cn-hangzhou&EndUserId.1=u250&RevokeDesktopId.1=small",
            ]
        );
        assert_eq!((calls.desktops(), calls.baseline()), (2, 1 + 3));

        // A change that costs as many calls as a replacement is a replacement.
        let tie = PlanResponse::new(vec![planned("tie", users(0..150))]).unwrap();
        let mut fleet = Fleet::new();
        fleet
            .insert(
                "tie",
                SnapshotDesktop::new("Running").end_users(users(1..151)),
            )
            .unwrap();
        let calls = super::calls(&tie, Some(&fleet), "cn-hangzhou").unwrap();
        assert_eq!((calls.len(), calls.modify_entitlement()), (2, 1));
    }

    #[test]
    fn a_desktop_planned_empty_is_cleared_by_one_call() {
        let plan = PlanResponse::new(vec![planned("a", Vec::new())]).unwrap();
        let calls = calls(&plan, None, "cn-hangzhou").unwrap();
        assert_eq!(
            calls.iter().map(Call::to_query).collect::<Vec<_>>(),
            ["Action=ModifyEntitlement&Version=2020-09-30&RegionId=cn-hangzhou&DesktopId=a"]
        );
    }

    #[test]
    fn a_bad_region_is_refused() {
        let plan = PlanResponse::default();
        assert_eq!(
            calls(&plan, None, "CN").unwrap_err().to_string(),
            "parameter 'RegionId' is \"CN\", which is not a region ID: it must be 1 to 64 \
             lowercase ASCII letters, digits and '-'"
        );
    }

    #[test]
    fn plan_items_are_checked_with_their_positions() {
        let repeated =
            PlanResponse::new(vec![planned("a", users(0..1)), planned("a", users(0..1))]);
        assert_eq!(
            repeated.unwrap_err().to_string(),
            "plan 'AssignModels' item 2 is desktop \"a\", which repeats item 1: a plan lists \
             each desktop once"
        );
        let user_twice =
            PlanResponse::new(vec![planned("a", vec!["x".into(), "y".into(), "x".into()])]);
        assert_eq!(
            user_twice.unwrap_err().to_string(),
            "plan 'AssignModels' item 1 has 'EndUserIds' item 3 \"x\", which repeats item 1: \
             a desktop lists each user once"
        );
        let empty = PlanResponse::new(vec![planned("", Vec::new())]);
        assert_eq!(
            empty.unwrap_err().to_string(),
            "plan 'AssignModels' item 1 has an empty 'DesktopId'"
        );
    }
}
