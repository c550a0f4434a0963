//! [`IdList`]: an ordered list of IDs held in one buffer.

use core::fmt;

/// An ordered list of IDs (desktop IDs or end-user IDs), as the request gives them.
///
/// Order is priority: the planner deals desktops and users in this order.
///
/// # Representation
///
/// All IDs are stored back to back in one `String`, with the end offset of each: a list of
/// a million IDs is two allocations, not a million. Reading an ID is `O(1)`.
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
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct IdList {
    text: String,
    ends: Vec<usize>,
}

impl IdList {
    /// An empty list.
    pub const fn new() -> IdList {
        IdList {
            text: String::new(),
            ends: Vec::new(),
        }
    }

    /// An empty list with room for `ids` IDs of `bytes` bytes in all.
    pub fn with_capacity(ids: usize, bytes: usize) -> IdList {
        IdList {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(ids),
        }
    }

    /// Appends `id`. Nothing is checked here: [`Request::check`](crate::Request::check)
    /// rejects empty and repeated IDs, naming their positions.
    pub fn push(&mut self, id: &str) {
        self.text.push_str(id);
        self.ends.push(self.text.len());
    }

    /// How many IDs the list holds.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the list holds no ID.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The ID at 0-based `index`, if there is one.
    pub fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)?;
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        Some(&self.text[start..end])
    }

    /// The IDs in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            list: self,
            front: 0,
            back: self.len(),
        }
    }

    /// The bytes of all IDs, back to back, in order.
    pub fn concatenated(&self) -> &str {
        &self.text
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

impl fmt::Debug for IdList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
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
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.front == self.back {
            return None;
        }
        self.front += 1;
        self.list.get(self.front - 1)
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
    }
}
