//! Carrying out a plan (the contract, §8): the single-desktop API calls that make a
//! `BatchModifyEntitlement` plan real, exactly, whatever rule the live service would follow.
//!
//! A plan is read from a response body into a [`PlanResponse`] (from JSON by
//! `wire::plan_from_json`, feature `serde`); [`calls`] turns it into [`ModifyEntitlement`] and
//! [`ModifyUserEntitlement`] requests, which encode to the RPC query form ([`Call::to_query`],
//! written in `wire::query`) and to the SDKs' JSON (`wire::write_call_json`, feature `serde`).
//!
//! The rules, the grouping rule among them, are documented on [`calls_with`]; this file holds
//! it, [`calls`], [`PlanResponse::into_calls`] and what they return ([`Calls`],
//! [`CallOptions`], [`Unchangeable`]), and the steps of the work are in files of their own:
//!
//! * `call.rs`: the call types ([`Call`]) and their `aliyun` form ([`Call::to_aliyun`]);
//! * `plan.rs`: the plan read back ([`PlanResponse`], [`PlannedDesktop`]) and its checks;
//! * `need.rs`: what each desktop needs, and the per-desktop baseline ([`baseline_calls`]);
//! * `before_break.rs`: make-before-break's bookkeeping of the users, and [`HeldBack`];
//! * `group.rs`: the grouping rule;
//! * `waves.rs`: placing the calls in waves, with splits.

mod before_break;
mod call;
mod group;
mod need;
mod plan;
mod waves;

use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Deref;

pub use self::before_break::HeldBack;
use self::before_break::Users;
pub use self::call::{
    shell_quote, Call, ModifyEntitlement, ModifyUserEntitlement, API_VERSION, MAX_IDS_PER_CALL,
};
use self::group::Grouper;
pub use self::need::baseline_calls;
use self::need::{need, Need};
pub use self::plan::{PlanResponse, PlannedDesktop};
use self::waves::{out_of_memory, try_vec, Waves};
use crate::error::Error;
use crate::fleet::{Eligibility, Fleet};
use crate::request::check_region;

/// Options of [`calls_with`]: how the calls are to be sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallOptions {
    make_before_break: bool,
}

impl CallOptions {
    /// The defaults: no make-before-break.
    pub const fn new() -> CallOptions {
        CallOptions {
            make_before_break: false,
        }
    }

    /// Make before break (the contract, §8.1): no user who has a listed desktop before the
    /// calls and one after them is left with none at any moment, whatever order a wave's
    /// calls land in. Needs a snapshot.
    pub const fn make_before_break(mut self, on: bool) -> CallOptions {
        self.make_before_break = on;
        self
    }

    /// Whether make-before-break is asked for.
    pub const fn is_make_before_break(&self) -> bool {
        self.make_before_break
    }
}

/// A desktop the plan changes that the snapshot says cannot be changed now: it gets no call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unchangeable {
    /// `DesktopId`.
    pub desktop_id: String,
    /// Why: `NotInSnapshot`, `NotRunning` or `Assigning` (never `Eligible`).
    pub eligibility: Eligibility,
}

