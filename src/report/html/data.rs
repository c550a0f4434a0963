//! The end of the page: the table's place and the JSON block of its rows, which the script
//! (written in after it) pages through, 100 rows at a time. A row is
//! `["desktop", state, status, [users before], [users after]]`: the state an index into the
//! block's `states`, the status one into its `statuses` (`-1`: none), the users indices into
//! its `users`.

use std::fmt::Write as _;
use std::io;

use super::text::{json_indices, json_string, json_strings};
use crate::planner::PlanRows;
use crate::request::CheckedRequest;

/// The page's script: it reads the JSON block and draws the table, a page at a time.
const JS: &str = include_str!("../review.js");

/// Appends one row of the JSON block to `rows`: desktop `desktop_id` in state `state` with
/// status `status` (`-1`: none), the users it had `before` and has `after`, as user indices.
pub(super) fn push_row(
    rows: &mut String,
    desktop_id: &str,
    state: usize,
    status: i64,
    before: &[u32],
    after: &[u32],
) {
    rows.push_str(if rows.is_empty() { "\n[" } else { ",\n[" });
    json_string(rows, desktop_id);
    let _ = write!(rows, ",{state},{status},");
    json_indices(rows, before);
    rows.push(',');
    json_indices(rows, after);
    rows.push(']');
}

/// The rows of a plan without a snapshot, made by `rows` one at a time (the whole plan is
/// never held): every listed desktop in state 0 (with users) or 1 (without), no status,
/// no users before.
///
/// # Errors
///
/// [`io::ErrorKind::InvalidData`] when `rows` end before the request's desktops do.
pub(super) fn plan_rows(request: &CheckedRequest, rows: &mut PlanRows) -> io::Result<String> {
    let n = request.desktop_ids().len();
    let mut data = String::new();
    for (i, desktop) in request.desktop_ids().iter().enumerate() {
        let row = rows.next_row().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the plan has {i} desktops, but the request lists {n}"),
            )
        })?;
        push_row(
            &mut data,
            desktop,
            usize::from(row.is_empty()),
            -1,
            &[],
            row,
        );
    }
    Ok(data)
}

/// The table's place, the JSON block of its rows and the script; the end of the page.
pub(super) fn table_and_data(
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
