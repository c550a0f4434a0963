//! The change review page (`preview … --output html`): one self-contained HTML file that a
//! change board reads in a browser, offline.
//!
//! The page holds everything it shows: its style and script are this module's
//! `review.css` and `review.js`, written into it; its pictures are inline SVG drawn here;
//! the per-desktop rows are a JSON block that the script pages through (a page of 100k
//! desktops opens in a second or two: only the rows shown are ever made into HTML). Nothing
//! is fetched: no font, no script, no style, no image.
//!
//! Every ID is escaped where it is written: as HTML text (`&`, `<`, `>`, `"`, `'`), or in
//! the JSON block as a JSON string in which `<`, `>` and `&` are `\u003c`, `\u003e` and
//! `\u0026`, so that no ID can end the block (`</script>`); the script only ever sets IDs as
//! text (`textContent`), never as HTML. The page has no date and no randomness: the same
//! request and snapshot give the same bytes.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::{fresh_shape, one_line};
use crate::capacity::{capacity, Capacity};
use crate::fleet::{desktop_changes, Changes, UserCaps};
use crate::fleet::{Eligibility, Fleet, FleetPlan};
use crate::planner::PlanRows;
use crate::request::CheckedRequest;

/// The page's style sheet, written into it.
const CSS: &str = include_str!("../review.css");
/// The page's script: it reads the JSON block and draws the table, a page at a time.
const JS: &str = include_str!("../review.js");

/// How a plan against a snapshot was made, as the review page's brief states it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Planned {
    /// The canonical plan of the contract's §6 (`plan_against`).
    #[default]
    Canonical,
    /// The plan that keeps the most existing pairs, §7 (`plan_sticky`, `--keep-existing`).
    KeepExisting,
}

/// The states a desktop of a change report is shown in, in the order of the picture, the
/// state filter and the JSON block's `states`.
const FLEET_STATES: [&str; 6] = [
    "changed",
    "left empty",
    "unchanged",
    "NotRunning",
    "Assigning",
    "NotInSnapshot",
];
/// How the picture and the state filter name [`FLEET_STATES`]: the first two together are
/// the change report's `desktops_changed`.
const FLEET_STATE_LABELS: [&str; 6] = [
    "changed, still has users",
    "changed, left empty",
    "unchanged",
    "NotRunning",
    "Assigning",
    "NotInSnapshot",
];
/// The states of a desktop of a plan without a snapshot.
const PLAN_STATES: [&str; 2] = ["with users", "without users"];

/// The index in [`FLEET_STATES`] of a desktop that is ineligible for `reason`.
fn ineligible_state(eligibility: Eligibility) -> Option<usize> {
    match eligibility {
        Eligibility::Eligible => None,
        Eligibility::NotRunning => Some(3),
        Eligibility::Assigning => Some(4),
        Eligibility::NotInSnapshot => Some(5),
    }
}

