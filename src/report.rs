//! Reports for people, as the command line prints them: capacity figures, a plan's summary,
//! and a plan as an aligned table. (Programs read the JSON response, or [`Capacity`] with
//! serde.)
//!
//! Only with the `cli` feature. The planner knows nothing of this module.

use std::io::{self, Write};

use crate::capacity::{capacity, Capacity};
use crate::error;
use crate::planner::Plan;
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

/// Writes SPEC §5's figures for `shape`, one per line, label and value aligned, then which
/// limit bound the plan. `O(1)`.
///
/// ```
/// use eds_entitlement::{report, Limit, Shape, Strategy};
///
/// let shape = Shape::new(3, 4, Limit::new(1).unwrap(), Limit::new(2).unwrap(), Strategy::Average);
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
pub fn write_capacity<W: Write>(shape: &Shape, mut out: W) -> io::Result<()> {
    let c: Capacity = capacity(shape);
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
        // figure is what AVERAGE needs (SPEC §5), and the label says so.
        None => format!(
            "{} (for every user to get a desktop under AVERAGE)",
            c.desktops_needed
        ),
    };
    let rows: [(&str, String); 15] = [
        ("desktops", c.desktops.to_string()),
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
/// Needs no plan: by SPEC §2 a user is left out exactly when its quota is `0`, and a desktop
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

/// Writes `plan` as a table for people: one row per desktop, in request order, with its
/// 1-based position, its ID, its number of users and their IDs, separated by `, `. Columns
/// are aligned (by characters); control characters in IDs are escaped so that a row stays
/// one line. `O(n + T)`, plus a first pass over the desktop IDs for the column's width.
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
pub fn write_table<W: Write>(request: &CheckedRequest, plan: &Plan, mut out: W) -> io::Result<()> {
    let (desktops, users) = (request.desktop_ids(), request.end_user_ids());
    if plan.desktops() != desktops.len() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "the plan has {} desktops, but the request lists {}",
                plan.desktops(),
                desktops.len()
            ),
        ));
    }
    let position_width = desktops.len().to_string().len();
    let id_width = desktops
        .iter()
        .map(|id| one_line(id).chars().count())
        .max()
        .unwrap_or(0)
        .max("DesktopId".len());
    let most = plan.iter().map(<[u32]>::len).max().unwrap_or(0);
    let count_width = most.to_string().len().max("Users".len());
    writeln!(
        out,
        "{:<position_width$} {:<id_width$} {:>count_width$} EndUserIds",
        "#", "DesktopId", "Users"
    )?;
    for (i, (desktop, end_users)) in desktops.iter().zip(plan.iter()).enumerate() {
        let desktop = one_line(desktop);
        // `{:<w$}` pads by characters, as the width was measured.
        write!(
            out,
            "{:>position_width$} {desktop:<id_width$} {:>count_width$}",
            i + 1,
            end_users.len()
        )?;
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
            out.write_all(if s == 0 { b" " } else { b", " })?;
            write!(out, "{}", one_line(user))?;
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The one line `requests --summary` prints on stderr: how many calls of each operation,
/// for how many desktops, beside the per-desktop baseline.
///
/// ```
/// use eds_entitlement::{calls, report, PlanResponse, PlannedDesktop};
///
/// let plan = PlanResponse::new(vec![PlannedDesktop::new("ecd-a", None, ["Alice"])])?;
/// let calls = calls(&plan, None, "cn-hangzhou")?;
/// assert_eq!(
///     report::calls_summary(&calls),
///     "1 call (1 ModifyEntitlement, 0 ModifyUserEntitlement) for 1 desktop; \
///      per-desktop baseline 1"
/// );
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
pub fn calls_summary(calls: &crate::execute::Calls) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let replacements = calls.modify_entitlement();
    format!(
        "{} ({replacements} ModifyEntitlement, {} ModifyUserEntitlement) for {}; \
         per-desktop baseline {}",
        plural(calls.len(), "call", "calls"),
        calls.len() - replacements,
        plural(calls.desktops(), "desktop", "desktops"),
        calls.baseline()
    )
}
