//! The request's two kinds of setting that every layer reads: [`Strategy`] and [`Limit`].
//!
//! They live apart from [`Request`](crate::Request) so that [`Shape`](crate::Shape), which
//! the request makes, can hold them without importing the request back.

use alloc::string::ToString;
use core::fmt;
use core::str::FromStr;

use crate::error::{shown, Error, Field, LimitProblem};

/// How a shortfall of desktops is shared among users (the request's `Strategy`).
///
/// With `n = 3` desktops, `u = 2` users and `MaxUserPerDesktop = 1`, three assignments are
/// possible:
///
/// | strategy | desktops per user | plan |
/// |---|---|---|
/// | `AVERAGE` | `[2, 1]` | `d1:[A] d2:[A] d3:[B]` |
/// | `CENTRAL` | `[3, 0]` | `d1:[A] d2:[A] d3:[A]` |
///
/// `#[non_exhaustive]`: it mirrors the API's values, which may grow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Strategy {
    /// `AVERAGE`: every user gets one desktop, then a second, and so on; users' counts
    /// differ by at most one. The API's default.
    #[default]
    Average,
    /// `CENTRAL`: each user in turn gets all the desktops `MaxDesktopPerUser` allows before
    /// the next user gets any.
    Central,
}

impl Strategy {
    /// The API's spelling: `AVERAGE` or `CENTRAL`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Strategy::Average => "AVERAGE",
            Strategy::Central => "CENTRAL",
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Strategy {
    type Err = Error;

    /// Reads the API's spelling exactly (`AVERAGE`, `CENTRAL`).
    ///
    /// # Errors
    ///
    /// [`Error::UnknownStrategy`] for anything else, `average` included.
    fn from_str(s: &str) -> Result<Strategy, Error> {
        match s {
            "AVERAGE" => Ok(Strategy::Average),
            "CENTRAL" => Ok(Strategy::Central),
            _ => Err(Error::UnknownStrategy { value: shown(s) }),
        }
    }
}

/// A checked `MaxUserPerDesktop` or `MaxDesktopPerUser`: no limit, or a limit from 1 to 500.
///
/// # Representation
///
/// A `u16` where `0` means no limit, as the wire does: the API documents no default, and
/// this crate reads an absent limit and `0` alike as "no limit" (the API's own example sends
/// `MaxDesktopPerUser: 0` beside `MaxUserPerDesktop: 1`, which only makes sense that way).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Limit(u16);

impl Limit {
    /// No limit.
    pub const UNLIMITED: Limit = Limit(0);
    /// The API's maximum for either limit.
    pub const MAX: u32 = 500;

    /// The limit for a wire value: `0` is no limit, `1..=500` a limit; `None` above 500.
    pub const fn new(value: u32) -> Option<Limit> {
        if value <= Limit::MAX {
            Some(Limit(value as u16))
        } else {
            None
        }
    }

    /// The limit for `field`'s wire value, as [`Request::check`](crate::Request::check) reads it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidLimit`] naming `field` when `value` is above 500.
    pub fn for_field(field: Field, value: u32) -> Result<Limit, Error> {
        Limit::new(value).ok_or(Error::InvalidLimit {
            field,
            value: value.to_string(),
            problem: LimitProblem::TooLarge,
        })
    }

    /// The limit, or `None` when there is none.
    pub const fn get(self) -> Option<u32> {
        if self.0 == 0 {
            None
        } else {
            Some(self.0 as u32)
        }
    }

    /// The wire value: `0` for no limit.
    pub const fn to_wire(self) -> u32 {
        self.0 as u32
    }

    /// `min(limit, count)`, reading no limit as `count`: the `k'` and `m'` of [the contract](crate::contract), §2.
    pub const fn cap(self, count: u64) -> u64 {
        if self.0 == 0 || self.0 as u64 > count {
            count
        } else {
            self.0 as u64
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.get() {
            Some(v) => write!(f, "{v}"),
            None => f.write_str("no limit"),
        }
    }
}
