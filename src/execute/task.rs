//! The task of a `Preview: false` plan (the contract, §8): each desktop's status, its legal
//! moves, the overall status, and how often to poll.
//!
//! The rules (moves, the overall status, polling) are documented on [`Task`].

use alloc::string::String;
use core::iter::FusedIterator;
use core::time::Duration;

use indexmap::IndexMap;
use xxhash_rust::xxh3::Xxh3DefaultBuilder;

use super::calls::PlanResponse;
use crate::error::{shown, Error};
use crate::status::Status;

/// One desktop of a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    status: Status,
    /// `FAILED` when the task was made: not counted in the overall status.
    skipped: bool,
}

/// The task of a `Preview: false` plan: each desktop's status, moved only by legal moves,
/// and the overall status by a written rule.
///
/// # Moves
///
/// A desktop moves `NOT_STARTED` → `STARTED` → `PROCESSING` → `FINISHED` or `FAILED`, one
/// step at a time; `FINISHED` and `FAILED` are final. Nothing else is a move: not a step
/// back, not a skipped step, not "moving" to the status it has. [`Task::advance`] refuses
/// anything else with [`Error::IllegalMove`].
///
/// # The overall status
///
/// Desktops that are `FAILED` when the task is made (the plan gave up on them: they are not
/// in the snapshot, not running or being assigned) are *skipped*; the others are *live*.
/// [`Task::status`] is, checked in this order:
///
/// 1. no live desktop: `FAILED` when the task has a desktop at all (as the contract's §6 sets
///    `Status` when no listed desktop is eligible), `FINISHED` when it has none;
/// 2. every live desktop `NOT_STARTED`: `NOT_STARTED`;
/// 3. every live desktop `FINISHED` or `FAILED`: `FAILED` when all of them failed, otherwise
///    `FINISHED` (the desktops that failed say so in their own status);
/// 4. some live desktop `PROCESSING`, `FINISHED` or `FAILED`: `PROCESSING`;
/// 5. otherwise (some `STARTED`, the rest `NOT_STARTED`): `STARTED`.
///
/// So the overall status itself only ever makes legal moves: each desktop's move changes it
/// by at most one legal step, and never back.
///
/// # Polling
///
/// The API doc advises polling `DescribeDesktops` every 2 to 5 seconds, for at most 50
/// seconds. [`PollPolicy`] turns that into [`Waits`], a pure iterator of durations: the crate
/// has no clock and never sleeps; the caller sleeps each wait, then polls.
///
/// ```
/// use eds_entitlement::{PlanResponse, PlannedDesktop, PollPolicy, Status, Task};
///
/// let plan = PlanResponse::new(vec![
///     PlannedDesktop::new("ecd-a", Some(Status::NotStarted), ["Alice"]),
///     PlannedDesktop::new("ecd-b", Some(Status::Failed), ["Bob"]),
/// ])?;
/// let mut task = Task::new(&plan);
/// assert_eq!(task.status(), Status::NotStarted);
/// task.advance("ecd-a", Status::Started)?;
/// task.advance("ecd-a", Status::Processing)?;
/// assert!(task.advance("ecd-a", Status::NotStarted).is_err());
/// task.advance("ecd-a", Status::Finished)?;
/// assert_eq!(task.status(), Status::Finished);
///
/// let waits: Vec<u64> = PollPolicy::default().waits()?.map(|w| w.as_secs()).collect();
/// assert_eq!(waits, [2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5]);
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
///
/// # Representation
///
/// An insertion-ordered map from desktop ID to status, hashed with XXH3's fixed secret: moves
/// by ID in `O(1)`, iteration in plan order.
#[derive(Clone, Debug, Default)]
pub struct Task {
    desktops: IndexMap<String, Entry, Xxh3DefaultBuilder>,
}

impl Task {
    /// The task of `plan`, each desktop at its `InnerStatus` (`NOT_STARTED` when it has
    /// none). Desktops `FAILED` now are skipped: see [the overall status](Task#the-overall-status).
    ///
    /// Costs `O(n)` for `n` desktops.
    pub fn new(plan: &PlanResponse) -> Task {
        let desktops = plan
            .desktops()
            .iter()
            .map(|d| {
                let status = d.inner_status.unwrap_or(Status::NotStarted);
                let entry = Entry {
                    status,
                    skipped: status == Status::Failed,
                };
                (d.desktop_id.clone(), entry)
            })
            .collect();
        Task { desktops }
    }

    /// Moves `desktop` to `to`.
    ///
    /// # Errors
    ///
    /// [`Error::NotInTask`] for a desktop the task does not have; [`Error::IllegalMove`]
    /// unless [`Status::can_move_to`] allows it. Nothing changes on an error.
    pub fn advance(&mut self, desktop: &str, to: Status) -> Result<(), Error> {
        let entry = self
            .desktops
            .get_mut(desktop)
            .ok_or_else(|| Error::NotInTask {
                desktop: shown(desktop),
            })?;
        if !entry.status.can_move_to(to) {
            return Err(Error::IllegalMove {
                desktop: shown(desktop),
                from: entry.status,
                to,
            });
        }
        entry.status = to;
        Ok(())
    }

    /// The status of `desktop`, if the task has it.
    pub fn desktop_status(&self, desktop: &str) -> Option<Status> {
        self.desktops.get(desktop).map(|e| e.status)
    }

