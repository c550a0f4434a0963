//! Placing calls in waves ([`Waves`]): no desktop twice in a wave, each call after the
//! earlier calls naming its desktops, a shared call split rather than a wave added, and the
//! calls sorted into wave order at the end. The rules are under "Waves" on
//! [`calls_with`](super::calls_with).

use alloc::string::String;
use alloc::vec::Vec;

use super::call::{Call, ModifyEntitlement};
use crate::error::Error;

/// Calls placed in waves, desktop by desktop.
pub(super) struct Waves {
    /// For each desktop of the plan, the earliest wave its next call may take.
    pub(super) next: Vec<usize>,
    /// How many of its calls are placed.
    pub(super) used: Vec<usize>,
    /// How many calls name it in all.
    pub(super) count: Vec<usize>,
    /// The waves the calls should stay within.
    pub(super) bound: usize,
    /// The calls, in the order placed, and the wave of each.
    pub(super) placed: Vec<Call>,
    /// The replacements among them, each a placeholder until [`Waves::fill`]: its index in
    /// `placed` and its desktop's.
    pub(super) replacements: Vec<(usize, usize)>,
    pub(super) wave_of: Vec<u32>,
    /// Whether memory for a call could not be had.
    pub(super) out_of_memory: bool,
}

impl Waves {
    /// The last wave that the call of `desktop` placed now may take and still leave each of
    /// its later calls a wave of its own within the bound.
    fn deadline(&self, desktop: usize) -> usize {
        let later = self.count[desktop].saturating_sub(self.used[desktop] + 1);
        self.bound.saturating_sub(later)
    }

    fn take(&mut self, desktop: usize, wave: usize) {
        self.next[desktop] = wave + 1;
        self.used[desktop] += 1;
    }

    /// Keeps `call` in `wave`, if its memory can be had.
    fn keep(&mut self, wave: usize, call: Call) {
        let room = |v: usize, len: usize| v > len;
        if !room(self.placed.capacity(), self.placed.len())
            && self.placed.try_reserve(self.placed.len().max(16)).is_err()
            || !room(self.wave_of.capacity(), self.wave_of.len())
                && self
                    .wave_of
                    .try_reserve(self.wave_of.len().max(16))
                    .is_err()
        {
            self.out_of_memory = true;
            return;
        }
        self.placed.push(call);
        self.wave_of.push(u32::try_from(wave).unwrap_or(u32::MAX));
    }

    /// Places the replacement of `desktop`, in wave `at_least` or later: a placeholder with
    /// the region only, until [`Waves::fill`].
    pub(super) fn place_replacement(&mut self, desktop: usize, at_least: usize, region_id: &str) {
        let wave = self.next[desktop].max(at_least);
        self.take(desktop, wave);
        if self.replacements.len() == self.replacements.capacity()
            && self
                .replacements
                .try_reserve(self.replacements.len().max(16))
                .is_err()
        {
            self.out_of_memory = true;
            return;
        }
        self.replacements.push((self.placed.len(), desktop));
        self.keep(
            wave,
            Call::ModifyEntitlement(ModifyEntitlement {
                region_id: String::from(region_id),
                desktop_id: String::new(),
                end_user_ids: Vec::new(),
            }),
        );
    }

    /// Fills each replacement with its desktop's ID and first 100 users, from `take`.
    pub(super) fn fill(&mut self, mut take: impl FnMut(usize) -> (String, Vec<String>)) {
        for &(at, desktop) in &self.replacements {
            if let Some(Call::ModifyEntitlement(call)) = self.placed.get_mut(at) {
                (call.desktop_id, call.end_user_ids) = take(desktop);
            }
        }
        self.replacements = Vec::new();
    }

    /// The calls in wave order, each wave in the order placed, and where each wave starts:
    /// a stable counting sort of indices, then the calls moved in place along the cycles of
    /// that permutation (`O(calls)`, 8 bytes a call of scratch, none when already in order).
    pub(super) fn into_waves(self) -> Result<(Vec<Call>, Vec<usize>), Error> {
        if self.out_of_memory {
            return Err(out_of_memory());
        }
        let (mut calls, waves) = (self.placed, self.wave_of);
        if !waves.windows(2).all(|w| w[0] <= w[1]) {
            let last = waves.iter().copied().max().unwrap_or(0) as usize;
            let mut first: Vec<u32> = try_vec(last + 2)?;
            for &w in &waves {
                first[w as usize + 1] += 1;
            }
            for w in 1..first.len() {
                first[w] += first[w - 1];
            }
            // order[k]: the index of the call that goes to position k.
            let mut order: Vec<u32> = try_vec(waves.len())?;
            for (i, &w) in waves.iter().enumerate() {
                let slot = &mut first[w as usize];
                order[*slot as usize] = i as u32;
                *slot += 1;
            }
            const DONE: u32 = u32::MAX;
            for i in 0..order.len() {
                let mut k = i;
                while order[k] != DONE {
                    let from = order[k] as usize;
                    order[k] = DONE;
                    if from == i {
                        break;
                    }
                    calls.swap(k, from);
                    k = from;
                }
            }
            let mut sorted = waves;
            sorted.sort_unstable();
            return Ok((calls, starts(&sorted)));
        }
        Ok((calls, starts(&waves)))
    }

