//! The one error type of the crate: every rejection of a request.
//!
//! [`Error`] is here, with its tests; the detail enums its variants carry are in a module
//! per domain: the request ([`request`]: parameters, limits, IDs), the wire forms
//! ([`wire`]: the query form, CSV), snapshots ([`snapshot`]) and plans read back
//! ([`plan`]); how messages quote values is in one place ([`text`]).

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::String;

mod plan;
mod request;
mod snapshot;
mod text;
mod wire;

pub use self::plan::{PlanProblem, PlanShape};
pub use self::request::{Field, IdProblem, IndexProblem, LimitProblem};
pub use self::snapshot::SnapshotProblem;
pub use self::text::SHOWN_CHARS;
use self::text::{at_desktop, count_message, in_desktop, in_parameter, item, suggest, then};
pub(crate) use self::text::{one_line, shown};
pub use self::wire::{CsvProblem, QueryProblem};

/// Why a request was rejected.
///
/// Every message names the parameter, the offending value (shortened to
/// [`SHOWN_CHARS`] characters when long) and, for an item of a list, its 1-based position.
/// Messages are lowercase sentences without a final period, and are part of the interface:
/// the tests pin their wording.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A required parameter is absent (or `null` in JSON).
    #[error("missing required parameter '{field}'")]
    Missing {
        /// The parameter.
        field: Field,
    },
    /// A parameter was given twice in the JSON form, which does not keep the first value
    /// to show it; the query form reports [`Error::RepeatedParameter`], with both values.
    #[error("parameter '{field}' is given more than once")]
    Repeated {
        /// The parameter.
        field: Field,
    },
    /// A parameter given more than once in the query form: one of the request's
    /// (`Preview=true&Preview=false`) or an RPC common parameter (`Version` twice).
    #[error("parameter '{name}' is given more than once{}", then(.values.as_ref()))]
    RepeatedParameter {
        /// The parameter's name.
        name: &'static str,
        /// Its first and second values, shortened; `None` for the credentials
        /// (`Signature`, `SecurityToken`), whose values messages never show.
        values: Option<(String, String)>,
    },
    /// A parameter that the API does not have.
    #[error("unknown parameter {name:?}{}", suggest(*.suggestion))]
    UnknownField {
        /// The name as given, shortened.
        name: String,
        /// The known parameter it most resembles, if any.
        suggestion: Option<Field>,
    },
    /// A value of the wrong JSON type.
    #[error("parameter '{field}'{} must be {expected}, but it is {found}", item(*.position))]
    #[non_exhaustive]
    WrongType {
        /// The parameter.
        field: Field,
        /// The 1-based position, for an item of a list.
        position: Option<usize>,
        /// What the API takes, e.g. `a boolean (true or false)`.
        expected: &'static str,
        /// The value as given, shortened.
        found: String,
    },
    /// `RegionId` is not a region ID.
    #[error(
        "parameter 'RegionId' is {value:?}, which is not a region ID: it must be 1 to 64 \
         lowercase ASCII letters, digits and '-'"
    )]
    InvalidRegion {
        /// The value as given, shortened.
        value: String,
    },
    /// `DesktopId` lists no desktop.
    #[error("parameter '{field}' is empty, but it must list at least one ID")]
    EmptyList {
        /// The parameter.
        field: Field,
    },
    /// An ID that is the empty string.
    #[error("parameter '{field}' item {position} is an empty string, but IDs must not be empty")]
    EmptyId {
        /// The parameter.
        field: Field,
        /// The 1-based position of the item.
        position: usize,
    },
    /// An ID that breaks the rule of [`id_problem`](crate::id_problem): a control
    /// character anywhere, or whitespace at either end.
    #[error("parameter '{field}' item {position} is {value:?}, {problem}")]
    InvalidId {
        /// The parameter.
        field: Field,
        /// The 1-based position of the item.
        position: usize,
        /// The ID, shortened.
        value: String,
        /// What is wrong with it.
        problem: IdProblem,
    },
    /// The same ID twice in one list.
    #[error(
        "parameter '{field}' item {second} is {value:?}, which repeats item {first}: \
         IDs must be unique"
    )]
    DuplicateId {
        /// The parameter.
        field: Field,
        /// The ID, shortened.
        value: String,
        /// The 1-based position of its first occurrence.
        first: usize,
        /// The 1-based position of its repetition.
        second: usize,
    },
    /// A list longer than the API takes in one call (checked only when asked for).
    #[error("parameter '{field}' lists {count} IDs, but the API takes at most {max} in one call")]
    TooManyIds {
        /// The parameter.
        field: Field,
        /// How many IDs it lists.
        count: usize,
        /// The API's maximum.
        max: usize,
    },
    /// A list longer than the planner can index (2^32 - 1 IDs).
    #[error(
        "parameter '{field}' lists {count} IDs, more than the {} this crate can plan",
        u32::MAX
    )]
    ListTooLong {
        /// The parameter.
        field: Field,
        /// How many IDs it lists.
        count: usize,
    },
    /// A limit that is not a whole number from 0 to 500.
    #[error("parameter '{field}' is {}, {problem}: it must be a whole number from 0 to 500", one_line(.value))]
    InvalidLimit {
        /// The parameter.
        field: Field,
        /// The value as given, shortened.
        value: String,
        /// What is wrong with it.
        problem: LimitProblem,
    },
    /// A `Strategy` the API does not have.
    #[error("parameter 'Strategy' is {value:?}, which is not a strategy: valid values are AVERAGE and CENTRAL")]
    UnknownStrategy {
        /// The value as given, shortened.
        value: String,
    },
    /// A plan too large for memory: the request is valid, the machine too small.
    #[error(
        "the plan of {desktops} desktops and {assignments} (desktop, user) pairs does not fit \
         in memory: set MaxUserPerDesktop or MaxDesktopPerUser, or plan fewer desktops or users"
    )]
    #[non_exhaustive]
    PlanTooLarge {
        /// `n`.
        desktops: u64,
        /// `T`.
        assignments: u64,
    },
    /// A bad item of a plan's `AssignModels` (the contract, §8).
    #[error("plan 'AssignModels' item {position} {problem}")]
    Plan {
        /// The item's 1-based position in `AssignModels`.
        position: usize,
        /// What is wrong with it.
        problem: PlanProblem,
    },
    /// A plan body without a list of desktops where `AssignModels` should be.
    #[error("the plan is not a BatchModifyEntitlement response body: {problem}")]
    NotAPlan {
        /// What is missing or wrong.
        problem: PlanShape,
    },
    /// Make-before-break asked for without a snapshot of the fleet (the contract, §8.1).
    #[error(
        "make-before-break needs a snapshot of the fleet as it is: without one, who has \
         which desktop now is unknown"
    )]
    MakeBeforeBreakWithoutSnapshot,
    /// A plan with no desktop at all to compare with a snapshot (the contract, §8.2).
    #[error("the plan lists no desktop: there is nothing to check")]
    EmptyPlan,
    /// A task's desktop moved other than `NOT_STARTED` → `STARTED` → `PROCESSING` →
    /// `FINISHED` or `FAILED` (the contract, §8).
    #[error(
        "desktop {desktop:?} cannot move from {from} to {to}: a desktop moves only \
         NOT_STARTED → STARTED → PROCESSING → FINISHED or FAILED"
    )]
    IllegalMove {
        /// The desktop, shortened.
        desktop: String,
        /// Its status.
        from: crate::status::Status,
        /// The status asked for.
        to: crate::status::Status,
    },
    /// A desktop that the task does not have.
    #[error("desktop {desktop:?} is not in the task")]
    NotInTask {
        /// The desktop, shortened.
        desktop: String,
    },
    /// A polling policy whose waits could not end or could not be kept.
    #[error(
        "polling policy has a first wait of {first:?} and a longest wait of {longest:?}: the \
         first must be more than zero and no longer than the longest"
    )]
    PollingPolicy {
        /// The first wait.
        first: core::time::Duration,
        /// The longest wait.
        longest: core::time::Duration,
    },
    /// Text that is not JSON.
    #[error("malformed JSON at line {line}, column {column}: {message}")]
    #[non_exhaustive]
    Json {
        /// The 1-based line.
        line: usize,
        /// The 1-based column.
        column: usize,
        /// What the JSON parser expected.
        message: String,
    },
    /// Text that is not a well-formed query string (`a=1&b=2`).
    #[error("malformed query at byte {byte}{}: {problem}", in_parameter(.parameter.as_deref()))]
    #[non_exhaustive]
    Query {
        /// The 1-based position, in bytes from the start of the input, of the problem.
        byte: usize,
        /// The parameter's name as far as it could be read, shortened.
        parameter: Option<String>,
        /// What is wrong.
        problem: QueryProblem,
    },
    /// A list parameter in the query form without its item number (`DesktopId=…`).
    #[error(
        "parameter '{field}' needs an item number: a list is sent as '{field}.1', \
         '{field}.2', …"
    )]
    NotIndexed {
        /// The parameter.
        field: Field,
    },
    /// A list item's number in the query form that is not 1, 2, 3, … written plainly.
    #[error(
        "parameter '{field}.{}' has item number {index:?}, {problem}: items are \
         numbered 1, 2, 3, … in decimal",
        one_line(.index)
    )]
    BadIndex {
        /// The parameter.
        field: Field,
        /// The item number as written, shortened.
        index: String,
        /// What is wrong with it.
        problem: IndexProblem,
    },
    /// The same list item twice in the query form (`DesktopId.2` twice).
    #[error("parameter '{field}.{position}' is given more than once: {first:?}, then {second:?}")]
    RepeatedItem {
        /// The parameter.
        field: Field,
        /// The 1-based item number.
        position: usize,
        /// The item's first value, shortened.
        first: String,
        /// Its second value, shortened.
        second: String,
    },
    /// A gap in the item numbers of a list in the query form.
    #[error(
        "parameter '{field}' has no item {missing} but has item {next}: items are numbered \
         1, 2, 3, … without a gap"
    )]
    MissingItem {
        /// The parameter.
        field: Field,
        /// The first item number that is absent.
        missing: usize,
        /// The next item number that is present, as written, shortened.
        next: String,
    },
    /// An `Action` other than `BatchModifyEntitlement`.
    #[error(
        "parameter 'Action' is {value:?}, but this tool reads only 'BatchModifyEntitlement' \
         requests"
    )]
    WrongAction {
        /// The value as given, shortened.
        value: String,
    },
    /// Input in UTF-16 (as PowerShell's `>` writes), which every reader rejects with this
    /// one line; see [`wire::reject_utf16`](crate::wire::reject_utf16).
    #[error("{} is UTF-16: save as UTF-8", one_line(.input))]
    Utf16 {
        /// What was read: a file's name as given, or `the request`.
        input: String,
    },
    /// Memory that a reader or a check needs for an input and cannot have: the input may
    /// be valid, the machine (or its limit) too small. The readers and
    /// [`Request::check`](crate::Request::check) reserve their memory in proportion to the
    /// input fallibly, and say so with this error instead of aborting.
    #[error(
        "{} does not fit in memory: reading and checking {} needs more memory than can be had",
        one_line(.input),
        field.map_or("it".to_owned(), |field| format!("its {field} list"))
    )]
    #[non_exhaustive]
    OutOfMemory {
        /// What was read or checked: a file's name as given, or `the request`.
        input: String,
        /// The list, when the input is one list of IDs.
        field: Option<Field>,
    },
    /// A bad row in a CSV file of IDs.
    #[error("{}, line {line}: {problem}", one_line(.file))]
    #[non_exhaustive]
    Csv {
        /// The file, as named to the tool.
        file: String,
        /// The 1-based line where the row starts, counting the header and blank lines.
        line: u64,
        /// What is wrong.
        problem: CsvProblem,
    },
    /// A `DescribeDesktops` snapshot (`preview --fleet`) that is not JSON.
    #[error(
        "{}: malformed JSON at byte {byte}{}: {message}",
        one_line(.file),
        in_desktop(*.desktop, *.after)
    )]
    #[non_exhaustive]
    SnapshotJson {
        /// The file, as named to the tool.
        file: String,
        /// The 1-based position, in bytes from the start of the file, of the problem.
        byte: usize,
        /// The 1-based position in `Desktops` of the desktop being read, if one was.
        desktop: Option<usize>,
        /// Between desktops (`desktop` is `None`): the 1-based position of the last desktop
        /// read whole, if one was and `Desktops` had not ended; the message names it ("after
        /// desktop 2"), so that a snapshot cut short after its last desktop names that one.
        after: Option<usize>,
        /// What the JSON parser expected.
        message: String,
    },
    /// A `DescribeDesktops` snapshot that is JSON but not a snapshot the contract's §6 reads.
    #[error("{}{}: {problem}", one_line(.file), at_desktop(*.desktop))]
    #[non_exhaustive]
    Snapshot {
        /// The file, as named to the tool.
        file: String,
        /// The 1-based position in the file's `Desktops` of the bad desktop, if the problem
        /// is in one.
        desktop: Option<usize>,
        /// What is wrong.
        problem: SnapshotProblem,
    },
    /// Pages of a snapshot whose `TotalCount` disagrees with the desktops they hold (the
    /// contract, §6.2): the pages that give one `TotalCount` (other than a page that holds
    /// exactly that many, complete by itself) are one listing, and hold exactly that many
    /// desktops. Fewer is a page missing; more is pages of different listings.
    #[error("{}", count_message(.file, *.pages, *.total_count, *.desktops))]
    #[non_exhaustive]
    SnapshotCount {
        /// The first page of the listing, as named to the tool.
        file: String,
        /// How many pages give this `TotalCount`.
        pages: usize,
        /// The `TotalCount` they give.
        total_count: u64,
        /// How many desktops they hold together.
        desktops: u64,
    },
    /// A request whose plan has more (desktop, user) pairs than
    /// [`CheckOptions::max_assignments`](crate::CheckOptions::max_assignments) allows: a
    /// service's budget, not the API's rule.
    #[error(
        "the plan of {desktops} desktops and {users} users has {assignments} (desktop, user) \
         pairs, more than the {max} allowed: set MaxUserPerDesktop or MaxDesktopPerUser, or \
         plan fewer desktops or users"
    )]
    #[non_exhaustive]
    TooManyAssignments {
        /// `n`.
        desktops: u64,
        /// `u`.
        users: u64,
        /// `T`, the plan's number of pairs.
        assignments: u64,
        /// The budget.
        max: u64,
    },
    /// An ID in a plan given by IDs (a response's `AssignModels`, read back) that the
    /// request does not list: see [`Plan::from_ids`](crate::Plan::from_ids).
    #[error(
        "the plan's row {row} names {field} {value:?}{}, which the request does not list",
        position.map(|p| format!(" (item {p} of the row)")).unwrap_or_default()
    )]
    #[non_exhaustive]
    UnknownId {
        /// [`Field::DesktopId`] or [`Field::EndUserId`].
        field: Field,
        /// The ID, shortened.
        value: String,
        /// The 1-based row of the plan (`AssignModels` item).
        row: usize,
        /// For a user, its 1-based position in the row's `EndUserIds`.
        position: Option<usize>,
    },
    /// A row of a plan given by IDs whose desktop is not the request's desktop at that
    /// place: the rows of a plan follow the request's `DesktopId` order.
    #[error(
        "the plan's row {row} is for DesktopId {value:?}, but the request lists it as item \
         {listed}: rows follow the request's order"
    )]
    #[non_exhaustive]
    MisplacedDesktop {
        /// The desktop ID, shortened.
        value: String,
        /// The 1-based row of the plan.
        row: usize,
        /// Its 1-based position in the request's `DesktopId`.
        listed: usize,
    },
}

