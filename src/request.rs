//! The request, as the API takes it, and its validation into a [`CheckedRequest`].

use alloc::string::String;

use crate::error::{shown, Error, Field};
use crate::ids::{IdList, Scratch};
use crate::limit::{Limit, Strategy};
use crate::shape::Shape;

/// A `BatchModifyEntitlement` request as the API takes it, not yet checked.
///
/// Build one with [`Request::new`] and its setters, or read one from the wire with
/// `wire::from_json` (feature `serde`) or [`wire::from_query`](crate::wire::from_query).
/// [`Request::check`] turns it into a
/// [`CheckedRequest`], which cannot fail to plan. Its fields are public to read and
/// change; it is `#[non_exhaustive]`, so that a parameter the API adds is not a breaking
/// change: outside this crate it is built by [`Request::new`], not by a struct literal.
///
/// Its `Debug` shows the first few IDs of each list and how many there are, not a million.
///
/// ```
/// use eds_entitlement::{Request, Strategy};
///
/// let request = Request::new("cn-hangzhou", ["ecd-a", "ecd-b"], ["Alice"])
///     .max_user_per_desktop(1)
///     .strategy(Strategy::Central)
///     .preview(false);
/// assert_eq!(request.desktop_ids.len(), 2);
/// assert_eq!(request.max_desktop_per_user, None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
#[must_use = "a request does nothing until it is checked and planned"]
pub struct Request {
    /// `RegionId`: lowercase ASCII letters, digits and `-`, 1 to 64 characters.
    pub region_id: String,
    /// `DesktopId`: at least one desktop; order is priority.
    pub desktop_ids: IdList,
    /// `EndUserId`: the users, possibly none; order is priority.
    pub end_user_ids: IdList,
    /// `MaxUserPerDesktop` as given: `None` (absent) and `Some(0)` both mean no limit.
    pub max_user_per_desktop: Option<u32>,
    /// `MaxDesktopPerUser` as given: `None` (absent) and `Some(0)` both mean no limit.
    pub max_desktop_per_user: Option<u32>,
    /// `Strategy`; the API's default is [`Strategy::Average`].
    pub strategy: Strategy,
    /// `Preview`: `true` previews, `false` makes the plan a task to execute.
    pub preview: bool,
}

impl Request {
    /// A request for these desktops and users, with no limits, the `AVERAGE` strategy and
    /// `Preview: true`.
    pub fn new<D, U>(
        region_id: impl Into<String>,
        desktop_ids: impl IntoIterator<Item = D>,
        end_user_ids: impl IntoIterator<Item = U>,
    ) -> Request
    where
        D: AsRef<str>,
        U: AsRef<str>,
    {
        Request {
            region_id: region_id.into(),
            desktop_ids: desktop_ids.into_iter().collect(),
            end_user_ids: end_user_ids.into_iter().collect(),
            max_user_per_desktop: None,
            max_desktop_per_user: None,
            strategy: Strategy::Average,
            preview: true,
        }
    }

    /// A request for these lists of IDs, taken as they are (no copy), with no limits, the
    /// `AVERAGE` strategy and `Preview: true`: as [`Request::new`], for lists already read
    /// (from CSV files, say).
    pub fn from_id_lists(
        region_id: impl Into<String>,
        desktop_ids: IdList,
        end_user_ids: IdList,
    ) -> Request {
        Request {
            region_id: region_id.into(),
            desktop_ids,
            end_user_ids,
            max_user_per_desktop: None,
            max_desktop_per_user: None,
            strategy: Strategy::Average,
            preview: true,
        }
    }

    /// Sets `MaxUserPerDesktop` (`0` is no limit). The default value is absent.
    pub fn max_user_per_desktop(mut self, limit: u32) -> Request {
        self.max_user_per_desktop = Some(limit);
        self
    }

    /// Sets `MaxDesktopPerUser` (`0` is no limit). The default value is absent.
    pub fn max_desktop_per_user(mut self, limit: u32) -> Request {
        self.max_desktop_per_user = Some(limit);
        self
    }

    /// Sets `Strategy`. The default value is [`Strategy::Average`].
    pub fn strategy(mut self, strategy: Strategy) -> Request {
        self.strategy = strategy;
        self
    }

    /// Sets `Preview`. The default value is `true`.
    pub fn preview(mut self, preview: bool) -> Request {
        self.preview = preview;
        self
    }

    /// Checks the request with the default [`CheckOptions`].
    ///
    /// # Errors
    ///
    /// As [`Request::check_with`]. The request is gone with the error: to keep it, use
    /// [`Request::check_ref`].
    pub fn check(self) -> Result<CheckedRequest, Error> {
        self.check_with(&CheckOptions::new())
    }

