//! The common JSON request read by hand: an object of the API's parameters, with keys and
//! strings without escapes, limits as plain whole numbers, no `null`. A million-ID request
//! is this, and serde_json's reading of it (one more pass over the lists, for their raw
//! text) was a third of [`from_json`](super::from_json)'s time.
//!
//! [`scan`] accepts a request only when it is well-formed JSON that the general reading
//! (serde_json's, in `request.rs`) reads without any error, and finds what that reading finds;
//! anything else (`None`) is left to that reading, which words every error. So this module
//! never makes an error of its own, but the allocator's refusal of a list's memory.

use std::collections::TryReserveError;
use std::ops::Range;

use crate::error::Field;
use crate::ids::{id_problem, IdList};
use crate::limit::Strategy;
use crate::request::Request;
use crate::word;

/// A request as [`scan`] found it: its lists are places in the input, split by
/// [`Scanned::into_request`] or [`Scanned::into_request_in_place`].
pub(super) struct Scanned {
    region_id: Range<usize>,
    desktop_ids: List,
    end_user_ids: Option<List>,
    max_user_per_desktop: Option<u32>,
    max_desktop_per_user: Option<u32>,
    strategy: Option<Strategy>,
    preview: bool,
}

/// An ID list in the input.
#[derive(Clone)]
struct List {
    /// From its first ID's opening quote to its closing bracket.
    place: Range<usize>,
    ids: usize,
    /// Its IDs' bytes, in all.
    bytes: usize,
    /// How many of its first IDs are non-empty and pass [`id_problem`].
    clean: usize,
}

/// Why a list could not be split: the field whose memory cannot be had.
pub(super) struct OutOfMemory(pub(super) Field);

/// JSON's whitespace.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The byte offset, from `at`, of the first byte of `bytes[at..]` that ends a plain run of
/// a string: `"`, `\`, a byte below 0x20 (which JSON does not allow in a string), or 0x7F
/// and above (DEL, which an ID may not hold, and the bytes of non-ASCII characters, which
/// need a closer look); `None` when there is none. Eight bytes at a time.
fn first_special(bytes: &[u8], at: usize) -> Option<usize> {
    word::position(bytes.get(at..)?, |w| {
        word::equal(w, b'"') | word::equal(w, b'\\') | word::below(w, 0x20) | word::above(w, 0x7E)
    })
}

/// The offset, from `at`, of the next `"` in `bytes[at..]`, eight bytes at a time.
fn next_quote(bytes: &[u8], at: usize) -> Option<usize> {
    word::position(bytes.get(at..)?, |w| word::equal(w, b'"'))
}

