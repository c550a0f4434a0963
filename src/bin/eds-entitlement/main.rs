//! `eds-entitlement`: the command line, a thin shell over the library.
//!
//! Exit status:
//! - 0: success;
//! - 1: an I/O failure (a file that cannot be read, an output that cannot be written, a
//!   standard output that is closed);
//! - 2: bad input or bad arguments (one line on stderr, nothing on stdout);
//! - 3: too large for this run: the plan's memory is more than the run can have (the cgroup's
//!   `memory.max`, or `MemAvailable`; `--memory-limit` sets it), or an input is longer than
//!   `--max-input-bytes`. The request itself may be valid;
//! - 4: done as far as can be now: `requests` left out desktops that cannot be changed now
//!   (or held back revocations), `verify` found desktops not as planned.
//!
//! A reader that stops early (`requests … | head`) ends the run at once, with no message and
//! exit status 0, as ripgrep does.
//!
//! An error line that cannot be written (a full or closed standard error) changes nothing:
//! the status is the same.

mod args;
mod input;
mod system;

use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use eds_entitlement::execute::{compare_with_fleet, CallOptions};
use eds_entitlement::fleet::{
    plan_against, plan_sticky, plan_sticky_bytes, Fleet, FleetPlan, FleetResponse,
};
use eds_entitlement::{
    capacity, report, try_plan_rows, wire, CheckOptions, CheckedRequest, Error, Field, Limit, Plan,
    PlanRows, Shape, Strategy,
};

use self::args::{
    CallFormat, CapacityArgs, Cli, Command, Output, PreviewArgs, RequestsArgs, VerifyArgs,
    VerifyFormat,
};
use self::input::{
    read_fleet, read_fleet_if_given, read_input, read_plan, read_request, request_from_csv,
    with_parameters,
};
use self::system::{
    address_space_room, available_memory, response_out, show_bytes, stdout, stdout_is_closed,
    STDOUT_CLOSED,
};

/// Why a run failed: its exit status and its one line for stderr.
enum Failure {
    /// Bad input: exit status 2.
    Input(String),
    /// Reading or writing failed: exit status 1.
    Io(String),
    /// Too large for this run (memory, input size): exit status 3.
    TooLarge(String),
    /// Done as far as can be now: some desktops cannot be changed now (`requests`), or are
    /// not as planned (`verify`): exit status 4.
    Unfinished(String),
}

impl Failure {
    /// The exit status, as the module's documentation lists them.
    fn status(&self) -> u8 {
        match self {
            Failure::Io(_) => 1,
            Failure::Input(_) => 2,
            Failure::TooLarge(_) => 3,
            Failure::Unfinished(_) => 4,
        }
    }

    fn line(&self) -> &str {
        match self {
            Failure::Io(line)
            | Failure::Input(line)
            | Failure::TooLarge(line)
            | Failure::Unfinished(line) => line,
        }
    }
}

fn main() -> ExitCode {
    // Before anything is opened.
    let _ = STDOUT_CLOSED.set(stdout_is_closed());
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Preview(args) => preview(&args),
        Command::Capacity(args) => capacity_figures(&args),
        Command::Requests(args) => requests(&args),
        Command::Verify(args) => verify_carried_out(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            // Not `eprintln!`, which panics when stderr cannot be written (`2>/dev/full`):
            // the line is lost then, but the status still says what happened.
            let _ = writeln!(io::stderr().lock(), "eds-entitlement: {}", failure.line());
            ExitCode::from(failure.status())
        }
    }
}

/// `path` for a message: on one line, whatever it holds.
fn shown_path(path: &Path) -> String {
    report::one_line(&path.display().to_string()).into_owned()
}

fn preview(args: &PreviewArgs) -> Result<(), Failure> {
    args.check().map_err(Failure::Input)?;
    if args.input.is_none() && args.csv.desktops.is_none() && !args.fleet.is_empty() {
        use std::io::IsTerminal;
        // `preview --fleet snap.json request.json` takes both files as pages and would wait
        // for a request typed in.
        if io::stdin().is_terminal() {
            return Err(Failure::Input(
                "no request given: --fleet takes every file after it, so give the request \
                 FILE before --fleet (or after --), or '-' to read it from standard input"
                    .into(),
            ));
        }
    }
    let cap = args.max_input_bytes;
    let request = match &args.csv.desktops {
        Some(desktops) => request_from_csv(desktops, &args.csv, cap)?,
        None => {
            let read = read_request(args.input.as_deref(), args.format, cap);
            let read = match read {
                // `preview --fleet snap.json request.json < /dev/null`: say where it went.
                Err(Failure::Input(line)) if args.input.is_none() && !args.fleet.is_empty() => {
                    Err(Failure::Input(format!(
                        "{line} (the request was read from standard input: --fleet takes \
                         every file after it, so give the request FILE before --fleet, or \
                         after --)"
                    )))
                }
                read => read,
            };
            with_parameters(read?, &args.csv)?
        }
    };
    let options = CheckOptions::new().api_limits(args.api_limits);
    let request = request.check_with(&options).map_err(planning_failure)?;
    if !args.fleet.is_empty() {
        return preview_against(args, &request);
    }
    let mut out = response_out()?;
    let written = match args.output {
        Output::Summary => report::write_summary(&request, &mut out),
        // Both plan as they write, one desktop at a time: the plan is never held whole.
        Output::Table => report::write_table_rows(&request, &mut rows(&request, args)?, &mut out),
        Output::Json => wire::write_json_rows(
            &request,
            &mut rows(&request, args)?,
            args.request_id.as_deref(),
            &mut out,
            args.pretty,
        ),
        Output::Html => {
            report::write_plan_review_html(&request, &mut rows(&request, args)?, &mut out)
        }
        // Refused above: the change report needs a snapshot.
        Output::Changes => Ok(()),
    };
    written
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Io(format!("cannot write the response: {e}")))
}

