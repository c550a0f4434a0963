//! A [`Plan`] read by ID ([`Plan::by_id`]) and built from IDs ([`Plan::from_ids`]): the
//! glue between the plan's indices and the request's lists, for embedders.

use alloc::vec::Vec;
use core::iter::FusedIterator;

use crate::error::{shown, Error, Field};
use crate::ids::IdList;
use crate::planner::{Plan, Rows};
use crate::request::CheckedRequest;

impl Plan {
    /// Each desktop's ID with its users' IDs, in desktop order: the plan as the response
    /// lists it, without index glue. Costs `O(1)` per item.
    ///
    /// ```
    /// use eds_entitlement::{plan, Request, Strategy};
    ///
    /// let request = Request::new("cn-hangzhou", ["ecd-1", "ecd-2", "ecd-3"], ["Alice", "Bob"])
    ///     .max_user_per_desktop(1)
    ///     .strategy(Strategy::Central)
    ///     .check()?;
    /// let plan = plan(&request);
    /// let alice: Vec<&str> = plan
    ///     .by_id(&request)
    ///     .filter(|(_, users)| users.clone().any(|user| user == "Alice"))
    ///     .map(|(desktop, _)| desktop)
    ///     .collect();
    /// assert_eq!(alice, ["ecd-1", "ecd-2", "ecd-3"]);
    /// # Ok::<(), eds_entitlement::Error>(())
    /// ```
    ///
    /// # Panics
    ///
    /// While iterating, at a user index the request does not have: only a plan built with
    /// [`Plan::from_lists`] can hold one, and [`verify`](fn@crate::verify) finds it first. A
    /// plan from [`plan`](crate::plan) or [`Plan::from_ids`] of the same request never
    /// panics. When the plan has more or fewer desktops than the request, the iteration
    /// stops at the shorter.
    pub fn by_id<'a>(&'a self, request: &'a CheckedRequest) -> ById<'a> {
        ById {
            desktops: request.desktop_ids().iter(),
            rows: self.iter(),
            users: request.end_user_ids(),
        }
    }

    /// The plan that a response's IDs describe: for each `AssignModels` item, in order, its
    /// `DesktopId` and its `EndUserIds`. The IDs become indices into the request's lists,
    /// so that [`verify`](fn@crate::verify) can check a plan made elsewhere (by the live API,
    /// or another implementation) against the seven guarantees.
    ///
    /// Row `i` must be for the request's desktop `i`. Users need not be in any order, nor
    /// distinct: [`verify`](fn@crate::verify) judges that. Rows missing at the end make a plan
    /// with fewer desktops, which [`verify`](fn@crate::verify) reports too.
    ///
    /// Costs `O(u log u)` to index the users, then `O(log u)` per user named.
    ///
    /// ```
    /// use eds_entitlement::{plan, verify, Plan, Request};
    ///
    /// let request = Request::new("cn-hangzhou", ["ecd-1", "ecd-2"], ["Alice", "Bob"])
    ///     .max_user_per_desktop(1)
    ///     .check()?;
    /// let theirs = Plan::from_ids(&request, [("ecd-1", ["Alice"]), ("ecd-2", ["Bob"])])?;
    /// assert_eq!(theirs, plan(&request));
    /// verify(&request, &theirs)?;
    ///
    /// let wrong = Plan::from_ids(&request, [("ecd-1", ["Alice"]), ("ecd-2", ["Carol"])]);
    /// assert_eq!(
    ///     wrong.unwrap_err().to_string(),
    ///     r#"the plan's row 2 names EndUserId "Carol" (item 1 of the row), which the request does not list"#
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// At the first problem, in row order: [`Error::UnknownId`] for a desktop or a user that
    /// the request does not list, [`Error::MisplacedDesktop`] for a row whose desktop the
    /// request lists at another place (a row out of order, or a desktop twice).
    pub fn from_ids<R, D, U, I>(request: &CheckedRequest, rows: R) -> Result<Plan, Error>
    where
        R: IntoIterator<Item = (D, U)>,
        D: AsRef<str>,
        U: IntoIterator<Item = I>,
        I: AsRef<str>,
    {
        let (desktops, users) = (request.desktop_ids(), request.end_user_ids());
        let index = UserIndex::new(users);
        let mut offsets = Vec::with_capacity(desktops.len() + 1);
        offsets.push(0);
        let mut planned = Vec::new();
        for (i, (desktop, row)) in rows.into_iter().enumerate() {
            let desktop = desktop.as_ref();
            if desktops.get(i) != Some(desktop) {
                return Err(match desktops.position(desktop) {
                    Some(listed) => Error::MisplacedDesktop {
                        value: shown(desktop),
                        row: i + 1,
                        listed: listed + 1,
                    },
                    None => Error::UnknownId {
                        field: Field::DesktopId,
                        value: shown(desktop),
                        row: i + 1,
                        position: None,
                    },
                });
            }
            for (s, user) in row.into_iter().enumerate() {
                let user = user.as_ref();
                let j = index.find(user).ok_or_else(|| Error::UnknownId {
                    field: Field::EndUserId,
                    value: shown(user),
                    row: i + 1,
                    position: Some(s + 1),
                })?;
                planned.push(j);
            }
            offsets.push(planned.len());
        }
        Ok(Plan::from_parts(offsets, planned))
    }
}

/// The request's users sorted by ID, for look-ups in `O(log u)` without a hasher.
struct UserIndex<'a> {
    sorted: Vec<(&'a str, u32)>,
}

impl<'a> UserIndex<'a> {
    fn new(users: &'a IdList) -> UserIndex<'a> {
        // A checked request holds at most `u32::MAX` users.
        let mut sorted: Vec<(&str, u32)> = users.iter().zip(0u32..).collect();
        sorted.sort_unstable();
        UserIndex { sorted }
    }

    fn find(&self, id: &str) -> Option<u32> {
        self.sorted
            .binary_search_by(|&(user, _)| user.cmp(id))
            .ok()
            .map(|at| self.sorted[at].1)
    }
}

/// Each desktop's ID with its users' IDs: see [`Plan::by_id`].
#[derive(Clone, Debug)]
pub struct ById<'a> {
    desktops: crate::ids::Iter<'a>,
    rows: Rows<'a>,
    users: &'a IdList,
}

impl<'a> Iterator for ById<'a> {
    type Item = (&'a str, EndUserIds<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let desktop = self.desktops.next()?;
        let row = self.rows.next()?;
        Some((
            desktop,
            EndUserIds {
                row: row.iter(),
                users: self.users,
            },
        ))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let len = self.desktops.len().min(self.rows.len());
        (len, Some(len))
    }
}

impl ExactSizeIterator for ById<'_> {}

impl FusedIterator for ById<'_> {}

/// The IDs of one desktop's users, in plan order: see [`Plan::by_id`].
#[derive(Clone, Debug)]
pub struct EndUserIds<'a> {
    row: core::slice::Iter<'a, u32>,
    users: &'a IdList,
}

impl<'a> Iterator for EndUserIds<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        self.row.next().map(|&j| &self.users[j as usize])
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.row.size_hint()
    }
}

impl<'a> DoubleEndedIterator for EndUserIds<'a> {
    fn next_back(&mut self) -> Option<&'a str> {
        self.row.next_back().map(|&j| &self.users[j as usize])
    }
}

impl ExactSizeIterator for EndUserIds<'_> {}

impl FusedIterator for EndUserIds<'_> {}
