//! Reading what the commands read: requests (JSON, the query form, CSV lists), plans, and
//! snapshot pages, from files, pipes and standard input, within the input-size cap.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use eds_entitlement::execute::PlanResponse;
use eds_entitlement::fleet::Fleet;
use eds_entitlement::{report, wire, Error, Field, IdList, Request, SnapshotProblem};

use crate::args::{CsvArgs, Format};
use crate::system::{address_space_room, available_memory, show_bytes};
use crate::{planning_failure, shown_path, Failure};

/// [`read_fleet`] when `paths` names any file; `None` for an option not given.
pub(crate) fn read_fleet_if_given(
    paths: &[PathBuf],
    allow_partial: bool,
) -> Result<Option<Fleet>, Failure> {
    if paths.is_empty() {
        return Ok(None);
    }
    read_fleet(paths, allow_partial).map(Some)
}

/// Reads the snapshot of every command that takes `--fleet` (the contract, §6 and §6.2):
/// each page, then whether the pages are whole listings by their `TotalCount`; with
/// `allow_partial`, a listing short of desktops is a warning on stderr, not an error.
/// That standard input is read once at most is the commands' own check (`args.rs`), made
/// before anything is read.
///
/// A regular file is read in chunks (only a chunk and what §6 reads of each desktop are
/// held); standard input, pipes and `<(…)` are streamed, never seeked.
pub(crate) fn read_fleet(paths: &[PathBuf], allow_partial: bool) -> Result<Fleet, Failure> {
    let dash = Path::new("-");
    let mut reader = wire::FleetReader::new();
    for path in paths {
        let label = if path == dash {
            "standard input".to_owned()
        } else {
            path.display().to_string()
        };
        let cannot =
            |e: io::Error| Failure::Io(format!("cannot read {}: {e}", report::one_line(&label)));
        let read = if path == dash {
            reader.read_page_from(&label, io::stdin().lock())
        } else {
            let file = fs::File::open(path).map_err(cannot)?;
            if file.metadata().map_err(cannot)?.is_file() {
                reader.read_page_seekable(&label, file)
            } else {
                reader.read_page_from(&label, file)
            }
        };
        read.map_err(cannot)?.map_err(|e| {
            let hint = match e {
                Error::Snapshot {
                    problem: SnapshotProblem::NoDesktops,
                    ..
                } => "; if it is the request or the plan, give it before --fleet (or after --)",
                _ => "",
            };
            Failure::Input(format!("{e}{hint}"))
        })?;
    }
    let short = reader.check_counts(allow_partial).map_err(|e| {
        let hint = match e {
            Error::SnapshotCount {
                total_count,
                desktops,
                ..
            } if desktops < total_count => {
                ", or pass --allow-partial-snapshot to plan without them"
            }
            _ => "",
        };
        Failure::Input(format!("{e}{hint}"))
    })?;
    for listing in short {
        let first = report::one_line(&listing.pages[0]).into_owned();
        let pages = match listing.pages.len() {
            1 => format!("{first} gives"),
            2 => format!("{first} and 1 other page give"),
            n => format!("{first} and {} other pages give", n - 1),
        };
        // As for errors: a warning that cannot be written is lost, not a panic.
        let _ = writeln!(
            io::stderr().lock(),
            "eds-entitlement: warning: {pages} TotalCount {} but the snapshot holds {} of \
             its desktops: the {} missing are taken as not in the snapshot (NotInSnapshot \
             when listed), and the users they hold are unknown, so the limits on what users \
             will have (the contract, §6.1) cannot count them",
            listing.total_count,
            listing.desktops,
            listing.total_count - listing.desktops
        );
    }
    Ok(reader.finish())
}

/// Reads a plan (a `BatchModifyEntitlement` response body) from `path` (`-`: standard input).
pub(crate) fn read_plan(path: &Path, cap: u64) -> Result<PlanResponse, Failure> {
    let bytes = read_input(path, cap)?;
    wire::plan_from_json(&bytes).map_err(planning_failure)
}

pub(crate) fn read_request(
    input: Option<&Path>,
    format: Option<Format>,
    cap: u64,
) -> Result<Request, Failure> {
    let bytes = read_input(input.unwrap_or(Path::new("-")), cap)?;
    // The JSON readers take the buffer: they split the longest ID list within it.
    let request = match format {
        Some(Format::Json) => wire::from_json_vec(bytes),
        Some(Format::Query) => wire::from_query(&bytes),
        None => wire::from_bytes_vec(bytes),
    };
    request.map_err(planning_failure)
}

/// The request of `preview --desktops FILE [--users FILE] --region R …`.
pub(crate) fn request_from_csv(
    desktops: &Path,
    args: &CsvArgs,
    cap: u64,
) -> Result<Request, Failure> {
    if args.users.as_deref() == Some(Path::new("-")) && desktops == Path::new("-") {
        return Err(Failure::Input(
            "--desktops and --users both read standard input: one of them at most may be '-'"
                .into(),
        ));
    }
    let ids = |path: &Path, field| {
        let name = if path == Path::new("-") {
            "standard input".to_owned()
        } else {
            path.display().to_string()
        };
        wire::ids_from_csv(&read_input(path, cap)?, &name, field).map_err(planning_failure)
    };
    let desktop_ids = ids(desktops, Field::DesktopId)?;
    let end_user_ids = match &args.users {
        Some(users) => {
            let ids = ids(users, Field::EndUserId)?;
            if ids.is_empty() && !args.allow_no_users {
                return Err(Failure::Input(format!(
                    "{} lists no user, so every desktop would be planned with no users, taking \
                     everyone's access away: pass --allow-no-users if that is meant",
                    shown_path(users)
                )));
            }
            ids
        }
        None => IdList::new(),
    };
    let request = Request::from_id_lists(
        args.region.clone().unwrap_or_default(),
        desktop_ids,
        end_user_ids,
    );
    with_parameters(request, args)
}