/// Writes the change review page of `plan`, made for `request` against `fleet` (the
/// contract, §6) as `planned` says: the request in brief, the change report's totals as
/// figures, the capacity figures ([`UserCaps::capacity`] and [`UserCaps::users_at_limit`]
/// for the canonical plan, §6.1; [`capacity`] of the eligible shape for the plan that keeps
/// existing pairs), a picture of the pairs kept, added and removed and of the desktops by
/// state, the listed users and the users the request does not list losing all access (in
/// two lists), the users left with only desktops the call cannot change, the users over
/// `MaxDesktopPerUser` on ineligible desktops alone (§6.1), the ineligible desktops by
/// reason, and every desktop's users before and after in a table with a text filter and a
/// state filter.
///
/// One self-contained HTML file: its style and script are written into it, its pictures are
/// inline SVG, and nothing is fetched (no font, script, style or image), so it opens offline.
/// The rows are a JSON block that the page's script shows 100 at a time: at 100k desktops the
/// page opens in a second or two. Every ID is escaped: as HTML text, or in the JSON block
/// with `<`, `>` and `&` as `\u003c`, `\u003e` and `\u0026` (no ID can end the block), and the
/// script sets IDs only as text. No date, no randomness: the same inputs give the same bytes.
///
/// `O(n + u + T + P)` time (`P`: the snapshot's pairs on listed desktops); the page is built
/// in memory before it is written (7.6 MB for 100k desktops with a user or two each), with
/// a map of the user IDs.
///
/// ```
/// use eds_entitlement::report::{write_review_html, Planned};
/// use eds_entitlement::{plan_against, Fleet, Request, SnapshotDesktop};
///
/// let request = Request::new("cn-hangzhou", ["ecd-a"], ["</script><b>Bob"]).check()?;
/// let mut fleet = Fleet::new();
/// fleet.insert("ecd-a", SnapshotDesktop::new("Running").end_users(["Alice"])).unwrap();
/// let planned = plan_against(&request, &fleet)?;
/// let mut page = Vec::new();
/// write_review_html(&request, &fleet, &planned, Planned::Canonical, &mut page)?;
/// let page = String::from_utf8(page).unwrap();
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// // Alice, not in the request, loses her only desktop; Bob's ID is text, and cannot end
/// // the data block.
/// assert!(page.contains("<li>Alice</li>"));
/// assert!(!page.contains("<b>Bob") && !page.contains("</script><b>"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// The writer's.
pub fn write_review_html<'a, W: Write>(
    request: &'a CheckedRequest,
    fleet: &'a Fleet,
    plan: &'a FleetPlan,
    planned: Planned,
    mut out: W,
) -> io::Result<()> {
    let totals = Changes::new(request, fleet, plan);
    let users = request.end_user_ids();
    // Every user ID the rows name: the request's, in its order, then the snapshot's others
    // as they come. A row names users by their index here.
    let mut names: Vec<&'a str> = users.iter().collect();
    let mut index: HashMap<&'a str, u32> = names
        .iter()
        .enumerate()
        .map(|(j, &id)| (id, j as u32))
        .collect();
    let mut statuses: Vec<&str> = Vec::new();
    let mut status_index: HashMap<&str, u32> = HashMap::new();
    let mut counts = [0u64; FLEET_STATES.len()];
    // The ineligible desktops with their status, by reason (the states 3 to 5).
    let mut ineligible: [Vec<(&str, Option<&str>)>; 3] = Default::default();
    // Per user index: had a listed desktop before, has one after; the users with one
    // before in the order they first come.
    let mut had: Vec<bool> = vec![false; names.len()];
    let mut has: Vec<bool> = vec![false; names.len()];
    let mut first_had: Vec<u32> = Vec::new();
    // Per user index: had an eligible (Running) listed desktop before, has one after; how
    // many ineligible listed desktops they keep, and the status of the first.
    let mut had_eligible: Vec<bool> = vec![false; names.len()];
    let mut has_eligible: Vec<bool> = vec![false; names.len()];
    let mut kept_ineligible: Vec<(u32, Option<&'a str>)> = vec![(0, None); names.len()];
    let mut rows = String::new();
    for (i, change) in desktop_changes(request, fleet, plan).enumerate() {
        let mut user = |id: &'a str| -> u32 {
            *index.entry(id).or_insert_with(|| {
                names.push(id);
                had.push(false);
                has.push(false);
                had_eligible.push(false);
                has_eligible.push(false);
                kept_ineligible.push((0, None));
                (names.len() - 1) as u32
            })
        };
        // `before` borrows the fleet, `after` the request: both live as long as the page.
        let before: Vec<u32> = change.before.iter().map(|id| user(id.as_str())).collect();
        let after: Vec<u32> = change.after.iter().map(|&id| user(id)).collect();
        let state = match ineligible_state(change.eligibility) {
            Some(state) => state,
            None if !change.before.is_empty() && change.after.is_empty() => 1,
            None if !change.added.is_empty() || !change.removed.is_empty() => 0,
            None => 2,
        };
        counts[state] += 1;
        if state >= 3 {
            ineligible[state - 3].push((change.desktop_id, change.status));
        }
        for &j in &before {
            if !had[j as usize] {
                had[j as usize] = true;
                first_had.push(j);
            }
        }
        for &j in &after {
            has[j as usize] = true;
        }
        if change.eligibility.is_eligible() {
            for &j in &before {
                had_eligible[j as usize] = true;
            }
            for &j in &after {
                has_eligible[j as usize] = true;
            }
        } else {
            for &j in &after {
                let kept = &mut kept_ineligible[j as usize];
                kept.0 += 1;
                kept.1 = kept.1.or(change.status);
            }
        }
        let status = match change.status {
            None => -1,
            Some(status) => i64::from(*status_index.entry(status).or_insert_with(|| {
                statuses.push(status);
                (statuses.len() - 1) as u32
            })),
        };
        rows.push_str(if i == 0 { "\n[" } else { ",\n[" });
        json_string(&mut rows, change.desktop_id);
        let _ = write!(rows, ",{state},{status},");
        json_indices(&mut rows, &before);
        rows.push(',');
        json_indices(&mut rows, &after);
        rows.push(']');
    }
    // The users losing all access: the listed ones, then those the request does not list
    // (the first `users.len()` names are the request's).
    let (losing_listed, losing_unlisted): (Vec<u32>, Vec<u32>) = first_had
        .iter()
        .copied()
        .filter(|&j| !has[j as usize])
        .partition(|&j| (j as usize) < users.len());
    let losing = losing_listed.len() + losing_unlisted.len();
    // The users who lose every Running desktop they had but keep one the call cannot change.
    let stranded: Vec<u32> = first_had
        .iter()
        .copied()
        .filter(|&j| {
            let j = j as usize;
            had_eligible[j] && !has_eligible[j] && kept_ineligible[j].0 > 0
        })
        .collect();
    let over = Changes::users_over_limit_ids(request, fleet, plan);
    // Both plans count the desktops users keep against MaxDesktopPerUser (the caps of
    // `UserCaps`): the same `T` and the same users at the limit. Which users are served,
    // and how fully, is the plan's own: the sticky plan may serve other users.
    let caps = UserCaps::new(request, fleet, plan.eligibility());
    let cap_figures = match planned {
        Planned::Canonical => caps.capacity(request.strategy()),
        Planned::KeepExisting => {
            let mut quotas = vec![0u64; request.end_user_ids().len()];
            for (row, eligibility) in plan.plan().iter().zip(plan.eligibility()) {
                if eligibility.is_eligible() {
                    for &j in row {
                        quotas[j as usize] += 1;
                    }
                }
            }
            caps.capacity_of(request.strategy(), &quotas)
        }
    };
    let at_limit = Some(caps.users_at_limit());

    let mut page = String::with_capacity(rows.len() + names.len() * 16 + (1 << 16));
    let n = request.desktop_ids().len();
    head(
        &mut page,
        &format!(
            "Change review: {} desktop{} in {}",
            figure(n as u64),
            plural(n as u64),
            one_line(request.region_id())
        ),
    );
    brief(
        &mut page,
        request,
        &[
            (
                "Snapshot",
                format!(
                    "{} desktop{}, {} of the listed ones eligible",
                    figure(fleet.len() as u64),
                    plural(fleet.len() as u64),
                    figure(totals.desktops_eligible)
                ),
            ),
            (
                "Plan",
                match planned {
                    Planned::Canonical => "the canonical plan (without --keep-existing)".to_owned(),
                    Planned::KeepExisting => {
                        "keeps the most existing pairs (--keep-existing)".to_owned()
                    }
                },
            ),
        ],
    );

    let _ = writeln!(
        page,
        "<p class=\"lede\">{} of {} desktop{} change: {} pair{} added, {} removed, {} kept. \
         {} user{} lose{} all access ({} listed, {} not in the request); {} desktop{} cannot \
         be changed.</p>",
        figure(totals.desktops_changed),
        figure(totals.desktops),
        plural(totals.desktops),
        figure(totals.pairs_added),
        plural(totals.pairs_added),
        figure(totals.pairs_removed),
        figure(totals.pairs_kept),
        figure(losing as u64),
        plural(losing as u64),
        if losing == 1 { "s" } else { "" },
        figure(losing_listed.len() as u64),
        figure(losing_unlisted.len() as u64),
        figure(totals.desktops_ineligible),
        plural(totals.desktops_ineligible),
    );
    page.push_str("<section class=\"figures\">\n");
    figure_group(
        &mut page,
        "Desktops",
        &[
            ("listed", totals.desktops, ""),
            ("eligible", totals.desktops_eligible, ""),
            (
                "ineligible",
                totals.desktops_ineligible,
                warn(totals.desktops_ineligible),
            ),
            ("changed", totals.desktops_changed, ""),
            (
                "left empty (of the changed)",
                totals.desktops_left_empty,
                warn(totals.desktops_left_empty),
            ),
        ],
    );
    figure_group(
        &mut page,
        "Pairs (desktop, user)",
        &[
            ("before", totals.pairs_before, ""),
            ("after", totals.pairs_after, ""),
            ("kept", totals.pairs_kept, ""),
            ("added", totals.pairs_added, "added"),
            ("removed", totals.pairs_removed, "removed"),
        ],
    );
    figure_group(
        &mut page,
        "Users",
        &[
            ("listed", users.len() as u64, ""),
            ("losing all access", losing as u64, alarm(losing)),
            ("over the limit", totals.users_over_limit, alarm(over.len())),
        ],
    );
    page.push_str("</section>\n");
    capacity_block(
        &mut page,
        &cap_figures,
        at_limit,
        request.max_desktop_per_user().get(),
    );

    page.push_str("<section class=\"pictures\">\n<h2>The change in pictures</h2>\n");
    pairs_picture(&mut page, &totals);
    let segments: Vec<Segment> = FLEET_STATE_LABELS
        .iter()
        .zip(counts)
        .enumerate()
        .map(|(s, (&label, value))| Segment {
            label,
            value,
            class: STATE_CLASSES[s],
        })
        .collect();
    bar_picture(
        &mut page,
        &format!(
            "Desktops by state (changed: {} = {} still with users + {} left empty)",
            figure(totals.desktops_changed),
            figure(counts[0]),
            figure(counts[1])
        ),
        "desktops",
        &segments,
    );
    page.push_str("</section>\n");

    page.push_str("<section class=\"lists\">\n<h2>Who and what to look at</h2>\n");
    list(
        &mut page,
        "Listed users losing all access",
        "Users the request lists who have a listed desktop now and none after the call.",
        losing_listed
            .iter()
            .map(|&j| (names[j as usize], String::new())),
        losing_listed.len(),
    );
    list(
        &mut page,
        "Users not in the request losing all access",
        "Users who have a listed Running desktop now but are not in the request's user list: \
         the call replaces each such desktop's users with the request's, so they lose it. \
         List them in the request to let them keep a desktop.",
        losing_unlisted
            .iter()
            .map(|&j| (names[j as usize], String::new())),
        losing_unlisted.len(),
    );
    list(
        &mut page,
        "Users left with only desktops that cannot be used now",
        "Not counted as losing all access: they lose every Running desktop they have, and \
         keep only desktops the call cannot change (not Running, or being assigned). They \
         cannot work until one of those is started or finishes being assigned.",
        stranded.iter().map(|&j| {
            let j = j as usize;
            let (count, status) = kept_ineligible[j];
            let mut note = match status {
                Some(status) if count == 1 => format!("keeps 1 desktop, {}", one_line(status)),
                Some(status) => format!("keeps {count} desktops, the first {}", one_line(status)),
                None => format!("keeps {count} desktop{}", plural(u64::from(count))),
            };
            if j >= users.len() {
                note.push_str("; not in the request");
            }
            (names[j], note)
        }),
        stranded.len(),
    );
    list(
        &mut page,
        "Users over the limit",
        "Listed users who already keep more desktops the call cannot change (not Running, \
         being assigned) than MaxDesktopPerUser allows. The call cannot change those \
         desktops, gives these users nothing more, and takes away every Running desktop of \
         theirs that the request lists (the plan gives it to others, or leaves it empty).",
        over.iter()
            .map(|&(id, h)| (id, format!("keeps {h} ineligible desktop{}", plural(h)))),
        over.len(),
    );
    for (reason, desktops) in ["NotRunning", "Assigning", "NotInSnapshot"]
        .iter()
        .zip(&ineligible)
    {
        list(
            &mut page,
            &format!("Ineligible desktops: {reason}"),
            match *reason {
                "NotRunning" => {
                    "Not Running in the snapshot: the call leaves their users as they are."
                }
                "Assigning" => "Being assigned already: the call leaves their users as they are.",
                _ => "Not in the snapshot: the call cannot change them.",
            },
            desktops.iter().map(|&(id, status)| {
                (
                    id,
                    status.map_or_else(String::new, |s| format!("status {}", one_line(s))),
                )
            }),
            desktops.len(),
        );
    }
    page.push_str("</section>\n");

    table_and_data(
        &mut page,
        true,
        &FLEET_STATES,
        &FLEET_STATE_LABELS,
        &names,
        &statuses,
        &rows,
    );
    out.write_all(page.as_bytes())
}

