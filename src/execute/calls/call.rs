//! The calls themselves: [`ModifyEntitlement`] and [`ModifyUserEntitlement`] as a [`Call`],
//! the limits every call keeps ([`MAX_IDS_PER_CALL`], [`API_VERSION`]), and a call's `aliyun`
//! command-line form ([`Call::to_aliyun`], [`shell_quote`]). The RPC query form,
//! [`Call::to_query`], is written with the other wire forms, in `wire::query`.

use alloc::string::String;
use alloc::vec::Vec;

/// The most IDs one list of one `ModifyEntitlement` or `ModifyUserEntitlement` call holds:
/// 100, `ModifyEntitlement`'s documented maximum, kept for every list.
pub const MAX_IDS_PER_CALL: usize = 100;

/// The API version of the calls, sent as `Version`.
pub const API_VERSION: &str = "2020-09-30";

/// `ModifyEntitlement`: replaces one desktop's users.
///
/// Encodes as `Action=ModifyEntitlement&Version=2020-09-30&RegionId=…&DesktopId=…&EndUserId.1=…`;
/// with no users it has no `EndUserId` at all, and removes every user of the desktop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModifyEntitlement {
    /// `RegionId`.
    pub region_id: String,
    /// `DesktopId`: one desktop.
    pub desktop_id: String,
    /// `EndUserId`: the desktop's users after the call, 0 to 100 of them.
    pub end_user_ids: Vec<String>,
}

/// `ModifyUserEntitlement`: gives every listed user every `AuthorizeDesktopId` desktop and
/// takes every `RevokeDesktopId` desktop away from every listed user.
///
/// Encodes as `Action=ModifyUserEntitlement&Version=2020-09-30&RegionId=…&AuthorizeDesktopId.1=…
/// &EndUserId.1=…&RevokeDesktopId.1=…`; an empty list is left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModifyUserEntitlement {
    /// `RegionId`.
    pub region_id: String,
    /// `AuthorizeDesktopId`: desktops every listed user is added to.
    pub authorize_desktop_ids: Vec<String>,
    /// `EndUserId`: the users.
    pub end_user_ids: Vec<String>,
    /// `RevokeDesktopId`: desktops every listed user is removed from.
    pub revoke_desktop_ids: Vec<String>,
}

/// One API call that carries out part of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    /// Replaces a desktop's users.
    ModifyEntitlement(ModifyEntitlement),
    /// Adds or removes users on desktops.
    ModifyUserEntitlement(ModifyUserEntitlement),
}

impl Call {
    /// The operation's name, sent as `Action`.
    pub const fn action(&self) -> &'static str {
        match self {
            Call::ModifyEntitlement(_) => "ModifyEntitlement",
            Call::ModifyUserEntitlement(_) => "ModifyUserEntitlement",
        }
    }

    /// The call's parameters after `Action`, `Version` and `RegionId`, in the order the SDK
    /// sends them (its query map's), lists as `Name.N` from 1. Empty lists are left out.
    pub fn parameters(&self) -> Vec<(String, &str)> {
        let mut out = Vec::new();
        match self {
            Call::ModifyEntitlement(call) => {
                out.push((String::from("DesktopId"), call.desktop_id.as_str()));
                numbered(&mut out, "EndUserId", &call.end_user_ids);
            }
            Call::ModifyUserEntitlement(call) => {
                numbered(&mut out, "AuthorizeDesktopId", &call.authorize_desktop_ids);
                numbered(&mut out, "EndUserId", &call.end_user_ids);
                numbered(&mut out, "RevokeDesktopId", &call.revoke_desktop_ids);
            }
        }
        out
    }

    /// `RegionId`.
    pub fn region_id(&self) -> &str {
        match self {
            Call::ModifyEntitlement(call) => &call.region_id,
            Call::ModifyUserEntitlement(call) => &call.region_id,
        }
    }

    /// The call as an `aliyun` command line (the contract, §8.1): `aliyun ecd`, the action,
    /// `--RegionId`, the parameters as [`Call::parameters`] names them (`--EndUserId.1`, …),
    /// then `--version 2020-09-30 --force` (ecd has no command-line metadata: `--force` sends
    /// the parameters as given, with the API version named).
    ///
    /// Every value is in POSIX single quotes, a `'` inside written `'\''`; a value that begins
    /// with `-` is written `--Name='-x'`, so that it cannot be read as an option. The line is
    /// one shell command, with nothing else in it: no substitution, no variable.
    ///
    /// ```
    /// use eds_entitlement::{Call, ModifyEntitlement};
    ///
    /// let call = Call::ModifyEntitlement(ModifyEntitlement {
    ///     region_id: "cn-hangzhou".into(),
    ///     desktop_id: "ecd-a".into(),
    ///     end_user_ids: vec!["O'Brien".into(), "-x".into()],
    /// });
    /// assert_eq!(
    ///     call.to_aliyun(),
    ///     "aliyun ecd ModifyEntitlement --RegionId 'cn-hangzhou' --DesktopId 'ecd-a' \
    ///      --EndUserId.1 'O'\\''Brien' --EndUserId.2='-x' --version 2020-09-30 --force"
    /// );
    /// ```
    pub fn to_aliyun(&self) -> String {
        let mut out = String::from("aliyun ecd ");
        out.push_str(self.action());
        aliyun_option(&mut out, "RegionId", self.region_id());
        for (name, value) in self.parameters() {
            aliyun_option(&mut out, &name, value);
        }
        out.push_str(" --version ");
        out.push_str(API_VERSION);
        out.push_str(" --force");
        out
    }
}

/// ` --Name 'value'`, or ` --Name='-value'` for a value that begins with `-`.
fn aliyun_option(out: &mut String, name: &str, value: &str) {
    out.push_str(" --");
    out.push_str(name);
    out.push(if value.starts_with('-') { '=' } else { ' ' });
    shell_quote(out, value);
}

/// `value` in POSIX single quotes: every character as it is, a `'` written `'\''`.
///
/// ```
/// let mut out = String::new();
/// eds_entitlement::shell_quote(&mut out, "it's");
/// assert_eq!(out, r"'it'\''s'");
/// ```
pub fn shell_quote(out: &mut String, value: &str) {
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
}

/// `Name.1=…`, `Name.2=…` for a list.
fn numbered<'c>(out: &mut Vec<(String, &'c str)>, name: &str, ids: &'c [String]) {
    for (i, id) in ids.iter().enumerate() {
        out.push((alloc::format!("{name}.{}", i + 1), id.as_str()));
    }
}