/// The calls that carry out a plan, in waves, with the figures `--summary` prints.
/// Dereferences to the calls, in the order they must be sent: wave 1's, then wave 2's, ….
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calls {
    calls: Vec<Call>,
    /// The index of the first call of each wave, in order.
    wave_starts: Vec<usize>,
    desktops: usize,
    baseline: usize,
    unchangeable: Vec<Unchangeable>,
    held_back: Vec<HeldBack>,
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
    /// planned user counts. Without make-before-break, [`calls`] never returns more calls
    /// than this.
    pub fn baseline(&self) -> usize {
        self.baseline
    }

    /// The calls beyond [`Calls::baseline`]: 0 without make-before-break.
    pub fn extra(&self) -> usize {
        self.calls.len().saturating_sub(self.baseline)
    }

    /// How many of the calls are `ModifyEntitlement`.
    pub fn modify_entitlement(&self) -> usize {
        self.calls
            .iter()
            .filter(|c| matches!(c, Call::ModifyEntitlement(_)))
            .count()
    }

    /// The number of waves.
    pub fn waves(&self) -> usize {
        self.wave_starts.len()
    }

    /// The calls of wave `n` (from 1), in the order printed (any order may be sent within a
    /// wave); empty when there is no such wave.
    pub fn wave(&self, n: usize) -> &[Call] {
        let Some(&start) = n.checked_sub(1).and_then(|i| self.wave_starts.get(i)) else {
            return &[];
        };
        let end = self.wave_starts.get(n).copied().unwrap_or(self.calls.len());
        &self.calls[start..end]
    }

    /// The waves, in order, each with its number (from 1).
    pub fn iter_waves(&self) -> impl Iterator<Item = (usize, &[Call])> + '_ {
        (1..=self.waves()).map(move |n| (n, self.wave(n)))
    }

    /// The desktops the plan changes that cannot be changed now (with a snapshot only), in
    /// plan order: they get no call.
    pub fn unchangeable(&self) -> &[Unchangeable] {
        &self.unchangeable
    }

    /// The revocations make-before-break holds back, in plan order.
    pub fn held_back(&self) -> &[HeldBack] {
        &self.held_back
    }

    /// Whether the calls, once sent, leave the whole plan done: no desktop unchangeable and
    /// no revocation held back. A run that is not complete must be run again later.
    pub fn is_complete(&self) -> bool {
        self.unchangeable.is_empty() && self.held_back.is_empty()
    }
}

impl Deref for Calls {
    type Target = [Call];

    fn deref(&self) -> &[Call] {
        &self.calls
    }
}

/// The calls that carry out `plan` (the contract, §8 and §8.1) with the default
/// [`CallOptions`]: [`calls_with`].
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
/// assert_eq!(calls.waves(), 1);
/// assert_eq!(
///     calls[0].to_query(),
///     "Action=ModifyEntitlement&Version=2020-09-30&RegionId=cn-hangzhou&DesktopId=ecd-a\
///      &EndUserId.1=Alice&EndUserId.2=Bob"
/// );
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
///
/// # Errors
///
/// As [`calls_with`].
pub fn calls(plan: &PlanResponse, fleet: Option<&Fleet>, region_id: &str) -> Result<Calls, Error> {
    calls_with(plan, fleet, region_id, &CallOptions::new())
}