/// Writes the review page of `request`'s plan without a snapshot: the request in brief,
/// the capacity figures of [the contract](crate::contract)'s §5, a picture of the users
/// and desktops served, and every desktop's users in a table with a text filter and a
/// state filter (with users, without users). The rows are made by `rows` (from
/// [`try_plan_rows`](crate::try_plan_rows)) as the page is built; the whole plan is never
/// held. Self-contained, escaped and deterministic as [`write_review_html`].
///
/// ```
/// use eds_entitlement::{report, try_plan_rows, Request};
///
/// let request = Request::new("cn-hangzhou", ["ecd-1", "ecd-2"], ["Alice"]).check()?;
/// let mut page = Vec::new();
/// report::write_plan_review_html(&request, &mut try_plan_rows(&request)?, &mut page)?;
/// let page = String::from_utf8(page).unwrap();
/// // The rows are data for the script: desktop, state, status, users before, users after.
/// assert!(page.contains("\n[\"ecd-1\",0,-1,[],[0]],\n[\"ecd-2\",0,-1,[],[0]]"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// The writer's; [`io::ErrorKind::InvalidData`] when `rows` are not the fresh rows of
/// `request`'s plan.
pub fn write_plan_review_html<W: Write>(
    request: &CheckedRequest,
    rows: &mut PlanRows,
    mut out: W,
) -> io::Result<()> {
    let shape = fresh_shape(request, rows)?;
    let c = capacity(&shape);
    let n = request.desktop_ids().len();
    let mut page = String::new();
    head(
        &mut page,
        &format!(
            "Plan review: {} desktop{} in {}",
            figure(n as u64),
            plural(n as u64),
            one_line(request.region_id())
        ),
    );
    brief(
        &mut page,
        request,
        &[(
            "Snapshot",
            "none: every listed desktop is planned as eligible and empty".to_owned(),
        )],
    );
    let range = |min: u64, max: u64| {
        if min == max {
            figure(min)
        } else {
            format!("{}\u{2013}{}", figure(min), figure(max))
        }
    };
    let _ = writeln!(
        page,
        "<p class=\"lede\">{} pair{} (desktop, user) over {} desktop{} and {} user{}: \
         {} user{} without a desktop, {} desktop{} without users.</p>",
        figure(c.assignments),
        plural(c.assignments),
        figure(c.desktops),
        plural(c.desktops),
        figure(c.users),
        plural(c.users),
        figure(c.users_unserved),
        plural(c.users_unserved),
        figure(c.desktops_idle),
        plural(c.desktops_idle),
    );
    page.push_str("<section class=\"figures\">\n");
    figure_group(
        &mut page,
        "Plan",
        &[
            ("desktops", c.desktops, ""),
            ("users", c.users, ""),
            ("assignments", c.assignments, ""),
        ],
    );
    figure_group(
        &mut page,
        "Users",
        &[
            ("fully served", c.users_full, ""),
            ("partly served", c.users_partial, ""),
            (
                "without a desktop",
                c.users_unserved,
                warn(c.users_unserved),
            ),
        ],
    );
    figure_group(
        &mut page,
        "Desktops",
        &[
            ("with users", c.desktops_used, ""),
            ("without users", c.desktops_idle, warn(c.desktops_idle)),
        ],
    );
    page.push_str("<div class=\"group\"><h3>Spread</h3><dl>\n");
    for (label, value) in [
        (
            "users per desktop",
            range(c.min_users_per_desktop, c.max_users_per_desktop),
        ),
        (
            "desktops per user",
            range(c.min_desktops_per_user, c.max_desktops_per_user),
        ),
        ("bound by", shape.binding().to_string()),
    ] {
        // A word (the binding limit) in a smaller type than the figures.
        let class = if value.contains(|c: char| c.is_ascii_digit()) {
            "figure"
        } else {
            "figure word"
        };
        let _ = writeln!(
            page,
            "<div class=\"{class}\"><dd>{}</dd><dt>{label}</dt></div>",
            escape(&value)
        );
    }
    page.push_str("</dl></div>\n</section>\n");
    page.push_str("<section class=\"pictures\">\n<h2>The plan in pictures</h2>\n");
    bar_picture(
        &mut page,
        "Users",
        "users",
        &[
            Segment {
                label: "fully served",
                value: c.users_full,
                class: "s-changed",
            },
            Segment {
                label: "partly served",
                value: c.users_partial,
                class: "s-partial",
            },
            Segment {
                label: "without a desktop",
                value: c.users_unserved,
                class: "s-empty",
            },
        ],
    );
    bar_picture(
        &mut page,
        "Desktops",
        "desktops",
        &[
            Segment {
                label: "with users",
                value: c.desktops_used,
                class: "s-changed",
            },
            Segment {
                label: "without users",
                value: c.desktops_idle,
                class: "s-empty",
            },
        ],
    );
    page.push_str("</section>\n");

    let mut data = String::new();
    for (i, desktop) in request.desktop_ids().iter().enumerate() {
        let row = rows.next_row().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the plan has {i} desktops, but the request lists {n}"),
            )
        })?;
        data.push_str(if i == 0 { "\n[" } else { ",\n[" });
        json_string(&mut data, desktop);
        let _ = write!(data, ",{},-1,[],", u8::from(row.is_empty()));
        json_indices(&mut data, row);
        data.push(']');
    }
    let names: Vec<&str> = request.end_user_ids().iter().collect();
    table_and_data(
        &mut page,
        false,
        &PLAN_STATES,
        &PLAN_STATES,
        &names,
        &[],
        &data,
    );
    out.write_all(page.as_bytes())
}

