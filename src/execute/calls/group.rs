//! The grouping rule ([`Grouper`]): desktops that need the same run of users added (or
//! revoked) share `ModifyUserEntitlement` calls. The rule is under "The grouping rule" on
//! [`calls_with`](super::calls_with).

use alloc::string::String;
use alloc::vec::Vec;

use indexmap::IndexMap;
use xxhash_rust::xxh3::Xxh3DefaultBuilder;

use super::call::{Call, ModifyUserEntitlement, MAX_IDS_PER_CALL};
use super::plan::PlannedDesktop;
use super::waves::Waves;

/// Desktops by the run of users they need added (or revoked): the grouping rule.
#[derive(Default)]
pub(super) struct Grouper<'p> {
    runs: IndexMap<Vec<&'p str>, Vec<usize>, Xxh3DefaultBuilder>,
    /// Whether memory for a run could not be had.
    out_of_memory: bool,
}

impl<'p> Grouper<'p> {
    /// Files `desktop` (its index in the plan) under each run of 100 of `users`, sorted by
    /// `key`, then bytes.
    pub(super) fn push(
        &mut self,
        desktop: usize,
        mut users: Vec<&'p str>,
        key: impl Fn(&str) -> usize,
    ) {
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
    pub(super) fn emit(
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
    use super::super::tests::{planned, users};
    use super::super::{calls, Call, PlanResponse};

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
}
