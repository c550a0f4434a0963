//! The task model of a `Preview: false` plan (the contract, §8), as a state machine: arbitrary
//! sequences of moves are applied to a [`Task`] and to a plain model; legal moves succeed,
//! illegal ones are refused and change nothing, and the overall status always follows the
//! written rule (restated here independently) and itself moves only by legal steps.

use std::time::Duration;

use eds_entitlement::{Error, PlanResponse, PlannedDesktop, PollPolicy, Status, Task};
use proptest::prelude::*;

fn status() -> impl Strategy<Value = Status> {
    prop::sample::select(Status::ALL.to_vec())
}

/// The written rule, restated over (status, skipped) pairs.
fn overall(desktops: &[(Status, bool)]) -> Status {
    let live: Vec<Status> = desktops.iter().filter(|d| !d.1).map(|d| d.0).collect();
    if live.is_empty() {
        if desktops.is_empty() {
            Status::Finished
        } else {
            Status::Failed
        }
    } else if live.iter().all(|&s| s == Status::NotStarted) {
        Status::NotStarted
    } else if live.iter().all(|&s| s == Status::Failed) {
        Status::Failed
    } else if live
        .iter()
        .all(|&s| s == Status::Finished || s == Status::Failed)
    {
        Status::Finished
    } else if live
        .iter()
        .any(|&s| s != Status::NotStarted && s != Status::Started)
    {
        Status::Processing
    } else {
        Status::Started
    }
}

/// The legal moves, listed.
const LEGAL: [(Status, Status); 4] = [
    (Status::NotStarted, Status::Started),
    (Status::Started, Status::Processing),
    (Status::Processing, Status::Finished),
    (Status::Processing, Status::Failed),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn moves_follow_the_state_machine_and_the_overall_rule(
        initial in prop::collection::vec(
            prop_oneof![4 => Just(Status::NotStarted), 1 => Just(Status::Failed), 1 => status()],
            0..6,
        ),
        moves in prop::collection::vec((0usize..7, status()), 0..40),
    ) {
        let plan = PlanResponse::new(
            initial
                .iter()
                .enumerate()
                .map(|(i, &s)| PlannedDesktop::new(format!("ecd-{i}"), Some(s), ["u"]))
                .collect(),
        )
        .unwrap();
        let mut task = Task::new(&plan);
        let mut model: Vec<(Status, bool)> =
            initial.iter().map(|&s| (s, s == Status::Failed)).collect();
        prop_assert_eq!(task.status(), overall(&model));
        for (index, to) in moves {
            let id = format!("ecd-{index}");
            let before = task.status();
            let result = task.advance(&id, to);
            match model.get_mut(index) {
                None => prop_assert_eq!(
                    result,
                    Err(Error::NotInTask { desktop: id.clone() })
                ),
                Some(desktop) => {
                    let legal = LEGAL.contains(&(desktop.0, to));
                    prop_assert_eq!(legal, desktop.0.can_move_to(to));
                    if legal {
                        prop_assert_eq!(result, Ok(()));
                        desktop.0 = to;
                    } else {
                        prop_assert_eq!(
                            result,
                            Err(Error::IllegalMove { desktop: id.clone(), from: desktop.0, to })
                        );
                    }
                }
            }
            let after = task.status();
            prop_assert_eq!(after, overall(&model));
            prop_assert!(
                after == before || before.can_move_to(after),
                "overall status moved from {} to {}", before, after
            );
            for (i, &(s, _)) in model.iter().enumerate() {
                prop_assert_eq!(task.desktop_status(&format!("ecd-{i}")), Some(s));
            }
            prop_assert_eq!(task.is_done(), model.iter().all(|d| d.0.is_final()));
        }
    }

    /// Waits stay within the policy: each between the first and the longest, growing by the
    /// step, their sum within the total, and no room left for one more.
    #[test]
    fn waits_keep_to_the_policy(
        first in 1u64..5_000,
        step in 0u64..3_000,
        extra in 0u64..10_000,
        total in 0u64..120_000,
    ) {
        let ms = Duration::from_millis;
        let policy = PollPolicy::default()
            .first(ms(first))
            .step(ms(step))
            .longest(ms(first + extra))
            .total(ms(total));
        let waits: Vec<Duration> = policy.waits().unwrap().collect();
        let sum: Duration = waits.iter().sum();
        prop_assert!(sum <= ms(total));
        let mut expected = ms(first);
        for &w in &waits {
            prop_assert_eq!(w, expected);
            expected = (expected + ms(step)).min(ms(first + extra));
        }
        prop_assert!(sum + expected > ms(total), "one more wait of {:?} would fit", expected);
    }
}

#[test]
fn the_default_polling_is_the_api_docs() {
    let waits: Vec<Duration> = PollPolicy::default().waits().unwrap().collect();
    assert!(waits
        .iter()
        .all(|w| (Duration::from_secs(2)..=Duration::from_secs(5)).contains(w)));
    assert!(waits.iter().sum::<Duration>() <= Duration::from_secs(50));
    assert_eq!(waits.len(), 11);
}

#[test]
fn a_first_wait_longer_than_the_longest_is_refused() {
    let policy = PollPolicy::default().first(Duration::from_secs(6));
    assert_eq!(
        policy.waits().unwrap_err().to_string(),
        "polling policy has a first wait of 6s and a longest wait of 5s: the first must be \
         more than zero and no longer than the longest"
    );
}