/// The capacity block of a page against a snapshot: what the limits allow and what the
/// plan leaves unused, in plain words. `limit` is `MaxDesktopPerUser` when set; `at_limit`
/// the users at it already, `None` for a plan made without a snapshot.
fn capacity_block(page: &mut String, c: &Capacity, at_limit: Option<u64>, limit: Option<u32>) {
    page.push_str(
        "<section class=\"figures capacity\">\n<h2>Capacity: what the limits allow, and \
         what is left unused</h2>\n",
    );
    let mut about = format!(
        "The call can place at most {} pair{} (desktop, user) on the {} eligible (Running) \
         desktop{}: no desktop gets more users than MaxUserPerDesktop, and no user more \
         desktops than MaxDesktopPerUser",
        figure(c.assignments),
        plural(c.assignments),
        figure(c.desktops),
        plural(c.desktops),
    );
    match (at_limit, limit) {
        (Some(_), Some(m)) => {
            let _ = write!(
                about,
                ", counting the desktops they keep that the call cannot change. A user at the \
                 limit already keeps {m} or more such desktop{}: the call gives them nothing \
                 and takes away their Running ones. ",
                plural(u64::from(m))
            );
        }
        (Some(_), None) => about.push_str(
            " (not set: a user may have every eligible desktop, and is fully served only \
             with all of them). ",
        ),
        (None, _) => about.push_str(
            ". With --keep-existing the plan is made over the eligible desktops alone: the \
             desktops users keep that the call cannot change are not counted against \
             MaxDesktopPerUser. ",
        ),
    }
    about.push_str(
        "A listed user is fully served with every desktop the limit leaves room for, partly \
         served with fewer, and without a desktop from this call with none. Eligible desktops \
         without users are Running desktops the call leaves empty.",
    );
    let _ = writeln!(page, "<p class=\"about\">{}</p>", escape(&about));
    figure_group(
        page,
        "Pairs",
        &[("the limits allow (T)", c.assignments, "")],
    );
    let mut users = Vec::with_capacity(4);
    if let Some(at_limit) = at_limit {
        users.push(("at the limit already", at_limit, warn(at_limit)));
    }
    users.extend([
        ("fully served", c.users_full, ""),
        ("partly served", c.users_partial, ""),
        (
            "without a desktop from this call",
            c.users_unserved,
            warn(c.users_unserved),
        ),
    ]);
    figure_group(page, "Listed users", &users);
    figure_group(
        page,
        "Eligible desktops",
        &[
            ("with users", c.desktops_used, ""),
            ("without users", c.desktops_idle, warn(c.desktops_idle)),
        ],
    );
    page.push_str("</section>\n");
}

