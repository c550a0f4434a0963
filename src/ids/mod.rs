//! [`IdList`]: an ordered list of IDs held in one buffer.

use alloc::collections::TryReserveError;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use crate::error::IdProblem;

/// What makes `id` no ID, if anything: the one rule for IDs of every form (JSON, the
/// query form, CSV, a [`Request`](crate::Request) built in code), which
/// [`Request::check`](crate::Request::check) applies to every ID. An ID holds no control
/// character ([`char::is_control`]: NUL, tab, line breaks, DEL, C1), and neither begins
/// nor ends with whitespace ([`char::is_whitespace`], as [`str::trim`] removes it).
///
/// The rule keeps every message and report one line, and nothing is silently changed: a
/// padded ID is rejected, not trimmed. An empty ID is not this rule's ([`Error::EmptyId`](crate::Error::EmptyId)).
///
/// Costs `O(len)`, one pass over the bytes.
///
/// ```
/// use eds_entitlement::{id_problem, IdProblem};
///
/// assert_eq!(id_problem("ecd-a"), None);
/// assert_eq!(id_problem("Zoë Ann"), None);
/// assert_eq!(id_problem("ecd\0a"), Some(IdProblem::ControlCharacter { character: '\0' }));
/// assert_eq!(id_problem("ecd-a\u{85}"), Some(IdProblem::ControlCharacter { character: '\u{85}' }));
/// assert_eq!(id_problem(" Alice"), Some(IdProblem::Whitespace));
/// ```
pub fn id_problem(id: &str) -> Option<IdProblem> {
    if let Some(at) = first_control(id.as_bytes()) {
        let character = id[at..].chars().next().unwrap_or_default();
        return Some(IdProblem::ControlCharacter { character });
    }
    padded(id).then_some(IdProblem::Whitespace)
}

