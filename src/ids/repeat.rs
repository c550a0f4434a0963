//! The repeat check of a list: [`IdList::first_repeat`], the first ID that repeats an
//! earlier one, in cache-sized buckets of IDs (see `lookup.rs`) and within a memory budget,
//! a list taken in parts when its budget is small; and `Scratch`, its working memory.

use alloc::collections::TryReserveError;
use alloc::vec::Vec;

use super::lookup::{hash, Buckets};
use super::IdList;

impl IdList {
    /// The first ID that repeats an earlier one, in list order: `(first, second)`, 0-based,
    /// where `second` is the smallest index whose ID occurs before it and `first` is that
    /// ID's first occurrence. `None` when all IDs are distinct.
    ///
    /// Which pair is reported depends only on the list, never on the hash. Costs `O(len)`
    /// expected time (every ID is hashed with XXH3, twice or more) and the `scratch`, which
    /// is reused: a caller checking several lists lends the same one (fresh pages cost more
    /// than the hashing). The scratch takes at most `max(budget, len)` bytes (at least one
    /// byte per ID), unless one bucket alone (see below) takes more: 16 bytes per ID when
    /// the budget allows (each ID is then hashed once), else 8 (hashed twice), else less,
    /// at the cost of one more hashing of the list for each part the budget makes of it
    /// ([`IdList::first_repeat`] lends the text's size: a list is not checked with more
    /// memory than its text).
    ///
    /// A hash table of a million IDs is far larger than the CPU's caches, and probing it
    /// misses the cache on nearly every ID. So the IDs are first partitioned by the top
    /// bits of their hash into buckets of about [`BUCKET`](super::lookup::BUCKET) IDs (one
    /// sequential pass; equal IDs land in the same bucket, in list order), then each bucket
    /// is checked with a small open-addressing table that stays in cache. When the budget is less than 8 bytes per
    /// ID, the buckets are taken in runs that fit it, each run with one more pass over the
    /// list.
    ///
    /// # Errors
    ///
    /// When the scratch cannot be had.
    pub(crate) fn first_repeat_within(
        &self,
        scratch: &mut Scratch,
        budget: usize,
    ) -> Result<Option<(usize, usize)>, TryReserveError> {
        let len = self.len();
        if len < 2 {
            return Ok(None);
        }
        let buckets = Buckets::for_ids(len);
        let Scratch {
            entries,
            starts,
            hashes,
        } = scratch;
        // Counting sort by bucket: `starts[b]..starts[b + 1]` holds bucket `b`.
        starts.clear();
        starts.try_reserve_exact(buckets.count() + 1)?;
        starts.resize(buckets.count() + 1, 0);
        let counts = 2 * starts.len() * core::mem::size_of::<usize>();
        // With room for them (IDs of 16 bytes or more, in the text's budget), the hashes are
        // kept for the one run rather than computed again.
        hashes.clear();
        let keep = budget >= 16 * len + counts;
        if keep {
            hashes.try_reserve_exact(len)?;
        }
        for id in self.all_bytes() {
            let hash = hash(id);
            if keep {
                hashes.push(hash);
            }
            starts[buckets.of(hash) + 1] += 1;
        }
        for b in 1..starts.len() {
            starts[b] += starts[b - 1];
        }
        let largest = starts.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
        // The entries of a run of buckets take what the counts and the fill positions leave.
        let room = (budget.max(len).saturating_sub(counts) / 8).max(largest);

        let mut best: Option<(usize, usize)> = None;
        let mut table: Vec<u64> = Vec::new();
        let mut first_bucket = 0;
        while first_bucket + 1 < starts.len() {
            // The run of buckets `first_bucket..last` that fits in `room` entries.
            let base = starts[first_bucket];
            let last = first_bucket
                + starts[first_bucket + 1..].partition_point(|&end| end - base <= room);
            entries.clear();
            if entries.capacity() < starts[last] - base {
                // Not grown, which would hold the old block and the new one at once.
                *entries = Vec::new();
            }
            entries.try_reserve_exact(starts[last] - base)?;
            entries.resize(starts[last] - base, 0);
            // Each entry: the hash's low 32 bits (a tag) above the ID's index. IDs after
            // the repeat found so far cannot come before it.
            let mut fill: Vec<usize> = Vec::new();
            fill.try_reserve_exact(last - first_bucket)?;
            fill.extend(starts[first_bucket..last].iter().map(|&s| s - base));
            let end = best.map_or(len, |(_, second)| second);
            for (index, id) in self.all_bytes().take(end).enumerate() {
                let hash = match hashes.get(index) {
                    Some(&hash) => hash,
                    None => hash(id),
                };
                let bucket = buckets.of(hash);
                if (first_bucket..last).contains(&bucket) {
                    let slot = &mut fill[bucket - first_bucket];
                    entries[*slot] = (hash << 32) | index as u64;
                    *slot += 1;
                }
            }
            for (b, &filled) in (first_bucket..last).zip(&fill) {
                let bucket = &entries[starts[b] - base..filled];
                if let Some(found) = self.bucket_repeat(bucket, best, &mut table)? {
                    best = Some(found);
                }
            }
            first_bucket = last;
        }
        Ok(best)
    }

    /// [`IdList::first_repeat_within`] with a budget of the list's text: a list of short
    /// IDs is checked in parts.
    pub(crate) fn first_repeat(
        &self,
        scratch: &mut Scratch,
    ) -> Result<Option<(usize, usize)>, TryReserveError> {
        self.first_repeat_within(scratch, self.text.len())
    }

