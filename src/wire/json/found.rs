//! What a JSON reader found where it wanted something else, and how every message names
//! it: `null`, `true`, `the string "x"`, `the number 42`, `an array`, `an object`. The
//! request, snapshot and plan readers all describe a value by [`Found`], from serde
//! ([`FoundSeed`]) or from a value's raw text ([`Found::of_raw`]); a top level that is not
//! an object, known only by its first byte, is named by [`kind_of_start`].

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::shown;

/// One JSON value, as much of it as a message needs.
pub(super) enum Found<'a> {
    Null,
    Bool(bool),
    Str(Cow<'a, str>),
    /// A number as written (raw text), or as the deserializer gave it.
    Number(Cow<'a, str>),
    /// A whole number of 0 or more, as a deserializer gave it (`3`, or `3.0` up to 2^53,
    /// where every whole number is exact): what a count is read from.
    Count(u64),
    Array,
    Object,
}

impl Found<'_> {
    /// The value as messages name it, its text cut to
    /// [`SHOWN_CHARS`](crate::SHOWN_CHARS): `null`, `true`, `the string "x"`, `the number
    /// 42`, `an array`, `an object`.
    pub(super) fn describe(&self) -> String {
        match self {
            Found::Null => "null".to_owned(),
            Found::Bool(b) => b.to_string(),
            Found::Str(s) => format!("the string {:?}", shown(s)),
            Found::Number(n) => format!("the number {}", shown(n)),
            Found::Count(n) => format!("the number {n}"),
            Found::Array => "an array".to_owned(),
            Found::Object => "an object".to_owned(),
        }
    }
}

impl<'a> Found<'a> {
    /// The value whose raw JSON text, checked well-formed by serde_json, is `text`
    /// (whitespace around it allowed); a number is kept as written.
    ///
    /// # Errors
    ///
    /// serde_json's, for a string that does not unescape (a lone surrogate, `"\ud800"`,
    /// which serde_json checks only when it unescapes); its column counts from `text`'s
    /// first byte after the whitespace, which [`Found::trimmed`] gives.
    pub(super) fn of_raw(text: &'a str) -> Result<Found<'a>, serde_json::Error> {
        let text = Found::trimmed(text);
        Ok(match text.as_bytes().first() {
            Some(b'n') => Found::Null,
            Some(b't') => Found::Bool(true),
            Some(b'f') => Found::Bool(false),
            Some(b'[') => Found::Array,
            Some(b'{') => Found::Object,
            Some(b'"') => match text.get(1..text.len() - 1) {
                Some(inner) if !inner.contains('\\') => Found::Str(Cow::Borrowed(inner)),
                _ => Found::Str(Cow::Owned(serde_json::from_str::<String>(text)?)),
            },
            _ => Found::Number(Cow::Borrowed(text)),
        })
    }

    /// `text` without JSON's whitespace around it.
    pub(super) fn trimmed(text: &str) -> &str {
        text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
    }
}

/// What a top-level value is, told by its first byte (the value itself not yet read):
/// `null`, `a boolean`, `a string`, `a number`, `an array`; `None` for an object or text
/// that is not JSON, left to serde_json.
pub(super) fn kind_of_start(rest: &[u8]) -> Option<&'static str> {
    Some(match *rest.first()? {
        b'[' => "an array",
        b'"' => "a string",
        b'-' | b'0'..=b'9' => "a number",
        _ if rest.starts_with(b"null") => "null",
        _ if rest.starts_with(b"true") || rest.starts_with(b"false") => "a boolean",
        _ => return None,
    })
}

/// Reads any value as a [`Found`], skipping what an array or object holds.
pub(super) struct FoundSeed;

impl<'de> DeserializeSeed<'de> for FoundSeed {
    type Value = Found<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Found<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FoundSeed {
    type Value = Found<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Found<'de>, E> {
        Ok(Found::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Found<'de>, E> {
        Ok(Found::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Found<'de>, E> {
        match u64::try_from(v) {
            Ok(n) => Ok(Found::Count(n)),
            Err(_) => Ok(Found::Number(v.to_string().into())),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Found<'de>, E> {
        Ok(Found::Count(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Found<'de>, E> {
        // A whole number written with a fraction or an exponent (`3.0`, `3e0`), up to 2^53,
        // where every whole number is exact.
        if v.is_sign_positive() && v.fract() == 0.0 && v <= 9_007_199_254_740_992.0 {
            return Ok(Found::Count(v as u64));
        }
        Ok(Found::Number(v.to_string().into()))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Found<'de>, E> {
        Ok(Found::Str(v.into()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Found<'de>, E> {
        Ok(Found::Str(v.to_owned().into()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Found<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Found::Array)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Found<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Found::Object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Raw text and serde's values are named alike.
    #[test]
    fn raw_text_and_serde_values_are_named_alike() {
        for (json, named) in [
            ("null", "null"),
            ("true", "true"),
            (" false ", "false"),
            (r#""x""#, r#"the string "x""#),
            (r#""a\"b""#, r#"the string "a\"b""#),
            ("42", "the number 42"),
            ("[1, 2]", "an array"),
            (r#"{"a": 1}"#, "an object"),
        ] {
            assert_eq!(Found::of_raw(json).unwrap().describe(), named, "{json}");
            let mut de = serde_json::Deserializer::from_str(json);
            assert_eq!(FoundSeed.deserialize(&mut de).unwrap().describe(), named);
        }
        assert!(Found::of_raw(r#""\ud800""#).is_err());
        assert_eq!(kind_of_start(b"\"x\""), Some("a string"));
        assert_eq!(kind_of_start(b"{}"), None);
    }
}
