//! A plan read back: the `AssignModels` of a `BatchModifyEntitlement` response body as a
//! [`PlanResponse`] of [`PlannedDesktop`]s, and the checks it passes before any call is made
//! from it.

use alloc::string::String;
use alloc::vec::Vec;

use indexmap::IndexMap;
use xxhash_rust::xxh3::Xxh3DefaultBuilder;

use crate::error::{shown, Error, PlanProblem};
use crate::ids::id_problem;
use crate::status::Status;

/// The longest list of a plan's users searched for repeats rather than hashed.
const SHORT_LIST: usize = 16;

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
    pub(super) desktops: Vec<PlannedDesktop>,
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

#[cfg(test)]
mod tests {
    use super::super::tests::{planned, users};
    use super::*;

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