impl Error {
    /// The request's parameter the error is about, when there is one: the parameter of a
    /// bad value or item, the list of a bad ID or CSV row. `None` for text that is not JSON
    /// or not a query, an unknown parameter (its name is [`Error::value`]), a parameter
    /// that is not the request's (`Action`, `Version`), a plan too large or over budget,
    /// a plan body or task error.
    ///
    /// With [`Error::position`] and [`Error::value`], it lets a service map any rejection
    /// to its own response body without matching every variant:
    ///
    /// ```
    /// use eds_entitlement::{Field, Request};
    ///
    /// let error = Request::new("cn-hangzhou", ["ecd-a", "ecd-b", "ecd-a"], ["Alice"])
    ///     .check()
    ///     .unwrap_err();
    /// assert_eq!(error.field(), Some(Field::DesktopId));
    /// assert_eq!(error.position(), Some(3));
    /// assert_eq!(error.value(), Some("ecd-a"));
    /// let body = format!(
    ///     r#"{{"Code":"InvalidParameter.{}","Message":{:?}}}"#,
    ///     error.field().map_or("Request", |f| f.name()),
    ///     error.to_string(),
    /// );
    /// assert!(body.starts_with(r#"{"Code":"InvalidParameter.DesktopId","#));
    /// ```
    #[must_use]
    pub fn field(&self) -> Option<Field> {
        match self {
            Error::Missing { field }
            | Error::Repeated { field }
            | Error::WrongType { field, .. }
            | Error::EmptyList { field }
            | Error::EmptyId { field, .. }
            | Error::DuplicateId { field, .. }
            | Error::InvalidId { field, .. }
            | Error::TooManyIds { field, .. }
            | Error::ListTooLong { field, .. }
            | Error::InvalidLimit { field, .. }
            | Error::NotIndexed { field }
            | Error::BadIndex { field, .. }
            | Error::RepeatedItem { field, .. }
            | Error::MissingItem { field, .. }
            | Error::UnknownId { field, .. } => Some(*field),
            Error::InvalidRegion { .. } => Some(Field::RegionId),
            Error::UnknownStrategy { .. } => Some(Field::Strategy),
            Error::MisplacedDesktop { .. } => Some(Field::DesktopId),
            Error::RepeatedParameter { name, .. } => Field::from_name(name),
            Error::Query { parameter, .. } => parameter.as_deref().and_then(|name| {
                Field::from_name(name.split_once('.').map_or(name, |(list, _)| list))
            }),
            Error::Csv { problem, .. } => problem.field(),
            Error::OutOfMemory { field, .. } => *field,
            Error::UnknownField { .. }
            | Error::PlanTooLarge { .. }
            | Error::Json { .. }
            | Error::Utf16 { .. }
            | Error::WrongAction { .. }
            | Error::TooManyAssignments { .. }
            | Error::Plan { .. }
            | Error::NotAPlan { .. }
            | Error::MakeBeforeBreakWithoutSnapshot
            | Error::EmptyPlan
            | Error::IllegalMove { .. }
            | Error::NotInTask { .. }
            | Error::PollingPolicy { .. }
            | Error::SnapshotJson { .. }
            | Error::Snapshot { .. }
            | Error::SnapshotCount { .. } => None,
        }
    }

