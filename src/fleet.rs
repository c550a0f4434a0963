//! The fleet as it is (contract §6): a `DescribeDesktops` snapshot, and which of a request's
//! desktops a call can change.
//!
//! This module holds the data model only; reading a snapshot from JSON lives in
//! [`wire`](crate::wire), so that the planner knows nothing of files or JSON.

use alloc::string::String;
use alloc::vec::Vec;

use indexmap::{IndexMap, IndexSet};
use xxhash_rust::xxh3::Xxh3DefaultBuilder;

use crate::caps::UserCaps;
use crate::error::Error;
use crate::ids::find_each;
use crate::planner::Plan;
use crate::request::CheckedRequest;
use crate::shape::Shape;

/// One desktop of a snapshot: what §6 reads of it, and nothing else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotDesktop {
    status: String,
    flags: Vec<String>,
    end_user_ids: Vec<String>,
    origin: Origin,
}

/// Where a desktop stands in the snapshot: its page (the `page`-th body read, from 0) and its
/// 1-based position in that page's `Desktops`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// The 0-based index of the page (one `DescribeDesktops` body) it was read from.
    pub page: usize,
    /// Its 1-based position in that page's `Desktops`.
    pub position: usize,
}

impl SnapshotDesktop {
    /// A desktop with this `DesktopStatus`, no management flag and no end user.
    pub fn new(status: impl Into<String>) -> SnapshotDesktop {
        SnapshotDesktop {
            status: status.into(),
            flags: Vec::new(),
            end_user_ids: Vec::new(),
            origin: Origin::default(),
        }
    }

    /// Adds a management flag (from `ManagementFlags` or the older `ManagementFlag`).
    pub fn flag(mut self, flag: impl Into<String>) -> SnapshotDesktop {
        self.flags.push(flag.into());
        self
    }

    /// Sets the desktop's end users, in the snapshot's order.
    ///
    /// A desktop holds each user once, as the service has it, and everything that counts
    /// pairs relies on that ([`Changes`](crate::Changes), §6.1's caps). So a user named
    /// twice is **folded**: its first place is kept and the repeat dropped. (The snapshot
    /// reader does not fold: a body that names a user twice on one desktop is refused,
    /// naming both places, since the service never writes one.) `O(k)` for `k` users.
    ///
    /// ```
    /// use eds_entitlement::SnapshotDesktop;
    ///
    /// let desktop = SnapshotDesktop::new("Running").end_users(["Alice", "Bob", "Alice"]);
    /// assert_eq!(desktop.end_user_ids(), ["Alice", "Bob"]);
    /// ```
    pub fn end_users<I, S>(mut self, users: I) -> SnapshotDesktop
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let users: IndexSet<String, Xxh3DefaultBuilder> =
            users.into_iter().map(Into::into).collect();
        self.end_user_ids = users.into_iter().collect();
        self
    }

    /// A desktop from what a reader found, without copying it again.
    #[cfg(feature = "serde")]
    pub(crate) fn from_parts(
        status: String,
        flags: Vec<String>,
        end_user_ids: Vec<String>,
        origin: Origin,
    ) -> SnapshotDesktop {
        SnapshotDesktop {
            status,
            flags,
            end_user_ids,
            origin,
        }
    }

    /// Sets where the desktop was read from.
    pub fn origin(mut self, origin: Origin) -> SnapshotDesktop {
        self.origin = origin;
        self
    }

    /// `DesktopStatus`, as the snapshot spells it.
    pub fn status(&self) -> &str {
        &self.status
    }

    /// The management flags, `ManagementFlags` then `ManagementFlag`.
    pub fn flags(&self) -> &[String] {
        &self.flags
    }

    /// `EndUserIds`: the users the desktop has now, in the snapshot's order.
    pub fn end_user_ids(&self) -> &[String] {
        &self.end_user_ids
    }

    /// Where the desktop was read from.
    pub fn origin_in_snapshot(&self) -> Origin {
        self.origin
    }

    /// Whether `DesktopStatus` is `Running`, compared without case.
    pub fn is_running(&self) -> bool {
        self.status.eq_ignore_ascii_case("Running")
    }

    /// Whether a flag is `Assigning`, compared without case (the API doc writes `ASSIGNING`).
    pub fn is_assigning(&self) -> bool {
        self.flags
            .iter()
            .any(|f| f.eq_ignore_ascii_case("Assigning"))
    }

    /// Whether a call can change this desktop's users, and if not, why (§6's order:
    /// `NotRunning` before `Assigning`).
    pub fn eligibility(&self) -> Eligibility {
        if !self.is_running() {
            Eligibility::NotRunning
        } else if self.is_assigning() {
            Eligibility::Assigning
        } else {
            Eligibility::Eligible
        }
    }
}

/// Whether a listed desktop can be changed by the call, and if not, why (§6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Eligibility {
    /// In the snapshot, `Running`, and not `Assigning`.
    Eligible,
    /// The snapshot does not have the desktop.
    NotInSnapshot,
    /// Its `DesktopStatus` is not `Running`.
    NotRunning,
    /// One of its management flags is `Assigning`.
    Assigning,
}

