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
use crate::fleet::{Eligibility, Fleet};
use crate::ids::id_problem;
use crate::request::check_region;
use crate::status::Status;

/// The most IDs one list of one `ModifyEntitlement` or `ModifyUserEntitlement` call holds:
/// 100, `ModifyEntitlement`'s documented maximum, kept for every list.
pub const MAX_IDS_PER_CALL: usize = 100;

/// The longest list of a plan's users searched for repeats rather than hashed.
const SHORT_LIST: usize = 16;

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
    /// [`PlanProblem::NotAUserId`] (an empty user ID), [`PlanProblem::InvalidId`] (an ID that
    /// breaks the rule of [`id_problem`]), [`PlanProblem::RepeatedUser`];
    /// [`Error::OutOfMemory`] when the memory to check it cannot be had.
    pub fn new(desktops: Vec<PlannedDesktop>) -> Result<PlanResponse, Error> {
        let mut seen: IndexMap<&str, usize, Xxh3DefaultBuilder> = IndexMap::default();
        seen.try_reserve(desktops.len())
            .map_err(|_| Error::OutOfMemory {
                input: String::from("the plan"),
                field: None,
            })?;
        for (i, desktop) in desktops.iter().enumerate() {
            let position = i + 1;
            let bad = |problem| Error::Plan { position, problem };
            if desktop.desktop_id.is_empty() {
                return Err(bad(PlanProblem::EmptyDesktopId));
            }
            if let Some(problem) = id_problem(&desktop.desktop_id) {
                return Err(bad(PlanProblem::InvalidId {
                    key: "DesktopId",
                    user: None,
                    value: shown(&desktop.desktop_id),
                    problem,
                }));
            }
            if let Some(&first) = seen.get(desktop.desktop_id.as_str()) {
                return Err(bad(PlanProblem::RepeatedDesktop {
                    desktop: shown(&desktop.desktop_id),
                    first,
                }));
            }
            seen.insert(&desktop.desktop_id, position);
            // A short list is searched, a long one hashed: most desktops have few users,
            // and a map for each would cost an allocation apiece.
            let ids = &desktop.end_user_ids;
            let mut users: IndexMap<&str, usize, Xxh3DefaultBuilder> = IndexMap::default();
            if ids.len() > SHORT_LIST {
                users
                    .try_reserve(ids.len())
                    .map_err(|_| Error::OutOfMemory {
                        input: String::from("the plan"),
                        field: None,
                    })?;
            }
            for (j, user) in ids.iter().enumerate() {
                if user.is_empty() {
                    return Err(bad(PlanProblem::NotAUserId {
                        user: j + 1,
                        found: String::from("\"\""),
                    }));
                }
                if let Some(problem) = id_problem(user) {
                    return Err(bad(PlanProblem::InvalidId {
                        key: "EndUserIds",
                        user: Some(j + 1),
                        value: shown(user),
                        problem,
                    }));
                }
                let first = if ids.len() > SHORT_LIST {
                    users.insert_full(user, j + 1).1
                } else {
                    ids[..j].iter().position(|u| u == user).map(|i| i + 1)
                };
                if let Some(first) = first {
                    return Err(bad(PlanProblem::RepeatedUser {
                        user: shown(user),
                        first,
                        second: j + 1,
                    }));
                }
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

    /// The call as an `aliyun` command line (the contract, §8.1): `aliyun ecd`, the action,
    /// `--RegionId`, the parameters as [`Call::parameters`] names them (`--EndUserId.1`, …),
    /// then `--version 2020-09-30 --force` (ecd has no command-line metadata: `--force` sends
    /// the parameters as given, with the API version named).
    ///
    /// Every value is in POSIX single quotes, a `'` inside written `'\''`; a value that begins
    /// with `-` is written `--Name='-x'`, so that it cannot be read as an option. The line is
    /// one shell command, with nothing else in it: no substitution, no variable.
    ///
    /// ```
    /// use eds_entitlement::{Call, ModifyEntitlement};
    ///
    /// let call = Call::ModifyEntitlement(ModifyEntitlement {
    ///     region_id: "cn-hangzhou".into(),
    ///     desktop_id: "ecd-a".into(),
    ///     end_user_ids: vec!["O'Brien".into(), "-x".into()],
    /// });
    /// assert_eq!(
    ///     call.to_aliyun(),
    ///     "aliyun ecd ModifyEntitlement --RegionId 'cn-hangzhou' --DesktopId 'ecd-a' \
    ///      --EndUserId.1 'O'\\''Brien' --EndUserId.2='-x' --version 2020-09-30 --force"
    /// );
    /// ```
    pub fn to_aliyun(&self) -> String {
        let mut out = String::from("aliyun ecd ");
        out.push_str(self.action());
        aliyun_option(&mut out, "RegionId", self.region_id());
        for (name, value) in self.parameters() {
            aliyun_option(&mut out, &name, value);
        }
        out.push_str(" --version ");
        out.push_str(API_VERSION);
        out.push_str(" --force");
        out
    }
}

/// ` --Name 'value'`, or ` --Name='-value'` for a value that begins with `-`.
fn aliyun_option(out: &mut String, name: &str, value: &str) {
    out.push_str(" --");
    out.push_str(name);
    out.push(if value.starts_with('-') { '=' } else { ' ' });
    shell_quote(out, value);
}

/// `value` in POSIX single quotes: every character as it is, a `'` written `'\''`.
///
/// ```
/// let mut out = String::new();
/// eds_entitlement::shell_quote(&mut out, "it's");
/// assert_eq!(out, r"'it'\''s'");
/// ```
pub fn shell_quote(out: &mut String, value: &str) {
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
}

/// `Name.1=…`, `Name.2=…` for a list.
fn numbered<'c>(out: &mut Vec<(String, &'c str)>, name: &str, ids: &'c [String]) {
    for (i, id) in ids.iter().enumerate() {
        out.push((alloc::format!("{name}.{}", i + 1), id.as_str()));
    }
}

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