/// The byte offset of the first control character in `text` (UTF-8): the bytes below 0x20
/// and 0x7F, and C1's `C2 80` to `C2 9F` (a C2 byte always starts a character).
fn first_control(text: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = first_candidate(&text[from..]) {
        let at = from + i;
        if text[at] != 0xC2 || text.get(at + 1).is_some_and(|&b| b < 0xA0) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// The offset of the first byte of `text` below 0x20, 0x7F or 0xC2 (a C1 control's first
/// byte, or another character's), eight bytes at a time: a list's whole text is scanned so.
fn first_candidate(text: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    // The bytes equal to `byte`: the lowest flagged one is exact (a borrow flags only
    // above a true match), and so is the lowest of several such masks together.
    let equal = |w: u64, byte: u8| {
        let x = w ^ (ONES * u64::from(byte));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    let mut chunks = text.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let below = w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
        let found = below | equal(w, 0x7F) | equal(w, 0xC2);
        if found != 0 {
            return Some(offset + (found.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b < 0x20 || b == 0x7F || b == 0xC2)
        .map(|i| offset + i)
}

/// Whether `id` begins or ends with whitespace: a look at its first and last bytes when
/// they are ASCII (the usual case), else at its first and last characters.
fn padded_bytes(id: &[u8]) -> bool {
    let space = |b: u8| b == b' ' || (0x09..=0x0D).contains(&b);
    match (id.first(), id.last()) {
        (Some(&first), Some(&last)) if first.is_ascii() && last.is_ascii() => {
            space(first) || space(last)
        }
        (None, _) | (_, None) => false,
        _ => core::str::from_utf8(id).is_ok_and(padded),
    }
}

/// Whether `id` begins or ends with whitespace.
fn padded(id: &str) -> bool {
    id.chars().next().is_some_and(char::is_whitespace)
        || id.chars().next_back().is_some_and(char::is_whitespace)
}

/// An ordered list of IDs (desktop IDs or end-user IDs), as the request gives them.
///
/// Order is priority: the planner deals desktops and users in this order.
///
/// # Representation
///
/// All IDs are stored back to back in one `String`, with the end offset of each as a `u32`
/// (4 bytes per ID): a list of a million IDs is two allocations, not a million. A list
/// whose text passes 4 GiB also keeps, for each 4 GiB boundary, the index of the first ID
/// that ends past it (a few words). Reading an ID is `O(1)` (`O(log b)` for a text of `b`
/// such boundaries).
///
/// # Example
///
/// ```
/// use eds_entitlement::IdList;
///
/// let users: IdList = ["Alice", "Bob"].into_iter().collect();
/// assert_eq!(users.len(), 2);
/// assert_eq!(&users[1], "Bob");
/// assert_eq!(users.iter().collect::<Vec<_>>(), ["Alice", "Bob"]);
/// ```
#[derive(Clone, Default)]
pub struct IdList {
    text: String,
    /// The end offset of each ID in `text`, less its multiple of [`SPAN`].
    ends: Vec<u32>,
    /// `wraps[k]`: the index of the first ID that ends at `(k + 1)·SPAN` or further. Empty
    /// for a text shorter than [`SPAN`].
    wraps: Vec<usize>,
    /// How many of the first IDs a reader has already found non-empty and passing
    /// [`id_problem`] as it split them (0: none known). IDs are only ever appended, so the
    /// fact stays true; [`IdList::first_invalid`] and [`IdList::first_empty`] look past
    /// them only. Not part of the list's value (equality and hashing ignore it).
    pub(crate) clean: usize,
}

impl PartialEq for IdList {
    fn eq(&self, other: &IdList) -> bool {
        self.text == other.text && self.ends == other.ends && self.wraps == other.wraps
    }
}

impl Eq for IdList {}

impl core::hash::Hash for IdList {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
        self.ends.hash(state);
        self.wraps.hash(state);
    }
}

/// The span of text whose offsets an `ends` item holds: 4 GiB (`u32`). Unit tests make it
/// 64 bytes, so that small lists cross its boundaries.
const SPAN_BITS: u32 = if cfg!(test) { 6 } else { 32 };
const SPAN: u64 = 1 << SPAN_BITS;

impl IdList {
    /// An empty list.
    pub const fn new() -> IdList {
        IdList {
            text: String::new(),
            ends: Vec::new(),
            wraps: Vec::new(),
            clean: 0,
        }
    }

    /// An empty list with room for `ids` IDs of `bytes` bytes in all.
    pub fn with_capacity(ids: usize, bytes: usize) -> IdList {
        IdList {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(ids),
            wraps: Vec::new(),
            clean: 0,
        }
    }

    /// Reserves room for at least `ids` more IDs of `bytes` more bytes in all, or says
    /// that the memory cannot be had (the list is then unchanged), as
    /// [`Vec::try_reserve`] does. Costs 4 bytes per ID and the bytes.
    ///
    /// # Errors
    ///
    /// When the allocator refuses the memory, or the size overflows.
    ///
    /// ```
    /// use eds_entitlement::IdList;
    ///
    /// let mut list = IdList::new();
    /// list.try_reserve(2, 8)?;
    /// list.try_push("Alice")?;
    /// assert!(list.try_reserve(usize::MAX, 0).is_err());
    /// assert_eq!(list.len(), 1);
    /// # Ok::<(), std::collections::TryReserveError>(())
    /// ```
    pub fn try_reserve(&mut self, ids: usize, bytes: usize) -> Result<(), TryReserveError> {
        self.text.try_reserve(bytes)?;
        self.ends.try_reserve(ids)
    }

    /// Appends `id`. Nothing is checked here: [`Request::check`](crate::Request::check)
    /// rejects empty and repeated IDs, naming their positions.
    ///
    /// # Panics
    ///
    /// As [`Vec::push`], when memory runs out (the allocator may abort instead); readers
    /// of untrusted input use [`IdList::try_push`].
    pub fn push(&mut self, id: &str) {
        self.text.push_str(id);
        self.push_end();
    }

    /// Appends `id`, or says that the memory for it cannot be had (the list is then
    /// unchanged): the list grows as [`IdList::push`] grows it, by [`Vec::try_reserve`].
    ///
    /// # Errors
    ///
    /// When the allocator refuses the memory.
    pub fn try_push(&mut self, id: &str) -> Result<(), TryReserveError> {
        let end = (self.text.len() + id.len()) as u64;
        if self.text.capacity() - self.text.len() >= id.len()
            && self.ends.len() < self.ends.capacity()
            && end < SPAN
        {
            // The room is there (as when reserved at once): nothing to grow.
            self.push(id);
            return Ok(());
        }
        self.text.try_reserve(id.len())?;
        self.ends.try_reserve(1)?;
        let wraps = (end >> SPAN_BITS) as usize;
        self.wraps
            .try_reserve(wraps.saturating_sub(self.wraps.len()))?;
        self.push(id);
        Ok(())
    }

    /// Records the end of the ID just appended to `text`.
    fn push_end(&mut self) {
        self.push_end_at(self.text.len() as u64);
    }

    /// Records `end` as the end offset of the next ID.
    fn push_end_at(&mut self, end: u64) {
        while (self.wraps.len() as u64 + 1) << SPAN_BITS <= end {
            self.wraps.push(self.ends.len());
        }
        self.ends.push((end & (SPAN - 1)) as u32);
    }

    /// Appends the end offset `end` of an ID whose bytes the caller puts in the text
    /// itself, then hands over with [`IdList::set_text`] (a reader that splits a list in its
    /// own buffer), or says that the memory for it cannot be had.
    #[cfg(feature = "serde")]
    pub(crate) fn try_push_end(&mut self, end: usize) -> Result<(), TryReserveError> {
        self.ends.try_reserve(1)?;
        let wraps = (end as u64 >> SPAN_BITS) as usize;
        self.wraps
            .try_reserve(wraps.saturating_sub(self.wraps.len()))?;
        self.push_end_at(end as u64);
        Ok(())
    }

    /// Sets the text of a list whose end offsets were given by [`IdList::try_push_end`]:
    /// `text` is every ID's bytes, back to back.
    #[cfg(feature = "serde")]
    pub(crate) fn set_text(&mut self, text: String) {
        debug_assert_eq!(self.all_ends().last().unwrap_or(0), text.len());
        self.text = text;
    }

    /// Says that the first `clean` IDs are non-empty and pass [`id_problem`], as the reader
    /// that split them found: [`Request::check`](crate::Request::check) then looks past them
    /// only for those faults.
    #[cfg(feature = "serde")]
    pub(crate) fn mark_clean(&mut self, clean: usize) {
        debug_assert!(self
            .iter()
            .take(clean)
            .all(|id| !id.is_empty() && id_problem(id).is_none()));
        self.clean = clean.min(self.len());
    }

    /// Frees the room reserved beyond the IDs held, as [`Vec::shrink_to_fit`] does.
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    /// How many IDs the list holds.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the list holds no ID.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The end offset in `text` of the ID at `index < len`.
    fn end(&self, index: usize) -> usize {
        let low = self.ends[index] as u64;
        if self.wraps.is_empty() {
            return low as usize;
        }
        let high = self.wraps.partition_point(|&w| w <= index) as u64;
        ((high << SPAN_BITS) | low) as usize
    }

    /// The end offsets of the IDs, in order.
    fn all_ends(&self) -> impl Iterator<Item = usize> + '_ {
        let mut high = 0;
        self.ends.iter().enumerate().map(move |(index, &low)| {
            while self.wraps.get(high).is_some_and(|&w| w <= index) {
                high += 1;
            }
            (((high as u64) << SPAN_BITS) | low as u64) as usize
        })
    }

    /// The IDs' bytes, in order.
    fn all_bytes(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let text = self.text.as_bytes();
        let mut start = 0;
        self.all_ends().map(move |end| {
            let id = &text[start..end];
            start = end;
            id
        })
    }

    /// The index of the ID whose text holds byte `at` of `text` (`len` past the end).
    fn index_at(&self, at: usize) -> usize {
        let high = (at as u64 >> SPAN_BITS) as usize;
        let from = match high {
            0 => 0,
            _ => self.wraps.get(high - 1).copied().unwrap_or(self.len()),
        };
        let to = self.wraps.get(high).copied().unwrap_or(self.len());
        let low = (at as u64 & (SPAN - 1)) as u32;
        from + self.ends[from..to].partition_point(|&end| end <= low)
    }

    /// The ID at 0-based `index`, if there is one.
    pub fn get(&self, index: usize) -> Option<&str> {
        if index >= self.len() {
            return None;
        }
        let start = if index == 0 { 0 } else { self.end(index - 1) };
        self.text.get(start..self.end(index))
    }

    /// The 0-based index of `id` in the list, if it is there (the first, if it is there
    /// twice). Costs `O(len)`: a linear scan of the list's text, for one look-up; to look up
    /// many IDs, index the list once (as [`Plan::from_ids`](crate::Plan::from_ids) does).
    ///
    /// ```
    /// use eds_entitlement::IdList;
    ///
    /// let users: IdList = ["Alice", "Bob"].into_iter().collect();
    /// assert_eq!(users.position("Bob"), Some(1));
    /// assert_eq!(users.position("Carol"), None);
    /// ```
    #[must_use]
    pub fn position(&self, id: &str) -> Option<usize> {
        self.all_bytes().position(|bytes| bytes == id.as_bytes())
    }

    /// The IDs in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            list: self,
            front: 0,
            back: self.len(),
            start: 0,
        }
    }

    /// The IDs' lengths in bytes, in order: one pass over the end offsets.
    pub(crate) fn lengths(&self) -> impl Iterator<Item = usize> + '_ {
        let mut start = 0;
        self.all_ends().map(move |end| {
            let len = end - start;
            start = end;
            len
        })
    }

    /// The bytes of all IDs, back to back, in order.
    pub(crate) fn concatenated(&self) -> &str {
        &self.text
    }
}