    /// Checks every rule of the contract, §1, and returns the request in a form that
    /// cannot fail to plan. Costs `O(n + u)` expected time (duplicates are found by
    /// hashing, partitioned so that it stays in the CPU's caches) and, while it runs, 8
    /// bytes per ID or the list's text, whichever is less (at least 1 byte per ID: a list
    /// of short IDs is then hashed more than twice). When both lists hold 65,536 IDs or more, the users are checked on a second
    /// (scoped) thread, unless [`CheckOptions::parallel`] is off; the outcome is the same as
    /// checking in turn.
    ///
    /// # Errors
    ///
    /// The first problem found, looking in this order: `RegionId`
    /// ([`Error::InvalidRegion`]); `MaxUserPerDesktop`, then `MaxDesktopPerUser`
    /// ([`Error::InvalidLimit`]); then `DesktopId`, then `EndUserId`: the list's length
    /// ([`Error::EmptyList`], [`Error::TooManyIds`] with
    /// [`CheckOptions::api_limits`], [`Error::ListTooLong`]); then the budget
    /// ([`Error::TooManyAssignments`] with [`CheckOptions::max_assignments`]); then the
    /// lists' items in order, `DesktopId` first ([`Error::EmptyId`]; [`Error::InvalidId`]
    /// for a control character or surrounding whitespace, the rule of
    /// [`id_problem`](crate::id_problem), whatever form the ID came in;
    /// [`Error::DuplicateId`] at the second occurrence); [`Error::OutOfMemory`] when the
    /// memory to look for repeats cannot be had.
    pub fn check_with(self, options: &CheckOptions) -> Result<CheckedRequest, Error> {
        let (max_user_per_desktop, max_desktop_per_user) = self.validate(options)?;
        Ok(CheckedRequest {
            request: self,
            max_user_per_desktop,
            max_desktop_per_user,
        })
    }

    /// Checks a borrowed request, keeping it whatever the outcome: the checked request
    /// holds a copy of it (`O(n + u)` time and memory more than [`Request::check_with`]).
    ///
    /// ```
    /// use eds_entitlement::{CheckOptions, Request};
    ///
    /// let mut request = Request::new("cn-hangzhou", ["ecd-a", "ecd-a"], ["Alice"]);
    /// let error = request.check_ref(&CheckOptions::new()).unwrap_err();
    /// assert_eq!(error.position(), Some(2));
    /// // The request is still here, to mend and check again.
    /// request.desktop_ids = ["ecd-a", "ecd-b"].into_iter().collect();
    /// assert!(request.check_ref(&CheckOptions::new()).is_ok());
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Request::check_with`].
    pub fn check_ref(&self, options: &CheckOptions) -> Result<CheckedRequest, Error> {
        let (max_user_per_desktop, max_desktop_per_user) = self.validate(options)?;
        Ok(CheckedRequest {
            request: self.clone(),
            max_user_per_desktop,
            max_desktop_per_user,
        })
    }

    /// Every check of [`Request::check_with`]; the limits, read.
    fn validate(&self, options: &CheckOptions) -> Result<(Limit, Limit), Error> {
        check_region(&self.region_id)?;
        let max_user_per_desktop =
            check_limit(Field::MaxUserPerDesktop, self.max_user_per_desktop)?;
        let max_desktop_per_user =
            check_limit(Field::MaxDesktopPerUser, self.max_desktop_per_user)?;
        let (desktops, users) = (&self.desktop_ids, &self.end_user_ids);
        check_length(Field::DesktopId, desktops, options)?;
        check_length(Field::EndUserId, users, options)?;
        if let Some(max) = options.max_assignments {
            // Both lengths are at most `u32::MAX`, as checked.
            let shape = Shape::new(
                desktops.len() as u32,
                users.len() as u32,
                max_user_per_desktop,
                max_desktop_per_user,
                self.strategy,
            );
            if shape.assignments() > max {
                return Err(Error::TooManyAssignments {
                    desktops: shape.desktops(),
                    users: shape.users(),
                    assignments: shape.assignments(),
                    max,
                });
            }
        }
        let check_users = || check_items(Field::EndUserId, users, &mut Scratch::default());
        if options.parallel && desktops.len().min(users.len()) >= PARALLEL {
            // Two large lists: check the users on a second thread (with `std`). The result
            // is the same as checking in turn: the desktops' error, if any, comes first.
            let check_desktops =
                || check_items(Field::DesktopId, desktops, &mut Scratch::default());
            let (desktops, users) = both(check_desktops, check_users);
            desktops.and(users)?;
        } else {
            // One scratch buffer for both lists: fresh pages cost more than the hashing.
            let mut scratch = Scratch::default();
            check_items(Field::DesktopId, desktops, &mut scratch)?;
            check_items(Field::EndUserId, users, &mut scratch)?;
        }
        Ok((max_user_per_desktop, max_desktop_per_user))
    }
}

/// Runs `first` here and `second` on a scoped second thread, and returns both results; in
/// turn when a thread cannot be started, or without the `std` feature.
#[cfg(feature = "std")]
fn both<A, B: Send>(first: impl FnOnce() -> A, second: impl FnOnce() -> B + Send + Copy) -> (A, B) {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new().spawn_scoped(scope, second);
        let first = first();
        let second = match spawned {
            Ok(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => second(),
        };
        (first, second)
    })
}

/// Runs `first`, then `second` (no threads without the `std` feature).
#[cfg(not(feature = "std"))]
fn both<A, B>(first: impl FnOnce() -> A, second: impl FnOnce() -> B) -> (A, B) {
    (first(), second())
}

/// Options of [`Request::check_with`], set by value:
///
/// ```
/// use eds_entitlement::{CheckOptions, Request};
///
/// // A service's budget: at most 10,000 (desktop, user) pairs, checked on one thread.
/// let options = CheckOptions::new().max_assignments(10_000).parallel(false);
/// let request = Request::new("cn-hangzhou", ["ecd-a", "ecd-b"], ["Alice", "Bob"]);
/// assert_eq!(request.check_with(&options)?.shape().assignments(), 4);
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct CheckOptions {
    api_limits: bool,
    max_assignments: Option<u64>,
    parallel: bool,
}

impl Default for CheckOptions {
    fn default() -> CheckOptions {
        CheckOptions {
            api_limits: false,
            max_assignments: None,
            parallel: true,
        }
    }
}

impl CheckOptions {
    /// The default options.
    pub fn new() -> CheckOptions {
        CheckOptions::default()
    }