/// A revocation held back by make-before-break: the user keeps the desktop, because the
/// desktop she is planned to get instead cannot be changed now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldBack {
    /// The desktop she keeps.
    pub desktop_id: String,
    /// The user.
    pub user_id: String,
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

/// Where each wave starts in `waves`, sorted.
fn starts(waves: &[u32]) -> Vec<usize> {
    let mut starts = Vec::new();
    for (i, w) in waves.iter().enumerate() {
        if i == 0 || waves[i - 1] != *w {
            starts.push(i);
        }
    }
    starts
}

/// `len` zeros, or the error when their memory cannot be had.
fn try_vec<T: Clone + Default>(len: usize) -> Result<Vec<T>, Error> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| out_of_memory())?;
    v.resize(len, T::default());
    Ok(v)
}

fn out_of_memory() -> Error {
    Error::OutOfMemory {
        input: String::from("the calls"),
        field: None,
    }
}

/// What one desktop of the plan needs.
enum Need<'p> {
    /// No call: `FAILED`, or already as planned.
    Nothing,
    /// No call: to be changed, but it cannot be now.
    Unchangeable(Eligibility),
    /// `ModifyEntitlement`, then additions; `removed` are the snapshot's users it takes away
    /// (empty without a snapshot), and `removes` says whether there are any.
    Replace {
        removed: Vec<&'p str>,
        removes: bool,
    },
    /// Additions and revocations, each sorted by bytes.
    Change {
        added: Vec<&'p str>,
        removed: Vec<&'p str>,
    },
}

impl Need<'_> {
    /// How many calls name the desktop, planned for `planned` users, before any sharing or
    /// split.
    fn calls(&self, planned: usize) -> usize {
        let runs = |ids: &[&str]| ids.len().div_ceil(MAX_IDS_PER_CALL);
        match self {
            Need::Nothing | Need::Unchangeable(_) => 0,
            Need::Replace { .. } => baseline_calls(planned),
            Need::Change { added, removed } => runs(added) + runs(removed),
        }
    }
}