/// The plan's rows, made as they are written, when their working space fits the memory this
/// run can have.
fn rows(request: &CheckedRequest, args: &PreviewArgs) -> Result<PlanRows, Failure> {
    let shape = request.shape();
    fits(PlanRows::bytes_for(&shape), args.memory_limit)?;
    try_plan_rows(request).map_err(planning_failure)
}

/// Refuses `bytes` of memory beyond `limit`, or by default beyond what this run can have.
fn fits(bytes: u64, limit: Option<u64>) -> Result<(), Failure> {
    let (limit, whose) = match limit {
        Some(limit) => (limit, "--memory-limit"),
        None => match available_memory() {
            Some(available) => (available, "the memory available"),
            None => return Ok(()),
        },
    };
    if bytes <= limit {
        return Ok(());
    }
    Err(Failure::TooLarge(format!(
        "planning this request needs {} of memory, more than {whose} ({}): set \
         MaxUserPerDesktop or MaxDesktopPerUser, plan fewer desktops or users, or raise \
         --memory-limit",
        show_bytes(bytes),
        show_bytes(limit)
    )))
}

/// A planner of plans made against a snapshot: the contract's §6 canonical plan.
type FleetPlanner = fn(&CheckedRequest, &Fleet) -> Result<FleetPlan, Error>;

/// The planner the options ask for: §7's sticky plan with --keep-existing.
fn fleet_planner(args: &PreviewArgs) -> FleetPlanner {
    if args.keep_existing {
        plan_sticky
    } else {
        plan_against
    }
}

/// `preview … --fleet FILE…`: the plan made against the snapshot, in the output asked for.
fn preview_against(args: &PreviewArgs, request: &CheckedRequest) -> Result<(), Failure> {
    let fleet = read_fleet(&args.fleet, args.allow_partial_snapshot)?;
    // The plan against a snapshot is held whole: at most the plan of every listed desktop;
    // the sticky plan, with its engine's working space.
    let bytes = if args.keep_existing {
        plan_sticky_bytes(request, &fleet)
    } else {
        Plan::bytes_for(&request.shape())
    };
    fits(bytes, args.memory_limit)?;
    let plan = fleet_planner(args)(request, &fleet).map_err(planning_failure)?;
    let mut out = response_out()?;
    let written = match args.output {
        Output::Json => {
            let mut response = FleetResponse::new(request, &fleet, &plan);
            if let Some(id) = &args.request_id {
                response = response.with_request_id(id.clone());
            }
            wire::write_fleet_json(&response, &mut out, args.pretty)
        }
        Output::Changes => wire::write_changes_json(request, &fleet, &plan, &mut out, args.pretty),
        Output::Table => report::write_fleet_table(request, &fleet, &plan, &mut out),
        Output::Summary => report::write_fleet_summary(request, &fleet, &plan, &mut out),
        Output::Html => {
            let planned = if args.keep_existing {
                report::Planned::KeepExisting
            } else {
                report::Planned::Canonical
            };
            report::write_review_html(request, &fleet, &plan, planned, &mut out)
        }
    };
    written
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Io(format!("cannot write the response: {e}")))
}

/// A reader's, a check's or a planner's error: an input or a plan that does not fit in
/// memory is too large for this run (status 3), anything else is bad input.
fn planning_failure(e: Error) -> Failure {
    match e {
        Error::PlanTooLarge { .. } | Error::OutOfMemory { .. } => Failure::TooLarge(e.to_string()),
        e => Failure::Input(e.to_string()),
    }
}

fn capacity_figures(args: &CapacityArgs) -> Result<(), Failure> {
    let input = |e: Error| Failure::Input(e.to_string());
    let limit = |field, text: &str| {
        let value = wire::read_limit(field, text).map_err(input)?;
        Limit::for_field(field, value).map_err(input)
    };
    let shape = Shape::new(
        args.desktops,
        args.users,
        limit(Field::MaxUserPerDesktop, &args.max_user_per_desktop)?,
        limit(Field::MaxDesktopPerUser, &args.max_desktop_per_user)?,
        args.strategy.parse::<Strategy>().map_err(input)?,
    );
    let mut out = stdout()?;
    let written = if args.json {
        serde_json::to_writer(&mut out, &capacity(&shape))
            .map_err(io::Error::from)
            .and_then(|()| out.write_all(b"\n"))
    } else {
        report::write_capacity(&shape, &mut out)
    };
    written
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Io(format!("cannot write the figures: {e}")))
}