    /// The earliest repeat within one bucket's `entries` (in list order) that comes before
    /// `best`, using `table` as its hash table.
    fn bucket_repeat(
        &self,
        bucket: &[u64],
        best: Option<(usize, usize)>,
        table: &mut Vec<u64>,
    ) -> Result<Option<(usize, usize)>, TryReserveError> {
        let size = (bucket.len() * 2).next_power_of_two();
        table.clear();
        table.try_reserve_exact(size)?;
        table.resize(size, u64::MAX);
        let mask = size - 1;
        for &entry in bucket {
            let index = entry as u32 as usize;
            if best.is_some_and(|(_, second)| second < index) {
                return Ok(None);
            }
            let mut slot = (entry >> 32) as usize & mask;
            loop {
                let held = table[slot];
                if held == u64::MAX {
                    table[slot] = entry;
                    break;
                }
                if held >> 32 == entry >> 32 {
                    let earlier = held as u32 as usize;
                    // Buckets are in list order: the first repeat found is the bucket's
                    // earliest.
                    if self.get(earlier) == self.get(index) {
                        return Ok(Some((earlier, index)));
                    }
                }
                slot = (slot + 1) & mask;
            }
        }
        Ok(None)
    }
}

/// The working memory of [`IdList::first_repeat`], kept between lists.
#[derive(Default)]
pub(crate) struct Scratch {
    entries: Vec<u64>,
    starts: Vec<usize>,
    hashes: Vec<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    /// The obvious quadratic reference.
    fn naive_first_repeat(list: &IdList) -> Option<(usize, usize)> {
        (0..list.len()).find_map(|second| {
            (0..second)
                .find(|&first| list[first] == list[second])
                .map(|first| (first, second))
        })
    }

    /// The same answer as [`naive_first_repeat`] in `O(n log n)`: each ID's first place in a
    /// map, and the first ID found already there is the earliest second occurrence, paired
    /// with that place (the first of the IDs equal to it).
    fn reference_first_repeat(list: &IdList) -> Option<(usize, usize)> {
        let mut first_place = alloc::collections::BTreeMap::new();
        (0..list.len()).find_map(|second| match first_place.entry(&list[second]) {
            alloc::collections::btree_map::Entry::Occupied(first) => Some((*first.get(), second)),
            alloc::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(second);
                None
            }
        })
    }

    #[test]
    fn the_map_reference_is_the_quadratic_one() {
        // Small lists, where the quadratic reference is quick: no repeat, a repeat at either
        // end, several repeats (the earliest second occurrence wins), an ID three times.
        for len in 0..40 {
            for modulus in [1, 2, 3, 7, 39, 40, 41] {
                let ids: IdList = (0..len)
                    .map(|i| format!("{}", (i * 7919) % modulus))
                    .collect();
                assert_eq!(
                    reference_first_repeat(&ids),
                    naive_first_repeat(&ids),
                    "len {len}, modulus {modulus}"
                );
            }
        }
    }

    #[test]
    fn first_repeat_is_the_earliest_second_occurrence() {
        // 700 distinct IDs, then repeats of some: the first reported is the earliest repeat.
        let ids: IdList = (0..1000).map(|i| format!("id{}", i % 700)).collect();
        assert_eq!(
            ids.first_repeat(&mut Scratch::default()).unwrap(),
            Some((0, 700))
        );
        let ids: IdList = (0..5000)
            .map(|i| {
                format!(
                    "id{}",
                    if i == 4321 {
                        1234
                    } else if i == 4999 {
                        5
                    } else {
                        i
                    }
                )
            })
            .collect();
        assert_eq!(
            ids.first_repeat(&mut Scratch::default()).unwrap(),
            Some((1234, 4321))
        );
        let ids: IdList = (0..5000).map(|i| format!("id{i}")).collect();
        assert_eq!(ids.first_repeat(&mut Scratch::default()).unwrap(), None);
        let same: IdList = std::iter::repeat_n("x", 3000).collect();
        assert_eq!(
            same.first_repeat(&mut Scratch::default()).unwrap(),
            Some((0, 1))
        );
        for len in 0..600 {
            // 313 distinct IDs in a scrambled order, repeated: against the reference (the map
            // one: the quadratic one took 14 million comparisons here, 18 s in a debug build).
            let ids: IdList = (0..len).map(|i| format!("u{}", (i * 7919) % 313)).collect();
            assert_eq!(
                ids.first_repeat(&mut Scratch::default()).unwrap(),
                reference_first_repeat(&ids),
                "len {len}"
            );
        }
    }

    #[test]
    fn first_repeat_is_the_same_in_parts() {
        // Lists of 2,000 to 6,000 short IDs, some repeated, checked whole (a budget of 8 bytes
        // per ID) and in parts (down to one byte per ID): the same pair as the reference.
        for (len, modulus) in [(2000, 1999), (3000, 2990), (6000, 7000), (6000, 5999)] {
            let ids: IdList = (0..len)
                .map(|i| format!("{}", (i * 7919) % modulus))
                .collect();
            // The map reference, not the quadratic one: 6,000 IDs with no repeat cost the
            // quadratic one 18 million comparisons (most of this test's 26 s in a debug build).
            let naive = reference_first_repeat(&ids);
            for budget in [0, len, 2 * len, 4 * len, 8 * len, usize::MAX] {
                assert_eq!(
                    ids.first_repeat_within(&mut Scratch::default(), budget)
                        .unwrap(),
                    naive,
                    "len {len}, modulus {modulus}, budget {budget}"
                );
            }
        }
    }
}