/// What `desktop` needs, with `fleet` as it is.
fn need<'p>(desktop: &'p PlannedDesktop, fleet: Option<&'p Fleet>, mbb: bool) -> Need<'p> {
    if desktop.is_failed() {
        return Need::Nothing;
    }
    let planned = &desktop.end_user_ids;
    let replace = |removed: Vec<&'p str>| Need::Replace {
        removes: !removed.is_empty(),
        removed,
    };
    let Some(fleet) = fleet else {
        return replace(Vec::new());
    };
    let Some(now) = fleet.get(&desktop.desktop_id) else {
        return Need::Unchangeable(Eligibility::NotInSnapshot);
    };
    let now_set: BTreeSet<&str> = now.end_user_ids().iter().map(String::as_str).collect();
    let planned_set: BTreeSet<&str> = planned.iter().map(String::as_str).collect();
    let added: Vec<&str> = planned_set.difference(&now_set).copied().collect();
    let removed: Vec<&str> = now_set.difference(&planned_set).copied().collect();
    if added.is_empty() && removed.is_empty() {
        return Need::Nothing;
    }
    let eligibility = now.eligibility();
    if !eligibility.is_eligible() {
        return Need::Unchangeable(eligibility);
    }
    let replace_cost = baseline_calls(planned.len());
    let change_cost =
        added.len().div_ceil(MAX_IDS_PER_CALL) + removed.len().div_ceil(MAX_IDS_PER_CALL);
    let replace_allowed =
        !mbb || (planned.len() <= MAX_IDS_PER_CALL && (added.is_empty() || removed.is_empty()));
    if replace_allowed && change_cost >= replace_cost {
        replace(removed)
    } else {
        Need::Change { added, removed }
    }
}

/// Make before break's view of the users: for each user some call takes a desktop from,
/// whether she keeps another, and the first wave after one that gives her a new one.
#[derive(Default)]
struct Users<'p> {
    users: IndexMap<&'p str, UserState, Xxh3DefaultBuilder>,
}

#[derive(Default, Clone, Copy)]
struct UserState {
    /// She keeps a listed desktop she has now: nothing waits for her.
    keeps: bool,
    /// Some desktop the plan does not give up on lists her.
    planned: bool,
    /// A call gives her a desktop she has not.
    gains: bool,
    /// The first wave in which she may lose desktops: after her first gain.
    ready: usize,
}

impl<'p> Users<'p> {
    fn new(desktops: &'p [PlannedDesktop], needs: &[Need<'p>], fleet: &'p Fleet) -> Users<'p> {
        let mut users: IndexMap<&'p str, UserState, Xxh3DefaultBuilder> = IndexMap::default();
        // Those who lose a desktop.
        for need in needs {
            let removed = match need {
                Need::Replace { removed, .. } | Need::Change { removed, .. } => removed,
                Need::Nothing | Need::Unchangeable(_) => continue,
            };
            for &u in removed {
                users.entry(u).or_default();
            }
        }
        for (desktop, need) in desktops.iter().zip(needs) {
            let changed = matches!(need, Need::Replace { .. } | Need::Change { .. });
            let now = fleet.get(&desktop.desktop_id);
            if !desktop.is_failed() {
                for u in &desktop.end_user_ids {
                    if let Some(state) = users.get_mut(u.as_str()) {
                        state.planned = true;
                    }
                }
            }
            let Some(now) = now else { continue };
            if changed {
                // Those it keeps, and those it gains.
                let has: BTreeSet<&str> = now.end_user_ids().iter().map(String::as_str).collect();
                for u in &desktop.end_user_ids {
                    if let Some(state) = users.get_mut(u.as_str()) {
                        if has.contains(u.as_str()) {
                            state.keeps = true;
                        } else {
                            state.gains = true;
                        }
                    }
                }
            } else {
                // No call: it keeps every user it has (FAILED, unchangeable, as planned).
                for u in now.end_user_ids() {
                    if let Some(state) = users.get_mut(u.as_str()) {
                        state.keeps = true;
                        state.planned = true;
                    }
                }
            }
        }
        Users { users }
    }

