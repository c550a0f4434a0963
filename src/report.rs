//! Reports for people, as the command line prints them: capacity figures, a plan's summary,
//! and a plan as an aligned table. (Programs read the JSON response, or [`Capacity`] with
//! serde.)
//!
//! Only with the `report` feature (which `cli` turns on); it needs no argument parser. The
//! planner knows nothing of this module.

use std::io::{self, Write};

use indexmap::IndexMap;
use xxhash_rust::xxh3::Xxh3DefaultBuilder;

mod html;
pub use html::{write_plan_review_html, write_review_html, Planned};

use crate::capacity::{capacity, Capacity};
use crate::error;
use crate::fleet::UserCaps;
use crate::fleet::{desktop_changes, Changes, DesktopChange};
use crate::fleet::{Eligibility, Fleet, FleetPlan};
use crate::planner::{Plan, PlanRows, RowSource};
use crate::request::CheckedRequest;
use crate::shape::Shape;

/// `text` on one line, as every message and report of this crate shows text: control
/// characters are escaped (a newline as `\n`, NUL as `\0`, others as `\u{1b}`), and
/// nothing else changes. Borrows when there is nothing to escape. `O(len)`.
///
/// ```
/// use eds_entitlement::report::one_line;
///
/// assert_eq!(one_line("ecd-a"), "ecd-a");
/// assert_eq!(one_line("req\nuest.json"), "req\\nuest.json");
/// ```
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    error::one_line(text)
}

/// Writes [the contract](crate::contract)'s §5 figures for `shape`, one per line, label and value aligned, then which
/// limit bound the plan. `O(1)`.
///
/// ```
/// use eds_entitlement::{report, Limit, Shape};
///
/// let shape = Shape::builder()
///     .desktops(3)
///     .users(4)
///     .max_user_per_desktop(Limit::new(1).unwrap())
///     .max_desktop_per_user(Limit::new(2).unwrap())
///     .build();
/// let mut text = Vec::new();
/// report::write_capacity(&shape, &mut text)?;
/// let text = String::from_utf8(text).unwrap();
/// assert!(text.contains("\nusers without a desktop   1\n"));
/// assert!(text.ends_with("\nbound by                  MaxUserPerDesktop\n"));
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Errors
///
/// The writer's.
pub fn write_capacity<W: Write>(shape: &Shape, out: W) -> io::Result<()> {
    capacity_figures(shape, &capacity(shape), "desktops", None, out)
}

/// [`write_capacity`] of the figures `c` (of a plan of `shape`, or as §6.1 reads them with
/// a snapshot), its first figure (`n`) under `desktops_label`, and with `at_limit`, the
/// users at the limit already after the users without a desktop.
fn capacity_figures<W: Write>(
    shape: &Shape,
    c: &Capacity,
    desktops_label: &str,
    at_limit: Option<u64>,
    mut out: W,
) -> io::Result<()> {
    let range = |min: u64, max: u64| {
        if min == max {
            min.to_string()
        } else {
            format!("{min} to {max}")
        }
    };
    let needed = match shape.max_desktop_per_user().get() {
        Some(m) => format!(
            "{} (for every user to get {m} desktop{})",
            c.desktops_needed,
            if m == 1 { "" } else { "s" }
        ),
        // Without MaxDesktopPerUser, CENTRAL gives the first users every desktop: the
        // figure is what AVERAGE needs (the contract, §5), and the label says so.
        None => format!(
            "{} (for every user to get a desktop under AVERAGE)",
            c.desktops_needed
        ),
    };
    let mut rows: Vec<(&str, String)> = vec![
        (desktops_label, c.desktops.to_string()),
        ("users", c.users.to_string()),
        (
            "MaxUserPerDesktop",
            shape.max_user_per_desktop().to_string(),
        ),
        (
            "MaxDesktopPerUser",
            shape.max_desktop_per_user().to_string(),
        ),
        ("Strategy", shape.strategy().to_string()),
        ("assignments", c.assignments.to_string()),
        ("users fully served", c.users_full.to_string()),
        ("users partly served", c.users_partial.to_string()),
        ("users without a desktop", c.users_unserved.to_string()),
        ("desktops with users", c.desktops_used.to_string()),
        ("desktops without users", c.desktops_idle.to_string()),
        (
            "users per desktop",
            range(c.min_users_per_desktop, c.max_users_per_desktop),
        ),
        (
            "desktops per user",
            range(c.min_desktops_per_user, c.max_desktops_per_user),
        ),
        ("desktops needed", needed),
        ("bound by", shape.binding().to_string()),
    ];
    if let Some(at_limit) = at_limit {
        rows.insert(9, ("users at limit already", at_limit.to_string()));
    }
    for (label, value) in rows {
        writeln!(out, "{label:<25} {value}")?;
    }
    Ok(())
}

