//! A hand-written reader of one snapshot desktop, for the chunked reader's fast path.
//!
//! It reads the five keys that §6 reads and skips every other value in the same pass,
//! checking the skipped values' syntax as serde_json does (strings: escapes, control
//! characters, UTF-8; numbers; literals; nesting) or more strictly. It takes only what it is
//! sure of: a desktop whose read keys are plain strings (no escapes), each read key given
//! once, `DesktopId` and `DesktopStatus` present, and `EndUserIds` without an empty or
//! repeated user. Anything else (an error, an escape in a read key or value, a problem §6
//! names) is [`Stop::Doubt`]: the caller reads that desktop again through serde_json, whose
//! checks and messages stay the only ones. Being stricter than serde_json costs only a
//! second read of that desktop; being looser would change what a snapshot means, so every
//! check here errs on the side of doubt.

use super::read_desktop::{users_problem, ReadDesktop, DEEPEST};
use crate::word;

/// Why [`desktop`] did not read a desktop.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Stop {
    /// The bytes end before the desktop does: read more and try again.
    More,
    /// Not taken here: read by serde_json instead.
    Doubt,
}

/// Reads the desktop that `text` begins with (at its `{`): the desktop, and the length of
/// its text (up to and with its `}`).
pub(super) fn desktop(text: &[u8]) -> Result<(ReadDesktop, usize), Stop> {
    let mut c = Cursor { text, at: 0 };
    let read = c.desktop()?;
    Ok((read, c.at))
}

/// What a byte is inside a string.
const PLAIN: u8 = 0;
const QUOTE: u8 = 1;
const BACKSLASH: u8 = 2;
const CONTROL: u8 = 3;
const HIGH: u8 = 4;

static STRING_CLASS: [u8; 256] = {
    let mut table = [PLAIN; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = if b < 0x20 {
            CONTROL
        } else if b == b'"' as usize {
            QUOTE
        } else if b == b'\\' as usize {
            BACKSLASH
        } else if b >= 0x80 {
            HIGH
        } else {
            PLAIN
        };
        b += 1;
    }
    table
};

/// The bytes of `word` (little-endian) that end a run of plain string bytes: `"`, `\\`, a
/// control character or a byte over 127, each as its high bit. The lowest one set is exact
/// (a borrow only carries upward from a byte that is itself flagged).
const fn not_plain(word: u64) -> u64 {
    word::equal(word, b'"')
        | word::equal(word, b'\\')
        | word::below(word, 0x20)
        | word::above(word, 0x7F)
}

/// A string's text between its quotes, and whether it held an escape.
struct Str<'a> {
    text: &'a [u8],
    escaped: bool,
}

struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Result<u8, Stop> {
        self.text.get(self.at).copied().ok_or(Stop::More)
    }

    fn ws(&mut self) -> Result<u8, Stop> {
        loop {
            let b = self.peek()?;
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                return Ok(b);
            }
            self.at += 1;
        }
    }

    /// The string at `self.at` (its `"`), checked as serde_json checks it, and UTF-8.
    fn string(&mut self) -> Result<Str<'a>, Stop> {
        let text = self.text;
        let start = self.at + 1;
        let mut at = start;
        let (mut escaped, mut high) = (false, false);
        loop {
            // Eight bytes at a time up to the first that is not plain ASCII. Not
            // `word::position`: a tail shorter than a word is left to the table below,
            // which reads a byte for less than `not_plain` does (short IDs are most
            // strings here; `word::position` costs 7% more instructions on a snapshot).
            while let Some(word) = text.get(at..at + 8) {
                let Ok(word) = <[u8; 8]>::try_from(word) else {
                    break;
                };
                let stop = not_plain(u64::from_le_bytes(word));
                if stop != 0 {
                    at += (stop.trailing_zeros() / 8) as usize;
                    break;
                }
                at += 8;
            }
            let b = *text.get(at).ok_or(Stop::More)?;
            match STRING_CLASS[usize::from(b)] {
                PLAIN => at += 1,
                QUOTE => break,
                BACKSLASH => {
                    escaped = true;
                    match *text.get(at + 1).ok_or(Stop::More)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => at += 2,
                        b'u' => {
                            let hex = text.get(at + 2..at + 6).ok_or(Stop::More)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return Err(Stop::Doubt);
                            }
                            at += 6;
                        }
                        _ => return Err(Stop::Doubt),
                    }
                }
                HIGH => {
                    high = true;
                    at += 1;
                }
                _ => return Err(Stop::Doubt),
            }
        }
        let body = &text[start..at];
        self.at = at + 1;
        if high && std::str::from_utf8(body).is_err() {
            return Err(Stop::Doubt);
        }
        Ok(Str {
            text: body,
            escaped,
        })
    }

    /// A string read as a value: plain (no escape), owned.
    fn plain(&mut self) -> Result<String, Stop> {
        let s = self.string()?;
        if s.escaped {
            return Err(Stop::Doubt);
        }
        // Checked UTF-8 above when it held a byte over 127; ASCII otherwise.
        String::from_utf8(s.text.to_vec()).map_err(|_| Stop::Doubt)
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Stop> {
        let end = self.at + word.len();
        match self.text.get(self.at..end) {
            Some(got) if got == word => {
                self.at = end;
                Ok(())
            }
            Some(_) => Err(Stop::Doubt),
            // A prefix of the word so far, or not.
            None if word.starts_with(&self.text[self.at..]) => Err(Stop::More),
            None => Err(Stop::Doubt),
        }
    }

    fn digits(&mut self) -> Result<usize, Stop> {
        let start = self.at;
        while self.peek()?.is_ascii_digit() {
            self.at += 1;
        }
        Ok(self.at - start)
    }

    /// A number, as JSON spells it (serde_json's grammar, which skips it without reading it).
    fn number(&mut self) -> Result<(), Stop> {
        if self.peek()? == b'-' {
            self.at += 1;
        }
        match self.peek()? {
            b'0' => {
                self.at += 1;
                if self.peek()?.is_ascii_digit() {
                    return Err(Stop::Doubt);
                }
            }
            b'1'..=b'9' => {
                self.digits()?;
            }
            _ => return Err(Stop::Doubt),
        }
        if self.peek()? == b'.' {
            self.at += 1;
            if self.digits()? == 0 {
                return Err(Stop::Doubt);
            }
        }
        if matches!(self.peek()?, b'e' | b'E') {
            self.at += 1;
            if matches!(self.peek()?, b'+' | b'-') {
                self.at += 1;
            }
            if self.digits()? == 0 {
                return Err(Stop::Doubt);
            }
        }
        Ok(())
    }

    /// Skips the value at `self.at`, inside containers `depth` deep (1 in the desktop).
    fn skip(&mut self, depth: usize) -> Result<(), Stop> {
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => self.skip_object(depth + 1),
            b'[' => self.skip_array(depth + 1),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(Stop::Doubt),
        }
    }

    /// The deepest a container may be: the top-level object and the `Desktops` array are
    /// 2 more, as the scanner counts them.
    fn enter(&mut self, depth: usize) -> Result<(), Stop> {
        if depth + 2 > DEEPEST {
            return Err(Stop::Doubt);
        }
        self.at += 1;
        Ok(())
    }

    fn skip_object(&mut self, depth: usize) -> Result<(), Stop> {
        self.enter(depth)?;
        if self.ws()? == b'}' {
            self.at += 1;
            return Ok(());
        }
        loop {
            if self.ws()? != b'"' {
                return Err(Stop::Doubt);
            }
            self.string()?;
            self.colon()?;
            self.skip(depth)?;
            if self.next(b'}')? {
                return Ok(());
            }
        }
    }

    fn skip_array(&mut self, depth: usize) -> Result<(), Stop> {
        self.enter(depth)?;
        if self.ws()? == b']' {
            self.at += 1;
            return Ok(());
        }
        loop {
            self.ws()?;
            self.skip(depth)?;
            if self.next(b']')? {
                return Ok(());
            }
        }
    }

    /// After a key: `:` and the whitespace around it, up to the value.
    fn colon(&mut self) -> Result<(), Stop> {
        if self.ws()? != b':' {
            return Err(Stop::Doubt);
        }
        self.at += 1;
        self.ws()?;
        Ok(())
    }

    /// After a member or an element: `,` (`false`) or `close` (`true`).
    fn next(&mut self, close: u8) -> Result<bool, Stop> {
        let b = self.ws()?;
        self.at += 1;
        if b == b',' {
            Ok(false)
        } else if b == close {
            Ok(true)
        } else {
            Err(Stop::Doubt)
        }
    }

    /// `null` (`None`) or an array of plain strings.
    fn strings(&mut self) -> Result<Option<Vec<String>>, Stop> {
        match self.peek()? {
            b'n' => {
                self.literal(b"null")?;
                return Ok(None);
            }
            b'[' => self.enter(2)?,
            _ => return Err(Stop::Doubt),
        }
        let mut list = Vec::new();
        if self.ws()? == b']' {
            self.at += 1;
            return Ok(Some(list));
        }
        loop {
            if self.ws()? != b'"' {
                return Err(Stop::Doubt);
            }
            list.push(self.plain()?);
            if self.next(b']')? {
                return Ok(Some(list));
            }
        }
    }

    fn desktop(&mut self) -> Result<ReadDesktop, Stop> {
        if self.peek()? != b'{' {
            return Err(Stop::Doubt);
        }
        self.enter(1)?;
        let (mut id, mut status) = (None, None);
        let mut flags: Option<Option<Vec<String>>> = None;
        let mut flag: Option<Option<String>> = None;
        let mut users: Option<Option<Vec<String>>> = None;
        if self.ws()? == b'}' {
            // No `DesktopId`: serde_json's reader names it.
            return Err(Stop::Doubt);
        }
        loop {
            if self.ws()? != b'"' {
                return Err(Stop::Doubt);
            }
            let key = self.string()?;
            if key.escaped {
                return Err(Stop::Doubt);
            }
            self.colon()?;
            match key.text {
                b"DesktopId" if id.is_none() => id = Some(self.plain_value()?),
                b"DesktopStatus" if status.is_none() => status = Some(self.plain_value()?),
                b"ManagementFlag" if flag.is_none() => {
                    flag = Some(if self.peek()? == b'n' {
                        self.literal(b"null")?;
                        None
                    } else {
                        Some(self.plain_value()?)
                    });
                }
                b"ManagementFlags" if flags.is_none() => flags = Some(self.strings()?),
                b"EndUserIds" if users.is_none() => users = Some(self.strings()?),
                // Given twice: serde_json's reader names it.
                b"DesktopId" | b"DesktopStatus" | b"ManagementFlag" | b"ManagementFlags"
                | b"EndUserIds" => return Err(Stop::Doubt),
                _ => self.skip(1)?,
            }
            if self.next(b'}')? {
                break;
            }
        }
        let (Some(id), Some(status)) = (id, status) else {
            return Err(Stop::Doubt);
        };
        let users = users.flatten().unwrap_or_default();
        if users_problem(&users).is_some() {
            return Err(Stop::Doubt);
        }
        let mut flags = flags.flatten().unwrap_or_default();
        flags.extend(flag.flatten());
        Ok(ReadDesktop {
            id,
            status,
            flags,
            users,
        })
    }

    /// A string value where a string is read.
    fn plain_value(&mut self) -> Result<String, Stop> {
        if self.peek()? != b'"' {
            return Err(Stop::Doubt);
        }
        self.plain()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<(ReadDesktop, usize), Stop> {
        desktop(text.as_bytes())
    }

    #[test]
    fn reads_the_five_keys_and_skips_the_rest() {
        let text = r#"{"Cpu":4,"Tags":[{"K":"v\n\u00e9"},-1.5e+3,true,null,"é"],"DesktopId":"ecd-a","DesktopStatus":"Running","ManagementFlag":"Assigning","ManagementFlags":["NoFlag"],"EndUserIds":["Alice","Bob"]} ,"#;
        let (desktop, len) = read(text).unwrap();
        assert_eq!(&text[len..], " ,");
        assert_eq!(desktop.id, "ecd-a");
        assert_eq!(desktop.status, "Running");
        assert_eq!(desktop.flags, ["NoFlag", "Assigning"]);
        assert_eq!(desktop.users, ["Alice", "Bob"]);
    }

    #[test]
    fn null_lists_and_flag_read_as_nothing() {
        let text = r#"{ "DesktopId" : "a" , "DesktopStatus":"Stopped","ManagementFlag":null,"ManagementFlags":null,"EndUserIds":null }"#;
        let (desktop, len) = read(text).unwrap();
        assert_eq!(len, text.len());
        assert!(desktop.flags.is_empty() && desktop.users.is_empty());
    }

    #[test]
    fn every_cut_of_a_desktop_asks_for_more() {
        let text = r#"{"A":[1.0e5,-0,"x\"y\u0041",{"B":false}],"DesktopId":"a","DesktopStatus":"Running","EndUserIds":["u"],"Z":null}"#;
        for cut in 0..text.len() {
            assert_eq!(read(&text[..cut]).err(), Some(Stop::More), "cut at {cut}");
        }
        assert!(read(text).is_ok());
    }

    #[test]
    fn doubts_what_serde_json_would_refuse_or_name() {
        for text in [
            // Not JSON.
            r#"{"DesktopId":"a","DesktopStatus":"R","X":01}"#,
            r#"{"DesktopId":"a","DesktopStatus":"R","X":1.}"#,
            r#"{"DesktopId":"a","DesktopStatus":"R","X":1e}"#,
            r#"{"DesktopId":"a","DesktopStatus":"R","X":-}"#,
            r#"{"DesktopId":"a","DesktopStatus":"R","X":+1}"#,
            r#"{"DesktopId":"a","DesktopStatus":"R","X":tru}"#,
            r#"{"DesktopId":"a","DesktopStatus":"R","X":"\x"}"#,
            r#"{"DesktopId":"a","DesktopStatus":"R","X":"\u12g4"}"#,
            "{\"DesktopId\":\"a\",\"DesktopStatus\":\"R\",\"X\":\"\t\"}",
            r#"{"DesktopId":"a","DesktopStatus":"R","X":[1,]}"#,
            r#"{"DesktopId":"a","DesktopStatus":"R","X":{"a":1,}}"#,
            r#"{"DesktopId":"a","DesktopStatus":"R","X":{"a" 1}}"#,
            r#"{"DesktopId":"a","DesktopStatus":"R",}"#,
            r#"{"DesktopId":"a","DesktopStatus":"R" "X":1}"#,
            r#"{"DesktopId":"a","DesktopStatus":"R","X":[1 2]}"#,
            // Problems §6 names, or spellings left to serde_json.
            r#"{}"#,
            r#"{"DesktopId":"a"}"#,
            r#"{"DesktopId":"a","DesktopId":"b","DesktopStatus":"R"}"#,
            r#"{"DesktopId":"a\u0041","DesktopStatus":"R"}"#,
            r#"{"Desktop\u0049d":"a","DesktopStatus":"R"}"#,
            r#"{"DesktopId":1,"DesktopStatus":"R"}"#,
            r#"{"DesktopId":"a","DesktopStatus":"R","EndUserIds":["u","u"]}"#,
            r#"{"DesktopId":"a","DesktopStatus":"R","EndUserIds":[""]}"#,
            r#"{"DesktopId":"a","DesktopStatus":"R","EndUserIds":[1]}"#,
            r#"{"DesktopId":"a","DesktopStatus":"R","EndUserIds":"u"}"#,
            r#"{"DesktopId":"a","DesktopStatus":"R","ManagementFlag":["x"]}"#,
            r#"[]"#,
        ] {
            assert_eq!(read(text).err(), Some(Stop::Doubt), "{text}");
        }
        // Invalid UTF-8 in a skipped string.
        let mut bad = br#"{"DesktopId":"a","DesktopStatus":"R","X":""#.to_vec();
        bad.extend_from_slice(&[0xff, b'"', b'}']);
        assert_eq!(desktop(&bad).err(), Some(Stop::Doubt));
    }

    #[test]
    fn the_word_scan_finds_the_first_byte_that_is_not_plain() {
        for special in [b'"', b'\\', 0, 0x1f, 0x80, 0xff] {
            for at in 0..8 {
                let mut word = *b"abcdefgh";
                word[at] = special;
                // A second one later does not hide the first.
                if at < 7 {
                    word[7] = b'"';
                }
                let found = not_plain(u64::from_le_bytes(word));
                assert_eq!(found.trailing_zeros() / 8, at as u32, "{special} at {at}");
            }
        }
        assert_eq!(not_plain(u64::from_le_bytes(*b" ~azAZ09")), 0);
        // A special byte at every place of a long string.
        let long = "x".repeat(40);
        for at in 0..=40 {
            for (inserted, taken) in [
                (r"\t", true),
                (r"\u0009", true),
                (r#"\""#, true),
                ("é", true),
                ("\t", false),
                ("\u{1}", false),
                (r"\q", false),
            ] {
                let text = format!(
                    r#"{{"X":"{}{inserted}{}","DesktopId":"a","DesktopStatus":"R"}}"#,
                    &long[..at],
                    &long[at..]
                );
                match read(&text) {
                    Ok((_, len)) => assert!(taken && len == text.len(), "{text:?}"),
                    Err(stop) => assert!(!taken && stop == Stop::Doubt, "{text:?}"),
                }
            }
        }
    }

    #[test]
    fn nesting_deeper_than_the_scanner_takes_is_doubted() {
        let deep = |n: usize| {
            format!(
                r#"{{"DesktopId":"a","DesktopStatus":"R","X":{}{}}}"#,
                "[".repeat(n),
                "]".repeat(n)
            )
        };
        // The desktop is 1 deep, in the top-level object and the array: 97 more fit.
        assert!(read(&deep(97)).is_ok());
        assert_eq!(read(&deep(98)).err(), Some(Stop::Doubt));
    }
}