/// A reader of the input, from a position.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn skip_space(&mut self) {
        while self.bytes.get(self.at).copied().is_some_and(is_space) {
            self.at += 1;
        }
    }

    /// The next byte after whitespace, taken.
    fn next_token(&mut self) -> Option<u8> {
        self.skip_space();
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    /// A string without escapes whose opening quote was just taken: its inner bytes' place,
    /// checked UTF-8; and whether it is all ASCII.
    fn string(&mut self) -> Option<(Range<usize>, bool)> {
        let start = self.at;
        let mut ascii = true;
        loop {
            let at = self.at + first_special(self.bytes, self.at)?;
            match self.bytes[at] {
                b'"' => {
                    self.at = at + 1;
                    if !ascii {
                        std::str::from_utf8(&self.bytes[start..at]).ok()?;
                    }
                    return Some((start..at, ascii));
                }
                b'\\' | 0..0x20 => return None,
                _ => {
                    ascii = false;
                    self.at = at + 1;
                }
            }
        }
    }

    /// The `[`…`]` of an ID list, the `[` just taken: its IDs counted and checked.
    fn list(&mut self) -> Option<List> {
        self.skip_space();
        let mut list = List {
            place: self.at..self.at,
            ids: 0,
            bytes: 0,
            clean: 0,
        };
        if self.bytes.get(self.at) == Some(&b']') {
            self.at += 1;
            return Some(list);
        }
        let mut clean = true;
        loop {
            if self.next_token()? != b'"' {
                return None;
            }
            let (id, ascii) = self.string()?;
            if clean {
                clean = match (id.is_empty(), ascii) {
                    (true, _) => false,
                    // Printable ASCII (the string has no byte below 0x20 nor 0x7F): the one
                    // whitespace is the space.
                    (false, true) => self.bytes[id.start] != b' ' && self.bytes[id.end - 1] != b' ',
                    (false, false) => std::str::from_utf8(&self.bytes[id.clone()])
                        .ok()
                        .is_some_and(|id| id_problem(id).is_none()),
                };
                if clean {
                    list.clean += 1;
                }
            }
            list.ids += 1;
            list.bytes += id.len();
            match self.next_token()? {
                b',' => {}
                b']' => {
                    list.place.end = self.at - 1;
                    return Some(list);
                }
                _ => return None,
            }
        }
    }

    /// A limit written as a whole number without sign, fraction or exponent.
    fn limit(&mut self) -> Option<u32> {
        self.skip_space();
        let start = self.at;
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        let digits = &self.bytes[start..self.at];
        // JSON allows no leading zero; a fraction or an exponent is the general reading's.
        if digits.is_empty() || (digits.len() > 1 && digits[0] == b'0') {
            return None;
        }
        if matches!(self.bytes.get(self.at), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        crate::wire::limit::parse_limit(std::str::from_utf8(digits).ok()?).ok()
    }

    /// `true` or `false`.
    fn boolean(&mut self) -> Option<bool> {
        self.skip_space();
        let rest = self.bytes.get(self.at..)?;
        let (value, len) = if rest.starts_with(b"true") {
            (true, 4)
        } else if rest.starts_with(b"false") {
            (false, 5)
        } else {
            return None;
        };
        self.at += len;
        Some(value)
    }
}

/// Reads `input` (without a byte order mark), if it is the common request (see the module's
/// documentation) with every parameter it requires; `None` for anything else.
pub(super) fn scan(input: &[u8]) -> Option<Scanned> {
    let mut cursor = Cursor {
        bytes: input,
        at: 0,
    };
    if cursor.next_token()? != b'{' {
        return None;
    }
    let mut seen = [false; Field::ALL.len()];
    let mut region_id = None;
    let mut desktop_ids = None;
    let mut end_user_ids = None;
    let (mut max_user_per_desktop, mut max_desktop_per_user) = (None, None);
    let mut strategy = None;
    let mut preview = None;
    loop {
        if cursor.next_token()? != b'"' {
            return None;
        }
        let (key, _) = cursor.string()?;
        let field = Field::from_name(std::str::from_utf8(&input[key]).ok()?)?;
        let seen = &mut seen[Field::ALL.iter().position(|&f| f == field)?];
        if std::mem::replace(seen, true) {
            return None;
        }
        if cursor.next_token()? != b':' {
            return None;
        }
        match field {
            Field::RegionId | Field::Strategy => {
                if cursor.next_token()? != b'"' {
                    return None;
                }
                let (text, _) = cursor.string()?;
                if field == Field::RegionId {
                    region_id = Some(text);
                } else {
                    strategy = Some(std::str::from_utf8(&input[text]).ok()?.parse().ok()?);
                }
            }
            Field::DesktopId | Field::EndUserId => {
                if cursor.next_token()? != b'[' {
                    return None;
                }
                let list = cursor.list()?;
                match field {
                    Field::DesktopId => desktop_ids = Some(list),
                    _ => end_user_ids = Some(list),
                }
            }
            Field::MaxUserPerDesktop => max_user_per_desktop = Some(cursor.limit()?),
            Field::MaxDesktopPerUser => max_desktop_per_user = Some(cursor.limit()?),
            Field::Preview => preview = Some(cursor.boolean()?),
        }
        match cursor.next_token()? {
            b',' => {}
            b'}' => break,
            _ => return None,
        }
    }
    cursor.skip_space();
    if cursor.at != input.len() {
        return None;
    }
    Some(Scanned {
        region_id: region_id?,
        desktop_ids: desktop_ids?,
        end_user_ids,
        max_user_per_desktop,
        max_desktop_per_user,
        strategy,
        preview: preview?,
    })
}

impl Scanned {
    /// The request, its lists copied out of `input` (the text [`scan`] read).
    pub(super) fn into_request(self, input: &[u8]) -> Result<Request, OutOfMemory> {
        let mut lists = [Some(&self.desktop_ids), self.end_user_ids.as_ref()]
            .map(|list| list.map(|_| IdList::new()));
        // In the input's order, as the general reading meets them.
        for k in self.in_order() {
            let (list, field) = self.list(k);
            lists[k] = Some(copied(input, list).map_err(|_| OutOfMemory(field))?);
        }
        let [desktops, users] = lists;
        Ok(self.request(
            input,
            desktops.unwrap_or_default(),
            users.unwrap_or_default(),
        ))
    }

    /// The request, its longest list split within `input` itself (the text [`scan`] read,
    /// from `offset`): that list's IDs are moved to the start of the buffer, which becomes
    /// the list's text, and only the other list is copied. Reading a request then holds
    /// its text and the shorter list, not both lists beside it.
    pub(super) fn into_request_in_place(
        self,
        mut input: Vec<u8>,
        offset: usize,
    ) -> Result<Request, OutOfMemory> {
        let text = &input[offset..];
        let users_longer = self
            .end_user_ids
            .as_ref()
            .is_some_and(|users| users.bytes > self.desktop_ids.bytes);
        let in_place = usize::from(users_longer);
        let mut lists: [Option<IdList>; 2] = [None, None];
        for k in self.in_order() {
            let (list, field) = self.list(k);
            lists[k] = Some(if k == in_place {
                // Room for its end offsets now (in the input's order, as the general reading
                // allocates); they and its text below, once the other list is copied.
                let mut ids = IdList::new();
                ids.try_reserve(list.ids, 0)
                    .map_err(|_| OutOfMemory(field))?;
                ids
            } else {
                copied(text, list).map_err(|_| OutOfMemory(field))?
            });
        }
        let region = String::from_utf8_lossy(&text[self.region_id.clone()]).into_owned();
        let (list, field) = self.list(in_place);
        let mut lists = lists.map(Option::unwrap_or_default);
        let ids = &mut lists[in_place];
        let mut to = 0;
        let mut at = offset + list.place.start;
        for _ in 0..list.ids {
            // The list was checked by `scan`: quotes open and close each ID.
            let start = at + next_quote(&input, at).unwrap_or(0) + 1;
            let end = start + next_quote(&input, start).unwrap_or(0);
            input.copy_within(start..end, to);
            to += end - start;
            at = end + 1;
            ids.try_push_end(to).map_err(|_| OutOfMemory(field))?;
        }
        input.truncate(to);
        input.shrink_to_fit();
        ids.set_text(utf8(input));
        lists[in_place].mark_clean(list.clean);
        let [desktops, users] = lists;
        Ok(Request {
            region_id: region,
            ..self.request(&[], desktops, users)
        })
    }

    /// The lists present, by index (0 `DesktopId`, 1 `EndUserId`), in the input's order.
    fn in_order(&self) -> Vec<usize> {
        match &self.end_user_ids {
            None => vec![0],
            Some(users) if users.place.start < self.desktop_ids.place.start => vec![1, 0],
            Some(_) => vec![0, 1],
        }
    }

    fn list(&self, k: usize) -> (&List, Field) {
        match (k, &self.end_user_ids) {
            (1, Some(users)) => (users, Field::EndUserId),
            _ => (&self.desktop_ids, Field::DesktopId),
        }
    }

    fn request(&self, input: &[u8], desktop_ids: IdList, end_user_ids: IdList) -> Request {
        Request {
            region_id: input
                .get(self.region_id.clone())
                .map(|text| String::from_utf8_lossy(text).into_owned())
                .unwrap_or_default(),
            desktop_ids,
            end_user_ids,
            max_user_per_desktop: self.max_user_per_desktop,
            max_desktop_per_user: self.max_desktop_per_user,
            strategy: self.strategy.unwrap_or_default(),
            preview: self.preview,
        }
    }
}

/// The IDs of `list` (checked by [`scan`]), each start and end: its quotes.
fn split<'a>(input: &'a [u8], list: &List) -> impl Iterator<Item = Range<usize>> + 'a {
    let mut at = list.place.start;
    (0..list.ids).map(move |_| {
        let start = at + next_quote(input, at).unwrap_or(0) + 1;
        let end = start + next_quote(input, start).unwrap_or(0);
        at = end + 1;
        start..end
    })
}

