//! The details of a rejected request: its parameters ([`Field`]), its limits and its IDs.

use alloc::vec::Vec;
use core::fmt;

/// A parameter of the `BatchModifyEntitlement` request, named as the API names it.
///
/// Its [`Display`](fmt::Display) is the API's parameter name, so messages read
/// `parameter 'MaxUserPerDesktop' …`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Field {
    /// `RegionId`: the region, e.g. `cn-hangzhou`.
    RegionId,
    /// `DesktopId`: the desktops whose end users the call sets.
    DesktopId,
    /// `EndUserId`: the end users to assign.
    EndUserId,
    /// `MaxUserPerDesktop`: users per desktop.
    MaxUserPerDesktop,
    /// `MaxDesktopPerUser`: desktops per user.
    MaxDesktopPerUser,
    /// `Strategy`: `AVERAGE` or `CENTRAL`.
    Strategy,
    /// `Preview`: preview only, or a task to execute.
    Preview,
}

impl Field {
    /// Every parameter of the request, in the order of the API's documentation. A slice,
    /// so that a parameter added later is not a breaking change.
    pub const ALL: &'static [Field] = &[
        Field::RegionId,
        Field::MaxUserPerDesktop,
        Field::MaxDesktopPerUser,
        Field::Strategy,
        Field::DesktopId,
        Field::EndUserId,
        Field::Preview,
    ];

    /// The API's name of this parameter.
    pub const fn name(self) -> &'static str {
        match self {
            Field::RegionId => "RegionId",
            Field::DesktopId => "DesktopId",
            Field::EndUserId => "EndUserId",
            Field::MaxUserPerDesktop => "MaxUserPerDesktop",
            Field::MaxDesktopPerUser => "MaxDesktopPerUser",
            Field::Strategy => "Strategy",
            Field::Preview => "Preview",
        }
    }

    /// The parameter with exactly this API name.
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// The known parameter whose name is closest to `name`, when one is close enough to be
    /// a likely typo (`MaxUsersPerDesktop` → `MaxUserPerDesktop`, `regionid` → `RegionId`).
    ///
    /// Costs `O(1)` whatever the length of `name`: a name too much longer than every known
    /// one to be within a typo of it gets no suggestion, without computing a distance.
    pub fn closest(name: &str) -> Option<Field> {
        // The edit distance is at least the difference in length, so a name more than
        // `typos(f)` characters longer than the longest name `f` is near none.
        let longest = Field::ALL
            .iter()
            .map(|f| f.name().len() + typos(*f))
            .max()
            .unwrap_or(0);
        if name.chars().nth(longest).is_some() {
            return None;
        }
        let lower = name.to_ascii_lowercase();
        Field::ALL
            .iter()
            .copied()
            .map(|f| (edit_distance(&lower, &f.name().to_ascii_lowercase()), f))
            .filter(|&(d, f)| d <= typos(f))
            .min_by_key(|&(d, _)| d)
            .map(|(_, f)| f)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What is wrong with a limit (`MaxUserPerDesktop` or `MaxDesktopPerUser`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitProblem {
    /// Below zero.
    Negative,
    /// A number with a fraction or an exponent.
    Fractional,
    /// Not a number at all.
    NotANumber,
    /// Above the API's maximum of 500.
    TooLarge,
}

impl fmt::Display for LimitProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LimitProblem::Negative => "which is negative",
            LimitProblem::Fractional => "which is not a whole number",
            LimitProblem::NotANumber => "which is not a number",
            LimitProblem::TooLarge => "which is above the API's maximum of 500",
        })
    }
}

/// What makes a string no ID, whichever form brought it: the one rule of
/// [`id_problem`](crate::id_problem), which [`Request::check`](crate::Request::check) and
/// every reader apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdProblem {
    /// A control character anywhere: U+0000 to U+001F (NUL, tab, line breaks, …), U+007F
    /// (DEL) or U+0080 to U+009F (C1), however it was written (a JSON escape, `%00`, a raw
    /// byte).
    ControlCharacter {
        /// The first one in the ID.
        character: char,
    },
    /// Whitespace at the start or the end: a padded cell, a space copied with the ID.
    Whitespace,
}

impl fmt::Display for IdProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdProblem::ControlCharacter { character } => write!(
                f,
                "which holds the control character U+{:04X}: IDs must be printable text",
                u32::from(*character)
            ),
            IdProblem::Whitespace => {
                f.write_str("which begins or ends with whitespace: IDs must not be padded")
            }
        }
    }
}

/// What is wrong with the item number of a list parameter in the query form
/// (`DesktopId.N`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IndexProblem {
    /// `Name.0`: items are numbered from 1.
    Zero,
    /// `Name.01`: a second spelling of an item number, which no SDK writes.
    LeadingZero,
    /// `Name.x`, `Name.`, `Name.-1`, `Name.1.2`: not a decimal number.
    NotANumber,
}

impl fmt::Display for IndexProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IndexProblem::Zero => "which is zero",
            IndexProblem::LeadingZero => "which has a leading zero",
            IndexProblem::NotANumber => "which is not a whole number",
        })
    }
}

/// How many typos a name may have and still be taken for `field`'s.
fn typos(field: Field) -> usize {
    2.max(field.name().len() / 4)
}

/// Levenshtein distance, for suggestions among a handful of short names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}