fn requests(args: &RequestsArgs) -> Result<(), Failure> {
    args.check().map_err(Failure::Input)?;
    let bytes = read_input(&args.plan, args.max_input_bytes)?;
    let needed = wire::calls_bytes_for(bytes.len() as u64);
    let (limit, whose) = match args.memory_limit {
        Some(limit) => (Some(limit), "--memory-limit"),
        None => (available_memory(), "the memory available"),
    };
    // The room left under `ulimit -v` bounds it too, whatever --memory-limit says: past it,
    // an allocation would fail.
    let (limit, whose) = match (limit, address_space_room()) {
        (Some(limit), Some(room)) if room < limit => (Some(room), "the address space left"),
        (None, Some(room)) => (Some(room), "the address space left"),
        (limit, _) => (limit, whose),
    };
    if let Some(limit) = limit.filter(|&limit| needed > limit) {
        return Err(Failure::TooLarge(format!(
            "making the calls for this plan ({}) needs about {} of memory, more than {whose} \
             ({}): raise --memory-limit, or split the plan",
            show_bytes(bytes.len() as u64),
            show_bytes(needed),
            show_bytes(limit)
        )));
    }
    let plan = wire::plan_from_json(&bytes).map_err(planning_failure)?;
    drop(bytes);
    let fleet = read_fleet_if_given(&args.fleet, args.allow_partial_snapshot)?;
    let options = CallOptions::new().make_before_break(args.make_before_break);
    // The replacements take their IDs from the plan: the two are never both held whole.
    let calls = plan
        .into_calls(fleet.as_ref(), &args.region, &options)
        .map_err(planning_failure)?;
    drop(fleet);
    let mut out = BufWriter::new(stdout()?);
    let written = match args.format {
        CallFormat::Query => wire::write_calls_query(&calls, &mut out),
        CallFormat::Json => wire::write_calls_json(&calls, &mut out),
        CallFormat::Aliyun => wire::write_calls_aliyun(&calls, &args.region, &mut out),
    };
    match written.and_then(|()| out.flush()) {
        // A reader that stops early (`| head`): the run ends, quietly, as ripgrep's does.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
        Err(e) => return Err(Failure::Io(format!("cannot write the calls: {e}"))),
        Ok(()) => {}
    }
    // As for errors: a line that cannot be written is lost, not a panic.
    let mut err = io::stderr().lock();
    for line in report::left_out_lines(&calls) {
        let _ = writeln!(err, "eds-entitlement: {line}");
    }
    if args.summary {
        let _ = writeln!(err, "eds-entitlement: {}", report::calls_summary(&calls));
    }
    if calls.is_complete() {
        return Ok(());
    }
    Err(Failure::Unfinished(format!(
        "{} left for a later run: send these calls, then take a new snapshot and run \
         requests again",
        match (calls.unchangeable().len(), calls.held_back().len()) {
            (n, 0) => plural(n, "desktop", "desktops"),
            (0, h) => plural(h, "revocation", "revocations"),
            (n, h) => format!(
                "{} and {}",
                plural(n, "desktop", "desktops"),
                plural(h, "revocation", "revocations")
            ),
        }
    )))
}

/// `n` and the noun for it.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `verify PLAN --fleet AFTER… [--before BEFORE…]` (the contract, §8.2).
fn verify_carried_out(args: &VerifyArgs) -> Result<(), Failure> {
    args.check().map_err(Failure::Input)?;
    let plan = read_plan(&args.plan, args.max_input_bytes)?;
    let after = read_fleet(&args.fleet, args.allow_partial_snapshot)?;
    let before = read_fleet_if_given(&args.before, args.allow_partial_snapshot)?;
    let found = compare_with_fleet(&plan, &after, before.as_ref()).map_err(planning_failure)?;
    let mut out = BufWriter::new(stdout()?);
    let written = match args.format {
        VerifyFormat::Text => report::write_comparison(&found, &mut out),
        VerifyFormat::Json => wire::write_comparison_json(&found, &mut out),
    };
    match written.and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
        Err(e) => return Err(Failure::Io(format!("cannot write the comparison: {e}"))),
        Ok(()) => {}
    }
    let checked = plural(found.checked, "desktop", "desktops");
    if found.is_carried_out() {
        let _ = writeln!(
            io::stderr().lock(),
            "eds-entitlement: {checked} checked, all as planned"
        );
        return Ok(());
    }
    Err(Failure::Unfinished(format!(
        "{checked} checked, {} not as planned",
        found.mismatches.len()
    )))
}