/// Writes the summary of `request`'s plan: the figures of [`write_capacity`] for its shape,
/// then the IDs of the users left without a desktop and of the desktops left without users,
/// one per line under a heading (`  (none)` when there is none). The figures come first so
/// that a long list does not hide them.
///
/// Needs no plan: by [the contract](crate::contract), §2, a user is left out exactly when its quota is `0`, and a desktop
/// exactly when its load is `0`. `O(n + u)`.
///
/// ```
/// use eds_entitlement::{report, Request};
///
/// let request = Request::new("cn-hangzhou", ["d1", "d2"], ["A", "B", "C"])
///     .max_user_per_desktop(1)
///     .check()?;
/// let mut text = Vec::new();
/// report::write_summary(&request, &mut text)?;
/// let text = String::from_utf8(text).unwrap();
/// assert!(text.ends_with("users without a desktop:\n  C\ndesktops without users:\n  (none)\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// The writer's.
pub fn write_summary<W: Write>(request: &CheckedRequest, mut out: W) -> io::Result<()> {
    let shape = request.shape();
    write_capacity(&shape, &mut out)?;
    writeln!(out, "users without a desktop:")?;
    let unserved = request
        .end_user_ids()
        .iter()
        .enumerate()
        .filter(|&(j, _)| shape.quota(j as u64) == 0);
    write_list(&mut out, unserved.map(|(_, id)| id))?;
    writeln!(out, "desktops without users:")?;
    let idle = request
        .desktop_ids()
        .iter()
        .enumerate()
        .filter(|&(i, _)| shape.desktop_load(i as u64) == 0);
    write_list(&mut out, idle.map(|(_, id)| id))
}

fn write_list<'a, W: Write>(out: &mut W, ids: impl Iterator<Item = &'a str>) -> io::Result<()> {
    let mut none = true;
    for id in ids {
        none = false;
        writeln!(out, "  {}", one_line(id))?;
    }
    if none {
        writeln!(out, "  (none)")?;
    }
    Ok(())
}

/// The widest the desktop column gets, in characters: a longer ID is written whole and
/// pushes the rest of its own row to the right, rather than every row being padded to it.
pub const MAX_ID_WIDTH: usize = 64;

/// The most user IDs a table row lists in one list; the others are counted (`… and 145
/// more`). The row's count of users is the whole count.
pub const ROW_USERS: usize = 10;

/// The most IDs a summary lists under one heading; the others are counted, and
/// `--output changes` has them all.
pub const SUMMARY_SAMPLE: usize = 10;

