//! The API's response body for a plan made against a snapshot (the contract, §6): moved
//! whole out of the core's response module, so that the core does not import the fleet.

use alloc::string::String;

use super::plan::FleetPlan;
use super::snapshot::Fleet;
use crate::request::CheckedRequest;
use crate::response::{status_of, ResponseIds};
use crate::status::Status;

/// The API's response body for a plan made against a snapshot (the contract, §6): as
/// [`Response`](crate::Response), except that every ineligible desktop keeps the snapshot's users (`[]` when
/// the snapshot does not have it) with `InnerStatus: FAILED`, and `Status` is `FAILED` when
/// no listed desktop is eligible.
///
/// When every listed desktop is eligible, it serialises to the same bytes as [`Response`](crate::Response)
/// of the same plan: the IDs are derived from the request alone, as there.
///
/// ```
/// use eds_entitlement::fleet::{plan_against, Fleet, FleetResponse};
/// use eds_entitlement::{Request, Status};
///
/// let request = Request::new("cn-hangzhou", ["ecd-a"], ["Alice"]).check()?;
/// let fleet = Fleet::new(); // ecd-a is not in the snapshot
/// let planned = plan_against(&request, &fleet)?;
/// let response = FleetResponse::new(&request, &fleet, &planned);
/// assert_eq!(response.status(), Status::Failed);
/// assert_eq!(response.inner_status(0), Status::Failed);
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct FleetResponse<'a> {
    request: &'a CheckedRequest,
    fleet: &'a Fleet,
    plan: &'a FleetPlan,
    ids: ResponseIds,
}

impl<'a> FleetResponse<'a> {
    /// The response to `request` planned against `fleet` as `plan`, with IDs derived from
    /// the request.
    pub fn new(
        request: &'a CheckedRequest,
        fleet: &'a Fleet,
        plan: &'a FleetPlan,
    ) -> FleetResponse<'a> {
        FleetResponse {
            request,
            fleet,
            plan,
            ids: ResponseIds::new(request),
        }
    }

    /// Sets the `RequestId`. The default value is [`ApiId::request_id`](crate::ApiId::request_id) of the request.
    pub fn with_request_id(self, request_id: impl Into<String>) -> FleetResponse<'a> {
        let ids = self.ids.with_request_id(request_id.into());
        FleetResponse { ids, ..self }
    }

    /// `RequestId`.
    pub fn request_id(&self) -> &str {
        self.ids.request_id()
    }

    /// `Entitlements.TaskId`.
    pub fn task_id(&self) -> &str {
        self.ids.task_id()
    }

    /// `Entitlements.Status`: `FAILED` when no listed desktop is eligible, otherwise as
    /// [`Response::status`](crate::Response::status).
    pub fn status(&self) -> Status {
        if self.plan.eligibility().iter().any(|e| e.is_eligible()) {
            status_of(self.request)
        } else {
            Status::Failed
        }
    }

    /// The `InnerStatus` of the listed desktop at 0-based `desktop`: `FAILED` when it is
    /// not eligible (or there is no such desktop), otherwise as [`Response::status`](crate::Response::status).
    pub fn inner_status(&self, desktop: usize) -> Status {
        match self.plan.eligibility().get(desktop) {
            Some(e) if e.is_eligible() => status_of(self.request),
            _ => Status::Failed,
        }
    }

    /// The request.
    pub fn request(&self) -> &'a CheckedRequest {
        self.request
    }

    /// The snapshot.
    pub fn fleet(&self) -> &'a Fleet {
        self.fleet
    }

    /// The plan.
    pub fn plan(&self) -> &'a FleetPlan {
        self.plan
    }
}