impl IdList {
    /// The first ID that [`id_problem`] rejects, with its 0-based index.
    ///
    /// [`id_problem`] in one pass over the list's text for control characters (which no ID
    /// boundary splits), then over the IDs before the first of them for padding: at one ID,
    /// a control character is its problem, as [`id_problem`] says.
    pub(crate) fn first_invalid(&self) -> Option<(usize, IdProblem)> {
        // The IDs a reader found clean are skipped.
        let from = match self.clean {
            0 => 0,
            clean => self.end(clean - 1),
        };
        let control = first_control(&self.text.as_bytes()[from..]).map(|at| {
            let at = from + at;
            let index = self.index_at(at);
            let character = self.text[at..].chars().next().unwrap_or_default();
            (index, IdProblem::ControlCharacter { character })
        });
        let before = control.map_or(self.len(), |(index, _)| index);
        let from = self.clean.min(before);
        self.all_bytes()
            .enumerate()
            .take(before)
            .skip(from)
            .find(|(_, id)| padded_bytes(id))
            .map(|(i, _)| (i, IdProblem::Whitespace))
            .or(control)
    }

    /// The index of the first empty ID, if any: one pass over the end offsets.
    pub(crate) fn first_empty(&self) -> Option<usize> {
        if self.clean == self.len() {
            return None;
        }
        let mut previous = 0;
        self.all_ends().position(|end| {
            let empty = end == previous;
            previous = end;
            empty
        })
    }

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
    /// bits of their hash into buckets of about [`BUCKET`] IDs (one sequential pass; equal
    /// IDs land in the same bucket, in list order), then each bucket is checked with a small
    /// open-addressing table that stays in cache. When the budget is less than 8 bytes per
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
        let bits = (len / BUCKET).next_power_of_two().trailing_zeros();
        let bucket_of = |hash: u64| (hash.checked_shr(64 - bits).unwrap_or(0)) as usize;
        let hash = |id: &[u8]| xxhash_rust::xxh3::xxh3_64(id);
        let Scratch {
            entries,
            starts,
            hashes,
        } = scratch;
        // Counting sort by bucket: `starts[b]..starts[b + 1]` holds bucket `b`.
        starts.clear();
        starts.try_reserve_exact((1 << bits) + 1)?;
        starts.resize((1 << bits) + 1, 0);
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
            starts[bucket_of(hash) + 1] += 1;
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
                let bucket = bucket_of(hash);
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

/// The number of IDs per bucket that [`IdList::first_repeat`] aims at: a bucket's table
/// of `2·BUCKET` `u64`s (4 KiB) stays in the L1 cache.
const BUCKET: usize = 256;

/// Where each of `needles` is among the `len` distinct IDs `key(0)`, …, `key(len - 1)`:
/// `found[q]` is the index of the ID equal to `needles[q]`, or `None` when there is none.
///
/// The answer of a hash map of the IDs probed with each needle, without its cost at scale:
/// a table of a million IDs is far larger than the CPU's caches, and each probe misses
/// them (two or three times: the table, the entry, the ID's bytes). So, as in
/// [`IdList::first_repeat`], IDs and needles are partitioned by the top bits of their XXH3
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
    find_each_by(len, key, needles, |id| {
        xxhash_rust::xxh3::xxh3_64(id.as_bytes())
    })
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
    let bits = (len / BUCKET).next_power_of_two().trailing_zeros();
    let bucket_of = |hash: u64| (hash.checked_shr(64 - bits).unwrap_or(0)) as usize;
    // Each list as (hash, index) grouped by bucket, in list order within a bucket:
    // `entries[starts[b]..starts[b + 1]]` is bucket `b`.
    let partition = |hashes: Vec<u64>| {
        let mut starts = vec![0usize; (1 << bits) + 1];
        for &hash in &hashes {
            starts[bucket_of(hash) + 1] += 1;
        }
        for b in 1..starts.len() {
            starts[b] += starts[b - 1];
        }
        let mut entries = vec![(0u64, 0usize); hashes.len()];
        let mut fill = starts.clone();
        for (index, &hash) in hashes.iter().enumerate() {
            let slot = &mut fill[bucket_of(hash)];
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
                *slot = keys[bucket(&key_starts, bucket_of(hash))]
                    .iter()
                    .find(|&&(held, index)| held == hash && key(index) == *needle)
                    .map(|&(_, index)| index);
            }
        }
    }
    found
}