/// `list` copied out of `input` into an [`IdList`], reserved at once.
fn copied(input: &[u8], list: &List) -> Result<IdList, TryReserveError> {
    let mut ids = IdList::new();
    ids.try_reserve(list.ids, 0)?;
    let mut text = Vec::new();
    text.try_reserve_exact(list.bytes)?;
    let mut end = 0;
    for id in split(input, list) {
        text.extend_from_slice(&input[id.clone()]);
        end += id.len();
        ids.try_push_end(end)?;
    }
    ids.set_text(utf8(text));
    ids.mark_clean(list.clean);
    Ok(ids)
}

/// IDs' bytes as text. [`scan`] checked each ID UTF-8, and each starts and ends at a quote,
/// so their concatenation is UTF-8 too (the lossy reading never replaces anything).
fn utf8(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    /// What [`scan`] and the two ways of splitting read, or `None` when it leaves the
    /// input to the general reading.
    fn fast(input: &[u8]) -> Option<Result<Request, Error>> {
        let copied = scan(input)?.into_request(input);
        let in_place = scan(input)?.into_request_in_place(input.to_vec(), 0);
        let (copied, in_place) = match (copied, in_place) {
            (Ok(a), Ok(b)) => (a, b),
            _ => panic!("out of memory on a small request"),
        };
        assert_eq!(copied, in_place, "{}", String::from_utf8_lossy(input));
        Some(Ok(copied))
    }

    /// Every input the fast reading takes reads as the general reading reads it, and
    /// checks the same (the IDs it found clean are not looked at again by the check).
    fn agrees(input: &[u8]) -> bool {
        let Some(fast) = fast(input) else {
            return false;
        };
        let general = super::super::request::general(input);
        assert_eq!(fast, general, "{}", String::from_utf8_lossy(input));
        let (fast, general) = (fast.unwrap(), general.unwrap());
        assert_eq!(
            fast.check(),
            general.clone().check(),
            "{}",
            String::from_utf8_lossy(input)
        );
        // A list built ID by ID (nothing known clean) checks the same too.
        let rebuilt = Request {
            desktop_ids: general.desktop_ids.iter().collect(),
            end_user_ids: general.end_user_ids.iter().collect(),
            ..general.clone()
        };
        assert_eq!(rebuilt.check(), general.check());
        true
    }

    /// A SplitMix64 generator: the same inputs on every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[(self.next() % items.len() as u64) as usize]
        }
    }

    const IDS: &[&str] = &[
        "ecd-a",
        "ecd-b",
        "Alice",
        "Bob",
        "",
        " ",
        "a b",
        " a",
        "a ",
        "Zoë",
        "漢字",
        "\u{7f}x",
        "x\u{85}",
        "\u{a0}y",
        "y\u{2003}",
        "\\u0041",
        "\\\"",
        "\\n",
        "tab\\t",
        "ecd-0123456789abcdefghij",
        "0123456789abcdef0123456789abcdef",
        "é",
        "ecd-a",
        "\u{9f}",
        "\u{a0}",
        "ab\u{c2}\u{a0}",
    ];
    const SPACES: &[&str] = &["", "", "", " ", "\n", "\t", "\r\n  "];
    const LIMITS: &[&str] = &[
        "0",
        "1",
        "2",
        "500",
        "501",
        "4294967296",
        "01",
        "1.0",
        "2.5",
        "1e2",
        "-1",
        "null",
        "\"1\"",
        "true",
        "99999999999999999999",
    ];

    fn list(rng: &mut Rng) -> String {
        let n = rng.next() % 12;
        let mut text = String::from("[");
        text.push_str(rng.pick(SPACES));
        for i in 0..n {
            if i > 0 {
                text.push_str(rng.pick(SPACES));
                text.push(',');
                text.push_str(rng.pick(SPACES));
            }
            // Mostly distinct IDs, so that lists pass their check as often as not.
            match rng.next() % 8 {
                0 => text.push_str(&format!("\"{}\"", rng.pick(IDS))),
                _ => text.push_str(&format!("\"id{}-{}\"", i, rng.next() % 1000)),
            }
        }
        text.push_str(rng.pick(SPACES));
        text.push(']');
        text
    }

    fn request(rng: &mut Rng) -> String {
        // Each value mostly one of the first two (well-formed, plain), else any.
        let value = |rng: &mut Rng, items: &[&str]| -> String {
            match rng.next() % 8 {
                0 => rng.pick(items).into(),
                _ => rng.pick(&items[..2]).into(),
            }
        };
        let mut fields: Vec<(String, String)> = vec![
            (
                "RegionId".into(),
                value(
                    rng,
                    &[
                        "\"cn-hangzhou\"",
                        "\"中国\"",
                        "\"\"",
                        "null",
                        "1",
                        "\"a\\u0041\"",
                    ],
                ),
            ),
            ("DesktopId".into(), list(rng)),
            ("EndUserId".into(), list(rng)),
            ("MaxUserPerDesktop".into(), value(rng, LIMITS)),
            ("MaxDesktopPerUser".into(), value(rng, LIMITS)),
            (
                "Strategy".into(),
                value(rng, &["\"AVERAGE\"", "\"CENTRAL\"", "\"average\"", "null"]),
            ),
            (
                "Preview".into(),
                value(rng, &["true", "false", "null", "\"true\"", "truex"]),
            ),
        ];
        // Some left out, some repeated, one misspelt, in a shuffled order.
        fields.retain(|(key, _)| !rng.next().is_multiple_of(16) || key == "MaxUserPerDesktop");
        if rng.next().is_multiple_of(10) {
            fields.push(("DesktopId".into(), "[]".into()));
        }
        if rng.next().is_multiple_of(10) {
            fields.push(("Previeww".into(), "true".into()));
        }
        for i in (1..fields.len()).rev() {
            fields.swap(i, (rng.next() % (i as u64 + 1)) as usize);
        }
        let mut text = String::from(rng.pick(SPACES));
        text.push('{');
        for (i, (key, value)) in fields.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&format!(
                "{}\"{key}\"{}:{}{value}",
                rng.pick(SPACES),
                rng.pick(SPACES),
                rng.pick(SPACES)
            ));
        }
        text.push_str(rng.pick(SPACES));
        text.push('}');
        text.push_str(rng.pick(&["", "", "", "", " \n", "x", ","]));
        text
    }

    #[test]
    fn the_fast_reading_reads_what_the_general_reading_reads() {
        let mut rng = Rng(18);
        let mut taken = 0;
        for _ in 0..20_000 {
            if agrees(request(&mut rng).as_bytes()) {
                taken += 1;
            }
        }
        // Both kinds are exercised: inputs the fast reading takes, and ones it leaves.
        assert!((2_000..18_000).contains(&taken), "{taken}");
    }

    #[test]
    fn the_fast_reading_leaves_what_it_does_not_read_exactly() {
        let base = r#"{"RegionId":"r","DesktopId":["a","b"],"EndUserId":["u"],"Preview":true}"#;
        assert!(agrees(base.as_bytes()));
        for input in [
            r#"{"RegionId":"r","DesktopId":["a\u0041"],"Preview":true}"#,
            r#"{"RegionId":"r","DesktopId":["a"],"Preview":true,"Preview":true}"#,
            r#"{"RegionId":"r","DesktopId":["a"],"Preview":null}"#,
            r#"{"RegionId":"r","DesktopId":["a"],"Preview":true,"MaxUserPerDesktop":2.0}"#,
            r#"{"RegionId":"r","DesktopId":["a"],"Preview":true,"MaxUserPerDesktop":01}"#,
            r#"{"RegionId":"r","DesktopId":["a",],"Preview":true}"#,
            r#"{"RegionId":"r","DesktopId":["a"],"Preview":true} x"#,
            r#"{"RegionId":"r","DesktopId":["a"],"Preview":tru}"#,
            r#"{"RegionId":"r","DesktopId":["a"]}"#,
            "{\"RegionId\":\"r\",\"DesktopId\":[\"a\tb\"],\"Preview\":true}",
        ] {
            assert!(scan(input.as_bytes()).is_none(), "{input}");
        }
        // Not UTF-8 in an ID.
        let mut bad = br#"{"RegionId":"r","DesktopId":["a"],"Preview":true}"#.to_vec();
        bad[30] = 0xff;
        assert!(scan(&bad).is_none());
        // The special bytes are found at every place in a word.
        for at in 0..20 {
            let mut id = "x".repeat(20);
            id.replace_range(at..at + 1, "\u{7f}");
            let input = format!(r#"{{"RegionId":"r","DesktopId":["ok","{id}"],"Preview":true}}"#);
            let request = fast(input.as_bytes()).unwrap().unwrap();
            assert_eq!(request.desktop_ids.clean, 1, "{at}");
            assert!(agrees(input.as_bytes()));
        }
    }
}