    /// Holds back the first revocation of each user who would be left with none because her
    /// new desktops cannot be changed now.
    fn hold_back(
        &mut self,
        desktops: &[PlannedDesktop],
        needs: &mut [Need<'p>],
        held: &mut Vec<HeldBack>,
    ) {
        for (desktop, need) in desktops.iter().zip(needs.iter_mut()) {
            let removed = match need {
                Need::Replace { removed, .. } | Need::Change { removed, .. } => removed,
                Need::Nothing | Need::Unchangeable(_) => continue,
            };
            let before = removed.len();
            removed.retain(|&u| {
                let Some(state) = self.users.get_mut(u) else {
                    return true;
                };
                if state.keeps || !state.planned || state.gains {
                    return true;
                }
                // She keeps this desktop: nothing else waits.
                state.keeps = true;
                held.push(HeldBack {
                    desktop_id: desktop.desktop_id.clone(),
                    user_id: String::from(u),
                });
                false
            });
            if removed.len() != before {
                // A replacement would strip her: the rest as revocations.
                if let Need::Replace { removed, .. } = need {
                    let removed = core::mem::take(removed);
                    *need = Need::Change {
                        added: Vec::new(),
                        removed,
                    };
                }
                if let Need::Change { added, removed } = need {
                    if added.is_empty() && removed.is_empty() {
                        *need = Need::Nothing;
                    }
                }
            }
        }
    }

    /// Notes the waves of the calls placed so far (every one that gives users desktops).
    fn note_grants(&mut self, waves: &Waves, desktops: &[PlannedDesktop]) {
        let mut replaced = waves.replacements.iter().peekable();
        for (at, (&wave, call)) in waves.wave_of.iter().zip(&waves.placed).enumerate() {
            let wave = wave as usize;
            let users = match call {
                // A placeholder: its desktop's first 100 users.
                Call::ModifyEntitlement(_) => match replaced.next_if(|&&(i, _)| i == at) {
                    Some(&(_, d)) => {
                        let users = &desktops[d].end_user_ids;
                        &users[..users.len().min(MAX_IDS_PER_CALL)]
                    }
                    None => &[][..],
                },
                Call::ModifyUserEntitlement(c) => &c.end_user_ids[..],
            };
            for u in users {
                if let Some(state) = self.users.get_mut(u.as_str()) {
                    if !state.keeps && state.planned && state.gains {
                        let ready = wave + 1;
                        if state.ready == 0 || ready < state.ready {
                            state.ready = ready;
                        }
                    }
                }
            }
        }
    }

    /// The first wave in which `user` may lose a desktop: 1 when nothing waits.
    fn ready(&self, user: &str) -> usize {
        self.users.get(user).map_or(1, |state| state.ready.max(1))
    }
}

/// Calls placed in waves, desktop by desktop.
struct Waves {
    /// For each desktop of the plan, the earliest wave its next call may take.
    next: Vec<usize>,
    /// How many of its calls are placed.
    used: Vec<usize>,
    /// How many calls name it in all.
    count: Vec<usize>,
    /// The waves the calls should stay within.
    bound: usize,
    /// The calls, in the order placed, and the wave of each.
    placed: Vec<Call>,
    /// The replacements among them, each a placeholder until [`Waves::fill`]: its index in
    /// `placed` and its desktop's.
    replacements: Vec<(usize, usize)>,
    wave_of: Vec<u32>,
    /// Whether memory for a call could not be had.
    out_of_memory: bool,
}

impl Waves {
    /// The last wave that the call of `desktop` placed now may take and still leave each of
    /// its later calls a wave of its own within the bound.
    fn deadline(&self, desktop: usize) -> usize {
        let later = self.count[desktop].saturating_sub(self.used[desktop] + 1);
        self.bound.saturating_sub(later)
    }

    fn take(&mut self, desktop: usize, wave: usize) {
        self.next[desktop] = wave + 1;
        self.used[desktop] += 1;
    }