impl core::ops::Index<usize> for IdList {
    type Output = str;

    /// The ID at 0-based `index`.
    ///
    /// # Panics
    ///
    /// When `index >= self.len()`; [`IdList::get`] does not panic.
    fn index(&self, index: usize) -> &str {
        match self.get(index) {
            Some(id) => id,
            None => panic!("index {index} out of range for an IdList of {}", self.len()),
        }
    }
}

impl<S: AsRef<str>> FromIterator<S> for IdList {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> IdList {
        let mut list = IdList::new();
        list.extend(iter);
        list
    }
}

impl<S: AsRef<str>> Extend<S> for IdList {
    fn extend<I: IntoIterator<Item = S>>(&mut self, iter: I) {
        for id in iter {
            self.push(id.as_ref());
        }
    }
}

/// `Debug` shows every ID of a list of up to 8 IDs, and the first 5 and a count of the
/// rest of a longer one (`["d0", "d1", "d2", "d3", "d4", … 995 more]`): a request of a
/// million IDs prints in one line.
impl fmt::Debug for IdList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Summary::list(f, self.iter())
    }
}

/// How `Debug` summarises long lists (of IDs, of a plan's rows, of a row's users).
pub(crate) struct Summary;

impl Summary {
    /// Lists of up to this many items are shown whole.
    pub(crate) const FULL: usize = 8;
    /// Longer ones show this many items, then how many more there are.
    pub(crate) const HEAD: usize = 5;

