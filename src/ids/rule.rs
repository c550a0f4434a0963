//! The rule for IDs: [`id_problem`] for one ID, and [`IdList::first_invalid`] for a list,
//! in one pass over its whole text, eight bytes at a time, for control characters.

use crate::error::IdProblem;
use crate::word;

use super::IdList;

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
    word::position(text, |w| {
        word::below(w, 0x20) | word::equal(w, 0x7F) | word::equal(w, 0xC2)
    })
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
