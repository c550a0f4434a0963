//! The API's response body (the contract, §3 and §6), as its two writers see it: the
//! serde one ([`Body`]'s `Serialize`, in `serde_impls/response.rs`), which writes both
//! [`Response`](crate::Response) and [`FleetResponse`], compact or pretty, and the
//! hand-written compact one (`response_fast.rs`). What they share: the head (the IDs and
//! `Status`), each desktop's `InnerStatus` and users from one [`Desktops`] source, and the
//! messages of a plan that does not fit its request.

use std::cell::RefCell;

use crate::fleet::FleetResponse;
use crate::ids::IdList;
use crate::planner::{RowSource, Rows};
use crate::request::CheckedRequest;
use crate::status::Status;

/// What the response says besides its desktops.
pub(super) struct Head<'a> {
    pub(super) request_id: &'a str,
    pub(super) task_id: &'a str,
    pub(super) status: Status,
}

/// The response body: the head and the desktops, read as they are written (the source is
/// taken once, by the one serialisation of `AssignModels`).
pub(super) struct Body<'a, D> {
    pub(super) head: Head<'a>,
    pub(super) desktops: RefCell<D>,
}

/// A desktop's `EndUserIds`.
pub(super) enum EndUsers<'a> {
    /// The plan's row: indices into the request's users.
    Planned { row: &'a [u32], users: &'a IdList },
    /// The snapshot's users, kept (an ineligible desktop against a snapshot).
    Kept(&'a [String]),
}

/// One item of `AssignModels`.
pub(super) struct Desktop<'a> {
    pub(super) id: &'a str,
    pub(super) status: Status,
    pub(super) users: EndUsers<'a>,
}

/// Where a body's desktops come from, one at a time.
pub(super) trait Desktops {
    /// The number of desktops (the request's).
    fn len(&self) -> usize;

    /// The next desktop; `Ok(None)` after the last.
    ///
    /// # Errors
    ///
    /// The message saying how the plan does not fit the request.
    fn next_desktop(&mut self) -> Result<Option<Desktop<'_>>, String>;
}

/// The desktops of a plan made for a request alone: each with the one `status`, its users
/// made or read by `rows` (a [`Plan`](crate::Plan)'s, or [`PlanRows`](crate::PlanRows)).
pub(super) struct Planned<'a> {
    pub(super) request: &'a CheckedRequest,
    pub(super) status: Status,
    pub(super) rows: &'a mut dyn RowSource,
    pub(super) next: usize,
}

impl Desktops for Planned<'_> {
    fn len(&self) -> usize {
        self.request.desktop_ids().len()
    }

    fn next_desktop(&mut self) -> Result<Option<Desktop<'_>>, String> {
        let desktops = self.request.desktop_ids();
        let Some(id) = desktops.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        let row = self.rows.next_row().ok_or_else(|| fewer(desktops))?;
        Ok(Some(Desktop {
            id,
            status: self.status,
            users: EndUsers::Planned {
                row,
                users: self.request.end_user_ids(),
            },
        }))
    }
}

/// The desktops of a plan made against a snapshot: an ineligible desktop is `FAILED` with
/// the snapshot's users (none when the snapshot does not have it).
pub(super) struct Against<'a> {
    pub(super) response: &'a FleetResponse<'a>,
    pub(super) rows: Rows<'a>,
    pub(super) next: usize,
}

impl Desktops for Against<'_> {
    fn len(&self) -> usize {
        self.response.request().desktop_ids().len()
    }

    fn next_desktop(&mut self) -> Result<Option<Desktop<'_>>, String> {
        let request = self.response.request();
        let desktops = request.desktop_ids();
        let Some(id) = desktops.get(self.next) else {
            return Ok(None);
        };
        let status = self.response.inner_status(self.next);
        self.next += 1;
        let row = self.rows.next().ok_or_else(|| fewer(desktops))?;
        let users = if status == Status::Failed {
            let fleet = self.response.fleet();
            EndUsers::Kept(fleet.get(id).map_or(&[][..], |d| d.end_user_ids()))
        } else {
            EndUsers::Planned {
                row,
                users: request.end_user_ids(),
            }
        };
        Ok(Some(Desktop { id, status, users }))
    }
}

/// Why a plan of `desktops` desktops does not fit `request`, when it does not.
pub(super) fn other_desktops(desktops: usize, request: &CheckedRequest) -> Result<(), String> {
    let listed = request.desktop_ids().len();
    if desktops == listed {
        return Ok(());
    }
    Err(format!(
        "the plan has {desktops} desktops, but the request lists {listed}"
    ))
}

/// The message of a plan whose rows end before the request's `desktops`.
fn fewer(desktops: &IdList) -> String {
    format!(
        "the plan has fewer desktops than the {} the request lists",
        desktops.len()
    )
}

/// The message of a plan naming `user`, an index beyond the request's `users`.
pub(super) fn unknown_user(user: u32, users: &IdList) -> String {
    format!(
        "the plan names user index {user}, but the request lists {} users",
        users.len()
    )
}