    /// Writes `items` as a `Debug` list, summarised past [`Summary::FULL`] items.
    pub(crate) fn list<I>(f: &mut fmt::Formatter<'_>, items: I) -> fmt::Result
    where
        I: ExactSizeIterator,
        I::Item: fmt::Debug,
    {
        let len = items.len();
        if len <= Summary::FULL {
            return f.debug_list().entries(items).finish();
        }
        f.debug_list()
            .entries(items.take(Summary::HEAD))
            .entry(&More(len - Summary::HEAD))
            .finish()
    }
}

/// `… N more`, unquoted, as the last entry of a summarised list.
struct More(usize);

impl fmt::Debug for More {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "… {} more", self.0)
    }
}

impl<'a> IntoIterator for &'a IdList {
    type Item = &'a str;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// The IDs of an [`IdList`], in order.
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    list: &'a IdList,
    front: usize,
    back: usize,
    /// Where the ID at `front` starts in the text: one end offset read per ID.
    start: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.front == self.back {
            return None;
        }
        let end = self.list.end(self.front);
        let id = self.list.text.get(self.start..end);
        self.front += 1;
        self.start = end;
        id
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.back - self.front;
        (left, Some(left))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front == self.back {
            return None;
        }
        self.back -= 1;
        self.list.get(self.back)
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(feature = "serde")]
impl serde::Serialize for IdList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn keeps_ids_apart_and_in_order() {
        let list: IdList = ["ab", "", "c", "é漢"].into_iter().collect();
        assert_eq!(list.len(), 4);
        assert_eq!(list.get(0), Some("ab"));
        assert_eq!(list.get(1), Some(""));
        assert_eq!(list.get(3), Some("é漢"));
        assert_eq!(list.get(4), None);
        assert_eq!(
            list.iter().rev().collect::<Vec<_>>(),
            ["é漢", "c", "", "ab"]
        );
        assert_eq!(list.concatenated(), "abcé漢");
        assert_eq!(format!("{list:?}"), r#"["ab", "", "c", "é漢"]"#);
        assert_eq!(list.position("c"), Some(2));
        assert_eq!(list.position(""), Some(1));
        assert_eq!(list.position("é"), None);
        assert_eq!(list.position("abc"), None);
    }

