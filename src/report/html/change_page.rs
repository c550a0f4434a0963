//! The sections of the change review page (a plan against a snapshot) that are its own, in
//! the order the page shows them: the brief's lines about the snapshot and the plan, the
//! lede, the figures, the pictures, and the lists of who and what to look at.

use std::fmt::Write as _;

use super::super::one_line;
use super::facts::{Facts, FLEET_STATE_LABELS, STATE_CLASSES};
use super::sections::{alarm, figure_group, list, warn};
use super::svg::{bar_picture, pairs_picture, Segment};
use super::text::{figure, plural};
use super::Planned;
use crate::fleet::Fleet;

/// The brief's lines after the request's: the snapshot, and how the plan was made.
pub(super) fn brief_lines(
    fleet: &Fleet,
    facts: &Facts<'_>,
    planned: Planned,
) -> [(&'static str, String); 2] {
    [
        (
            "Snapshot",
            format!(
                "{} desktop{}, {} of the listed ones eligible",
                figure(fleet.len() as u64),
                plural(fleet.len() as u64),
                figure(facts.totals.desktops_eligible)
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
    ]
}

/// The change in one paragraph: desktops changed, pairs, users losing all access.
pub(super) fn lede(page: &mut String, facts: &Facts<'_>) {
    let totals = &facts.totals;
    let losing = facts.losing();
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
        figure(facts.losing_listed.len() as u64),
        figure(facts.losing_unlisted.len() as u64),
        figure(totals.desktops_ineligible),
        plural(totals.desktops_ineligible),
    );
}

/// The change report's totals as figures: desktops, pairs, users.
pub(super) fn figures(page: &mut String, facts: &Facts<'_>) {
    let totals = &facts.totals;
    let losing = facts.losing();
    page.push_str("<section class=\"figures\">\n");
    figure_group(
        page,
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
        page,
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
        page,
        "Users",
        &[
            ("listed", facts.listed as u64, ""),
            ("losing all access", losing as u64, alarm(losing)),
            (
                "over the limit",
                totals.users_over_limit,
                alarm(facts.over.len()),
            ),
        ],
    );
    page.push_str("</section>\n");
}

/// The pairs kept, added and removed, and the desktops by state.
pub(super) fn pictures(page: &mut String, facts: &Facts<'_>) {
    page.push_str("<section class=\"pictures\">\n<h2>The change in pictures</h2>\n");
    pairs_picture(page, &facts.totals);
    let segments: Vec<Segment> = FLEET_STATE_LABELS
        .iter()
        .zip(facts.counts)
        .enumerate()
        .map(|(s, (&label, value))| Segment {
            label,
            value,
            class: STATE_CLASSES[s],
        })
        .collect();
    bar_picture(
        page,
        &format!(
            "Desktops by state (changed: {} = {} still with users + {} left empty)",
            figure(facts.totals.desktops_changed),
            figure(facts.counts[0]),
            figure(facts.counts[1])
        ),
        "desktops",
        &segments,
    );
    page.push_str("</section>\n");
}

/// The lists: users losing all access (listed, then not in the request), users left with
/// only desktops that cannot be used now, users over the limit, and the ineligible
/// desktops by reason.
pub(super) fn lists(page: &mut String, facts: &Facts<'_>) {
    let names = &facts.names;
    page.push_str("<section class=\"lists\">\n<h2>Who and what to look at</h2>\n");
    list(
        page,
        "Listed users losing all access",
        "Users the request lists who have a listed desktop now and none after the call.",
        facts
            .losing_listed
            .iter()
            .map(|&j| (names[j as usize], String::new())),
        facts.losing_listed.len(),
    );
    list(
        page,
        "Users not in the request losing all access",
        "Users who have a listed Running desktop now but are not in the request's user list: \
         the call replaces each such desktop's users with the request's, so they lose it. \
         List them in the request to let them keep a desktop.",
        facts
            .losing_unlisted
            .iter()
            .map(|&j| (names[j as usize], String::new())),
        facts.losing_unlisted.len(),
    );
    list(
        page,
        "Users left with only desktops that cannot be used now",
        "Not counted as losing all access: they lose every Running desktop they have, and \
         keep only desktops the call cannot change (not Running, or being assigned). They \
         cannot work until one of those is started or finishes being assigned.",
        facts.stranded.iter().map(|&j| {
            let j = j as usize;
            let (count, status) = facts.kept_ineligible[j];
            let mut note = match status {
                Some(status) if count == 1 => format!("keeps 1 desktop, {}", one_line(status)),
                Some(status) => format!("keeps {count} desktops, the first {}", one_line(status)),
                None => format!("keeps {count} desktop{}", plural(u64::from(count))),
            };
            if j >= facts.listed {
                note.push_str("; not in the request");
            }
            (names[j], note)
        }),
        facts.stranded.len(),
    );
    list(
        page,
        "Users over the limit",
        "Listed users who already keep more desktops the call cannot change (not Running, \
         being assigned) than MaxDesktopPerUser allows. The call cannot change those \
         desktops, gives these users nothing more, and takes away every Running desktop of \
         theirs that the request lists (the plan gives it to others, or leaves it empty).",
        facts
            .over
            .iter()
            .map(|&(id, h)| (id, format!("keeps {h} ineligible desktop{}", plural(h)))),
        facts.over.len(),
    );
    for (reason, desktops) in ["NotRunning", "Assigning", "NotInSnapshot"]
        .iter()
        .zip(&facts.ineligible)
    {
        list(
            page,
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
}