/// `request` with the parameters the options give (`--max-user-per-desktop`,
/// `--max-desktop-per-user`, `--strategy`, `--no-preview`) in place of its own: a request
/// FILE's values are replaced, as an administrator re-running a reviewed request with
/// `--no-preview` expects; the others are kept.
pub(crate) fn with_parameters(mut request: Request, args: &CsvArgs) -> Result<Request, Failure> {
    let input = |e: Error| Failure::Input(e.to_string());
    if let Some(text) = &args.max_user_per_desktop {
        request.max_user_per_desktop =
            Some(wire::read_limit(Field::MaxUserPerDesktop, text).map_err(input)?);
    }
    if let Some(text) = &args.max_desktop_per_user {
        request.max_desktop_per_user =
            Some(wire::read_limit(Field::MaxDesktopPerUser, text).map_err(input)?);
    }
    // Parsed here, not by the argument parser, for the library's one-line message.
    if let Some(text) = &args.strategy {
        request.strategy = text.parse().map_err(input)?;
    }
    if args.no_preview {
        request.preview = false;
    }
    Ok(request)
}

/// The bytes of `path` (`-`: standard input), at most `cap` of them: a longer input is
/// refused, before it is read when its size is known (a regular file), else as soon as the
/// reading passes `cap` (a pipe, `/dev/zero`). The buffer never holds more than `cap`
/// bytes, and its growth is fallible.
pub(crate) fn read_input(path: &Path, cap: u64) -> Result<Vec<u8>, Failure> {
    let stdin = path == Path::new("-");
    let name = if stdin {
        "standard input".to_owned()
    } else {
        shown_path(path)
    };
    let failed = |e: io::Error| Failure::Io(format!("cannot read {name}: {e}"));
    let too_long = || {
        Failure::TooLarge(format!(
            "{name} is longer than --max-input-bytes ({}): raise it to read this input",
            show_bytes(cap)
        ))
    };
    let mut reader: Box<dyn Read> = if stdin {
        Box::new(io::stdin().lock())
    } else {
        Box::new(fs::File::open(path).map_err(failed)?)
    };
    let mut bytes = Vec::new();
    if !stdin {
        let meta = fs::metadata(path).map_err(failed)?;
        if meta.is_file() {
            if meta.len() > cap {
                return Err(too_long());
            }
            // The size as it is now; the file may still grow, and the reading is capped.
            bytes
                .try_reserve_exact(meta.len() as usize)
                .map_err(|_| too_large_for_memory(&name, meta.len()))?;
            // Read straight into the buffer (no chunk to copy from): past `cap`, refused.
            match reader.take(cap.saturating_add(1)).read_to_end(&mut bytes) {
                Ok(_) if bytes.len() as u64 > cap => return Err(too_long()),
                Ok(_) => return room_to_read(bytes, &name),
                Err(e) if e.kind() == io::ErrorKind::OutOfMemory => {
                    return Err(too_large_for_memory(&name, bytes.len() as u64))
                }
                Err(e) => return Err(failed(e)),
            }
        }
    }
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        let got = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(got) => got,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(failed(e)),
        };
        let len = bytes.len() + got;
        if len as u64 > cap {
            return Err(too_long());
        }
        if bytes.capacity() < len {
            // Doubling, but never past the cap.
            let target = (bytes.capacity().saturating_mul(2).max(len) as u64).min(cap) as usize;
            bytes
                .try_reserve_exact(target - bytes.len())
                .map_err(|_| too_large_for_memory(&name, len as u64))?;
        }
        bytes.extend_from_slice(&chunk[..got]);
    }
    room_to_read(bytes, &name)
}

/// `bytes`, read from `name`, when there is the memory to read them into a request.
fn room_to_read(bytes: Vec<u8>, name: &str) -> Result<Vec<u8>, Failure> {
    // What reading the text into a request takes beyond the text, which is held already:
    // refused here, rather than the reader failing for want of it.
    let len = bytes.len() as u64;
    let more = wire::reading_bytes_for(len).saturating_sub(len);
    let room = [available_memory(), address_space_room()];
    if let Some(available) = room.into_iter().flatten().min() {
        if more > available {
            return Err(Failure::TooLarge(format!(
                "reading {name} ({}) needs about {} more memory, more than the memory \
                 available ({})",
                show_bytes(bytes.len() as u64),
                show_bytes(more),
                show_bytes(available)
            )));
        }
    }
    Ok(bytes)
}

fn too_large_for_memory(name: &str, len: u64) -> Failure {
    Failure::TooLarge(format!(
        "{name} does not fit in memory: {} cannot be had",
        show_bytes(len)
    ))
}