/// Writes `plan` as a table for people: one row per desktop, in request order, with its
/// 1-based position, its ID, its number of users and their IDs, separated by `, ` (at most
/// [`ROW_USERS`] of them, then `… and N more`). Columns
/// are aligned (by characters) for IDs of up to [`MAX_ID_WIDTH`] characters; control
/// characters in IDs are escaped so that a row stays one line. `O(n + T)`, plus a first pass
/// over the desktop IDs for the column's width.
///
/// ```
/// use eds_entitlement::{plan, report, Request};
///
/// let request = Request::new("cn-hangzhou", ["ecd-1", "ecd-22"], ["Alice", "Bob", "Carol"])
///     .max_user_per_desktop(2)
///     .check()?;
/// let mut text = Vec::new();
/// report::write_table(&request, &plan(&request), &mut text)?;
/// let lines = [
///     "# DesktopId Users EndUserIds",
///     "1 ecd-1         2 Alice, Bob",
///     "2 ecd-22        2 Alice, Carol",
/// ];
/// assert_eq!(String::from_utf8(text).unwrap(), lines.join("\n") + "\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// The writer's; [`io::ErrorKind::InvalidData`] when the plan does not fit the request (a
/// plan from [`Plan::from_lists`] with another number of desktops or unknown users).
pub fn write_table<W: Write>(request: &CheckedRequest, plan: &Plan, out: W) -> io::Result<()> {
    let desktops = request.desktop_ids().len();
    if plan.desktops() != desktops {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "the plan has {} desktops, but the request lists {desktops}",
                plan.desktops(),
            ),
        ));
    }
    let most = plan.iter().map(<[u32]>::len).max().unwrap_or(0);
    table(request, &mut plan.iter(), most, out)
}

/// [`write_table`], the same bytes, planning as it writes: each desktop's users are made by
/// `rows` (from [`try_plan_rows`](crate::try_plan_rows)) when its row is written, and the
/// whole plan is never held.
///
/// # Errors
///
/// The writer's; [`io::ErrorKind::InvalidData`] when `rows` are not the fresh rows of
/// `request`'s plan.
pub fn write_table_rows<W: Write>(
    request: &CheckedRequest,
    rows: &mut PlanRows,
    out: W,
) -> io::Result<()> {
    let shape = fresh_shape(request, rows)?;
    // The first desktop has the most users: `⌈T/n⌉`.
    table(request, rows, shape.desktop_load(0) as usize, out)
}

/// `request`'s shape, or [`io::ErrorKind::InvalidData`] when `rows` are not the untouched
/// rows of its plan: the writers that plan as they write take nothing else.
fn fresh_shape(request: &CheckedRequest, rows: &PlanRows) -> io::Result<Shape> {
    let shape = request.shape();
    rows.check_fresh(&shape)
        .map_err(|message| io::Error::new(io::ErrorKind::InvalidData, message))?;
    Ok(shape)
}

