//! The API's response ([the contract](crate::contract), §3): [`Response`], [`Status`] and the derived [`ApiId`]s.

use alloc::format;
use alloc::string::{String, ToString};
use core::fmt;

use xxhash_rust::xxh3::Xxh3;

use crate::planner::Plan;
use crate::request::CheckedRequest;

use crate::status::Status;

/// A `RequestId` or `TaskId`: 128 bits, shown as the API shows its IDs, uppercase hex in
/// groups of 8-4-4-4-12 (`51592A88-0F2C-55E6-AD2C-2AD9C10D0A1B`).
///
/// Derived ones are a hash of the request's content, so the same request gets the same IDs
/// in either wire form and whatever its spacing, and different requests get different IDs
/// (but for a 2^-128 chance). The hash is XXH3-128 over a length-prefixed encoding of the
/// request, a specified algorithm: the IDs are the same on every platform and version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApiId(pub u128);

impl ApiId {
    /// The `RequestId` derived from `request`.
    pub fn request_id(request: &CheckedRequest) -> ApiId {
        ApiId::derive(content_digest(request), b"RequestId")
    }

    /// The `TaskId` derived from `request`.
    pub fn task_id(request: &CheckedRequest) -> ApiId {
        ApiId::derive(content_digest(request), b"TaskId")
    }

    fn derive(digest: u128, purpose: &[u8]) -> ApiId {
        let mut hasher = Xxh3::new();
        hasher.update(&digest.to_le_bytes());
        hasher.update(purpose);
        ApiId(hasher.digest128())
    }
}

/// XXH3-128 of the request's content, in a length-prefixed encoding: `RegionId`, each list's
/// count, its IDs' lengths then its text, both limits (`0` for none, so an absent limit and
/// `0` are one request), `Strategy` and `Preview`.
fn content_digest(request: &CheckedRequest) -> u128 {
    let mut hasher = Xxh3::new();
    hasher.update(b"eds-entitlement request v1\0");
    let region = request.region_id().as_bytes();
    hasher.update(&(region.len() as u64).to_le_bytes());
    hasher.update(region);
    for list in [request.desktop_ids(), request.end_user_ids()] {
        hasher.update(&(list.len() as u64).to_le_bytes());
        // The lengths, then the text: as unambiguous as a prefix on each ID, and fast.
        let mut lengths = [0u8; 8 * 512];
        let mut filled = 0;
        for len in list.lengths() {
            lengths[filled..filled + 8].copy_from_slice(&(len as u64).to_le_bytes());
            filled += 8;
            if filled == lengths.len() {
                hasher.update(&lengths);
                filled = 0;
            }
        }
        hasher.update(&lengths[..filled]);
        hasher.update(list.concatenated().as_bytes());
    }
    hasher.update(&request.max_user_per_desktop().to_wire().to_le_bytes());
    hasher.update(&request.max_desktop_per_user().to_wire().to_le_bytes());
    hasher.update(request.strategy().as_str().as_bytes());
    hasher.update(&[u8::from(request.preview())]);
    hasher.digest128()
}

impl fmt::Display for ApiId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = format!("{:032X}", self.0);
        write!(
            f,
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    }
}

/// The API's response body for a plan, field for field ([the contract](crate::contract), §3):
///
/// ```json
/// {"RequestId":"…","Entitlements":{"Status":"FINISHED","TaskId":"…",
///  "AssignModels":[{"DesktopId":"ecd-a","InnerStatus":"FINISHED","EndUserIds":["Alice"]}]}}
/// ```
///
/// It borrows the request and the plan and copies nothing: serialising a plan of a million
/// desktops streams it. With the `serde` feature it implements `Serialize`, writing the
/// API's field names in the API's order.
///
/// ```
/// use eds_entitlement::{plan, Request, Response, Status};
///
/// let request = Request::new("cn-hangzhou", ["ecd-a"], ["Alice"]).preview(false).check()?;
/// let plan = plan(&request);
/// let response = Response::new(&request, &plan);
/// assert_eq!(response.status(), Status::NotStarted);
/// assert_eq!(response.request_id().len(), 36);
/// # Ok::<(), eds_entitlement::Error>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "a response does nothing until it is written"]
pub struct Response<'a> {
    request: &'a CheckedRequest,
    plan: &'a Plan,
    ids: ResponseIds,
}

impl<'a> Response<'a> {
    /// The response to `request` planned as `plan`, with IDs derived from the request.
    pub fn new(request: &'a CheckedRequest, plan: &'a Plan) -> Response<'a> {
        Response {
            request,
            plan,
            ids: ResponseIds::new(request),
        }
    }

    /// Sets the `RequestId`. The default value is [`ApiId::request_id`] of the request.
    pub fn with_request_id(self, request_id: impl Into<String>) -> Response<'a> {
        let ids = self.ids.with_request_id(request_id.into());
        Response { ids, ..self }
    }

    /// `RequestId`.
    pub fn request_id(&self) -> &str {
        self.ids.request_id()
    }

    /// `Entitlements.TaskId`.
    pub fn task_id(&self) -> &str {
        self.ids.task_id()
    }

    /// `Entitlements.Status`, and every desktop's `InnerStatus`: `FINISHED` for a preview,
    /// `NOT_STARTED` for a task to execute.
    pub fn status(&self) -> Status {
        status_of(self.request)
    }

    /// The request.
    pub fn request(&self) -> &'a CheckedRequest {
        self.request
    }

    /// The plan.
    pub fn plan(&self) -> &'a Plan {
        self.plan
    }
}

/// The status of the plan of `request` and of each of its desktops: `FINISHED` for a
/// preview, `NOT_STARTED` for a task to execute.
pub(crate) fn status_of(request: &CheckedRequest) -> Status {
    if request.preview() {
        Status::Finished
    } else {
        Status::NotStarted
    }
}

/// The `RequestId` and `TaskId` of a response (the API's envelope around a plan), shared
/// by [`Response`] and [`FleetResponse`](crate::fleet::FleetResponse): derived from the
/// request's content, the `RequestId` replaceable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ResponseIds {
    request_id: String,
    task_id: String,
}

impl ResponseIds {
    /// The IDs derived from `request`.
    pub(crate) fn new(request: &CheckedRequest) -> ResponseIds {
        let digest = content_digest(request);
        ResponseIds {
            request_id: ApiId::derive(digest, b"RequestId").to_string(),
            task_id: ApiId::derive(digest, b"TaskId").to_string(),
        }
    }

    /// These IDs with `request_id` for the `RequestId`.
    pub(crate) fn with_request_id(self, request_id: String) -> ResponseIds {
        ResponseIds { request_id, ..self }
    }

    /// `RequestId`.
    pub(crate) fn request_id(&self) -> &str {
        &self.request_id
    }

    /// `Entitlements.TaskId`.
    pub(crate) fn task_id(&self) -> &str {
        &self.task_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_id_prints_like_the_apis() {
        let id = ApiId(0x51592A88_0F2C_55E6_AD2C_2AD9C10D0A1B);
        assert_eq!(id.to_string(), "51592A88-0F2C-55E6-AD2C-2AD9C10D0A1B");
        assert_eq!(ApiId(1).to_string(), "00000000-0000-0000-0000-000000000001");
    }
}