/// The calls that carry out `plan` (the contract, §8 and §8.1), by the rules below, in
/// waves: sent wave by wave, each wave once no desktop of the one before is `Assigning`, and
/// in any order within a wave, they leave every desktop of the plan that is not `FAILED` with
/// exactly its planned users (as a set) and touch no other desktop. With a `fleet` snapshot,
/// desktops that already have exactly their planned users get no call, desktops that cannot
/// be changed now get none either ([`Calls::unchangeable`]), and additions and revocations
/// replace a replacement where they need fewer calls.
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
///   sets), whatever its state (an `Assigning` desktop that already matches is not counted).
/// * **Unchangeable**, with a snapshot, for a desktop to change that the snapshot lacks, or
///   that is not `Running`, or is `Assigning` (the contract, §6): no call; it is listed in
///   [`Calls::unchangeable`], to be done by a later run with a newer snapshot. Without a
///   snapshot every desktop is replaced.
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
/// So two desktops needing the same additions, in any order, share every call.
///
/// # Waves
///
/// No desktop is named twice in one wave. Let `c` be the largest number of calls (before any
/// split below) that name one desktop. The calls are placed in the order replacements,
/// additions, revocations; each goes in the earliest wave after the waves of the earlier
/// calls naming its desktops, so a desktop's replacement precedes its additions. A shared
/// call whose desktops could not all finish within `c + 1` waves that way is **split**: the
/// desktops that would run late get a call of their own in an earlier wave. So there are at
/// most `c + 1` waves, and splitting never takes the total past the per-desktop baseline
/// (each desktop is still named by as many calls as alone). A plan whose changed desktops
/// each need one call is one wave. Placing costs `O(1)` per desktop named by a call (a call
/// names at most 100).
///
/// # Make before break
///
/// With [`CallOptions::make_before_break`] (a snapshot is needed), no user who has a listed
/// desktop before the calls and is planned to have one after (a `FAILED` desktop she keeps
/// counts) is left with none at any wave boundary, nor within a wave, whatever order its
/// calls land in:
///
/// * a desktop that gains and loses users is changed (additions and revocations), never
///   replaced, and so is a desktop of more than 100 planned users (whose replacement would
///   strip the users past the first 100 for a while); a replacement is kept only where it
///   only adds or only removes users, with at most 100;
/// * a user who keeps none of her desktops loses them (the revocations naming her) only in a
///   wave after the first wave that gives her a new one; each desktop's revocations are cut
///   into runs by that wave, then by bytes;
/// * a user whose new desktops are all unchangeable now keeps her first listed desktop
///   (plan order) that would be taken from her: that revocation is held back
///   ([`Calls::held_back`]).
///
/// This may cost calls beyond the baseline ([`Calls::extra`]) and waves beyond `c + 1`: at
/// most `c + 2` when the revocations can follow the additions desktop by desktop, and in any
/// case at most the waves of the additions plus those of the revocations, plus one.
///
/// Every list holds 1 to 100 IDs (a `ModifyEntitlement` for no user has no list).
///
/// Costs `O(P log P)` time and `O(P)` memory for `P` planned (desktop, user) pairs, plus the
/// snapshot users of the changed desktops. The output depends only on the inputs: grouping
/// uses insertion-ordered maps.
///
/// ```
/// use eds_entitlement::{calls_with, CallOptions, Fleet, PlanResponse, PlannedDesktop, SnapshotDesktop};
///
/// // Alice moves from ecd-a to ecd-b.
/// let plan = PlanResponse::new(vec![
///     PlannedDesktop::new("ecd-a", None, ["Bob"]),
///     PlannedDesktop::new("ecd-b", None, ["Alice"]),
/// ])?;
/// let mut fleet = Fleet::new();
/// fleet.insert("ecd-a", SnapshotDesktop::new("Running").end_users(["Alice", "Bob"])).unwrap();
/// fleet.insert("ecd-b", SnapshotDesktop::new("Running")).unwrap();
/// let options = CallOptions::new().make_before_break(true);
/// let calls = calls_with(&plan, Some(&fleet), "cn-hangzhou", &options)?;
/// // ecd-b gains Alice in wave 1; ecd-a loses her in wave 2.
/// assert_eq!(calls.waves(), 2);
/// assert_eq!(calls.wave(1)[0].to_query(), "Action=ModifyEntitlement&Version=2020-09-30\
///     &RegionId=cn-hangzhou&DesktopId=ecd-b&EndUserId.1=Alice");
/// assert_eq!(calls.wave(2)[0].to_query(), "Action=ModifyEntitlement&Version=2020-09-30\
///     &RegionId=cn-hangzhou&DesktopId=ecd-a&EndUserId.1=Bob");
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidRegion`] when `region_id` is not a region ID (as `RegionId` of §1);
/// [`Error::MakeBeforeBreakWithoutSnapshot`] for make-before-break without a `fleet`;
/// [`Error::OutOfMemory`] when the calls' memory cannot be had.
pub fn calls_with(
    plan: &PlanResponse,
    fleet: Option<&Fleet>,
    region_id: &str,
    options: &CallOptions,
) -> Result<Calls, Error> {
    let (mut result, mut waves) = place(plan, fleet, region_id, options)?;
    waves.fill(|i| {
        let desktop = &plan.desktops[i];
        let first = desktop.end_user_ids.len().min(MAX_IDS_PER_CALL);
        (
            desktop.desktop_id.clone(),
            desktop.end_user_ids[..first].to_vec(),
        )
    });
    let (calls, wave_starts) = waves.into_waves()?;
    result.calls = calls;
    result.wave_starts = wave_starts;
    Ok(result)
}

impl PlanResponse {
    /// The calls that carry out this plan, as [`calls_with`] gives them, made from the plan
    /// itself: each replacement takes its desktop's ID and users instead of copying them,
    /// so that the plan and its calls are never both held whole (the command line's
    /// `requests` works so).
    ///
    /// ```
    /// use eds_entitlement::{calls, CallOptions, PlanResponse, PlannedDesktop};
    ///
    /// let plan = PlanResponse::new(vec![PlannedDesktop::new("ecd-a", None, ["Alice"])])?;
    /// let copied = calls(&plan, None, "cn-hangzhou")?;
    /// assert_eq!(plan.into_calls(None, "cn-hangzhou", &CallOptions::new())?, copied);
    /// # Ok::<(), eds_entitlement::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`calls_with`].
    pub fn into_calls(
        mut self,
        fleet: Option<&Fleet>,
        region_id: &str,
        options: &CallOptions,
    ) -> Result<Calls, Error> {
        let (mut result, mut waves) = place(&self, fleet, region_id, options)?;
        waves.fill(|i| {
            let desktop = &mut self.desktops[i];
            desktop.end_user_ids.truncate(MAX_IDS_PER_CALL);
            (
                core::mem::take(&mut desktop.desktop_id),
                core::mem::take(&mut desktop.end_user_ids),
            )
        });
        drop(self);
        let (calls, wave_starts) = waves.into_waves()?;
        result.calls = calls;
        result.wave_starts = wave_starts;
        Ok(result)
    }
}