fn table<W: Write>(
    request: &CheckedRequest,
    rows: &mut dyn RowSource,
    most: usize,
    mut out: W,
) -> io::Result<()> {
    let (desktops, users) = (request.desktop_ids(), request.end_user_ids());
    let position_width = desktops.len().to_string().len();
    let id_width = desktops
        .iter()
        .map(|id| one_line(id).chars().count().min(MAX_ID_WIDTH))
        .max()
        .unwrap_or(0)
        .max("DesktopId".len());
    let count_width = most.to_string().len().max("Users".len());
    writeln!(
        out,
        "{:<position_width$} {:<id_width$} {:>count_width$} EndUserIds",
        "#", "DesktopId", "Users"
    )?;
    for (i, desktop) in desktops.iter().enumerate() {
        let end_users = rows.next_row().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "the plan has {i} desktops, but the request lists {}",
                    desktops.len()
                ),
            )
        })?;
        let desktop = one_line(desktop);
        write!(out, "{:>position_width$} {desktop}", i + 1)?;
        // Padded by hand, by characters as the width was measured: a format width is a
        // `u16`, and the ID may be longer.
        let pad = id_width.saturating_sub(desktop.chars().count());
        write!(out, "{:pad$} {:>count_width$}", "", end_users.len())?;
        // Every user is looked up, so that a plan that does not fit is refused whole.
        for (s, &j) in end_users.iter().enumerate() {
            let user = users.get(j as usize).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "the plan names user index {j}, but the request lists {} users",
                        users.len()
                    ),
                )
            })?;
            if s < ROW_USERS {
                out.write_all(if s == 0 { b" " } else { b", " })?;
                out.write_all(one_line(user).as_bytes())?;
            }
        }
        if end_users.len() > ROW_USERS {
            write!(out, " … and {} more", end_users.len() - ROW_USERS)?;
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The one line `requests --summary` prints on stderr: how many calls of each operation, in
/// how many waves, for how many desktops, beside the per-desktop baseline; then, when there
/// are any, the calls beyond the baseline (make-before-break), the desktops that cannot be
/// changed now, and the revocations held back.
///
/// ```
/// use eds_entitlement::{calls, report, PlanResponse, PlannedDesktop};
///
/// let plan = PlanResponse::new(vec![PlannedDesktop::new("ecd-a", None, ["Alice"])])?;
/// let calls = calls(&plan, None, "cn-hangzhou")?;
/// assert_eq!(
///     report::calls_summary(&calls),
///     "1 call (1 ModifyEntitlement, 0 ModifyUserEntitlement) in 1 wave for 1 desktop; \
///      per-desktop baseline 1"
/// );
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
pub fn calls_summary(calls: &crate::execute::Calls) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let replacements = calls.modify_entitlement();
    let mut line = format!(
        "{} ({replacements} ModifyEntitlement, {} ModifyUserEntitlement) in {} for {}; \
         per-desktop baseline {}",
        plural(calls.len(), "call", "calls"),
        calls.len() - replacements,
        plural(calls.waves(), "wave", "waves"),
        plural(calls.desktops(), "desktop", "desktops"),
        calls.baseline()
    );
    if calls.extra() > 0 {
        line += &format!(
            "; {} beyond it (make-before-break)",
            plural(calls.extra(), "call", "calls")
        );
    }
    if !calls.unchangeable().is_empty() {
        line += &format!(
            "; {} cannot be changed now",
            plural(calls.unchangeable().len(), "desktop", "desktops")
        );
    }
    if !calls.held_back().is_empty() {
        line += &format!(
            "; {} held back",
            plural(calls.held_back().len(), "revocation", "revocations")
        );
    }
    line
}

/// The lines `requests` prints on stderr for what it leaves out: each desktop that cannot be
/// changed now, with its reason, and each revocation held back by make-before-break.
pub fn left_out_lines(calls: &crate::execute::Calls) -> Vec<String> {
    let mut lines = Vec::new();
    for left in calls.unchangeable() {
        lines.push(format!(
            "desktop {:?} gets no call: {} now",
            one_line(&left.desktop_id),
            left.eligibility.reason().unwrap_or("Eligible")
        ));
    }
    for held in calls.held_back() {
        lines.push(format!(
            "desktop {:?} keeps user {:?} (make-before-break): the desktop planned for this \
             user instead cannot be changed now",
            one_line(&held.desktop_id),
            one_line(&held.user_id)
        ));
    }
    lines
}

