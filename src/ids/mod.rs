//! [`IdList`]: an ordered list of IDs held in one buffer.
//!
//! This file is the list itself: its storage (the IDs' bytes back to back, the end offset of
//! each, and for a text past 4 GiB a side table of where each 4 GiB begins), reading it
//! (`get`, `Index`, [`Iter`], `position`), building it (`push`, `try_push`, `FromIterator`,
//! `Extend`), and `Debug` (through `Summary`, which the planner's lists share). Beside it:
//!
//! - `rule.rs`: the rule for one ID ([`id_problem`]), and the first ID of a list that breaks
//!   it, found in one pass over the list's text;
//! - `repeat.rs`: the first ID of a list that repeats an earlier one, found in cache-sized
//!   buckets, within a memory budget (its working memory, `Scratch`, lent between lists);
//! - `lookup.rs`: the bucketing of IDs by their hash that `repeat.rs` uses, and `find_each`,
//!   many IDs looked up at once among distinct ones (the fleet layer's snapshot, caps and
//!   change report).

mod lookup;
mod repeat;
mod rule;

use alloc::collections::TryReserveError;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

pub(crate) use lookup::find_each;
pub(crate) use repeat::Scratch;
pub use rule::id_problem;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::IdProblem;
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
}
