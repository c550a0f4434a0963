//! What §6 reads of a desktop, and the rules on it that both snapshot readers keep: the
//! one-pass reader of a desktop (`snapshot_desktop`) and the serde reader that names what is
//! wrong (`snapshot_seed`). A leaf, so that the two readers do not import each other.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{shown, SnapshotProblem};

/// The deepest nesting the snapshot reader's scanner takes (serde_json refuses 128).
pub(super) const DEEPEST: usize = 100;

/// What §6 reads of a desktop.
pub(super) struct ReadDesktop {
    pub(super) id: String,
    pub(super) status: String,
    pub(super) flags: Vec<String>,
    pub(super) users: Vec<String>,
}

/// The first empty or repeated user of a desktop's `EndUserIds`, in list order.
pub(super) fn users_problem(users: &[String]) -> Option<SnapshotProblem> {
    if let Some(at) = users.iter().position(String::is_empty) {
        return Some(SnapshotProblem::EmptyUser { position: at + 1 });
    }
    // A desktop has a handful of users: compare pairs; a long list goes through a map.
    let repeat = if users.len() <= 32 {
        (1..users.len()).find_map(|second| {
            (0..second)
                .find(|&first| users[first] == users[second])
                .map(|first| (first, second))
        })
    } else {
        let mut seen: indexmap::IndexMap<&str, usize, xxhash_rust::xxh3::Xxh3DefaultBuilder> =
            indexmap::IndexMap::default();
        users
            .iter()
            .enumerate()
            .find_map(|(second, user)| match seen.entry(user.as_str()) {
                indexmap::map::Entry::Occupied(first) => Some((*first.get(), second)),
                indexmap::map::Entry::Vacant(slot) => {
                    slot.insert(second);
                    None
                }
            })
    };
    repeat.map(|(first, second)| SnapshotProblem::RepeatedUser {
        value: shown(&users[second]),
        first: first + 1,
        second: second + 1,
    })
}
