//! The fleet as it is (contract §6): a `DescribeDesktops` snapshot, and which of a request's
//! desktops a call can change.
//!
//! This module holds the data model only; reading a snapshot from JSON lives in
//! [`wire`](crate::wire), so that the planner knows nothing of files or JSON. Planning
//! against a snapshot is in [`plan`](super::plan).

use alloc::string::String;
use alloc::vec::Vec;

use indexmap::{IndexMap, IndexSet};
use xxhash_rust::xxh3::Xxh3DefaultBuilder;

pub use crate::eligibility::Eligibility;
use crate::ids::find_each;
use crate::request::CheckedRequest;

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