    #[test]
    fn debug_summarises_long_lists() {
        let eight: IdList = (0..8).map(|i| format!("d{i}")).collect();
        assert_eq!(
            format!("{eight:?}"),
            r#"["d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7"]"#
        );
        let many: IdList = (0..1_000_000).map(|i| format!("d{i}")).collect();
        assert_eq!(
            format!("{many:?}"),
            r#"["d0", "d1", "d2", "d3", "d4", … 999995 more]"#
        );
        assert_eq!(
            format!("{many:#?}"),
            "[\n    \"d0\",\n    \"d1\",\n    \"d2\",\n    \"d3\",\n    \"d4\",\n    … 999995 more,\n]"
        );
    }

    #[test]
    fn first_invalid_is_the_first_id_that_id_problem_rejects() {
        let pieces = [
            "", "a", "é", " ", "\u{a0}", "\t", "\0", "\u{7f}", "\u{85}", "\u{a0}b", "\u{9f}", "b ",
            "漢", "x\ny",
        ];
        // Every list of up to three pieces, against the ID-by-ID reading.
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let list: IdList = [a, b, c, "z"].into_iter().collect();
                    let naive = list
                        .iter()
                        .enumerate()
                        .find_map(|(i, id)| id_problem(id).map(|p| (i, p)));
                    assert_eq!(list.first_invalid(), naive, "{list:?}");
                }
            }
        }
    }

    #[test]
    fn first_control_finds_each_control_at_every_place_in_a_word() {
        let naive = |text: &[u8]| {
            (0..text.len()).find(|&at| {
                let b = text[at];
                b < 0x20 || b == 0x7F || (b == 0xC2 && text.get(at + 1).is_some_and(|&n| n < 0xA0))
            })
        };
        let specials = [
            "\0", "\t", "\u{1f}", "\u{7f}", "\u{85}", "\u{9f}", "\u{a0}", "é", "\u{100}",
        ];
        for special in specials {
            for len in 0..24 {
                for at in 0..=len {
                    let mut text = "x".repeat(len);
                    text.insert_str(at, special);
                    text.push_str(special);
                    assert_eq!(
                        first_control(text.as_bytes()),
                        naive(text.as_bytes()),
                        "{text:?}"
                    );
                }
            }
        }
    }

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

    /// IDs of every length around the span (64 bytes in unit tests), empty ones among them:
    /// the lists cross many span boundaries, some IDs more than one.
    fn spanning_ids() -> Vec<String> {
        let mut ids = Vec::new();
        for i in 0..400usize {
            let len = match i % 7 {
                0 => 0,
                1 => 63,
                2 => 64,
                3 => 65,
                4 => 200,
                _ => i % 13,
            };
            let c = char::from(b'a' + (i % 26) as u8);
            ids.push(format!("{i}{}", c.to_string().repeat(len)));
            if i % 11 == 0 {
                ids.push(String::new());
            }
        }
        ids
    }

    #[test]
    fn lists_past_a_span_read_as_the_ids_pushed() {
        assert_eq!(SPAN, 64);
        let ids = spanning_ids();
        let list: IdList = ids.iter().collect();
        let mut tried = IdList::new();
        for id in &ids {
            tried.try_push(id).unwrap();
        }
        assert_eq!(tried, list);
        assert!(list.wraps.len() > 100);
        assert_eq!(list.len(), ids.len());
        assert_eq!(list.iter().collect::<Vec<_>>(), ids);
        assert_eq!(list.iter().rev().count(), ids.len());
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(list.get(i), Some(id.as_str()), "{i}");
            assert_eq!(list.position(id), ids.iter().position(|x| x == id));
        }
        assert_eq!(list.get(ids.len()), None);
        assert_eq!(list.first_empty(), ids.iter().position(String::is_empty));
        // Every byte of the text is found in its ID.
        let mut start = 0;
        for (i, id) in ids.iter().enumerate() {
            for at in start..start + id.len() {
                assert_eq!(list.index_at(at), i, "byte {at}");
            }
            start += id.len();
        }
        assert_eq!(list.index_at(start), ids.len());
        // A control character past many spans is placed in its ID.
        let mut bad = ids.clone();
        bad[300].push('\0');
        let list: IdList = bad.iter().collect();
        assert_eq!(
            list.first_invalid(),
            Some((300, IdProblem::ControlCharacter { character: '\0' }))
        );
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