/// Writes what [`compare_with_fleet`](crate::compare_with_fleet) found for people: one line
/// per desktop not as it should be, `DESKTOP: REASON`, then what is missing and extra.
///
/// # Errors
///
/// The writer's I/O errors.
pub fn write_comparison<W: Write>(
    found: &crate::execute::Comparison,
    mut out: W,
) -> io::Result<()> {
    use crate::execute::MismatchReason as R;
    for m in &found.mismatches {
        write!(out, "{}: {}", one_line(&m.desktop_id), m.reason.name())?;
        match m.reason {
            R::NotInSnapshot => out.write_all(b": the snapshot after has no such desktop")?,
            R::Assigning => out.write_all(b": still being assigned; check again later")?,
            R::Differs | R::Touched => {
                if m.reason == R::Touched {
                    out.write_all(b" (no call was to change it)")?;
                }
                if !m.missing.is_empty() {
                    write!(
                        out,
                        "; missing {}",
                        joined(m.missing.iter().map(String::as_str))
                    )?;
                }
                if !m.extra.is_empty() {
                    write!(
                        out,
                        "; extra {}",
                        joined(m.extra.iter().map(String::as_str))
                    )?;
                }
            }
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The state column of a fleet report: the snapshot's status for an eligible desktop, the
/// reason (with the status, when there is one) for the others.
fn state(change: &DesktopChange<'_>) -> String {
    match (change.eligibility.reason(), change.status) {
        (None, Some(status)) => one_line(status).into_owned(),
        (Some("NotInSnapshot") | None, _) => "NotInSnapshot".to_owned(),
        (Some(reason), Some(status)) => format!("{reason} ({})", one_line(status)),
        (Some(reason), None) => reason.to_owned(),
    }
}

/// `ids` for a table row: at most [`ROW_USERS`] of them, separated by `, `, then
/// `… and N more`; `(none)` when there is none.
fn joined<'a>(ids: impl IntoIterator<Item = &'a str>) -> String {
    let mut text = String::new();
    let mut more = 0;
    for (i, id) in ids.into_iter().enumerate() {
        if i >= ROW_USERS {
            more += 1;
            continue;
        }
        if i > 0 {
            text.push_str(", ");
        }
        text.push_str(&one_line(id));
    }
    if text.is_empty() {
        text.push_str("(none)");
    }
    if more > 0 {
        text.push_str(&format!(" … and {more} more"));
    }
    text
}

/// Writes the change report of a plan made against a snapshot (the contract, §6) as a table
/// for people: one row per listed desktop, in request order, with its 1-based position, its
/// ID, its state (the snapshot's `DesktopStatus` when eligible, otherwise the reason and the
/// status) and its users before → after, then who is added and removed (each list at most
/// [`ROW_USERS`] IDs, then `… and N more`); then the totals.
/// `O(n + u + T + P)` (`P`: the snapshot's pairs on listed desktops).
///
/// ```
/// use eds_entitlement::{plan_against, report, Fleet, Request, SnapshotDesktop};
///
/// let request = Request::new("cn-hangzhou", ["ecd-a", "ecd-b"], ["Bob"]).check()?;
/// let mut fleet = Fleet::new();
/// fleet.insert("ecd-a", SnapshotDesktop::new("Running").end_users(["Alice"])).unwrap();
/// fleet.insert("ecd-b", SnapshotDesktop::new("Stopped").end_users(["Carol"])).unwrap();
/// let planned = plan_against(&request, &fleet)?;
/// let mut text = Vec::new();
/// report::write_fleet_table(&request, &fleet, &planned, &mut text)?;
/// let text = String::from_utf8(text).unwrap();
/// assert!(text.starts_with(
///     "# DesktopId State                Users before → after\n\
///      1 ecd-a     Running              Alice → Bob (added Bob; removed Alice)\n\
///      2 ecd-b     NotRunning (Stopped) Carol → Carol (unchanged)\n\n"
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// The writer's.
pub fn write_fleet_table<W: Write>(
    request: &CheckedRequest,
    fleet: &Fleet,
    plan: &FleetPlan,
    mut out: W,
) -> io::Result<()> {
    let desktops = request.desktop_ids();
    let position_width = desktops.len().to_string().len();
    let id_width = desktops
        .iter()
        .map(|id| one_line(id).chars().count())
        .max()
        .unwrap_or(0)
        .max("DesktopId".len());
    let state_width = desktop_changes(request, fleet, plan)
        .map(|c| state(&c).chars().count())
        .max()
        .unwrap_or(0)
        .max("State".len());
    writeln!(
        out,
        "{:<position_width$} {:<id_width$} {:<state_width$} Users before → after",
        "#", "DesktopId", "State"
    )?;
    for (i, change) in desktop_changes(request, fleet, plan).enumerate() {
        let id = one_line(change.desktop_id);
        write!(
            out,
            "{:>position_width$} {id:<id_width$} {:<state_width$} {} → {}",
            i + 1,
            state(&change),
            joined(change.before.iter().map(String::as_str)),
            joined(change.after.iter().copied()),
        )?;
        match (change.added.is_empty(), change.removed.is_empty()) {
            (true, true) => writeln!(out, " (unchanged)")?,
            (false, true) => writeln!(out, " (added {})", joined(change.added))?,
            (true, false) => writeln!(out, " (removed {})", joined(change.removed))?,
            (false, false) => writeln!(
                out,
                " (added {}; removed {})",
                joined(change.added),
                joined(change.removed)
            )?,
        }
    }
    writeln!(out)?;
    write_totals(&Changes::new(request, fleet, plan), &mut out)
}

/// Writes the totals of a change report, one per line, label and value aligned; the labels
/// are the contract's §6 keys with spaces.
fn write_totals<W: Write>(c: &Changes, out: &mut W) -> io::Result<()> {
    let rows: [(&str, u64); 12] = [
        ("desktops", c.desktops),
        ("desktops eligible", c.desktops_eligible),
        ("desktops ineligible", c.desktops_ineligible),
        ("desktops changed", c.desktops_changed),
        ("desktops left empty", c.desktops_left_empty),
        ("pairs before", c.pairs_before),
        ("pairs after", c.pairs_after),
        ("pairs kept", c.pairs_kept),
        ("pairs added", c.pairs_added),
        ("pairs removed", c.pairs_removed),
        ("users losing all", c.users_losing_all),
        ("users over limit", c.users_over_limit),
    ];
    for (label, value) in rows {
        writeln!(out, "{label:<25} {value}")?;
    }
    Ok(())
}

/// Writes the summary of a plan made against a snapshot (the contract, §6), for people and
/// of a bounded length whatever the fleet's size:
///
/// - the capacity figures of [`write_capacity`] for the plan over the eligible desktops, as
///   §6.1 reads them (the first is `desktops eligible`, the same figure as in the totals;
///   `users at limit already` counts the users whose kept ineligible desktops reach
///   `MaxDesktopPerUser`, apart from the served and unserved);
/// - the users the plan leaves without a desktop (those at the limit already apart), and
///   the eligible desktops it leaves without users;
/// - the ineligible desktops, grouped by reason (§6's order: `NotInSnapshot`, `NotRunning`,
///   `Assigning`), each with its status;
/// - the users losing all access (who have a listed desktop before and none after);
/// - the users over `MaxDesktopPerUser` on the ineligible desktops they keep alone (§6.1),
///   each with how many it keeps;
/// - then the change report's totals.
///
/// Each list is its count on the heading's line, then at most [`SUMMARY_SAMPLE`] IDs (the
/// first in request order, or in the change report's order for users), then
/// `… and N more (all of them: --output changes)`. `O(n + u + T + P)`, and memory for the
/// users of the listed desktops.
///
/// ```
/// use eds_entitlement::{plan_against, report, Fleet, Request, SnapshotDesktop};
///
/// let request = Request::new("cn-hangzhou", ["ecd-a", "ecd-b"], ["Bob"]).check()?;
/// let mut fleet = Fleet::new();
/// fleet.insert("ecd-a", SnapshotDesktop::new("Running").flag("ASSIGNING").end_users(["Eve"])).unwrap();
/// let planned = plan_against(&request, &fleet)?;
/// let mut text = Vec::new();
/// report::write_fleet_summary(&request, &fleet, &planned, &mut text)?;
/// let text = String::from_utf8(text).unwrap();
/// assert!(text.starts_with("desktops eligible         0\n"));
/// assert!(text.contains(
///     "ineligible desktops: 2\n  NotInSnapshot: 1\n    ecd-b\n  Assigning: 1\n    ecd-a (Running)\n"
/// ));
/// assert!(text.contains("users losing all access: 0\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// The writer's.
pub fn write_fleet_summary<W: Write>(
    request: &CheckedRequest,
    fleet: &Fleet,
    plan: &FleetPlan,
    mut out: W,
) -> io::Result<()> {
    let shape = FleetPlan::eligible_shape(request, plan.eligible());
    // §6.1: the figures as the caps read them, users at the limit already apart.
    let caps = UserCaps::new(request, fleet, plan.eligibility());
    let figures = caps.capacity(request.strategy());
    let at_limit = caps.users_at_limit();
    capacity_figures(
        &shape,
        &figures,
        "desktops eligible",
        Some(at_limit),
        &mut out,
    )?;
    let mut served = vec![false; request.end_user_ids().len()];
    for (row, eligibility) in plan.plan().iter().zip(plan.eligibility()) {
        if eligibility.is_eligible() {
            for &j in row {
                if let Some(s) = served.get_mut(j as usize) {
                    *s = true;
                }
            }
        }
    }
    // Users at the limit already get nothing, and are counted apart.
    let mut unserved = Sample::default();
    for (j, id) in request.end_user_ids().iter().enumerate() {
        if !served[j] && !caps.is_at_limit(j) {
            unserved.push(one_line(id).into_owned());
        }
    }
    unserved.write(&mut out, "users without a desktop", "")?;
    let mut idle = Sample::default();
    let rows = plan.plan().iter().zip(plan.eligibility());
    for (id, _) in request
        .desktop_ids()
        .iter()
        .zip(rows)
        .filter(|&(_, (row, e))| e.is_eligible() && row.is_empty())
    {
        idle.push(one_line(id).into_owned());
    }
    idle.write(&mut out, "desktops without users", "")?;
    // The ineligible desktops by reason, and who holds a listed desktop before and after.
    let reasons = [
        Eligibility::NotInSnapshot,
        Eligibility::NotRunning,
        Eligibility::Assigning,
    ];
    let mut ineligible: [Sample; 3] = Default::default();
    let mut holds: IndexMap<&str, (bool, bool), Xxh3DefaultBuilder> = IndexMap::default();
    for change in desktop_changes(request, fleet, plan) {
        if let Some(at) = reasons.iter().position(|&r| r == change.eligibility) {
            let id = one_line(change.desktop_id);
            ineligible[at].push(match change.status {
                Some(status) => format!("{id} ({})", one_line(status)),
                None => id.into_owned(),
            });
        }
        for user in change.before {
            holds.entry(user.as_str()).or_default().0 = true;
        }
        for &user in &change.after {
            holds.entry(user).or_default().1 = true;
        }
    }
    let total: u64 = ineligible.iter().map(|s| s.count).sum();
    writeln!(out, "ineligible desktops: {total}")?;
    for (reason, sample) in reasons.iter().zip(&ineligible) {
        if sample.count > 0 {
            let name = reason.reason().unwrap_or_default();
            sample.write(&mut out, name, "  ")?;
        }
    }
    let mut losing = Sample::default();
    for (user, _) in holds.iter().filter(|(_, &(had, has))| had && !has) {
        losing.push(one_line(user).into_owned());
    }
    losing.write(&mut out, "users losing all access", "")?;
    // §6.1: over MaxDesktopPerUser on the desktops they keep alone; no plan can mend it.
    let mut over = Sample::default();
    for (user, kept) in Changes::users_over_limit_ids(request, fleet, plan) {
        over.push(format!("{} (keeps {kept})", one_line(user)));
    }
    over.write(
        &mut out,
        "users over the limit on desktops the call cannot change",
        "",
    )?;
    writeln!(out, "changes:")?;
    write_totals(&Changes::new(request, fleet, plan), &mut out)
}

/// A list of a summary: its count, and its first [`SUMMARY_SAMPLE`] items.
#[derive(Default)]
struct Sample {
    count: u64,
    first: Vec<String>,
}

impl Sample {
    fn push(&mut self, item: String) {
        self.count += 1;
        if self.first.len() < SUMMARY_SAMPLE {
            self.first.push(item);
        }
    }

    /// `{indent}{heading}: {count}`, then the items two spaces further in, then how many
    /// more there are.
    fn write<W: Write>(&self, out: &mut W, heading: &str, indent: &str) -> io::Result<()> {
        writeln!(out, "{indent}{heading}: {}", self.count)?;
        for item in &self.first {
            writeln!(out, "{indent}  {item}")?;
        }
        let more = self.count - self.first.len() as u64;
        if more > 0 {
            writeln!(
                out,
                "{indent}  … and {more} more (all of them: --output changes)"
            )?;
        }
        Ok(())
    }
}
