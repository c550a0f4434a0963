//! `Serialize` for the fleet layer's change report (the contract, §6): its totals
//! ([`Changes`]) and each desktop's item ([`DesktopChange`]); the report's outer object is
//! written by `write_fleet.rs`.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::fleet::{Changes, DesktopChange};

impl Serialize for Changes {
    /// The contract's §6 `totals`: one object with exactly its keys, in its order.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Changes", 12)?;
        s.serialize_field("desktops", &self.desktops)?;
        s.serialize_field("desktops_eligible", &self.desktops_eligible)?;
        s.serialize_field("desktops_ineligible", &self.desktops_ineligible)?;
        s.serialize_field("desktops_changed", &self.desktops_changed)?;
        s.serialize_field("desktops_left_empty", &self.desktops_left_empty)?;
        s.serialize_field("pairs_before", &self.pairs_before)?;
        s.serialize_field("pairs_after", &self.pairs_after)?;
        s.serialize_field("pairs_kept", &self.pairs_kept)?;
        s.serialize_field("pairs_added", &self.pairs_added)?;
        s.serialize_field("pairs_removed", &self.pairs_removed)?;
        s.serialize_field("users_losing_all", &self.users_losing_all)?;
        s.serialize_field("users_over_limit", &self.users_over_limit)?;
        s.end()
    }
}

impl Serialize for DesktopChange<'_> {
    /// One item of the contract's §6 `desktops`, with exactly its keys, in its order.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("DesktopChange", 8)?;
        s.serialize_field("desktop_id", self.desktop_id)?;
        s.serialize_field("eligible", &self.eligibility.is_eligible())?;
        s.serialize_field("reason", &self.eligibility.reason())?;
        s.serialize_field("status", &self.status)?;
        s.serialize_field("before", self.before)?;
        s.serialize_field("after", &self.after)?;
        s.serialize_field("added", &self.added)?;
        s.serialize_field("removed", &self.removed)?;
        s.end()
    }
}