/// The CSS classes of [`FLEET_STATES`], for their colours.
const STATE_CLASSES: [&str; 6] = [
    "s-changed",
    "s-empty",
    "s-unchanged",
    "s-notrunning",
    "s-assigning",
    "s-notinsnapshot",
];

/// The start of the page, up to the opening of `<main>` with its heading.
fn head(page: &mut String, title: &str) {
    let title = escape(title);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n\
         <meta name=\"generator\" content=\"eds-entitlement\">\n\
         <title>{title}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n\
         <h1>{title}</h1>\n"
    );
}

/// The request in brief, then `more` (label, text) lines.
fn brief(page: &mut String, request: &CheckedRequest, more: &[(&str, String)]) {
    let users = request.end_user_ids().len() as u64;
    let desktops = request.desktop_ids().len() as u64;
    let lines = [
        ("Region", one_line(request.region_id()).into_owned()),
        ("Strategy", request.strategy().to_string()),
        (
            "MaxUserPerDesktop",
            request.max_user_per_desktop().to_string(),
        ),
        (
            "MaxDesktopPerUser",
            request.max_desktop_per_user().to_string(),
        ),
        (
            "Listed",
            format!(
                "{} desktop{}, {} user{}",
                figure(desktops),
                plural(desktops),
                figure(users),
                plural(users)
            ),
        ),
        (
            "Preview",
            if request.preview() {
                "true (a preview)".to_owned()
            } else {
                "false (a task to execute)".to_owned()
            },
        ),
    ];
    page.push_str("<section class=\"brief\">\n<h2>The request</h2>\n<dl>\n");
    for (label, text) in lines.iter().chain(more) {
        let _ = writeln!(page, "<div><dt>{label}</dt><dd>{}</dd></div>", escape(text));
    }
    page.push_str("</dl>\n</section>\n");
}