/// The calls of `plan` placed in waves, each replacement a placeholder for its desktop (see
/// [`Waves::fill`]), with the figures.
fn place(
    plan: &PlanResponse,
    fleet: Option<&Fleet>,
    region_id: &str,
    options: &CallOptions,
) -> Result<(Calls, Waves), Error> {
    check_region(region_id)?;
    let mbb = options.make_before_break;
    if mbb && fleet.is_none() {
        return Err(Error::MakeBeforeBreakWithoutSnapshot);
    }
    let desktops = &plan.desktops;
    // 1. What each desktop needs.
    let mut needs: Vec<Need<'_>> = Vec::new();
    needs
        .try_reserve_exact(desktops.len())
        .map_err(|_| out_of_memory())?;
    let mut result = Calls::default();
    for desktop in desktops {
        let need = need(desktop, fleet, mbb);
        if let Need::Unchangeable(eligibility) = &need {
            result.unchangeable.push(Unchangeable {
                desktop_id: desktop.desktop_id.clone(),
                eligibility: *eligibility,
            });
        }
        needs.push(need);
    }
    // 2. Make before break: who must gain before losing, and what is held back.
    let mut users = Users::default();
    if let (true, Some(fleet)) = (mbb, fleet) {
        users = Users::new(desktops, &needs, fleet);
        users.hold_back(desktops, &mut needs, &mut result.held_back);
    }
    for (desktop, need) in desktops.iter().zip(&needs) {
        if matches!(need, Need::Replace { .. } | Need::Change { .. }) {
            result.desktops += 1;
            result.baseline += baseline_calls(desktop.end_user_ids.len());
        }
    }
    // 3. The calls, desktop by desktop, then placed in waves.
    let mut count: Vec<usize> = try_vec(desktops.len())?;
    for ((n, need), desktop) in count.iter_mut().zip(&needs).zip(desktops) {
        *n = need.calls(desktop.end_user_ids.len());
    }
    let most = count.iter().copied().max().unwrap_or(0);
    let mut next: Vec<usize> = try_vec(desktops.len())?;
    next.iter_mut().for_each(|n| *n = 1);
    let mut waves = Waves {
        next,
        used: try_vec(desktops.len())?,
        count,
        bound: most + if mbb { 2 } else { 1 },
        placed: Vec::new(),
        replacements: Vec::new(),
        wave_of: Vec::new(),
        out_of_memory: false,
    };
    // Every replacement is one call, and most plans are mostly replacements: their room at
    // once, rather than by doubling.
    let replacements = needs
        .iter()
        .filter(|n| matches!(n, Need::Replace { .. }))
        .count();
    let reserved = waves.placed.try_reserve_exact(replacements).is_ok()
        && waves.wave_of.try_reserve_exact(replacements).is_ok()
        && waves.replacements.try_reserve_exact(replacements).is_ok();
    if !reserved {
        return Err(out_of_memory());
    }
    let region = String::from(region_id);
    let grants_only =
        |need: &Need<'_>| !mbb || matches!(need, Need::Replace { removes: false, .. });
    // Replacements (with make-before-break, those that only add).
    for (i, need) in needs.iter().enumerate() {
        if matches!(need, Need::Replace { .. }) && grants_only(need) {
            waves.place_replacement(i, 1, &region);
        }
    }
    // Additions.
    let mut additions = Grouper::default();
    for (i, (desktop, need)) in desktops.iter().zip(&needs).enumerate() {
        match need {
            Need::Replace { .. } => {
                let first = desktop.end_user_ids.len().min(MAX_IDS_PER_CALL);
                let rest = desktop.end_user_ids[first..].iter().map(String::as_str);
                additions.push(i, rest.collect(), |_| 0);
            }
            Need::Change { added, .. } => additions.push(i, added.clone(), |_| 0),
            Need::Nothing | Need::Unchangeable(_) => {}
        }
    }
    additions.emit(desktops, &region, true, &mut waves, |_| 1);
    if mbb {
        users.note_grants(&waves, desktops);
    }
    // With make-before-break, the replacements that only remove, after what they wait for.
    for (i, need) in needs.iter().enumerate() {
        if let Need::Replace { removed, .. } = need {
            if !grants_only(need) {
                let ready = removed.iter().map(|u| users.ready(u)).max().unwrap_or(1);
                waves.place_replacement(i, ready, &region);
            }
        }
    }
    // Revocations, cut by the wave each user may lose a desktop in (1 for all without
    // make-before-break).
    let mut revocations = Grouper::default();
    for (i, need) in needs.iter().enumerate() {
        if let Need::Change { removed, .. } = need {
            revocations.push(i, removed.clone(), |u| users.ready(u));
        }
    }
    revocations.emit(desktops, &region, false, &mut waves, |ids| {
        ids.iter().map(|u| users.ready(u)).max().unwrap_or(1)
    });
    Ok((result, waves))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::Status;
    use alloc::format;

    pub(super) fn users(range: core::ops::Range<usize>) -> Vec<String> {
        range.map(|i| format!("u{i:03}")).collect()
    }

    pub(super) fn planned(id: &str, users: Vec<String>) -> PlannedDesktop {
        PlannedDesktop::new(id, Some(Status::NotStarted), users)
    }

    pub(super) fn wave_of(calls: &Calls, desktop: &str) -> Vec<usize> {
        calls
            .iter_waves()
            .filter(|(_, wave)| {
                wave.iter().any(|c| match c {
                    Call::ModifyEntitlement(c) => c.desktop_id == desktop,
                    Call::ModifyUserEntitlement(c) => c
                        .authorize_desktop_ids
                        .iter()
                        .chain(&c.revoke_desktop_ids)
                        .any(|d| d == desktop),
                })
            })
            .map(|(n, _)| n)
            .collect()
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
}
