//! Make-before-break's bookkeeping of the users ([`Users`]): who loses a desktop, whether she
//! keeps another, the first wave she may lose one in (after the first that gives her a new
//! one), and the revocations held back ([`HeldBack`]) because her new desktops cannot be
//! changed now. The rules are under "Make before break" on [`calls_with`](super::calls_with).

use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;

use indexmap::IndexMap;
use xxhash_rust::xxh3::Xxh3DefaultBuilder;

use super::call::{Call, MAX_IDS_PER_CALL};
use super::need::Need;
use super::plan::PlannedDesktop;
use super::waves::Waves;
use crate::fleet::Fleet;

/// A revocation held back by make-before-break: the user keeps the desktop, because the
/// desktop she is planned to get instead cannot be changed now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldBack {
    /// The desktop she keeps.
    pub desktop_id: String,
    /// The user.
    pub user_id: String,
}

/// Make before break's view of the users: for each user some call takes a desktop from,
/// whether she keeps another, and the first wave after one that gives her a new one.
#[derive(Default)]
pub(super) struct Users<'p> {
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
    pub(super) fn new(
        desktops: &'p [PlannedDesktop],
        needs: &[Need<'p>],
        fleet: &'p Fleet,
    ) -> Users<'p> {
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
    pub(super) fn hold_back(
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
    pub(super) fn note_grants(&mut self, waves: &Waves, desktops: &[PlannedDesktop]) {
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
    pub(super) fn ready(&self, user: &str) -> usize {
        self.users.get(user).map_or(1, |state| state.ready.max(1))
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use super::super::tests::{planned, wave_of};
    use super::super::{calls_with, CallOptions, HeldBack, PlanResponse};
    use crate::error::Error;
    use crate::fleet::{Fleet, SnapshotDesktop};

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
}
