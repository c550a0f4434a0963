//! The RPC query form: requests as the SDKs put them on the wire, as form data or a URL
//! query (`RegionId=cn-hangzhou&DesktopId.1=ecd-a&DesktopId.2=ecd-b&Preview=true`).

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::limit::read_limit;
use crate::error::{shown, Error, Field, IndexProblem, QueryProblem};
use crate::execute::{Call, API_VERSION};
use crate::ids::IdList;
use crate::limit::Strategy;
use crate::request::Request;

/// The RPC common parameters: accepted and ignored, except that `Action` is checked, and
/// each may be given once only.
const COMMON: [&str; 10] = [
    "Action",
    "Version",
    "Format",
    "AccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "Timestamp",
    "SecurityToken",
];

/// The common parameters whose values no message shows: a signature, and an STS token
/// that grants access while it lasts.
const CREDENTIALS: [&str; 2] = ["Signature", "SecurityToken"];

/// The one `Action` this crate reads.
const ACTION: &str = "BatchModifyEntitlement";

/// What [`from_query`] and the booleans of the query form expect of `Preview`.
const BOOLEAN: &str = "a boolean (true, false, True or False)";

/// Reads a request in the RPC query form, as the SDKs send it (form data or URL query):
///
/// ```text
/// RegionId=cn-hangzhou&DesktopId.1=ecd-a&DesktopId.2=ecd-b&EndUserId.1=Alice&MaxUserPerDesktop=1&Preview=true
/// ```
///
/// How the text is read:
///
/// * Pairs `name=value` are separated by `&`; a value runs to the next `&` and may hold `=`.
///   Names and values are percent-decoded (`%XX`, either case of hex), `+` is a space, and
///   the decoded text must be UTF-8.
/// * Lists are `DesktopId.N` and `EndUserId.N`, with `N` = 1, 2, 3, … in decimal; items are
///   ordered by `N`, not by where they stand in the text. `N` must be written plainly
///   (`DesktopId.01` and `DesktopId.0` are rejected), every number from 1 up to the highest
///   must be there once, and a list name without a number (`DesktopId=…`) is rejected. A
///   list that is absent is empty (`EndUserId`) or missing (`DesktopId`).
/// * `Preview` is `true`, `false`, `True` or `False` (the Python SDK sends `True`); limits
///   are whole numbers (`2`, or `2.0` as in JSON); `Strategy` is `AVERAGE` or `CENTRAL`.
/// * The RPC common parameters (`Action`, `Version`, `Format`, `AccessKeyId`, `Signature`,
///   `SignatureMethod`, `SignatureVersion`, `SignatureNonce`, `Timestamp`,
///   `SecurityToken`) are accepted and ignored, but `Action`, when present, must be
///   `BatchModifyEntitlement`; like the request's own, each may be given once only (the
///   values of `Signature` and `SecurityToken` are never shown in messages). Names are
///   case-sensitive, as the API's are.
/// * Tolerated, because copies and files carry them: ASCII whitespace before and after the
///   text (the newline `echo` adds), one leading `?` (a URL's query copied with it), and
///   empty pairs (`a=1&&b=2`, a trailing `&`), which hold nothing.
///
/// The request is not checked beyond its wire form: [`Request::check`] does that.
///
/// Costs `O(len)` time, plus `O(k log k)` for a list of `k` items given out of order; the
/// IDs are decoded into two [`IdList`] buffers. No allocation depends on the item numbers
/// written: `DesktopId.99999999999` is a gap like any other.
///
/// # Errors
///
/// [`Error::Utf16`] for UTF-16 text (a UTF-8 byte order mark is skipped, and counted in
/// byte positions). At the first problem in the text, in order: [`Error::Query`] for malformed text (a bad
/// escape, text that is not UTF-8, a pair without `=` or without a name), with its byte
/// position and the parameter; [`Error::UnknownField`] (with the closest known name, the
/// item number set aside), [`Error::NotIndexed`], [`Error::BadIndex`],
/// [`Error::RepeatedParameter`] for a parameter other than a list item given twice (with
/// both values), [`Error::WrongAction`], [`Error::WrongType`] for `Preview`,
/// [`Error::InvalidLimit`] and [`Error::UnknownStrategy`]. Then, per list (`DesktopId` first), [`Error::RepeatedItem`]
/// and [`Error::MissingItem`], at the lowest item number concerned; then [`Error::Missing`]
/// for `RegionId`, `DesktopId` or `Preview`.
///
/// ```
/// use eds_entitlement::{wire, Error, Field};
///
/// let request = wire::from_query(b"RegionId=cn-hangzhou&DesktopId.2=ecd-b&DesktopId.1=ecd-a&Preview=True")?;
/// assert_eq!(request.desktop_ids.iter().collect::<Vec<_>>(), ["ecd-a", "ecd-b"]);
/// assert!(request.preview);
///
/// let gap = wire::from_query(b"RegionId=cn-hangzhou&DesktopId.1=a&DesktopId.3=c&Preview=true").unwrap_err();
/// assert_eq!(
///     gap.to_string(),
///     "parameter 'DesktopId' has no item 2 but has item 3: items are numbered 1, 2, 3, … without a gap"
/// );
/// # Ok::<(), Error>(())
/// ```
pub fn from_query(input: &[u8]) -> Result<Request, Error> {
    super::reject_utf16(input, "the request")?;
    // A byte order mark is skipped, and counted in the byte positions of messages.
    let mut start = input.len() - super::text::strip_bom(input).len();
    let mut end = input.len();
    while start < end && input[start].is_ascii_whitespace() {
        start += 1;
    }
    while end > start && input[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    if input.get(start) == Some(&b'?') {
        start += 1;
    }
    let mut reader = Reader::default();
    let mut pair_start = start;
    while pair_start <= end {
        let pair_end = input[pair_start..end]
            .iter()
            .position(|&b| b == b'&')
            .map_or(end, |i| pair_start + i);
        if pair_end > pair_start {
            reader.pair(input, pair_start, pair_end)?;
        }
        pair_start = pair_end + 1;
    }
    reader.finish()
}

/// Encodes `request` in the RPC query form, as the SDKs do: parameters in the order
/// `RegionId`, `DesktopId.N`, `EndUserId.N`, `MaxUserPerDesktop`, `MaxDesktopPerUser`,
/// `Strategy`, `Preview`; absent limits left out; booleans as `true`/`false`; every byte
/// outside RFC 3986's unreserved set (`A-Z a-z 0-9 - . _ ~`) percent-encoded as `%XX` in
/// uppercase hex (a space is `%20`).
///
/// [`from_query`] reads the text back as the same request, with one exception that the
/// form cannot express: an empty `DesktopId` list, which is written as no `DesktopId` at
/// all and read back as [`Error::Missing`]. An empty `EndUserId` is absent, and absent is
/// empty.
///
/// Costs `O(len)` for the text it returns.
///
/// ```
/// use eds_entitlement::{wire, Request};
///
/// let request = Request::new("cn-hangzhou", ["ecd-a", "ecd b"], ["Zoë&Co"]).max_user_per_desktop(1);
/// let query = wire::to_query(&request);
/// assert_eq!(
///     query,
///     "RegionId=cn-hangzhou&DesktopId.1=ecd-a&DesktopId.2=ecd%20b&EndUserId.1=Zo%C3%AB%26Co\
///      &MaxUserPerDesktop=1&Strategy=AVERAGE&Preview=true"
/// );
/// assert_eq!(wire::from_query(query.as_bytes()), Ok(request));
/// ```
pub fn to_query(request: &Request) -> String {
    let ids = request.desktop_ids.concatenated().len() + request.end_user_ids.concatenated().len();
    let mut out = String::with_capacity(
        96 + ids + 20 * (request.desktop_ids.len() + request.end_user_ids.len()),
    );
    let put = |out: &mut String, name: &str, index: Option<usize>, value: &str| {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(name);
        if let Some(index) = index {
            out.push('.');
            out.push_str(&index.to_string());
        }
        out.push('=');
        encode(out, value);
    };
    put(&mut out, "RegionId", None, &request.region_id);
    for (i, id) in request.desktop_ids.iter().enumerate() {
        put(&mut out, "DesktopId", Some(i + 1), id);
    }
    for (i, id) in request.end_user_ids.iter().enumerate() {
        put(&mut out, "EndUserId", Some(i + 1), id);
    }
    if let Some(limit) = request.max_user_per_desktop {
        put(&mut out, "MaxUserPerDesktop", None, &limit.to_string());
    }
    if let Some(limit) = request.max_desktop_per_user {
        put(&mut out, "MaxDesktopPerUser", None, &limit.to_string());
    }
    put(&mut out, "Strategy", None, request.strategy.as_str());
    put(
        &mut out,
        "Preview",
        None,
        if request.preview { "true" } else { "false" },
    );
    out
}

/// A call's query form ([the contract](crate::contract), §8) lives with the request's, whose
/// encoder it shares.
impl Call {
    /// The call in the RPC query form: `Action`, `Version=2020-09-30`, `RegionId`, then
    /// [`Call::parameters`]; no credentials and no signature (the caller's SDK signs).
    ///
    /// Values are percent-encoded as the SDKs encode RPC parameters for signing (Python's
    /// `quote(value, safe='~')`, Java's `percentEncode`): the bytes of RFC 3986's unreserved
    /// set (`A-Z a-z 0-9 - . _ ~`) stay, every other byte of the UTF-8 text is `%XX` in
    /// uppercase hex, a space is `%20`. Names need no encoding.
    ///
    /// Costs `O(len)` for the text it returns.
    ///
    /// ```
    /// use eds_entitlement::{Call, ModifyUserEntitlement};
    ///
    /// let call = Call::ModifyUserEntitlement(ModifyUserEntitlement {
    ///     region_id: "cn-hangzhou".into(),
    ///     authorize_desktop_ids: vec!["ecd-a".into()],
    ///     end_user_ids: vec!["Zoë & Co".into()],
    ///     revoke_desktop_ids: vec![],
    /// });
    /// assert_eq!(
    ///     call.to_query(),
    ///     "Action=ModifyUserEntitlement&Version=2020-09-30&RegionId=cn-hangzhou\
    ///      &AuthorizeDesktopId.1=ecd-a&EndUserId.1=Zo%C3%AB%20%26%20Co"
    /// );
    /// ```
    pub fn to_query(&self) -> String {
        let mut out = String::new();
        out.push_str("Action=");
        out.push_str(self.action());
        out.push_str("&Version=");
        out.push_str(API_VERSION);
        out.push_str("&RegionId=");
        encode(&mut out, self.region_id());
        for (name, value) in self.parameters() {
            out.push('&');
            out.push_str(&name);
            out.push('=');
            encode(&mut out, value);
        }
        out
    }
}

/// Percent-encodes `value` onto `out`, keeping RFC 3986's unreserved bytes.
fn encode(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// The items of one list as read: their decoded text back to back, and for each its item
/// number and where its text ends.
#[derive(Default)]
struct Items {
    text: String,
    /// `(item number, end of its text in `text`)`, in the order read. `u64::MAX` stands
    /// for every number from `u64::MAX` up, which no list reaches: each is a gap.
    entries: Vec<(u64, usize)>,
    /// The item numbers that `u64::MAX` stands for, as written (plain decimals, so the
    /// shortest, then the first in text order, is the least).
    huge: Vec<String>,
}

impl Items {
    /// The list in item order, or the first repeat or gap.
    fn finish(self, field: Field) -> Result<IdList, Error> {
        let Items {
            text,
            entries,
            huge,
        } = self;
        let mut spans: Vec<(u64, usize, usize)> = Vec::with_capacity(entries.len());
        let mut start = 0;
        for (number, end) in entries {
            spans.push((number, start, end));
            start = end;
        }
        if !spans.is_sorted_by_key(|&(n, _, _)| n) {
            spans.sort_by_key(|&(n, _, _)| n);
        }
        let mut list = IdList::with_capacity(spans.len(), text.len());
        for (i, &(number, start, end)) in spans.iter().enumerate() {
            let expected = i as u64 + 1;
            if number < expected {
                // Sorting kept equal numbers in the order read: the item before is the first.
                let first = spans[i - 1];
                return Err(Error::RepeatedItem {
                    field,
                    position: number as usize,
                    first: shown(&text[first.1..first.2]),
                    second: shown(&text[start..end]),
                });
            }
            if number > expected {
                let next = if number == u64::MAX {
                    let least = huge.iter().min_by_key(|s| (s.len(), s.as_str()));
                    least.map_or_else(|| number.to_string(), |s| shown(s))
                } else {
                    number.to_string()
                };
                return Err(Error::MissingItem {
                    field,
                    missing: i + 1,
                    next,
                });
            }
            list.push(&text[start..end]);
        }
        Ok(list)
    }
}

/// The request's parameters as read so far.
#[derive(Default)]
struct Reader {
    /// The parameters other than lists given so far, with their decoded values: a second
    /// one is rejected with both values. `RegionId`'s value is taken from here.
    given: Vec<(&'static str, String)>,
    desktop_ids: Items,
    end_user_ids: Items,
    max_user_per_desktop: Option<u32>,
    max_desktop_per_user: Option<u32>,
    strategy: Option<Strategy>,
    preview: Option<bool>,
    /// Scratch space for a name being decoded.
    name: String,
}

impl Reader {
    /// Reads the pair `input[start..end]`, which is not empty and holds no `&`.
    fn pair(&mut self, input: &[u8], start: usize, end: usize) -> Result<(), Error> {
        let pair = &input[start..end];
        let Some(eq) = pair.iter().position(|&b| b == b'=') else {
            let mut name = String::new();
            let parameter = match decode(pair, start, &mut name) {
                Ok(()) => shown(&name),
                Err(_) => shown(&String::from_utf8_lossy(pair)),
            };
            return Err(Error::Query {
                byte: start + 1,
                parameter: Some(parameter),
                problem: QueryProblem::NoValue,
            });
        };
        if eq == 0 {
            let raw_value = &pair[1..];
            let mut value = String::new();
            let value = match decode(raw_value, start + 1, &mut value) {
                Ok(()) => shown(&value),
                Err(_) => shown(&String::from_utf8_lossy(raw_value)),
            };
            return Err(Error::Query {
                byte: start + 1,
                parameter: None,
                problem: QueryProblem::NoName { value },
            });
        }
        let (raw_name, raw_value) = (&pair[..eq], &pair[eq + 1..]);
        let value_start = start + eq + 1;
        let mut name = core::mem::take(&mut self.name);
        name.clear();
        decode(raw_name, start, &mut name).map_err(|(byte, problem)| Error::Query {
            byte,
            parameter: Some(shown(&String::from_utf8_lossy(raw_name))),
            problem,
        })?;
        let result = self.parameter(&name, raw_value, value_start);
        self.name = name;
        result
    }

    /// Reads the value `raw` (starting at byte `at` of the input) of the parameter `name`.
    fn parameter(&mut self, name: &str, raw: &[u8], at: usize) -> Result<(), Error> {
        let bad_text = |(byte, problem)| Error::Query {
            byte,
            parameter: Some(shown(name)),
            problem,
        };
        let (base, index) = match name.split_once('.') {
            Some((base, index)) => (base, Some(index)),
            None => (name, None),
        };
        let unknown = || Error::UnknownField {
            name: shown(name),
            suggestion: Field::closest(base),
        };
        let Some(field) = Field::from_name(base) else {
            let common = COMMON.iter().find(|&&common| common == base);
            let Some(&common) = common.filter(|_| index.is_none()) else {
                return Err(unknown());
            };
            let mut value = String::new();
            decode(raw, at, &mut value).map_err(bad_text)?;
            self.once(common, &value)?;
            if common == "Action" && value != ACTION {
                return Err(Error::WrongAction {
                    value: shown(&value),
                });
            }
            self.given.push((common, value));
            return Ok(());
        };
        if matches!(field, Field::DesktopId | Field::EndUserId) {
            let Some(index) = index else {
                return Err(Error::NotIndexed { field });
            };
            let number = item_number(field, index)?;
            let items = if field == Field::DesktopId {
                &mut self.desktop_ids
            } else {
                &mut self.end_user_ids
            };
            let mark = items.text.len();
            if let Err(e) = decode(raw, at, &mut items.text) {
                items.text.truncate(mark);
                return Err(bad_text(e));
            }
            let number = number.unwrap_or_else(|| {
                items.huge.push(index.to_owned());
                u64::MAX
            });
            items.entries.push((number, items.text.len()));
            return Ok(());
        }
        if index.is_some() {
            return Err(unknown());
        }
        let mut value = String::new();
        decode(raw, at, &mut value).map_err(bad_text)?;
        self.once(field.name(), &value)?;
        self.scalar(field, &value)?;
        self.given.push((field.name(), value));
        Ok(())
    }

    /// Rejects `name` given again, now with `value`; a credential's values are not shown.
    fn once(&self, name: &'static str, value: &str) -> Result<(), Error> {
        match self.given.iter().find(|(given, _)| *given == name) {
            Some((_, first)) => Err(Error::RepeatedParameter {
                name,
                values: (!CREDENTIALS.contains(&name)).then(|| (shown(first), shown(value))),
            }),
            None => Ok(()),
        }
    }

    /// Stores the decoded `value` of the scalar parameter `field` (`RegionId`'s stays in
    /// `given`).
    fn scalar(&mut self, field: Field, value: &str) -> Result<(), Error> {
        match field {
            Field::RegionId | Field::DesktopId | Field::EndUserId => {}
            Field::MaxUserPerDesktop => self.max_user_per_desktop = Some(limit(field, value)?),
            Field::MaxDesktopPerUser => self.max_desktop_per_user = Some(limit(field, value)?),
            Field::Strategy => self.strategy = Some(value.parse()?),
            Field::Preview => {
                self.preview = Some(match value {
                    "true" | "True" => true,
                    "false" | "False" => false,
                    _ => {
                        return Err(Error::WrongType {
                            field,
                            position: None,
                            expected: BOOLEAN,
                            found: format!("{:?}", shown(value)),
                        })
                    }
                })
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Request, Error> {
        let desktop_ids = self.desktop_ids.finish(Field::DesktopId)?;
        let end_user_ids = self.end_user_ids.finish(Field::EndUserId)?;
        let missing = |field| Error::Missing { field };
        let region = self.given.iter().position(|&(name, _)| name == "RegionId");
        let region_id = match region {
            Some(i) => self.given.swap_remove(i).1,
            None => return Err(missing(Field::RegionId)),
        };
        if desktop_ids.is_empty() {
            return Err(missing(Field::DesktopId));
        }
        Ok(Request {
            region_id,
            desktop_ids,
            end_user_ids,
            max_user_per_desktop: self.max_user_per_desktop,
            max_desktop_per_user: self.max_desktop_per_user,
            strategy: self.strategy.unwrap_or_default(),
            preview: self.preview.ok_or(missing(Field::Preview))?,
        })
    }
}

/// The item number `index` of `field.index`: `Some(n)` for `n >= 1` written plainly, `None`
/// for a plain number of `u64::MAX` or more (kept as text by [`Items`]).
fn item_number(field: Field, index: &str) -> Result<Option<u64>, Error> {
    let problem = if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
        IndexProblem::NotANumber
    } else if index == "0" {
        IndexProblem::Zero
    } else if index.starts_with('0') {
        IndexProblem::LeadingZero
    } else {
        return Ok(index.parse().ok().filter(|&n| n != u64::MAX));
    };
    Err(Error::BadIndex {
        field,
        index: shown(index),
        problem,
    })
}

/// A limit's value, read exactly by [`read_limit`]: a whole number (`2`, `2.0`, `5e1`), not
/// negative, at most `u32::MAX` here ([`Request::check`] caps it at 500).
fn limit(field: Field, text: &str) -> Result<u32, Error> {
    read_limit(field, text)
}

/// Percent-decodes `raw` (which starts at byte `at` of the input) onto `out`, `+` read as a
/// space. On error, the 1-based byte position of the problem and what it is; `out` may then
/// hold part of the text.
fn decode(raw: &[u8], at: usize, out: &mut String) -> Result<(), (usize, QueryProblem)> {
    // Fast path: nothing to decode.
    if !raw.iter().any(|&b| b == b'%' || b == b'+' || b >= 0x80) {
        // Pure ASCII, so UTF-8.
        out.push_str(core::str::from_utf8(raw).unwrap_or_default());
        return Ok(());
    }
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'%' => {
                let hex = |k: usize| raw.get(i + k).and_then(|&b| char::from(b).to_digit(16));
                match (hex(1), hex(2)) {
                    (Some(hi), Some(lo)) => bytes.push((hi * 16 + lo) as u8),
                    _ => {
                        let escape = &raw[i..raw.len().min(i + 3)];
                        return Err((
                            at + i + 1,
                            QueryProblem::BadEscape {
                                text: String::from_utf8_lossy(escape).into_owned(),
                            },
                        ));
                    }
                }
                i += 3;
            }
            b'+' => {
                bytes.push(b' ');
                i += 1;
            }
            b => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    match String::from_utf8(bytes) {
        Ok(text) => {
            out.push_str(&text);
            Ok(())
        }
        Err(e) => {
            // Find where in `raw` the first invalid decoded byte came from.
            let bad = e.utf8_error().valid_up_to();
            let (mut i, mut decoded) = (0, 0);
            while decoded < bad {
                i += if raw[i] == b'%' { 3 } else { 1 };
                decoded += 1;
            }
            Err((at + i + 1, QueryProblem::NotUtf8))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_maps_utf8_errors_back_to_the_input() {
        let mut out = String::new();
        assert_eq!(decode(b"a%C3%A9+b", 10, &mut out), Ok(()));
        assert_eq!(out, "aé b");
        assert_eq!(
            decode(b"ab%C3%28", 10, &mut String::new()),
            Err((13, QueryProblem::NotUtf8))
        );
        assert_eq!(
            decode(b"x\xff", 0, &mut String::new()),
            Err((2, QueryProblem::NotUtf8))
        );
    }

    #[test]
    fn encode_keeps_only_unreserved_bytes() {
        let mut out = String::new();
        encode(&mut out, "aZ09-._~ &=%+/é");
        assert_eq!(out, "aZ09-._~%20%26%3D%25%2B%2F%C3%A9");
    }
}