    /// The 1-based position of the item in its list, for an error about one item of
    /// `DesktopId` or `EndUserId`: the second occurrence of a repeated ID, an empty ID, an
    /// item of the wrong type, a repeated or missing item number in the query form, a
    /// user in a plan's row; for a bad item of a plan's `AssignModels`, that item's
    /// position. `None` otherwise: the place in the text of malformed JSON, of
    /// a malformed query or of a CSV row is in the variant (`line`, `column`, `byte`).
    #[must_use]
    pub fn position(&self) -> Option<usize> {
        match self {
            Error::WrongType { position, .. } | Error::UnknownId { position, .. } => *position,
            Error::EmptyId { position, .. }
            | Error::InvalidId { position, .. }
            | Error::RepeatedItem { position, .. } => Some(*position),
            Error::DuplicateId { second, .. } => Some(*second),
            Error::MissingItem { missing, .. } => Some(*missing),
            Error::MisplacedDesktop { listed, .. } => Some(*listed),
            Error::Plan { position, .. } => Some(*position),
            Error::NotAPlan { .. }
            | Error::MakeBeforeBreakWithoutSnapshot
            | Error::EmptyPlan
            | Error::IllegalMove { .. }
            | Error::NotInTask { .. }
            | Error::PollingPolicy { .. }
            | Error::Missing { .. }
            | Error::Repeated { .. }
            | Error::RepeatedParameter { .. }
            | Error::UnknownField { .. }
            | Error::InvalidRegion { .. }
            | Error::EmptyList { .. }
            | Error::TooManyIds { .. }
            | Error::ListTooLong { .. }
            | Error::InvalidLimit { .. }
            | Error::UnknownStrategy { .. }
            | Error::PlanTooLarge { .. }
            | Error::Json { .. }
            | Error::Query { .. }
            | Error::NotIndexed { .. }
            | Error::BadIndex { .. }
            | Error::WrongAction { .. }
            | Error::Csv { .. }
            | Error::Utf16 { .. }
            | Error::OutOfMemory { .. }
            | Error::TooManyAssignments { .. }
            | Error::SnapshotJson { .. }
            | Error::Snapshot { .. }
            | Error::SnapshotCount { .. } => None,
        }
    }

