//! The change review page (`preview … --output html`): one self-contained HTML file that a
//! change board reads in a browser, offline.
//!
//! The page holds everything it shows: its style and script are `review.css` and
//! `review.js` (in `src/report/`, beside this folder), written into it; its pictures are
//! inline SVG drawn here; the per-desktop rows are a JSON block that the script pages
//! through (a page of 100k desktops opens in a second or two: only the rows shown are ever
//! made into HTML). Nothing is fetched: no font, no script, no style, no image.
//!
//! Every ID is escaped where it is written: as HTML text (`&`, `<`, `>`, `"`, `'`), or in
//! the JSON block as a JSON string in which `<`, `>` and `&` are `\u003c`, `\u003e` and
//! `\u0026`, so that no ID can end the block (`</script>`); the script only ever sets IDs as
//! text (`textContent`), never as HTML. The page has no date and no randomness: the same
//! request and snapshot give the same bytes.
//!
//! The two writers are short: each writes its page's sections in the order the page shows
//! them. The parts are in files of their own:
//!
//! * `facts.rs`: what the change review page shows, found in one pass over the desktops'
//!   changes (the states, who loses access, the capacity figures, the table's rows);
//! * `change_page.rs` and `plan_page.rs`: the sections each page has alone (its lede,
//!   figures, pictures and, for the change review, the lists);
//! * `sections.rs`: the sections both pages share (the head with the style sheet, the
//!   request in brief, groups of figures, the capacity block, the folded lists);
//! * `svg.rs`: the pictures;
//! * `data.rs`: the table's place and the JSON block of its rows, with the script;
//! * `text.rs`: escaping as HTML text and as JSON strings, and figures as people read them.

mod change_page;
mod data;
mod facts;
mod plan_page;
mod sections;
mod svg;
mod text;

use std::io::{self, Write};

use self::data::{plan_rows, table_and_data};
use self::facts::{Facts, FLEET_STATES, FLEET_STATE_LABELS};
use self::plan_page::PLAN_STATES;
use self::sections::{brief, capacity_block, head, title};
use super::fresh_shape;
use crate::capacity::capacity;
use crate::fleet::{Fleet, FleetPlan};
use crate::planner::PlanRows;
use crate::request::CheckedRequest;

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
///
/// [`UserCaps::capacity`]: crate::fleet::UserCaps::capacity
/// [`UserCaps::users_at_limit`]: crate::fleet::UserCaps::users_at_limit
pub fn write_review_html<'a, W: Write>(
    request: &'a CheckedRequest,
    fleet: &'a Fleet,
    plan: &'a FleetPlan,
    planned: Planned,
    mut out: W,
) -> io::Result<()> {
    let facts = Facts::gather(request, fleet, plan, planned);
    let mut page = String::with_capacity(facts.rows.len() + facts.names.len() * 16 + (1 << 16));
    head(&mut page, &title("Change review", request));
    brief(
        &mut page,
        request,
        &change_page::brief_lines(fleet, &facts, planned),
    );
    change_page::lede(&mut page, &facts);
    change_page::figures(&mut page, &facts);
    capacity_block(
        &mut page,
        &facts.capacity,
        Some(facts.at_limit),
        request.max_desktop_per_user().get(),
    );
    change_page::pictures(&mut page, &facts);
    change_page::lists(&mut page, &facts);
    table_and_data(
        &mut page,
        true,
        &FLEET_STATES,
        &FLEET_STATE_LABELS,
        &facts.names,
        &facts.statuses,
        &facts.rows,
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
    let mut page = String::new();
    head(&mut page, &title("Plan review", request));
    brief(
        &mut page,
        request,
        &[(
            "Snapshot",
            "none: every listed desktop is planned as eligible and empty".to_owned(),
        )],
    );
    plan_page::lede(&mut page, &c);
    plan_page::figures(&mut page, &shape, &c);
    plan_page::pictures(&mut page, &c);
    let data = plan_rows(request, rows)?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
