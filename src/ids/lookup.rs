//! Cache-bucketed hashing: IDs partitioned by the top bits of their XXH3 hash into buckets
//! of about [`BUCKET`] IDs, each checked with a small table that stays in the L1 cache. The
//! repeat check (`repeat.rs`) uses it, and [`find_each`], which the fleet layer's snapshot,
//! caps and change report use to look many IDs up at once.

use alloc::vec;
use alloc::vec::Vec;

/// The number of IDs per bucket aimed at: a bucket's table of `2·BUCKET` `u64`s (4 KiB)
/// stays in the L1 cache.
pub(super) const BUCKET: usize = 256;

/// The hash by which IDs are bucketed and first compared: XXH3 of their bytes.
#[inline]
pub(super) fn hash(id: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id)
}

/// How `len` IDs are bucketed: into a power of two of buckets, about `len / BUCKET`, by the
/// top bits of their hash (so equal IDs share a bucket, and the buckets are in hash order).
#[derive(Clone, Copy)]
pub(super) struct Buckets {
    bits: u32,
}

impl Buckets {
    /// The buckets for `len` IDs.
    #[inline]
    pub(super) fn for_ids(len: usize) -> Buckets {
        Buckets {
            bits: (len / BUCKET).next_power_of_two().trailing_zeros(),
        }
    }

    /// How many buckets there are.
    #[inline]
    pub(super) fn count(self) -> usize {
        1 << self.bits
    }

    /// The bucket of an ID of hash `hash`.
    #[inline]
    pub(super) fn of(self, hash: u64) -> usize {
        hash.checked_shr(64 - self.bits).unwrap_or(0) as usize
    }
}

/// Where each of `needles` is among the `len` distinct IDs `key(0)`, …, `key(len - 1)`:
/// `found[q]` is the index of the ID equal to `needles[q]`, or `None` when there is none.
///
/// The answer of a hash map of the IDs probed with each needle, without its cost at scale:
/// a table of a million IDs is far larger than the CPU's caches, and each probe misses
/// them (two or three times: the table, the entry, the ID's bytes). So, as in
/// `IdList::first_repeat`, IDs and needles are partitioned by the top bits of their XXH3
/// hash into buckets of about [`BUCKET`] IDs (sequential passes), each bucket's IDs are put
/// in a small table that stays in cache and probed by that bucket's needles by the full
/// 64-bit hash, and each candidate is confirmed by comparing the strings, in needle order.
/// Two IDs with the same hash are told apart by that comparison. Costs `O(len + needles)`
/// expected time and about 24 bytes per ID and per needle.
pub(crate) fn find_each<'k>(
    len: usize,
    key: impl Fn(usize) -> &'k str,
    needles: &[&str],
) -> Vec<Option<usize>> {
    find_each_by(len, key, needles, |id| hash(id.as_bytes()))
}