    /// Places a call naming `desktops` (in this order), in wave `at_least` or later: in the
    /// earliest wave open to all of them, unless that is past some desktop's deadline; then
    /// those desktops are split off, and placed the same way.
    pub(super) fn place_shared(
        &mut self,
        desktops: &[usize],
        at_least: usize,
        mut make: impl FnMut(&[usize]) -> Call,
    ) {
        let mut left: Vec<usize> = desktops.to_vec();
        while !left.is_empty() {
            let wave = left
                .iter()
                .map(|&d| self.next[d])
                .max()
                .unwrap_or(1)
                .max(at_least);
            let (now, later): (Vec<usize>, Vec<usize>) = left
                .iter()
                .copied()
                .partition(|&d| self.deadline(d) >= wave);
            // When the wait for `at_least` puts every desktop past its deadline, the bound
            // cannot be kept: they all go now.
            let (now, later) = if now.is_empty() {
                (later, Vec::new())
            } else {
                (now, later)
            };
            for &d in &now {
                self.take(d, wave);
            }
            let call = make(&now);
            self.keep(wave, call);
            left = later;
        }
    }
}

/// Where each wave starts in `waves`, sorted.
fn starts(waves: &[u32]) -> Vec<usize> {
    let mut starts = Vec::new();
    for (i, w) in waves.iter().enumerate() {
        if i == 0 || waves[i - 1] != *w {
            starts.push(i);
        }
    }
    starts
}

/// `len` zeros, or the error when their memory cannot be had.
pub(super) fn try_vec<T: Clone + Default>(len: usize) -> Result<Vec<T>, Error> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| out_of_memory())?;
    v.resize(len, T::default());
    Ok(v)
}

pub(super) fn out_of_memory() -> Error {
    Error::OutOfMemory {
        input: String::from("the calls"),
        field: None,
    }
}

#[cfg(test)]
mod tests {
    use alloc::format;

    use super::super::tests::{planned, users, wave_of};
    use super::super::{calls, PlanResponse};

    #[test]
    fn a_shared_call_is_split_rather_than_a_wave_added() {
        // Five desktops; each pair shares a run of 100 additions (a block of its own), and
        // each has 100 users of its own first, for its replacement: every desktop is named by
        // 1 + 4 calls (c = 5), but the ten shared runs pairwise overlap as the edges of K5,
        // which need five waves of their own: six in all without a split, past c + 1.
        let mut desktops: Vec<Vec<String>> =
            (0..5).map(|i| users(i * 100..i * 100 + 100)).collect();
        let mut block = 5;
        for i in 0..5 {
            for j in i + 1..5 {
                let run = users(block * 100..block * 100 + 100);
                desktops[i].extend(run.iter().cloned());
                desktops[j].extend(run);
                block += 1;
            }
        }
        let plan = PlanResponse::new(
            desktops
                .into_iter()
                .enumerate()
                .map(|(i, u)| planned(&format!("d{i}"), u))
                .collect(),
        )
        .unwrap();
        let calls = calls(&plan, None, "cn-hangzhou").unwrap();
        assert!(calls.waves() <= 5 + 1, "{} waves", calls.waves());
        assert!(calls.len() <= calls.baseline());
        for d in 0..5 {
            let waves = wave_of(&calls, &format!("d{d}"));
            assert_eq!(waves.len(), 5, "d{d} is named in five waves: {waves:?}");
            assert_eq!(waves[0], 1, "d{d}'s replacement comes first");
        }
        // Five replacements and ten shared runs: more calls means a run was split.
        assert!(
            calls.len() > 5 + 10,
            "a shared call was split: {} calls",
            calls.len()
        );
    }

    #[test]
    fn one_call_per_desktop_is_one_wave() {
        let plan = PlanResponse::new(
            (0..300)
                .map(|i| planned(&format!("d{i}"), users(0..5)))
                .collect(),
        )
        .unwrap();
        let calls = calls(&plan, None, "cn-hangzhou").unwrap();
        assert_eq!((calls.waves(), calls.len()), (1, 300));
    }
}