    /// Keeps `call` in `wave`, if its memory can be had.
    fn keep(&mut self, wave: usize, call: Call) {
        let room = |v: usize, len: usize| v > len;
        if !room(self.placed.capacity(), self.placed.len())
            && self.placed.try_reserve(self.placed.len().max(16)).is_err()
            || !room(self.wave_of.capacity(), self.wave_of.len())
                && self
                    .wave_of
                    .try_reserve(self.wave_of.len().max(16))
                    .is_err()
        {
            self.out_of_memory = true;
            return;
        }
        self.placed.push(call);
        self.wave_of.push(u32::try_from(wave).unwrap_or(u32::MAX));
    }

    /// Places the replacement of `desktop`, in wave `at_least` or later: a placeholder with
    /// the region only, until [`Waves::fill`].
    fn place_replacement(&mut self, desktop: usize, at_least: usize, region_id: &str) {
        let wave = self.next[desktop].max(at_least);
        self.take(desktop, wave);
        if self.replacements.len() == self.replacements.capacity()
            && self
                .replacements
                .try_reserve(self.replacements.len().max(16))
                .is_err()
        {
            self.out_of_memory = true;
            return;
        }
        self.replacements.push((self.placed.len(), desktop));
        self.keep(
            wave,
            Call::ModifyEntitlement(ModifyEntitlement {
                region_id: String::from(region_id),
                desktop_id: String::new(),
                end_user_ids: Vec::new(),
            }),
        );
    }

    /// Fills each replacement with its desktop's ID and first 100 users, from `take`.
    fn fill(&mut self, mut take: impl FnMut(usize) -> (String, Vec<String>)) {
        for &(at, desktop) in &self.replacements {
            if let Some(Call::ModifyEntitlement(call)) = self.placed.get_mut(at) {
                (call.desktop_id, call.end_user_ids) = take(desktop);
            }
        }
        self.replacements = Vec::new();
    }

    /// The calls in wave order, each wave in the order placed, and where each wave starts:
    /// a stable counting sort of indices, then the calls moved in place along the cycles of
    /// that permutation (`O(calls)`, 8 bytes a call of scratch, none when already in order).
    fn into_waves(self) -> Result<(Vec<Call>, Vec<usize>), Error> {
        if self.out_of_memory {
            return Err(out_of_memory());
        }
        let (mut calls, waves) = (self.placed, self.wave_of);
        if !waves.windows(2).all(|w| w[0] <= w[1]) {
            let last = waves.iter().copied().max().unwrap_or(0) as usize;
            let mut first: Vec<u32> = try_vec(last + 2)?;
            for &w in &waves {
                first[w as usize + 1] += 1;
            }
            for w in 1..first.len() {
                first[w] += first[w - 1];
            }
            // order[k]: the index of the call that goes to position k.
            let mut order: Vec<u32> = try_vec(waves.len())?;
            for (i, &w) in waves.iter().enumerate() {
                let slot = &mut first[w as usize];
                order[*slot as usize] = i as u32;
                *slot += 1;
            }
            const DONE: u32 = u32::MAX;
            for i in 0..order.len() {
                let mut k = i;
                while order[k] != DONE {
                    let from = order[k] as usize;
                    order[k] = DONE;
                    if from == i {
                        break;
                    }
                    calls.swap(k, from);
                    k = from;
                }
            }
            let mut sorted = waves;
            sorted.sort_unstable();
            return Ok((calls, starts(&sorted)));
        }
        Ok((calls, starts(&waves)))
    }

    /// Places a call naming `desktops` (in this order), in wave `at_least` or later: in the
    /// earliest wave open to all of them, unless that is past some desktop's deadline; then
    /// those desktops are split off, and placed the same way.
    fn place_shared(
        &mut self,
        desktops: &[usize],
        at_least: usize,
        mut make: impl FnMut(&[usize]) -> Call,
    ) {
        let mut left: Vec<usize> = desktops.to_vec();
        while !left.is_empty() {
            let wave = left
                .iter()
                .map(|&d| self.next[d])
                .max()
                .unwrap_or(1)
                .max(at_least);
            let (now, later): (Vec<usize>, Vec<usize>) = left
                .iter()
                .copied()
                .partition(|&d| self.deadline(d) >= wave);
            // When the wait for `at_least` puts every desktop past its deadline, the bound
            // cannot be kept: they all go now.
            let (now, later) = if now.is_empty() {
                (later, Vec::new())
            } else {
                (now, later)
            };
            for &d in &now {
                self.take(d, wave);
            }
            let call = make(&now);
            self.keep(wave, call);
            left = later;
        }
    }
}

/// Desktops by the run of users they need added (or revoked): the grouping rule.
#[derive(Default)]
struct Grouper<'p> {
    runs: IndexMap<Vec<&'p str>, Vec<usize>, Xxh3DefaultBuilder>,
    /// Whether memory for a run could not be had.
    out_of_memory: bool,
}