/// `"warn"` when `value` is not zero: a figure to look at.
fn warn(value: u64) -> &'static str {
    if value == 0 {
        ""
    } else {
        "warn"
    }
}

/// `"alarm"` when `count` is not zero: people lose access, or stay over a limit.
fn alarm(count: usize) -> &'static str {
    if count == 0 {
        ""
    } else {
        "alarm"
    }
}

/// A group of figures under a heading: (label, value, extra CSS class).
fn figure_group(page: &mut String, heading: &str, figures: &[(&str, u64, &str)]) {
    let _ = writeln!(page, "<div class=\"group\"><h3>{heading}</h3><dl>");
    for &(label, value, class) in figures {
        let class = if class.is_empty() {
            "figure".to_owned()
        } else {
            format!("figure {class}")
        };
        let _ = writeln!(
            page,
            "<div class=\"{class}\"><dd>{}</dd><dt>{label}</dt></div>",
            figure(value)
        );
    }
    page.push_str("</dl></div>\n");
}

/// One part of a bar: a label, a count and the CSS class of its colour.
struct Segment<'a> {
    label: &'a str,
    value: u64,
    class: &'a str,
}

/// The width of the bars' drawing, and where the bars start and end in it.
const SVG_WIDTH: f64 = 720.0;
const BAR_LEFT: f64 = 70.0;
const BAR_RIGHT: f64 = 710.0;