    /// The desktops and their statuses, in plan order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, Status)> + '_ {
        self.desktops.iter().map(|(id, e)| (id.as_str(), e.status))
    }

    /// How many desktops the task has.
    pub fn len(&self) -> usize {
        self.desktops.len()
    }

    /// Whether the task has no desktop.
    pub fn is_empty(&self) -> bool {
        self.desktops.is_empty()
    }

    /// The overall status, by the written rule (see [`Task`](Task#the-overall-status)).
    ///
    /// Costs `O(n)`.
    pub fn status(&self) -> Status {
        let live = || {
            self.desktops
                .values()
                .filter(|e| !e.skipped)
                .map(|e| e.status)
        };
        if live().next().is_none() {
            return if self.desktops.is_empty() {
                Status::Finished
            } else {
                Status::Failed
            };
        }
        if live().all(|s| s == Status::NotStarted) {
            Status::NotStarted
        } else if live().all(Status::is_final) {
            if live().all(|s| s == Status::Failed) {
                Status::Failed
            } else {
                Status::Finished
            }
        } else if live().any(|s| matches!(s, Status::Processing) || s.is_final()) {
            Status::Processing
        } else {
            Status::Started
        }
    }

    /// Whether every desktop's status is final: nothing is left to poll for.
    pub fn is_done(&self) -> bool {
        self.desktops.values().all(|e| e.status.is_final())
    }
}

/// How often to poll a task's progress, and for how long.
///
/// The waits start at [`first`](PollPolicy::first), grow by [`step`](PollPolicy::step) up
/// to [`longest`](PollPolicy::longest), and end before their sum would pass
/// [`total`](PollPolicy::total). The default is the API doc's advice: 2, 3, 4, then 5 s,
/// within 50 s (eleven waits, 49 s).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollPolicy {
    first: Duration,
    step: Duration,
    longest: Duration,
    total: Duration,
}

impl Default for PollPolicy {
    fn default() -> PollPolicy {
        PollPolicy {
            first: Duration::from_secs(2),
            step: Duration::from_secs(1),
            longest: Duration::from_secs(5),
            total: Duration::from_secs(50),
        }
    }
}

impl PollPolicy {
    /// The wait before the first poll. The default value is 2 s.
    pub fn first(mut self, wait: Duration) -> PollPolicy {
        self.first = wait;
        self
    }

    /// How much each wait is longer than the one before, up to the longest. The default
    /// value is 1 s.
    pub fn step(mut self, step: Duration) -> PollPolicy {
        self.step = step;
        self
    }

    /// The longest wait. The default value is 5 s.
    pub fn longest(mut self, wait: Duration) -> PollPolicy {
        self.longest = wait;
        self
    }

    /// The most time all waits may take together. The default value is 50 s.
    pub fn total(mut self, total: Duration) -> PollPolicy {
        self.total = total;
        self
    }

    /// The waits: the caller sleeps each, then polls. Finite: at most `total / first` of
    /// them.
    ///
    /// # Errors
    ///
    /// [`Error::PollingPolicy`] when the first wait is zero (the waits would never end) or
    /// longer than the longest.
    pub fn waits(&self) -> Result<Waits, Error> {
        if self.first.is_zero() || self.first > self.longest {
            return Err(Error::PollingPolicy {
                first: self.first,
                longest: self.longest,
            });
        }
        Ok(Waits {
            next: self.first,
            step: self.step,
            longest: self.longest,
            left: self.total,
        })
    }
}

/// The waits of a [`PollPolicy`], in order. Each is at least the policy's first wait and at
/// most its longest; their sum is at most its total.
#[derive(Clone, Debug)]
pub struct Waits {
    next: Duration,
    step: Duration,
    longest: Duration,
    left: Duration,
}

impl Iterator for Waits {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        let wait = self.next;
        if wait.is_zero() || wait > self.left {
            self.next = Duration::ZERO;
            return None;
        }
        self.left -= wait;
        self.next = wait.saturating_add(self.step).min(self.longest);
        Some(wait)
    }
}

impl FusedIterator for Waits {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execute::PlannedDesktop;
    use alloc::vec;
    use alloc::vec::Vec;

    #[test]
    fn an_illegal_move_names_the_desktop_and_both_statuses() {
        let plan = PlanResponse::new(vec![PlannedDesktop::new(
            "ecd-a",
            Some(Status::NotStarted),
            ["Alice"],
        )])
        .unwrap();
        let mut task = Task::new(&plan);
        assert_eq!(
            task.advance("ecd-a", Status::Processing)
                .unwrap_err()
                .to_string(),
            "desktop \"ecd-a\" cannot move from NOT_STARTED to PROCESSING: a desktop moves only \
             NOT_STARTED → STARTED → PROCESSING → FINISHED or FAILED"
        );
        assert_eq!(
            task.advance("ecd-z", Status::Started)
                .unwrap_err()
                .to_string(),
            "desktop \"ecd-z\" is not in the task"
        );
        assert_eq!(task.desktop_status("ecd-a"), Some(Status::NotStarted));
    }

    #[test]
    fn a_task_whose_desktops_all_failed_in_the_plan_is_failed() {
        let plan = PlanResponse::new(vec![PlannedDesktop::new(
            "ecd-a",
            Some(Status::Failed),
            ["Alice"],
        )])
        .unwrap();
        assert_eq!(Task::new(&plan).status(), Status::Failed);
        assert_eq!(Task::default().status(), Status::Finished);
    }

    #[test]
    fn waits_follow_the_policy() {
        let policy = PollPolicy::default()
            .first(Duration::from_millis(500))
            .step(Duration::ZERO)
            .longest(Duration::from_secs(1))
            .total(Duration::from_millis(1700));
        let waits: Vec<_> = policy.waits().unwrap().collect();
        assert_eq!(waits, [Duration::from_millis(500); 3]);
        let zero = PollPolicy::default()
            .first(Duration::ZERO)
            .waits()
            .unwrap_err();
        assert_eq!(
            zero.to_string(),
            "polling policy has a first wait of 0ns and a longest wait of 5s: the first must \
             be more than zero and no longer than the longest"
        );
    }
}