impl Eligibility {
    /// Whether the desktop can be changed.
    pub const fn is_eligible(self) -> bool {
        matches!(self, Eligibility::Eligible)
    }

    /// The reason's name in the change report (`NotInSnapshot`, `NotRunning`, `Assigning`),
    /// `None` when eligible.
    pub const fn reason(self) -> Option<&'static str> {
        match self {
            Eligibility::Eligible => None,
            Eligibility::NotInSnapshot => Some("NotInSnapshot"),
            Eligibility::NotRunning => Some("NotRunning"),
            Eligibility::Assigning => Some("Assigning"),
        }
    }
}

/// A snapshot of the fleet: desktops by ID, in snapshot order.
///
/// # Representation
///
/// An [`IndexMap`] keyed by desktop ID: lookups by ID in `O(1)`, iteration in the order the
/// desktops were read, and the first place of a desktop at hand when it comes again. The
/// hasher is XXH3 with its fixed default secret: nothing here depends on iteration of hashes,
/// and the same snapshot gives the same map on every platform.
#[derive(Clone, Debug, Default)]
pub struct Fleet {
    desktops: IndexMap<String, SnapshotDesktop, Xxh3DefaultBuilder>,
}

impl Fleet {
    /// An empty snapshot.
    pub fn new() -> Fleet {
        Fleet::default()
    }

    /// Adds a desktop. When the snapshot has it already, nothing changes and the first
    /// one's [`Origin`] is returned.
    pub fn insert(
        &mut self,
        desktop_id: impl Into<String>,
        desktop: SnapshotDesktop,
    ) -> Result<(), Origin> {
        match self.desktops.entry(desktop_id.into()) {
            indexmap::map::Entry::Occupied(first) => Err(first.get().origin),
            indexmap::map::Entry::Vacant(slot) => {
                slot.insert(desktop);
                Ok(())
            }
        }
    }

    /// Keeps the first `len` desktops read (for a reader undoing a page).
    #[cfg(feature = "serde")]
    pub(crate) fn truncate(&mut self, len: usize) {
        self.desktops.truncate(len);
    }

    /// The desktop with this ID, if the snapshot has it.
    pub fn get(&self, desktop_id: &str) -> Option<&SnapshotDesktop> {
        self.desktops.get(desktop_id)
    }

    /// How many desktops the snapshot has.
    pub fn len(&self) -> usize {
        self.desktops.len()
    }

    /// Whether the snapshot has no desktop.
    pub fn is_empty(&self) -> bool {
        self.desktops.is_empty()
    }

    /// The desktops in snapshot order, with their IDs.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &SnapshotDesktop)> + '_ {
        self.desktops.iter().map(|(id, d)| (id.as_str(), d))
    }

    /// Each listed desktop's eligibility, in request order (§6: `NotInSnapshot`, then
    /// `NotRunning`, then `Assigning`).
    ///
    /// Costs `O(n + snapshot desktops)` expected time: the desktops are looked up in bulk,
    /// not one by one (at a million desktops, a single look-up misses the CPU's caches).
    pub fn eligibility(&self, request: &CheckedRequest) -> Vec<Eligibility> {
        self.listed(request)
            .into_iter()
            .map(eligibility_of)
            .collect()
    }

    /// Each listed desktop as the snapshot has it, in request order. The same as
    /// [`Fleet::get`] of each, but in bulk: at a million desktops each single look-up misses
    /// the CPU's caches, the bulk one does not (see `ids::find_each`).
    pub(crate) fn listed(&self, request: &CheckedRequest) -> Vec<Option<&SnapshotDesktop>> {
        let ids: Vec<&str> = request.desktop_ids().iter().collect();
        self.find_all(&ids)
    }

    /// Each of `ids` as the snapshot has it, in bulk (see [`Fleet::listed`]).
    pub(crate) fn find_all(&self, ids: &[&str]) -> Vec<Option<&SnapshotDesktop>> {
        let keys: Vec<&str> = self.desktops.keys().map(String::as_str).collect();
        let found = find_each(keys.len(), |i| keys[i], ids);
        drop(keys);
        found
            .into_iter()
            .map(|at| {
                at.and_then(|at| self.desktops.get_index(at))
                    .map(|(_, d)| d)
            })
            .collect()
    }
}

/// The eligibility of a listed desktop that the snapshot has as `found` (§6's order).
pub(crate) fn eligibility_of(found: Option<&SnapshotDesktop>) -> Eligibility {
    match found {
        None => Eligibility::NotInSnapshot,
        Some(desktop) => desktop.eligibility(),
    }
}

/// A plan made against a snapshot: a [`Plan`] with one row per listed desktop, in request
/// order, where an ineligible desktop's row is empty (it keeps the users the snapshot gives
/// it, which need not be in the request), and each listed desktop's [`Eligibility`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FleetPlan {
    plan: Plan,
    eligibility: Vec<Eligibility>,
}

impl FleetPlan {
    /// Pairs a plan with the eligibility it was made under. Nothing is checked.
    pub fn new(plan: Plan, eligibility: Vec<Eligibility>) -> FleetPlan {
        FleetPlan { plan, eligibility }
    }

