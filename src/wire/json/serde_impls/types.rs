//! `Serialize` and `Deserialize` for the crate's plain types, so that an embedder's own
//! types can hold them: in the API's spelling where the API has one (`"AVERAGE"`,
//! `"NOT_STARTED"`, `"DesktopId"`, a limit as its wire number), and rejecting, as the
//! rest of the crate does, what the API would not take.

use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::capacity::Capacity;
use crate::error::Field;
use crate::ids::IdList;
use crate::limit::{Limit, Strategy};
use crate::planner::Plan;
use crate::status::Status;

/// A visitor of one string, turned into a value by `parse`.
struct Named<T> {
    expecting: &'static str,
    parse: fn(&str) -> Result<T, alloc::string::String>,
}

impl<T> Visitor<'_> for Named<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.parse)(v).map_err(E::custom)
    }
}

/// `"AVERAGE"` or `"CENTRAL"`.
impl Serialize for Strategy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// `"AVERAGE"` or `"CENTRAL"`, exactly: anything else is an error whose message is
/// [`Error::UnknownStrategy`](crate::Error::UnknownStrategy)'s.
impl<'de> Deserialize<'de> for Strategy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Strategy, D::Error> {
        deserializer.deserialize_str(Named {
            expecting: "a strategy (AVERAGE or CENTRAL)",
            parse: |v| v.parse().map_err(|e: crate::error::Error| e.to_string()),
        })
    }
}

/// The API's spelling: `"NOT_STARTED"`, `"FINISHED"`, ….
impl Serialize for Status {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The API's spelling (`"NOT_STARTED"`, `"FINISHED"`, …), exactly.
impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Status, D::Error> {
        const ALL: [Status; 5] = [
            Status::NotStarted,
            Status::Started,
            Status::Processing,
            Status::Finished,
            Status::Failed,
        ];
        deserializer.deserialize_str(Named {
            expecting: "a status (NOT_STARTED, STARTED, PROCESSING, FINISHED or FAILED)",
            parse: |v| {
                ALL.into_iter().find(|s| s.as_str() == v).ok_or_else(|| {
                    alloc::format!(
                        "unknown status {:?}: valid values are NOT_STARTED, STARTED, \
                         PROCESSING, FINISHED and FAILED",
                        crate::error::shown(v)
                    )
                })
            },
        })
    }
}

/// The API's parameter name (`"DesktopId"`).
impl Serialize for Field {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// The API's parameter name, exactly.
impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Field, D::Error> {
        deserializer.deserialize_str(Named {
            expecting: "a parameter name of the request",
            parse: |v| {
                Field::from_name(v)
                    .ok_or_else(|| alloc::format!("unknown parameter {:?}", crate::error::shown(v)))
            },
        })
    }
}

/// The wire number: `0` for no limit.
impl Serialize for Limit {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(self.to_wire())
    }
}

/// A whole number from 0 (no limit) to 500; anything else is an error, never clamped.
impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Limit, D::Error> {
        let value = u64::deserialize(deserializer)?;
        u32::try_from(value)
            .ok()
            .and_then(Limit::new)
            .ok_or_else(|| {
                de::Error::invalid_value(
                    de::Unexpected::Unsigned(value),
                    &"a whole number from 0 to 500",
                )
            })
    }
}

/// A sequence of strings, in order.
impl Serialize for IdList {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// A sequence of strings, in order; nothing is checked (as [`IdList::push`]).
impl<'de> Deserialize<'de> for IdList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<IdList, D::Error> {
        struct Ids;
        impl<'de> Visitor<'de> for Ids {
            type Value = IdList;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence of IDs")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<IdList, A::Error> {
                let mut list = IdList::new();
                while let Some(id) = seq.next_element::<alloc::borrow::Cow<'de, str>>()? {
                    list.push(&id);
                }
                Ok(list)
            }
        }
        deserializer.deserialize_seq(Ids)
    }
}

/// Each desktop's user indices, in desktop order: `[[0, 2], [1], []]`. The plan has no
/// form in the API (the response lists IDs); this one is the plan's own, compact.
impl Serialize for Plan {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// As [`Plan::from_lists`]: any lists of indices, unchecked; [`verify`](fn@crate::verify)
/// checks them against a request.
impl<'de> Deserialize<'de> for Plan {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Plan, D::Error> {
        /// Appends one row's users to the plan's buffer.
        struct Row<'p>(&'p mut Vec<u32>);
        impl<'de> de::DeserializeSeed<'de> for Row<'_> {
            type Value = ();

            fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
                deserializer.deserialize_seq(self)
            }
        }
        impl<'de> Visitor<'de> for Row<'_> {
            type Value = ();

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence of user indices")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
                while let Some(user) = seq.next_element::<u32>()? {
                    self.0.push(user);
                }
                Ok(())
            }
        }
        struct Rows;
        impl<'de> Visitor<'de> for Rows {
            type Value = Plan;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence of rows of user indices")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Plan, A::Error> {
                let mut offsets = vec![0];
                let mut users = Vec::new();
                while seq.next_element_seed(Row(&mut users))?.is_some() {
                    offsets.push(users.len());
                }
                Ok(Plan::from_parts(offsets, users))
            }
        }
        deserializer.deserialize_seq(Rows)
    }
}

impl Serialize for Capacity {
    /// One object with exactly [the contract](crate::contract)'s §5 keys, in its order.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Capacity", 13)?;
        s.serialize_field("desktops", &self.desktops)?;
        s.serialize_field("users", &self.users)?;
        s.serialize_field("assignments", &self.assignments)?;
        s.serialize_field("users_full", &self.users_full)?;
        s.serialize_field("users_partial", &self.users_partial)?;
        s.serialize_field("users_unserved", &self.users_unserved)?;
        s.serialize_field("desktops_used", &self.desktops_used)?;
        s.serialize_field("desktops_idle", &self.desktops_idle)?;
        s.serialize_field("min_users_per_desktop", &self.min_users_per_desktop)?;
        s.serialize_field("max_users_per_desktop", &self.max_users_per_desktop)?;
        s.serialize_field("min_desktops_per_user", &self.min_desktops_per_user)?;
        s.serialize_field("max_desktops_per_user", &self.max_desktops_per_user)?;
        s.serialize_field("desktops_needed", &self.desktops_needed)?;
        s.end()
    }
}

/// The keys of [`Capacity`]'s `Serialize`, in its order (the contract, §5).
const CAPACITY_KEYS: [&str; 13] = [
    "desktops",
    "users",
    "assignments",
    "users_full",
    "users_partial",
    "users_unserved",
    "desktops_used",
    "desktops_idle",
    "min_users_per_desktop",
    "max_users_per_desktop",
    "min_desktops_per_user",
    "max_desktops_per_user",
    "desktops_needed",
];

/// The object its `Serialize` writes: exactly the contract's §5 keys, each once, in any
/// order; an unknown, repeated or missing key is an error. The figures are not checked
/// against one another: they are read, not worked out (that is [`capacity`](fn@crate::capacity)).
impl<'de> Deserialize<'de> for Capacity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Capacity, D::Error> {
        struct Figures;
        impl<'de> Visitor<'de> for Figures {
            type Value = Capacity;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of capacity figures")
            }

            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Capacity, A::Error> {
                let mut values = [None; CAPACITY_KEYS.len()];
                while let Some(key) = map.next_key::<alloc::borrow::Cow<'de, str>>()? {
                    let Some(at) = CAPACITY_KEYS.iter().position(|k| *k == key) else {
                        return Err(de::Error::unknown_field(&key, &CAPACITY_KEYS));
                    };
                    if values[at].replace(map.next_value::<u64>()?).is_some() {
                        return Err(de::Error::duplicate_field(CAPACITY_KEYS[at]));
                    }
                }
                let mut read = [0u64; CAPACITY_KEYS.len()];
                for (at, value) in values.into_iter().enumerate() {
                    read[at] = value.ok_or_else(|| de::Error::missing_field(CAPACITY_KEYS[at]))?;
                }
                let [desktops, users, assignments, users_full, users_partial, users_unserved, desktops_used, desktops_idle, min_users_per_desktop, max_users_per_desktop, min_desktops_per_user, max_desktops_per_user, desktops_needed] =
                    read;
                Ok(Capacity {
                    desktops,
                    users,
                    assignments,
                    users_full,
                    users_partial,
                    users_unserved,
                    desktops_used,
                    desktops_idle,
                    min_users_per_desktop,
                    max_users_per_desktop,
                    min_desktops_per_user,
                    max_desktops_per_user,
                    desktops_needed,
                })
            }
        }
        deserializer.deserialize_map(Figures)
    }
}
