//! The parts of the page that both review pages share, in the order a page shows them: the
//! head (with the style sheet), the request in brief, groups of figures, the capacity block
//! of a page against a snapshot, and the folded lists of IDs.

use std::fmt::Write as _;

use super::super::one_line;
use super::text::{escape, figure, plural};
use crate::capacity::Capacity;
use crate::request::CheckedRequest;

/// The page's style sheet, written into it.
const CSS: &str = include_str!("../review.css");

/// The page's title: `what` (a change review, a plan review) of `request`'s desktops in its
/// region.
pub(super) fn title(what: &str, request: &CheckedRequest) -> String {
    let n = request.desktop_ids().len() as u64;
    format!(
        "{what}: {} desktop{} in {}",
        figure(n),
        plural(n),
        one_line(request.region_id())
    )
}

/// The start of the page, up to the opening of `<main>` with its heading.
pub(super) fn head(page: &mut String, title: &str) {
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
pub(super) fn brief(page: &mut String, request: &CheckedRequest, more: &[(&str, String)]) {
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
pub(super) fn warn(value: u64) -> &'static str {
    if value == 0 {
        ""
    } else {
        "warn"
    }
}

/// `"alarm"` when `count` is not zero: people lose access, or stay over a limit.
pub(super) fn alarm(count: usize) -> &'static str {
    if count == 0 {
        ""
    } else {
        "alarm"
    }
}

/// A group of figures under a heading: (label, value, extra CSS class).
pub(super) fn figure_group(page: &mut String, heading: &str, figures: &[(&str, u64, &str)]) {
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

/// The capacity block of a page against a snapshot: what the limits allow and what the
/// plan leaves unused, in plain words. `limit` is `MaxDesktopPerUser` when set; `at_limit`
/// the users at it already, `None` for a plan made without a snapshot.
pub(super) fn capacity_block(
    page: &mut String,
    c: &Capacity,
    at_limit: Option<u64>,
    limit: Option<u32>,
) {
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
    desktops_group(page, "Eligible desktops", c);
    page.push_str("</section>\n");
}

/// The desktops of `c` with users and without, as a group of figures under `heading`.
pub(super) fn desktops_group(page: &mut String, heading: &str, c: &Capacity) {
    figure_group(
        page,
        heading,
        &[
            ("with users", c.desktops_used, ""),
            ("without users", c.desktops_idle, warn(c.desktops_idle)),
        ],
    );
}

/// Lists above this length are folded: their heading shows, and a click opens them.
const FOLD_AFTER: usize = 20;

/// A list of IDs, each with a note, complete, under a heading with its length; folded
/// when longer than [`FOLD_AFTER`].
pub(super) fn list<'a>(
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
