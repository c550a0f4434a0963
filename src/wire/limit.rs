//! Limits as written on the wire, read exactly from their decimal text.

use alloc::format;

use crate::error::{shown, Error, Field, LimitProblem};

/// Reads a limit (`MaxUserPerDesktop` or `MaxDesktopPerUser`) written as text, as the query
/// form and the command line's flags write it: a whole number from 0 to `u32::MAX`, however
/// it is written as a JSON number (`500`, `500.0`, `5e2`, `-0`), read exactly, never through a
/// float. A sign other than `-` (`+5`), spaces, hex or an empty text are not numbers.
/// [`Request::check`](crate::Request::check) then rejects values above 500. `O(len)`.
///
/// ```
/// use eds_entitlement::{wire, Field};
///
/// assert_eq!(wire::read_limit(Field::MaxUserPerDesktop, "5e2"), Ok(500));
/// let plus = wire::read_limit(Field::MaxUserPerDesktop, "+5").unwrap_err();
/// assert_eq!(
///     plus.to_string(),
///     r#"parameter 'MaxUserPerDesktop' is "+5", which is not a number: it must be a whole number from 0 to 500"#
/// );
/// ```
///
/// # Errors
///
/// [`Error::InvalidLimit`], naming `field`, the text (shortened, quoted when it is not a
/// number) and what is wrong with it.
pub fn read_limit(field: Field, text: &str) -> Result<u32, Error> {
    parse_limit(text).map_err(|problem| {
        let value = if problem == LimitProblem::NotANumber {
            format!("{:?}", shown(text))
        } else {
            shown(text)
        };
        Error::InvalidLimit {
            field,
            value,
            problem,
        }
    })
}

/// The exponent's magnitude is capped here while it is read: beyond it the answer no longer
/// depends on it (the text is shorter than `2^64` bytes, so with an exponent past `2^100`
/// every non-zero value is above `u32::MAX`, or below one), and nothing overflows.
const EXPONENT_CAP: i128 = 1 << 100;

