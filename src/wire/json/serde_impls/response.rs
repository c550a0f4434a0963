//! `Serialize` for the API's response body: [`Response`] and [`FleetResponse`], both
//! through the one [`Body`] writer, field for field (the contract, §3).

use std::cell::RefCell;

use serde::ser::{Error as _, SerializeMap, SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use super::super::body::{
    other_desktops, unknown_user, Against, Body, Desktop, Desktops, EndUsers, Head, Planned,
};
use crate::fleet::FleetResponse;
use crate::response::Response;

/// The API's response body, field for field, in the API's order; an error when the plan
/// does not fit the request (another number of desktops, or a user index the request does
/// not have).
impl Serialize for Response<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (request, plan) = (self.request(), self.plan());
        other_desktops(plan.desktops(), request).map_err(S::Error::custom)?;
        let mut rows = plan.iter();
        let status = self.status();
        Body {
            head: Head {
                request_id: self.request_id(),
                task_id: self.task_id(),
                status,
            },
            desktops: RefCell::new(Planned {
                request,
                status,
                rows: &mut rows,
                next: 0,
            }),
        }
        .serialize(serializer)
    }
}

/// The API's response body, field for field, as [`Response`]'s: each ineligible desktop
/// `FAILED` with the snapshot's users.
impl Serialize for FleetResponse<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let plan = self.plan().plan();
        other_desktops(plan.desktops(), self.request()).map_err(S::Error::custom)?;
        Body {
            head: Head {
                request_id: self.request_id(),
                task_id: self.task_id(),
                status: self.status(),
            },
            desktops: RefCell::new(Against {
                response: self,
                rows: plan.iter(),
                next: 0,
            }),
        }
        .serialize(serializer)
    }
}

impl<D: Desktops> Serialize for Body<'_, D> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut body = serializer.serialize_struct("Response", 2)?;
        body.serialize_field("RequestId", self.head.request_id)?;
        body.serialize_field("Entitlements", &Entitlements(self))?;
        body.end()
    }
}

struct Entitlements<'b, 'a, D>(&'b Body<'a, D>);

impl<D: Desktops> Serialize for Entitlements<'_, '_, D> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut entitlements = serializer.serialize_struct("Entitlements", 3)?;
        entitlements.serialize_field("Status", &self.0.head.status)?;
        entitlements.serialize_field("TaskId", self.0.head.task_id)?;
        entitlements.serialize_field("AssignModels", &AssignModels(self.0))?;
        entitlements.end()
    }
}

struct AssignModels<'b, 'a, D>(&'b Body<'a, D>);

impl<D: Desktops> Serialize for AssignModels<'_, '_, D> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut desktops = self
            .0
            .desktops
            .try_borrow_mut()
            .map_err(|_| S::Error::custom("the rows are being read"))?;
        let mut models = serializer.serialize_seq(Some(desktops.len()))?;
        while let Some(desktop) = desktops.next_desktop().map_err(S::Error::custom)? {
            models.serialize_element(&AssignModel(desktop))?;
        }
        models.end()
    }
}

struct AssignModel<'a>(Desktop<'a>);

impl Serialize for AssignModel<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut model = serializer.serialize_map(Some(3))?;
        model.serialize_entry("DesktopId", self.0.id)?;
        model.serialize_entry("InnerStatus", &self.0.status)?;
        model.serialize_entry("EndUserIds", &EndUserIds(&self.0.users))?;
        model.end()
    }
}

struct EndUserIds<'b, 'a>(&'b EndUsers<'a>);

impl Serialize for EndUserIds<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self.0 {
            EndUsers::Kept(kept) => serializer.collect_seq(kept),
            EndUsers::Planned { row, users } => {
                let mut ids = serializer.serialize_seq(Some(row.len()))?;
                for &user in row {
                    let id = users
                        .get(user as usize)
                        .ok_or_else(|| S::Error::custom(unknown_user(user, users)))?;
                    ids.serialize_element(id)?;
                }
                ids.end()
            }
        }
    }
}
