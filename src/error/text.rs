//! How messages quote values: cut to [`SHOWN_CHARS`] characters, on one line, and the
//! phrases several messages share.

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::Field;

/// Values quoted in messages are cut to this many characters, the cut marked with `…`.
pub const SHOWN_CHARS: usize = 64;

/// `value`, cut to [`SHOWN_CHARS`] characters for quoting in a message.
pub(crate) fn shown(value: &str) -> String {
    if value.char_indices().nth(SHOWN_CHARS).is_none() {
        return value.to_owned();
    }
    let kept: String = value.chars().take(SHOWN_CHARS - 1).collect();
    kept + "…"
}

/// `text` with its control characters escaped (`\n`, `\u{0}`), for text shown in a message
/// without quotes: every message is one line, and so is every ID in a report.
pub(crate) fn one_line(text: &str) -> alloc::borrow::Cow<'_, str> {
    if text.chars().any(char::is_control) {
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_debug().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

pub(super) fn in_desktop(desktop: Option<usize>, after: Option<usize>) -> String {
    match (desktop, after) {
        (Some(d), _) => format!(", in desktop {d}"),
        (None, Some(d)) => format!(", after desktop {d}"),
        (None, None) => String::new(),
    }
}

/// The message of [`Error::SnapshotCount`](crate::Error::SnapshotCount): the pages, both counts, and what to do.
pub(super) fn count_message(file: &str, pages: usize, total_count: u64, desktops: u64) -> String {
    let file = one_line(file);
    let (which, hold) = match pages {
        1 => (format!("{file} gives TotalCount {total_count}"), "holds"),
        2 => (
            format!("{file} and 1 other page give TotalCount {total_count}"),
            "hold",
        ),
        _ => (
            format!(
                "{file} and {} other pages give TotalCount {total_count}",
                pages - 1
            ),
            "hold",
        ),
    };
    let but = |n: u64| if n == 1 { "desktop" } else { "desktops" };
    if desktops < total_count {
        format!(
            "{which} but {hold} {desktops} {}: {} {} missing (a page not given, or the fleet \
             changed while it was listed); give every page of one listing",
            but(desktops),
            total_count - desktops,
            if total_count - desktops == 1 {
                "is"
            } else {
                "are"
            }
        )
    } else {
        format!(
            "{which} but {hold} {desktops} {}, {} more: pages of different listings (or of a \
             fleet that changed while it was listed); give the pages of one listing",
            but(desktops),
            desktops - total_count
        )
    }
}

pub(super) fn at_desktop(desktop: Option<usize>) -> String {
    desktop
        .map(|d| format!(", desktop {d}"))
        .unwrap_or_default()
}

pub(super) fn in_parameter(name: Option<&str>) -> String {
    name.map(|n| format!(", in parameter {n:?}"))
        .unwrap_or_default()
}

pub(super) fn then(values: Option<&(String, String)>) -> String {
    values
        .map(|(first, second)| format!(": {first:?}, then {second:?}"))
        .unwrap_or_default()
}

pub(super) fn suggest(field: Option<Field>) -> String {
    match field {
        Some(f) => format!(": did you mean '{f}'?"),
        None => {
            let names: Vec<_> = Field::ALL.iter().map(|f| f.name()).collect();
            format!(": known parameters are {}", names.join(", "))
        }
    }
}

pub(super) fn item(position: Option<usize>) -> String {
    position.map(|p| format!(" item {p}")).unwrap_or_default()
}