/// [`find_each`] with the hash as a parameter (the tests give a weak one, to exercise the
/// strings' comparison).
fn find_each_by<'k>(
    len: usize,
    key: impl Fn(usize) -> &'k str,
    needles: &[&str],
    hash: impl Fn(&str) -> u64,
) -> Vec<Option<usize>> {
    let mut found = vec![None; needles.len()];
    if len == 0 || needles.is_empty() {
        return found;
    }
    let buckets = Buckets::for_ids(len);
    // Each list as (hash, index) grouped by bucket, in list order within a bucket:
    // `entries[starts[b]..starts[b + 1]]` is bucket `b`.
    let partition = |hashes: Vec<u64>| {
        let mut starts = vec![0usize; buckets.count() + 1];
        for &hash in &hashes {
            starts[buckets.of(hash) + 1] += 1;
        }
        for b in 1..starts.len() {
            starts[b] += starts[b - 1];
        }
        let mut entries = vec![(0u64, 0usize); hashes.len()];
        let mut fill = starts.clone();
        for (index, &hash) in hashes.iter().enumerate() {
            let slot = &mut fill[buckets.of(hash)];
            entries[*slot] = (hash, index);
            *slot += 1;
        }
        (starts, entries)
    };
    let (key_starts, keys) = partition((0..len).map(|i| hash(key(i))).collect());
    let (needle_starts, probes) = partition(needles.iter().map(|id| hash(id)).collect());
    let bucket = |starts: &[usize], b: usize| starts[b]..starts[b + 1];

    // Candidates: the first ID of the needle's bucket with the needle's hash.
    let mut table: Vec<usize> = Vec::new();
    for b in 0..key_starts.len() - 1 {
        let (ids, probes) = (
            &keys[bucket(&key_starts, b)],
            &probes[bucket(&needle_starts, b)],
        );
        if ids.is_empty() || probes.is_empty() {
            continue;
        }
        let size = (ids.len() * 2).next_power_of_two();
        let mask = size - 1;
        table.clear();
        table.resize(size, usize::MAX);
        for (at, &(hash, _)) in ids.iter().enumerate() {
            let mut slot = hash as usize & mask;
            while table[slot] != usize::MAX {
                slot = (slot + 1) & mask;
            }
            table[slot] = at;
        }
        for &(hash, needle) in probes {
            let mut slot = hash as usize & mask;
            while let Some(&(held, index)) = ids.get(table[slot]) {
                if held == hash {
                    found[needle] = Some(index);
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
    }
    // Confirmed in needle order; a candidate with another ID's bytes shares its hash with
    // the needle's ID, if any: that one is among the bucket's IDs of the same hash.
    for (needle, slot) in needles.iter().zip(found.iter_mut()) {
        if let Some(index) = *slot {
            if key(index) != *needle {
                let hash = hash(needle);
                *slot = keys[bucket(&key_starts, buckets.of(hash))]
                    .iter()
                    .find(|&&(held, index)| held == hash && key(index) == *needle)
                    .map(|&(_, index)| index);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::String;

    #[test]
    fn buckets_are_the_top_bits_of_the_hash_about_bucket_ids_each() {
        for (len, count) in [
            (0, 1),
            (1, 1),
            (255, 1),
            (256, 1),
            (511, 1),
            (512, 2),
            (4096, 16),
        ] {
            let buckets = Buckets::for_ids(len);
            assert_eq!(buckets.count(), count, "{len}");
            assert_eq!(buckets.of(0), 0);
            assert_eq!(buckets.of(u64::MAX), count - 1);
            // In hash order: each bucket is a run of hashes, the same length.
            for b in 0..count as u64 {
                let first = b.checked_shl(64 - count.trailing_zeros()).unwrap_or(0);
                assert_eq!(buckets.of(first), b as usize, "{len}");
                assert_eq!(
                    buckets.of(first.wrapping_sub(1)),
                    (b as usize + count - 1) % count
                );
            }
        }
    }

    fn naive_find_each(keys: &[&str], needles: &[&str]) -> Vec<Option<usize>> {
        needles
            .iter()
            .map(|needle| keys.iter().position(|key| key == needle))
            .collect()
    }

    #[test]
    fn find_each_finds_what_a_linear_search_finds() {
        // Sizes around one bucket and across several; needles present, absent, repeated.
        let mut rng = 7u64;
        let mut next = || {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (rng >> 33) as usize
        };
        for len in [0, 1, 2, 255, 256, 257, 1000, 3000] {
            let keys: Vec<String> = (0..len).map(|i| format!("k{}", i * 7919 % 10007)).collect();
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            let needles: Vec<String> = (0..len + 5)
                .map(|_| format!("k{}", next() % (len * 2 + 3)))
                .collect();
            let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
            let expected = naive_find_each(&keys, &needles);
            assert_eq!(find_each(len, |i| keys[i], &needles), expected, "{len}");
            // A hash with many collisions: every candidate is checked by its bytes.
            let weak = |id: &str| id.len() as u64;
            assert_eq!(
                find_each_by(len, |i| keys[i], &needles, weak),
                expected,
                "{len}"
            );
            let top = |id: &str| (id.len() as u64) << 60;
            assert_eq!(
                find_each_by(len, |i| keys[i], &needles, top),
                expected,
                "{len}"
            );
        }
        assert_eq!(find_each(2, |i| ["a", "b"][i], &[]), []);
    }
}