    /// Whether to reject what the live API would for size: more than
    /// [`CheckOptions::API_MAX_IDS`] desktops or users in one call. Offline plans of whole
    /// fleets are larger than one call, so the default value is `false`.
    pub fn api_limits(mut self, yes: bool) -> CheckOptions {
        self.api_limits = yes;
        self
    }

    /// The most (desktop, user) pairs, `T`, that a request's plan may have: a request over
    /// it is rejected with [`Error::TooManyAssignments`] before its IDs are checked, in
    /// `O(1)`. A service sets it to bound the memory (`4·T` bytes for the plan, about
    /// `T·(len + 3)` for its JSON) and the time one request may take. The default value is
    /// no budget.
    pub fn max_assignments(mut self, max: u64) -> CheckOptions {
        self.max_assignments = Some(max);
        self
    }

    /// Whether [`Request::check_with`] may check the users on a second thread when both
    /// lists hold 65,536 IDs or more. A service that runs its own pool of workers turns it
    /// off; the outcome is the same either way. The default value is `true`.
    pub fn parallel(mut self, yes: bool) -> CheckOptions {
        self.parallel = yes;
        self
    }

    /// The API's maximum number of IDs in each list of one call.
    pub const API_MAX_IDS: usize = 500;
}

/// A request that passed every check of [the contract](crate::contract), §1: the planner cannot fail on it.
///
/// It guarantees: a valid `RegionId`; at least one desktop; at most `u32::MAX` desktops and
/// users; no empty, no repeated ID in either list, and none that
/// [`id_problem`](crate::id_problem) rejects; both limits in `0..=500`.
/// [`CheckedRequest::with_strategy`] and [`CheckedRequest::with_preview`] change what
/// does not bear on these, without checking the IDs again.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "a checked request does nothing until it is planned"]
pub struct CheckedRequest {
    request: Request,
    max_user_per_desktop: Limit,
    max_desktop_per_user: Limit,
}

impl CheckedRequest {
    /// `RegionId`.
    pub fn region_id(&self) -> &str {
        &self.request.region_id
    }

    /// `DesktopId`: at least one, all distinct and non-empty.
    pub fn desktop_ids(&self) -> &IdList {
        &self.request.desktop_ids
    }

    /// `EndUserId`: all distinct and non-empty; possibly none.
    pub fn end_user_ids(&self) -> &IdList {
        &self.request.end_user_ids
    }

    /// `MaxUserPerDesktop`, absent read as no limit.
    pub fn max_user_per_desktop(&self) -> Limit {
        self.max_user_per_desktop
    }

    /// `MaxDesktopPerUser`, absent read as no limit.
    pub fn max_desktop_per_user(&self) -> Limit {
        self.max_desktop_per_user
    }

    /// `Strategy`.
    pub fn strategy(&self) -> Strategy {
        self.request.strategy
    }

