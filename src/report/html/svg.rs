//! The page's pictures, inline SVG: stacked bars with their counts, a legend, a bar in a
//! figure, and the pairs before and after on one scale. Colours come from the style
//! sheet's classes; nothing is fetched.

use std::fmt::Write as _;

use super::text::{escape, figure};
use crate::fleet::Changes;

/// One part of a bar: a label, a count and the CSS class of its colour.
pub(super) struct Segment<'a> {
    pub(super) label: &'a str,
    pub(super) value: u64,
    pub(super) class: &'a str,
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
pub(super) fn bar_picture(page: &mut String, caption: &str, unit: &str, segments: &[Segment<'_>]) {
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
pub(super) fn pairs_picture(page: &mut String, totals: &Changes) {
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