    /// The plan: one row per listed desktop; ineligible rows are empty.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Each listed desktop's eligibility, in request order.
    pub fn eligibility(&self) -> &[Eligibility] {
        &self.eligibility
    }
}

impl FleetPlan {
    /// The number of listed desktops that the plan could change.
    pub fn eligible(&self) -> usize {
        self.eligibility.iter().filter(|e| e.is_eligible()).count()
    }

    /// The shape of the plan over the eligible desktops: `n` is their number.
    pub(crate) fn eligible_shape(request: &CheckedRequest, eligible: usize) -> Shape {
        Shape::new(
            eligible as u32,
            request.end_user_ids().len() as u32,
            request.max_user_per_desktop(),
            request.max_desktop_per_user(),
            request.strategy(),
        )
    }
}

/// Plans `request` against the fleet as it is (the contract, §6 and §6.1): the canonical
/// plan made over the listed desktops that a call can change (in the snapshot, `Running`,
/// not `Assigning`), in request order, with every listed user, under limits that hold on
/// what users will have after the call.
///
/// An ineligible listed desktop keeps its users, so a listed user who keeps `h_j` of them
/// may get at most `c_j = min(max(M − h_j, 0), n)` more (`M = MaxDesktopPerUser`, `n` the
/// eligible desktops), and `AVERAGE` levels `h_j + q_j`; [`UserCaps`] holds this
/// arithmetic and its quotas. Users then take desktops as §2 deals them: user `j` in
/// request order takes the next `q_j` eligible desktops, wrapping around.
///
/// The result has one row per listed desktop, in request order: an eligible desktop's row
/// is its planned users, an ineligible desktop's row is empty (it keeps the users the
/// snapshot gives it, which [`Changes`](crate::Changes) and the response read from the
/// [`Fleet`]). When no ineligible listed desktop holds a listed user, the plan over the
/// eligible desktops is §2's; when every listed desktop is eligible, it is exactly
/// [`plan`](crate::plan)`(request)`.
///
/// Costs `O(n + u + T + P)` expected time, where `P` is the number of users of the
/// ineligible listed desktops (desktops and users are looked up in bulk), `O(u log u)` more
/// when some of them are listed users, and the plan's memory.
///
/// ```
/// use eds_entitlement::{plan_against, Eligibility, Fleet, Request, SnapshotDesktop};
///
/// let request = Request::new("cn-hangzhou", ["ecd-a", "ecd-b", "ecd-c"], ["Alice", "Bob"])
///     .max_user_per_desktop(1)
///     .check()?;
/// let mut fleet = Fleet::new();
/// fleet.insert("ecd-a", SnapshotDesktop::new("Running")).unwrap();
/// fleet.insert("ecd-b", SnapshotDesktop::new("Stopped").end_users(["Carol"])).unwrap();
/// fleet.insert("ecd-c", SnapshotDesktop::new("Running")).unwrap();
///
/// let planned = plan_against(&request, &fleet)?;
/// assert_eq!(
///     planned.eligibility(),
///     [Eligibility::Eligible, Eligibility::NotRunning, Eligibility::Eligible]
/// );
/// // Two eligible desktops, one for Alice, one for Bob; ecd-b keeps Carol.
/// assert_eq!(planned.plan().end_users(0), &[0]);
/// assert_eq!(planned.plan().end_users(1), &[] as &[u32]);
/// assert_eq!(planned.plan().end_users(2), &[1]);
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
///
/// A user who keeps a desktop the call cannot change counts it against
/// `MaxDesktopPerUser`:
///
/// ```
/// use eds_entitlement::{plan_against, Fleet, Request, SnapshotDesktop};
///
/// let request = Request::new("cn-hangzhou", ["ecd-1", "ecd-2"], ["Alice", "Bob"])
///     .max_user_per_desktop(1)
///     .max_desktop_per_user(1)
///     .check()?;
/// let mut fleet = Fleet::new();
/// fleet.insert("ecd-1", SnapshotDesktop::new("Stopped").end_users(["Alice"])).unwrap();
/// fleet.insert("ecd-2", SnapshotDesktop::new("Running")).unwrap();
///
/// // Alice keeps ecd-1 and is at her limit: ecd-2 goes to Bob.
/// let planned = plan_against(&request, &fleet)?;
/// assert_eq!(planned.plan().end_users(1), &[1]);
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::PlanTooLarge`] when the plan does not fit in memory, as [`try_plan`](crate::try_plan).
pub fn plan_against(request: &CheckedRequest, fleet: &Fleet) -> Result<FleetPlan, Error> {
    // Each listed desktop is looked up once, in bulk; the caps count the users of the
    // ineligible ones.
    let listed = fleet.listed(request);
    let eligibility: Vec<Eligibility> = listed.iter().map(|&d| eligibility_of(d)).collect();
    let caps = UserCaps::from_listed(request, &listed);
    drop(listed);
    let plan = caps
        .try_plan(request.strategy())?
        .spread(eligibility.iter().map(|e| e.is_eligible()));
    Ok(FleetPlan::new(plan, eligibility))
}