/// Draws `segments` at `y` (a bar 30 high), the whole bar standing for `scale`; each part
/// wide enough for it has its count written on it.
fn bar(svg: &mut String, y: f64, segments: &[Segment<'_>], scale: u64) {
    let width = BAR_RIGHT - BAR_LEFT;
    let mut sum = 0u64;
    for segment in segments.iter().filter(|s| s.value > 0) {
        let x0 = BAR_LEFT + width * sum as f64 / scale as f64;
        sum += segment.value;
        let x1 = BAR_LEFT + width * sum as f64 / scale as f64;
        let shown = figure(segment.value);
        let _ = write!(
            svg,
            "<rect class=\"{}\" x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"30\">\
             <title>{}: {shown}</title></rect>",
            segment.class,
            x1 - x0,
            escape(segment.label),
        );
        // About 8 pixels a digit, with a margin.
        if x1 - x0 >= 8.0 * shown.len() as f64 + 8.0 {
            let _ = write!(
                svg,
                "<text class=\"on-bar\" x=\"{:.1}\" y=\"{:.1}\">{shown}</text>",
                (x0 + x1) / 2.0,
                y + 20.0
            );
        }
    }
    svg.push('\n');
}

/// A legend of `segments` from `y`: a swatch, the label and the count, in rows of three.
fn legend(svg: &mut String, y: f64, segments: &[Segment<'_>]) -> f64 {
    let mut rows = 0;
    for (s, segment) in segments.iter().enumerate() {
        let (row, column) = (s / 3, s % 3);
        rows = row + 1;
        let x = BAR_LEFT + 215.0 * column as f64;
        let y = y + 22.0 * row as f64;
        let _ = writeln!(
            svg,
            "<rect class=\"{}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\"/>\
             <text x=\"{:.1}\" y=\"{y:.1}\">{} <tspan class=\"count\">{}</tspan></text>",
            segment.class,
            y - 11.0,
            x + 18.0,
            escape(segment.label),
            figure(segment.value)
        );
    }
    y + 22.0 * rows as f64
}

/// One stacked bar of `segments` with its legend, in a figure captioned `caption`.
fn bar_picture(page: &mut String, caption: &str, unit: &str, segments: &[Segment<'_>]) {
    let total: u64 = segments.iter().map(|s| s.value).sum();
    let rows = segments.len().div_ceil(3) as f64;
    let height = 30.0 + 28.0 + 22.0 * rows;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {SVG_WIDTH} {height}\" \
         role=\"img\" aria-label=\"{}\">",
        escape(&format!("{caption}: {} {unit}", figure(total)))
    );
    let _ = writeln!(
        svg,
        "<text class=\"axis\" x=\"0\" y=\"20\">{}</text>",
        figure(total)
    );
    if total > 0 {
        bar(&mut svg, 0.0, segments, total);
    }
    legend(&mut svg, 30.0 + 28.0, segments);
    svg.push_str("</svg>");
    let _ = writeln!(
        page,
        "<figure>\n<figcaption>{}</figcaption>\n{svg}\n</figure>",
        escape(caption)
    );
}

/// The pairs before and after, on one scale: before is kept + removed, after is kept +
/// added, the kept part aligned.
fn pairs_picture(page: &mut String, totals: &Changes) {
    let scale = totals.pairs_before.max(totals.pairs_after);
    let kept = |value| Segment {
        label: "kept",
        value,
        class: "p-kept",
    };
    let before = [
        kept(totals.pairs_before - totals.pairs_removed),
        Segment {
            label: "removed",
            value: totals.pairs_removed,
            class: "p-removed",
        },
    ];
    let after = [
        kept(totals.pairs_kept),
        Segment {
            label: "added",
            value: totals.pairs_added,
            class: "p-added",
        },
    ];
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {SVG_WIDTH} 112\" \
         role=\"img\" aria-label=\"{}\">",
        escape(&format!(
            "Pairs: {} before, {} after; {} kept, {} added, {} removed",
            figure(totals.pairs_before),
            figure(totals.pairs_after),
            figure(totals.pairs_kept),
            figure(totals.pairs_added),
            figure(totals.pairs_removed)
        ))
    );
    svg.push_str("<text class=\"axis\" x=\"0\" y=\"20\">before</text>\n");
    svg.push_str("<text class=\"axis\" x=\"0\" y=\"56\">after</text>\n");
    if scale > 0 {
        bar(&mut svg, 0.0, &before, scale);
        bar(&mut svg, 36.0, &after, scale);
    }
    legend(
        &mut svg,
        94.0,
        &[
            kept(totals.pairs_kept),
            Segment {
                label: "added",
                value: totals.pairs_added,
                class: "p-added",
            },
            Segment {
                label: "removed",
                value: totals.pairs_removed,
                class: "p-removed",
            },
        ],
    );
    svg.push_str("</svg>");
    let _ = writeln!(
        page,
        "<figure>\n<figcaption>Pairs (desktop, user): {} before \u{2192} {} after</figcaption>\n\
         {svg}\n</figure>",
        figure(totals.pairs_before),
        figure(totals.pairs_after)
    );
}

/// Lists above this length are folded: their heading shows, and a click opens them.
const FOLD_AFTER: usize = 20;

/// A list of IDs, each with a note, complete, under a heading with its length; folded
/// when longer than [`FOLD_AFTER`].
fn list<'a>(
    page: &mut String,
    heading: &str,
    about: &str,
    items: impl Iterator<Item = (&'a str, String)>,
    len: usize,
) {
    let open = if len <= FOLD_AFTER { " open" } else { "" };
    let class = if len == 0 { "list none" } else { "list" };
    let _ = write!(
        page,
        "<details class=\"{class}\"{open}>\n<summary>{} <span class=\"count\">{}</span></summary>\n\
         <p class=\"about\">{}</p>\n",
        escape(heading),
        figure(len as u64),
        escape(about)
    );
    if len == 0 {
        page.push_str("<p class=\"empty\">None.</p>\n");
    } else {
        page.push_str("<ul class=\"ids\">\n");
        for (id, note) in items {
            page.push_str("<li>");
            page.push_str(&escape(&one_line(id)));
            if !note.is_empty() {
                let _ = write!(page, " <span class=\"note\">{}</span>", escape(&note));
            }
            page.push_str("</li>\n");
        }
        page.push_str("</ul>\n");
    }
    page.push_str("</details>\n");
}

/// The table's place, the JSON block of its rows and the script; the end of the page.
fn table_and_data(
    page: &mut String,
    fleet: bool,
    states: &[&str],
    labels: &[&str],
    names: &[&str],
    statuses: &[&str],
    rows: &str,
) {
    page.push_str(
        "<section class=\"desktops\">\n<h2>Every desktop</h2>\n\
         <div class=\"controls\">\n\
         <label>Filter <input id=\"filter\" type=\"search\" \
         placeholder=\"a desktop or user ID, or part of one\" autocomplete=\"off\"></label>\n\
         <label>State <select id=\"state\"><option value=\"\">all</option></select></label>\n\
         <span id=\"shown\" class=\"shown\"></span>\n</div>\n\
         <div id=\"table\"><noscript><p>The table needs JavaScript; the figures and lists \
         above do not.</p></noscript></div>\n\
         <div class=\"pager\"><button id=\"prev\" type=\"button\">\u{2190} previous</button>\
         <span id=\"page\"></span><button id=\"next\" type=\"button\">next \u{2192}</button></div>\n\
         </section>\n\
         <footer>Written by eds-entitlement <code>preview --output html</code>: \
         the same request and snapshot give the same page.</footer>\n</main>\n",
    );
    page.push_str("<script type=\"application/json\" id=\"review-data\">{\"fleet\":");
    page.push_str(if fleet { "true" } else { "false" });
    page.push_str(",\n\"states\":");
    json_strings(page, states);
    page.push_str(",\n\"labels\":");
    json_strings(page, labels);
    page.push_str(",\n\"statuses\":");
    json_strings(page, statuses);
    page.push_str(",\n\"users\":");
    json_strings(page, names);
    page.push_str(",\n\"rows\":[");
    page.push_str(rows);
    page.push_str("\n]}</script>\n<script>\n");
    page.push_str(JS);
    page.push_str("</script>\n</body>\n</html>\n");
}

/// `text` as HTML text or attribute value: `&`, `<`, `>`, `"` and `'` as entities.
pub(crate) fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `text` (on one line, as every report shows IDs) as a JSON string that is safe inside a
/// `<script>` block: `<`, `>` and `&` are escaped as `\u003c`, `\u003e`, `\u0026` (no
/// `</script>` or `<!--` can appear), and so are U+2028 and U+2029.
fn json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in one_line(text).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A JSON array of strings, as [`json_string`] writes them.
fn json_strings(out: &mut String, texts: &[&str]) {
    out.push('[');
    for (i, text) in texts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_string(out, text);
    }
    out.push(']');
}

