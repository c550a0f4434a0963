//! The page's text: IDs escaped as HTML text and as JSON strings safe inside a `<script>`
//! block, the JSON arrays of the data block, and figures as people read them.

use std::fmt::Write as _;

use super::super::one_line;

/// `text` as HTML text or attribute value: `&`, `<`, `>`, `"` and `'` as entities.
pub(super) fn escape(text: &str) -> std::borrow::Cow<'_, str> {
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
pub(super) fn json_string(out: &mut String, text: &str) {
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
pub(super) fn json_strings(out: &mut String, texts: &[&str]) {
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
pub(super) fn json_indices(out: &mut String, indices: &[u32]) {
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
pub(super) fn figure(n: u64) -> String {
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
pub(super) fn plural(n: u64) -> &'static str {
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

    #[test]
    fn figures_have_thousands_separated() {
        assert_eq!(figure(0), "0");
        assert_eq!(figure(999), "999");
        assert_eq!(figure(1000), "1,000");
        assert_eq!(figure(100_000), "100,000");
        assert_eq!(figure(1_234_567), "1,234,567");
    }
}