    /// `Preview`.
    pub fn preview(&self) -> bool {
        self.request.preview
    }

    /// The plan's shape: counts and limits, without IDs.
    pub fn shape(&self) -> Shape {
        Shape::new(
            self.request.desktop_ids.len() as u32,
            self.request.end_user_ids.len() as u32,
            self.max_user_per_desktop,
            self.max_desktop_per_user,
            self.request.strategy,
        )
    }

    /// The same request with another `Strategy`, in `O(1)`: the strategy bears on no
    /// check (nor on `T`, so a budget of [`CheckOptions::max_assignments`] still holds).
    ///
    /// ```
    /// use eds_entitlement::{plan, Request, Strategy};
    ///
    /// let average = Request::new("cn-hangzhou", ["d1", "d2", "d3"], ["A", "B"])
    ///     .max_user_per_desktop(1)
    ///     .check()?;
    /// let central = average.clone().with_strategy(Strategy::Central);
    /// assert_eq!(plan(&average).end_users(2), &[1]);
    /// assert_eq!(plan(&central).end_users(2), &[0]);
    /// # Ok::<(), eds_entitlement::Error>(())
    /// ```
    pub fn with_strategy(mut self, strategy: Strategy) -> CheckedRequest {
        self.request.strategy = strategy;
        self
    }

    /// The same request with another `Preview`, in `O(1)`: it bears on no check.
    pub fn with_preview(mut self, preview: bool) -> CheckedRequest {
        self.request.preview = preview;
        self
    }

    /// The request as it was given.
    pub fn as_request(&self) -> &Request {
        &self.request
    }

    /// The request as it was given, by value.
    pub fn into_request(self) -> Request {
        self.request
    }
}

pub(crate) fn check_region(region: &str) -> Result<(), Error> {
    let ok = (1..=64).contains(&region.len())
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidRegion {
            value: shown(region),
        })
    }
}

fn check_limit(field: Field, value: Option<u32>) -> Result<Limit, Error> {
    Limit::for_field(field, value.unwrap_or(0))
}

/// Both lists at least this long: check them on two threads.
const PARALLEL: usize = 1 << 16;

/// The length rules of `DesktopId` or `EndUserId`.
fn check_length(field: Field, ids: &IdList, options: &CheckOptions) -> Result<(), Error> {
    if field == Field::DesktopId && ids.is_empty() {
        return Err(Error::EmptyList { field });
    }
    if options.api_limits && ids.len() > CheckOptions::API_MAX_IDS {
        return Err(Error::TooManyIds {
            field,
            count: ids.len(),
            max: CheckOptions::API_MAX_IDS,
        });
    }
    if ids.len() > u32::MAX as usize {
        return Err(Error::ListTooLong {
            field,
            count: ids.len(),
        });
    }
    Ok(())
}

/// The item rules of `DesktopId` or `EndUserId`: no empty ID, none that [`id_problem`](crate::id_problem)
/// rejects, no repeat.
fn check_items(field: Field, ids: &IdList, scratch: &mut Scratch) -> Result<(), Error> {
    // An empty ID, an invalid one and a repeat are reported in list order: whichever comes
    // first (at one index, the ID's own fault before its repeating an earlier one).
    let empty = ids.first_empty().map(|i| (i, None));
    let invalid = ids.first_invalid().map(|(i, problem)| (i, Some(problem)));
    let own = match (empty, invalid) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    };
    let repeat = ids.first_repeat(scratch).map_err(|_| Error::OutOfMemory {
        input: String::from("the request"),
        field: Some(field),
    })?;
    match (own, repeat) {
        (Some((index, problem)), r) if r.is_none_or(|(_, second)| index <= second) => {
            Err(match problem {
                None => Error::EmptyId {
                    field,
                    position: index + 1,
                },
                Some(problem) => Error::InvalidId {
                    field,
                    position: index + 1,
                    value: shown(&ids[index]),
                    problem,
                },
            })
        }
        (_, Some((first, second))) => Err(Error::DuplicateId {
            field,
            value: shown(&ids[second]),
            first: first + 1,
            second: second + 1,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_reads_zero_as_unlimited_and_caps_at_500() {
        assert_eq!(Limit::new(0), Some(Limit::UNLIMITED));
        assert_eq!(Limit::new(0).and_then(Limit::get), None);
        assert_eq!(Limit::new(500).and_then(Limit::get), Some(500));
        assert_eq!(Limit::new(501), None);
        assert_eq!(Limit::UNLIMITED.cap(7), 7);
        assert_eq!(Limit::new(3).map(|l| l.cap(7)), Some(3));
        assert_eq!(Limit::new(9).map(|l| l.cap(7)), Some(7));
    }
}