/// A JSON array of numbers.
fn json_indices(out: &mut String, indices: &[u32]) {
    out.push('[');
    for (i, j) in indices.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{j}");
    }
    out.push(']');
}

/// `n` with a comma every three digits: `100,000`.
fn figure(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// `"s"` unless `n` is one.
fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_text_is_escaped() {
        assert_eq!(escape("ecd-a"), "ecd-a");
        assert_eq!(
            escape("<img src=x onerror=\"alert('1')\">&"),
            "&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;"
        );
    }

    #[test]
    fn json_strings_cannot_end_a_script_block() {
        let mut out = String::new();
        json_string(&mut out, "</script><!--\"\\\u{2028}\n");
        assert_eq!(
            out,
            "\"\\u003c/script\\u003e\\u003c!--\\\"\\\\\\u2028\\\\n\""
        );
    }

    use crate::{plan_against, plan_sticky, Request, SnapshotDesktop};

    /// Alice keeps two Stopped desktops (at the limit of 2) and loses her Running one;
    /// Carol keeps one; Zed, not in the request, loses his; one eligible desktop stays idle.
    fn at_the_limit() -> (CheckedRequest, Fleet) {
        let request = Request::new(
            "cn-hangzhou",
            ["ecd-1", "ecd-2", "ecd-3", "ecd-4", "ecd-5", "ecd-6"],
            ["Alice", "Bob", "Carol"],
        )
        .max_user_per_desktop(1)
        .max_desktop_per_user(2)
        .check()
        .unwrap();
        let mut fleet = Fleet::new();
        for (id, status, users) in [
            ("ecd-1", "Stopped", &["Alice", "Carol"][..]),
            ("ecd-2", "Stopped", &["Alice"][..]),
            ("ecd-3", "Running", &["Carol", "Zed"][..]),
            ("ecd-4", "Running", &["Alice"][..]),
            ("ecd-5", "Running", &[][..]),
            ("ecd-6", "Running", &[][..]),
        ] {
            fleet
                .insert(
                    id,
                    SnapshotDesktop::new(status).end_users(users.iter().copied()),
                )
                .unwrap();
        }
        (request, fleet)
    }

    fn page_of(request: &CheckedRequest, fleet: &Fleet, keep: bool) -> String {
        let (plan, planned) = if keep {
            (plan_sticky(request, fleet).unwrap(), Planned::KeepExisting)
        } else {
            (plan_against(request, fleet).unwrap(), Planned::Canonical)
        };
        let mut page = Vec::new();
        write_review_html(request, fleet, &plan, planned, &mut page).unwrap();
        String::from_utf8(page).unwrap()
    }

    #[test]
    fn the_page_shows_capacity_and_who_loses_what() {
        let (request, fleet) = at_the_limit();
        // The canonical plan counts Alice's two Stopped desktops and Carol's one against
        // the limit of 2: Alice gets nothing, Carol one, Bob two; T = 3 of 4 desktops.
        // With --keep-existing they count the same way (the caps hold on every plan): the
        // same figures, though a sticky plan may choose other users.
        let figures = [
            "<dd>3</dd><dt>the limits allow (T)</dt>",
            "<dd>1</dd><dt>at the limit already</dt>",
            "<dd>2</dd><dt>fully served</dt>",
            "<dd>0</dd><dt>partly served</dt>",
            "<dd>0</dd><dt>without a desktop from this call</dt>",
            "<dd>1</dd><dt>without users</dt>",
        ];
        for keep in [false, true] {
            let page = page_of(&request, &fleet, keep);
            for figure in figures {
                assert!(page.contains(figure), "{keep}: {figure}");
            }
            // Zed is not in the request: he loses his desktop, in a list of his own.
            assert!(page.contains(
                "<summary>Listed users losing all access <span class=\"count\">0</span>"
            ));
            assert!(page.contains(
                "<summary>Users not in the request losing all access <span class=\"count\">1</span>"
            ));
            assert!(page.contains("<li>Zed</li>"));
            // Alice loses her Running desktop and keeps only her two Stopped ones.
            assert!(page.contains(
                "<summary>Users left with only desktops that cannot be used now \
                 <span class=\"count\">1</span>"
            ));
            assert!(page.contains(
                "<li>Alice <span class=\"note\">keeps 2 desktops, the first Stopped</span></li>"
            ));
            assert!(page.contains("1 user loses all access (0 listed, 1 not in the request)"));
            assert!(
                !page.contains("\u{a7}"),
                "no section of a document the board lacks"
            );
        }
    }

    #[test]
    fn figures_have_thousands_separated() {
        assert_eq!(figure(0), "0");
        assert_eq!(figure(999), "999");
        assert_eq!(figure(1000), "1,000");
        assert_eq!(figure(100_000), "100,000");
        assert_eq!(figure(1_234_567), "1,234,567");
    }
}