impl<'p> Grouper<'p> {
    /// Files `desktop` (its index in the plan) under each run of 100 of `users`, sorted by
    /// `key`, then bytes.
    fn push(&mut self, desktop: usize, mut users: Vec<&'p str>, key: impl Fn(&str) -> usize) {
        users.sort_unstable_by(|a, b| key(a).cmp(&key(b)).then_with(|| a.cmp(b)));
        for run in users.chunks(MAX_IDS_PER_CALL) {
            if self.runs.try_reserve(1).is_err() {
                self.out_of_memory = true;
                return;
            }
            self.runs.entry(run.to_vec()).or_default().push(desktop);
        }
    }

    /// One call per run and 100 desktops, runs in order of first appearance, each placed in
    /// the wave `at_least` gives for its users, or later.
    fn emit(
        self,
        plan: &[PlannedDesktop],
        region_id: &str,
        authorize: bool,
        waves: &mut Waves,
        at_least: impl Fn(&[&str]) -> usize,
    ) {
        waves.out_of_memory |= self.out_of_memory;
        for (users, desktops) in self.runs {
            let end_user_ids: Vec<String> = users.iter().map(|&id| String::from(id)).collect();
            let from = at_least(&users);
            for group in desktops.chunks(MAX_IDS_PER_CALL) {
                waves.place_shared(group, from, |part| {
                    let ids: Vec<String> =
                        part.iter().map(|&d| plan[d].desktop_id.clone()).collect();
                    let (authorize_desktop_ids, revoke_desktop_ids) = if authorize {
                        (ids, Vec::new())
                    } else {
                        (Vec::new(), ids)
                    };
                    Call::ModifyUserEntitlement(ModifyUserEntitlement {
                        region_id: String::from(region_id),
                        authorize_desktop_ids,
                        end_user_ids: end_user_ids.clone(),
                        revoke_desktop_ids,
                    })
                });
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
        // The desktop the snapshot lacks cannot be changed now: no call (§8.1).
        assert_eq!(
            queries,
            [
                "Action=ModifyUserEntitlement&Version=2020-09-30&RegionId=cn-hangzhou&AuthorizeDesktopId.1=small&EndUserId.1=u000",
                "Action=ModifyUserEntitlement&Version=2020-09-30&RegionId=cn-hangzhou&EndUserId.1=u250&RevokeDesktopId.1=small",
            ]
        );
        assert_eq!((calls.desktops(), calls.baseline()), (1, 3));
        assert_eq!(calls.waves(), 2, "one desktop named twice: two waves");
        assert_eq!(
            calls.unchangeable(),
            [Unchangeable {
                desktop_id: "missing".into(),
                eligibility: Eligibility::NotInSnapshot
            }]
        );

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

    fn wave_of(calls: &Calls, desktop: &str) -> Vec<usize> {
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
    fn a_shared_call_is_split_rather_than_a_wave_added() {
        // Five desktops; each pair shares a run of 100 additions (a block of its own), and
        // each has 100 users of its own first, for its replacement: every desktop is named by
        // 1 + 4 calls (c = 5), but the ten shared runs pairwise overlap as the edges of K5,
        // which need five waves of their own: six in all without a split, past c + 1.
        let mut desktops: Vec<Vec<String>> =
            (0..5).map(|i| users(i * 100..i * 100 + 100)).collect();
        let mut block = 5;
        for i in 0..5 {
            for j in i + 1..5 {
                let run = users(block * 100..block * 100 + 100);
                desktops[i].extend(run.iter().cloned());
                desktops[j].extend(run);
                block += 1;
            }
        }
        let plan = PlanResponse::new(
            desktops
                .into_iter()
                .enumerate()
                .map(|(i, u)| planned(&format!("d{i}"), u))
                .collect(),
        )
        .unwrap();
        let calls = calls(&plan, None, "cn-hangzhou").unwrap();
        assert!(calls.waves() <= 5 + 1, "{} waves", calls.waves());
        assert!(calls.len() <= calls.baseline());
        for d in 0..5 {
            let waves = wave_of(&calls, &format!("d{d}"));
            assert_eq!(waves.len(), 5, "d{d} is named in five waves: {waves:?}");
            assert_eq!(waves[0], 1, "d{d}'s replacement comes first");
        }
        // Five replacements and ten shared runs: more calls means a run was split.
        assert!(
            calls.len() > 5 + 10,
            "a shared call was split: {} calls",
            calls.len()
        );
    }

    #[test]
    fn one_call_per_desktop_is_one_wave() {
        let plan = PlanResponse::new(
            (0..300)
                .map(|i| planned(&format!("d{i}"), users(0..5)))
                .collect(),
        )
        .unwrap();
        let calls = calls(&plan, None, "cn-hangzhou").unwrap();
        assert_eq!((calls.waves(), calls.len()), (1, 300));
    }

    #[test]
    fn make_before_break_gains_before_it_takes_and_holds_back_for_the_unchangeable() {
        // Alice moves from a to b; Bob from c to d, but d is Stopped; Carol has e only and
        // loses it (no new desktop: nothing waits).
        let plan = PlanResponse::new(vec![
            planned("a", vec![]),
            planned("b", vec!["Alice".into()]),
            planned("c", vec![]),
            planned("d", vec!["Bob".into()]),
            planned("e", vec![]),
        ])
        .unwrap();
        let mut fleet = Fleet::new();
        let running =
            |users: &[&str]| SnapshotDesktop::new("Running").end_users(users.iter().copied());
        fleet.insert("a", running(&["Alice"])).unwrap();
        fleet.insert("b", running(&[])).unwrap();
        fleet.insert("c", running(&["Bob"])).unwrap();
        fleet.insert("d", SnapshotDesktop::new("Stopped")).unwrap();
        fleet.insert("e", running(&["Carol"])).unwrap();
        let options = CallOptions::new().make_before_break(true);
        let calls = calls_with(&plan, Some(&fleet), "cn-hangzhou", &options).unwrap();
        assert_eq!(wave_of(&calls, "b"), [1]);
        assert_eq!(wave_of(&calls, "a"), [2], "Alice loses a after b is hers");
        assert_eq!(
            wave_of(&calls, "e"),
            [1],
            "Carol gets no desktop: nothing waits"
        );
        assert!(
            wave_of(&calls, "c").is_empty(),
            "Bob keeps c: d cannot be changed"
        );
        assert_eq!(
            calls.held_back(),
            [HeldBack {
                desktop_id: "c".into(),
                user_id: "Bob".into()
            }]
        );
        assert_eq!(calls.unchangeable().len(), 1);
        assert!(!calls.is_complete());
        // Without the snapshot, make-before-break is refused.
        assert_eq!(
            calls_with(&plan, None, "cn-hangzhou", &options).unwrap_err(),
            Error::MakeBeforeBreakWithoutSnapshot
        );
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
        // A long list is hashed, a short one searched: the same message.
        let mut long = users(0..40);
        long.push("u007".into());
        assert_eq!(
            PlanResponse::new(vec![planned("a", long)])
                .unwrap_err()
                .to_string(),
            "plan 'AssignModels' item 1 has 'EndUserIds' item 41 \"u007\", which repeats item \
             8: a desktop lists each user once"
        );
        let empty = PlanResponse::new(vec![planned("", Vec::new())]);
        assert_eq!(
            empty.unwrap_err().to_string(),
            "plan 'AssignModels' item 1 has an empty 'DesktopId'"
        );
    }
}
