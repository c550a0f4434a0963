//! The sections of the plan review page (a plan without a snapshot) that are its own, in
//! the order the page shows them: the lede, the figures with the spread, and the pictures
//! of the users and desktops served.

use std::fmt::Write as _;

use super::sections::{desktops_group, figure_group, warn};
use super::svg::{bar_picture, Segment};
use super::text::{escape, figure, plural};
use crate::capacity::Capacity;
use crate::shape::Shape;

/// The states of a desktop of a plan without a snapshot.
pub(super) const PLAN_STATES: [&str; 2] = ["with users", "without users"];

/// The plan in one paragraph: pairs, desktops and users, who and what is left out.
pub(super) fn lede(page: &mut String, c: &Capacity) {
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
}

/// The capacity figures of the contract's §5 for `shape` (`c`): the plan, its users, its
/// desktops, and the spread with the limit that bound it.
pub(super) fn figures(page: &mut String, shape: &Shape, c: &Capacity) {
    let range = |min: u64, max: u64| {
        if min == max {
            figure(min)
        } else {
            format!("{}\u{2013}{}", figure(min), figure(max))
        }
    };
    page.push_str("<section class=\"figures\">\n");
    figure_group(
        page,
        "Plan",
        &[
            ("desktops", c.desktops, ""),
            ("users", c.users, ""),
            ("assignments", c.assignments, ""),
        ],
    );
    figure_group(
        page,
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
    desktops_group(page, "Desktops", c);
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
}

/// The users and the desktops served, a bar each.
pub(super) fn pictures(page: &mut String, c: &Capacity) {
    page.push_str("<section class=\"pictures\">\n<h2>The plan in pictures</h2>\n");
    bar_picture(
        page,
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
        page,
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
}