/// The value of a limit written as a JSON number (`-`, digits, `.digits`, `e±digits`, all
/// but the digits before the point optional), leading zeros allowed: a whole number from 0
/// to `u32::MAX`, however it is written (`2`, `2.0`, `5e1`, `-0`). [`Request::check`]
/// rejects values above 500.
///
/// The value is worked out from the digits, never through a float: `1e-400` is not 0 and
/// `500.00000000000000001` is not 500. Costs `O(len)` time and no allocation, whatever the
/// exponent.
///
/// # Errors
///
/// In this order: [`LimitProblem::NotANumber`] for text of another shape; then, for a value
/// that is not zero, [`LimitProblem::Negative`] below zero, [`LimitProblem::TooLarge`]
/// above `u32::MAX` and [`LimitProblem::Fractional`] for a value between whole numbers.
///
/// [`Request::check`]: crate::Request::check
pub(crate) fn parse_limit(text: &str) -> Result<u32, LimitProblem> {
    let bytes = text.as_bytes();
    let (negative, unsigned) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    let (mantissa, exponent) = match unsigned.iter().position(|&b| matches!(b, b'e' | b'E')) {
        Some(e) => (&unsigned[..e], Some(&unsigned[e + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = match mantissa.iter().position(|&b| b == b'.') {
        Some(point) => (&mantissa[..point], Some(&mantissa[point + 1..])),
        None => (mantissa, None),
    };
    if !is_digits(whole) || fraction.is_some_and(|f| !is_digits(f)) {
        return Err(LimitProblem::NotANumber);
    }
    let fraction = fraction.unwrap_or_default();
    let exponent = match exponent {
        Some(e) => read_exponent(e).ok_or(LimitProblem::NotANumber)?,
        None => 0,
    };

    // The value is `digits × 10^(exponent - fraction.len())`; with the zeros around the
    // significant digits set aside, it is `significant × 10^scale`, whose last digit is
    // not zero.
    let digits = || whole.iter().chain(fraction);
    let leading = digits().take_while(|&&b| b == b'0').count();
    let total = whole.len() + fraction.len();
    if leading == total {
        return Ok(0);
    }
    if negative {
        return Err(LimitProblem::Negative);
    }
    let trailing = digits().rev().take_while(|&&b| b == b'0').count();
    let significant = total - leading - trailing;
    let scale = exponent - as_i128(fraction.len()) + as_i128(trailing);
    // How many digits the value has before its decimal point; its first one is not zero.
    let places = as_i128(significant) + scale;
    if places > 10 {
        return Err(LimitProblem::TooLarge);
    }
    // `places <= 10`: the whole part is below 10^10 and fits a u64.
    let kept = usize::try_from(places.clamp(0, 10))
        .unwrap_or(0)
        .min(significant);
    let mut part = digits()
        .skip(leading)
        .take(kept)
        .fold(0u64, |v, &b| v * 10 + u64::from(b - b'0'));
    for _ in 0..scale.clamp(0, 10) {
        part *= 10;
    }
    let fractional = scale < 0;
    let max = u64::from(u32::MAX);
    if part > max || (part == max && fractional) {
        return Err(LimitProblem::TooLarge);
    }
    if fractional {
        return Err(LimitProblem::Fractional);
    }
    u32::try_from(part).map_err(|_| LimitProblem::TooLarge)
}

fn is_digits(text: &[u8]) -> bool {
    !text.is_empty() && text.iter().all(u8::is_ascii_digit)
}

/// `[+-]digits`, its magnitude capped at [`EXPONENT_CAP`].
fn read_exponent(text: &[u8]) -> Option<i128> {
    let (sign, digits) = match text.split_first() {
        Some((b'-', rest)) => (-1, rest),
        Some((b'+', rest)) => (1, rest),
        _ => (1, text),
    };
    if !is_digits(digits) {
        return None;
    }
    let magnitude = digits.iter().fold(0i128, |e, &b| {
        (e * 10 + i128::from(b - b'0')).min(EXPONENT_CAP)
    });
    Some(sign * magnitude)
}

/// A length as an `i128`, which holds every `usize`.
fn as_i128(n: usize) -> i128 {
    i128::try_from(n).unwrap_or(i128::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::ToString;

    #[test]
    fn exact_values() {
        assert_eq!(parse_limit("0"), Ok(0));
        assert_eq!(parse_limit("-0.000e5"), Ok(0));
        assert_eq!(parse_limit("2.0"), Ok(2));
        assert_eq!(parse_limit("5e1"), Ok(50));
        assert_eq!(parse_limit("4294967295"), Ok(u32::MAX));
        assert_eq!(parse_limit("4294967295.000"), Ok(u32::MAX));
        assert_eq!(parse_limit("1e-400"), Err(LimitProblem::Fractional));
        assert_eq!(parse_limit("-1e-400"), Err(LimitProblem::Negative));
        assert_eq!(parse_limit("4294967295.5"), Err(LimitProblem::TooLarge));
        assert_eq!(parse_limit("4294967294.5"), Err(LimitProblem::Fractional));
        assert_eq!(parse_limit("9999999999.5"), Err(LimitProblem::TooLarge));
        assert_eq!(parse_limit("10000000000"), Err(LimitProblem::TooLarge));
        assert_eq!(parse_limit("1e"), Err(LimitProblem::NotANumber));
        assert_eq!(parse_limit(""), Err(LimitProblem::NotANumber));
    }

    #[test]
    fn capped_exponents_decide_as_the_true_ones() {
        let cap = EXPONENT_CAP.to_string();
        assert_eq!(
            parse_limit(&format!("1e{cap}0")),
            Err(LimitProblem::TooLarge)
        );
        assert_eq!(
            parse_limit(&format!("1e-{cap}0")),
            Err(LimitProblem::Fractional)
        );
        assert_eq!(parse_limit(&format!("0e{cap}0")), Ok(0));
    }
}