    /// The offending value as the message quotes it (shortened to [`SHOWN_CHARS`]
    /// characters), when it quotes one: a bad region, limit, strategy, ID, item number or
    /// `Action`; the name of an unknown parameter; the second value of a repeated one;
    /// what was found instead of the expected type (`the number 42`); the ID of a bad CSV
    /// row; the value of a bad plan item; the desktop of a task's error. `None` when the
    /// message quotes no value (a missing parameter, an empty ID).
    #[must_use]
    pub fn value(&self) -> Option<&str> {
        match self {
            Error::InvalidRegion { value }
            | Error::DuplicateId { value, .. }
            | Error::InvalidId { value, .. }
            | Error::InvalidLimit { value, .. }
            | Error::UnknownStrategy { value }
            | Error::WrongAction { value }
            | Error::UnknownId { value, .. }
            | Error::MisplacedDesktop { value, .. } => Some(value),
            Error::UnknownField { name, .. } => Some(name),
            Error::WrongType { found, .. } => Some(found),
            Error::BadIndex { index, .. } => Some(index),
            Error::RepeatedItem { second, .. } => Some(second),
            Error::MissingItem { next, .. } => Some(next),
            Error::RepeatedParameter { values, .. } => values.as_ref().map(|(_, second)| &**second),
            Error::Query { problem, .. } => problem.value(),
            Error::Csv { problem, .. } => problem.value(),
            Error::Snapshot { problem, .. } => problem.value(),
            Error::Plan { problem, .. } => problem.value(),
            Error::NotAPlan { problem } => problem.value(),
            Error::IllegalMove { desktop, .. } | Error::NotInTask { desktop } => Some(desktop),
            Error::PollingPolicy { .. }
            | Error::MakeBeforeBreakWithoutSnapshot
            | Error::EmptyPlan
            | Error::Missing { .. }
            | Error::Repeated { .. }
            | Error::EmptyList { .. }
            | Error::EmptyId { .. }
            | Error::TooManyIds { .. }
            | Error::ListTooLong { .. }
            | Error::PlanTooLarge { .. }
            | Error::Json { .. }
            | Error::NotIndexed { .. }
            | Error::Utf16 { .. }
            | Error::OutOfMemory { .. }
            | Error::TooManyAssignments { .. }
            | Error::SnapshotCount { .. }
            | Error::SnapshotJson { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_field_catches_typos_only() {
        assert_eq!(
            Field::closest("MaxUsersPerDesktop"),
            Some(Field::MaxUserPerDesktop)
        );
        assert_eq!(Field::closest("regionid"), Some(Field::RegionId));
        assert_eq!(Field::closest("DesktopIds"), Some(Field::DesktopId));
        assert_eq!(Field::closest("EndUserIds"), Some(Field::EndUserId));
        assert_eq!(Field::closest("Strategie"), Some(Field::Strategy));
        assert_eq!(Field::closest("Colour"), None);
        // The longest name within reach of a typo, and one character more.
        assert_eq!(
            Field::closest("MaxUserPerDesktopxxxx"),
            Some(Field::MaxUserPerDesktop)
        );
        assert_eq!(Field::closest("MaxUserPerDesktopxxxxx"), None);
        assert_eq!(Field::closest(&"x".repeat(20 << 20)), None);
    }

    #[test]
    fn shown_cuts_long_values_at_a_char_boundary() {
        assert_eq!(shown("short"), "short");
        let exact = "é".repeat(SHOWN_CHARS);
        assert_eq!(shown(&exact), exact);
        let long = "é".repeat(SHOWN_CHARS + 1);
        assert_eq!(shown(&long), format!("{}…", "é".repeat(SHOWN_CHARS - 1)));
    }
}

#[cfg(test)]
mod accessor_tests {
    use super::*;

    /// Every variant, with what its accessors must say: `(error, field, position, value)`.
    /// The accessors match without a wildcard, so a new variant fails to compile until it
    /// is covered there; add it here too.
    type Said = (Error, Option<Field>, Option<usize>, Option<&'static str>);

    fn every_variant() -> Vec<Said> {
        use Field::*;
        vec![
            (
                Error::Missing { field: RegionId },
                Some(RegionId),
                None,
                None,
            ),
            (
                Error::Repeated { field: Preview },
                Some(Preview),
                None,
                None,
            ),
            (
                Error::RepeatedParameter {
                    name: "Preview",
                    values: Some(("true".into(), "false".into())),
                },
                Some(Preview),
                None,
                Some("false"),
            ),
            (
                Error::RepeatedParameter {
                    name: "Signature",
                    values: None,
                },
                None,
                None,
                None,
            ),
            (
                Error::UnknownField {
                    name: "Colour".into(),
                    suggestion: None,
                },
                None,
                None,
                Some("Colour"),
            ),
            (
                Error::WrongType {
                    field: EndUserId,
                    position: Some(2),
                    expected: "a string",
                    found: "the number 42".into(),
                },
                Some(EndUserId),
                Some(2),
                Some("the number 42"),
            ),
            (
                Error::InvalidRegion { value: "X".into() },
                Some(RegionId),
                None,
                Some("X"),
            ),
            (
                Error::EmptyList { field: DesktopId },
                Some(DesktopId),
                None,
                None,
            ),
            (
                Error::EmptyId {
                    field: EndUserId,
                    position: 4,
                },
                Some(EndUserId),
                Some(4),
                None,
            ),
            (
                Error::DuplicateId {
                    field: DesktopId,
                    value: "d".into(),
                    first: 1,
                    second: 3,
                },
                Some(DesktopId),
                Some(3),
                Some("d"),
            ),
            (
                Error::TooManyIds {
                    field: EndUserId,
                    count: 501,
                    max: 500,
                },
                Some(EndUserId),
                None,
                None,
            ),
            (
                Error::ListTooLong {
                    field: DesktopId,
                    count: 1 << 32,
                },
                Some(DesktopId),
                None,
                None,
            ),
            (
                Error::InvalidLimit {
                    field: MaxDesktopPerUser,
                    value: "-1".into(),
                    problem: LimitProblem::Negative,
                },
                Some(MaxDesktopPerUser),
                None,
                Some("-1"),
            ),
            (
                Error::UnknownStrategy {
                    value: "average".into(),
                },
                Some(Strategy),
                None,
                Some("average"),
            ),
            (
                Error::PlanTooLarge {
                    desktops: 1,
                    assignments: 2,
                },
                None,
                None,
                None,
            ),
            (
                Error::OutOfMemory {
                    input: "desktops.csv".into(),
                    field: Some(DesktopId),
                },
                Some(DesktopId),
                None,
                None,
            ),
            (
                Error::Json {
                    line: 1,
                    column: 2,
                    message: "trailing comma".into(),
                },
                None,
                None,
                None,
            ),
            (
                Error::Query {
                    byte: 26,
                    parameter: Some("DesktopId.1".into()),
                    problem: QueryProblem::BadEscape { text: "%G1".into() },
                },
                Some(DesktopId),
                None,
                Some("%G1"),
            ),
            (
                Error::Query {
                    byte: 1,
                    parameter: None,
                    problem: QueryProblem::NotUtf8,
                },
                None,
                None,
                None,
            ),
            (
                Error::NotIndexed { field: DesktopId },
                Some(DesktopId),
                None,
                None,
            ),
            (
                Error::BadIndex {
                    field: EndUserId,
                    index: "01".into(),
                    problem: IndexProblem::LeadingZero,
                },
                Some(EndUserId),
                None,
                Some("01"),
            ),
            (
                Error::RepeatedItem {
                    field: DesktopId,
                    position: 2,
                    first: "a".into(),
                    second: "b".into(),
                },
                Some(DesktopId),
                Some(2),
                Some("b"),
            ),
            (
                Error::MissingItem {
                    field: DesktopId,
                    missing: 2,
                    next: "3".into(),
                },
                Some(DesktopId),
                Some(2),
                Some("3"),
            ),
            (
                Error::WrongAction {
                    value: "DescribeDesktops".into(),
                },
                None,
                None,
                Some("DescribeDesktops"),
            ),
            (
                Error::Csv {
                    file: "d.csv".into(),
                    line: 3,
                    problem: CsvProblem::DuplicateId {
                        field: DesktopId,
                        value: "ecd-a".into(),
                        first_line: 1,
                    },
                },
                Some(DesktopId),
                None,
                Some("ecd-a"),
            ),
            (
                Error::Csv {
                    file: "d.csv".into(),
                    line: 3,
                    problem: CsvProblem::UnequalRow {
                        cells: 2,
                        expected: 1,
                    },
                },
                None,
                None,
                None,
            ),
            (
                Error::TooManyAssignments {
                    desktops: 10,
                    users: 10,
                    assignments: 100,
                    max: 99,
                },
                None,
                None,
                None,
            ),
            (
                Error::UnknownId {
                    field: EndUserId,
                    value: "Zed".into(),
                    row: 2,
                    position: Some(1),
                },
                Some(EndUserId),
                Some(1),
                Some("Zed"),
            ),
            (
                Error::MisplacedDesktop {
                    value: "d2".into(),
                    row: 1,
                    listed: 2,
                },
                Some(DesktopId),
                Some(2),
                Some("d2"),
            ),
            (
                Error::Plan {
                    position: 3,
                    problem: PlanProblem::UnknownStatus {
                        value: "DONE".into(),
                    },
                },
                None,
                Some(3),
                Some("DONE"),
            ),
            (
                Error::Plan {
                    position: 1,
                    problem: PlanProblem::NoDesktopId,
                },
                None,
                Some(1),
                None,
            ),
            (
                Error::NotAPlan {
                    problem: PlanShape::WrongType {
                        key: "Entitlements",
                        expected: "an object",
                        found: "an array".into(),
                    },
                },
                None,
                None,
                Some("an array"),
            ),
            (
                Error::IllegalMove {
                    desktop: "ecd-a".into(),
                    from: crate::status::Status::Finished,
                    to: crate::status::Status::Started,
                },
                None,
                None,
                Some("ecd-a"),
            ),
            (
                Error::NotInTask {
                    desktop: "ecd-z".into(),
                },
                None,
                None,
                Some("ecd-z"),
            ),
            (
                Error::PollingPolicy {
                    first: core::time::Duration::ZERO,
                    longest: core::time::Duration::from_secs(1),
                },
                None,
                None,
                None,
            ),
        ]
    }

    #[test]
    fn accessors_say_field_position_and_value_of_every_variant() {
        for (error, field, position, value) in every_variant() {
            assert_eq!(error.field(), field, "{error:?}");
            assert_eq!(error.position(), position, "{error:?}");
            assert_eq!(error.value(), value, "{error:?}");
            // What the accessors give is what the message says.
            let message = error.to_string();
            if let Some(value) = value {
                assert!(message.contains(value), "{message}");
            }
            if let Some(field) = field {
                assert!(message.contains(field.name()), "{message}");
            }
        }
    }

    #[test]
    fn new_variants_messages() {
        let [budget, unknown, misplaced] = [
            Error::TooManyAssignments {
                desktops: 10,
                users: 10,
                assignments: 100,
                max: 99,
            },
            Error::UnknownId {
                field: Field::EndUserId,
                value: "Zed".into(),
                row: 2,
                position: Some(1),
            },
            Error::MisplacedDesktop {
                value: "d2".into(),
                row: 1,
                listed: 2,
            },
        ]
        .map(|e| e.to_string());
        assert_eq!(
            budget,
            "the plan of 10 desktops and 10 users has 100 (desktop, user) pairs, more than the \
             99 allowed: set MaxUserPerDesktop or MaxDesktopPerUser, or plan fewer desktops or \
             users"
        );
        assert_eq!(
            unknown,
            r#"the plan's row 2 names EndUserId "Zed" (item 1 of the row), which the request does not list"#
        );
        assert_eq!(
            misplaced,
            r#"the plan's row 1 is for DesktopId "d2", but the request lists it as item 2: rows follow the request's order"#
        );
    }

    #[test]
    fn field_all_is_every_parameter_once() {
        let all: &[Field] = Field::ALL;
        assert_eq!(all.len(), 7);
        for (i, f) in all.iter().enumerate() {
            assert_eq!(Field::from_name(f.name()), Some(*f));
            assert!(!all[..i].contains(f), "{f} twice");
        }
    }
}
