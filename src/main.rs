//! `eds-entitlement`: the command line, a thin shell over the library.
//!
//! Exit status: 0 on success, 1 on an I/O failure (a file that cannot be read, an output
//! that cannot be written, a standard output that is closed), 2 on bad input (one line on
//! stderr, nothing on stdout). An error line that cannot be written (a full or closed
//! standard error) changes nothing: the status is still 1 or 2.

use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use eds_entitlement::{
    capacity, plan_against, plan_sticky, report, try_plan, wire, CheckOptions, CheckedRequest,
    Error, Field, Fleet, FleetPlan, FleetResponse, IdList, Limit, Request, Response, Shape,
    Strategy,
};

#[derive(Parser)]
#[command(name = "eds-entitlement", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Reads a BatchModifyEntitlement request and prints the API's response, with the plan.
    Preview(PreviewArgs),
    /// Prints what a plan of this shape would do (SPEC §5's capacity figures), without IDs.
    Capacity(CapacityArgs),
    /// Prints the ModifyEntitlement / ModifyUserEntitlement calls that carry out a plan,
    /// one a line, in the order to send them (the contract, §8).
    Requests(RequestsArgs),
}

#[derive(clap::Args)]
struct RequestsArgs {
    /// The plan: a BatchModifyEntitlement response body (this tool's or the live API's);
    /// `-` reads standard input.
    #[arg(value_name = "PLAN|-")]
    plan: PathBuf,
    /// `RegionId` of every call, e.g. cn-hangzhou.
    #[arg(long, value_name = "R", required = true)]
    region: String,
    /// How to print each call: the RPC query form (Action, Version, RegionId, then the
    /// parameters, percent-encoded; unsigned), or one JSON object as the SDKs' to_map()
    /// gives it, with "Action".
    #[arg(long, value_enum, default_value = "query")]
    format: Format,
    /// Print the number of calls, and the per-desktop baseline, on stderr.
    #[arg(long)]
    summary: bool,
}

#[derive(clap::Args)]
struct PreviewArgs {
    /// The request: JSON (as the SDKs' to_map() writes it) or the RPC query form
    /// (`RegionId=…&DesktopId.1=…`), told apart by the first non-blank byte (`{` is JSON);
    /// `-` reads standard input.
    #[arg(value_name = "FILE|-", conflicts_with = "desktops")]
    input: Option<PathBuf>,
    /// Read the request in this form, whatever it starts with.
    #[arg(long, value_enum, conflicts_with = "desktops")]
    format: Option<Format>,
    /// Reject what the live API would for size: more than 500 desktops or 500 users in one call.
    #[arg(long)]
    api_limits: bool,
    #[command(flatten)]
    csv: CsvArgs,
    /// The response's RequestId; by default it is derived from the request's content.
    #[arg(long, value_name = "ID")]
    request_id: Option<String>,
    /// Indent the JSON.
    #[arg(long)]
    pretty: bool,
    /// What to print: the response JSON, a summary for people (capacity figures, users left
    /// without a desktop, desktops left without users, the limit that bound the plan), or
    /// the plan as an aligned table; with --fleet, also the change report as JSON
    /// (`changes`), and the table and summary show who gains and loses a desktop.
    #[arg(long, value_enum, default_value_t = Output::Json)]
    output: Output,
    /// Plan against the fleet as it is: a DescribeDesktops response body (as the SDKs'
    /// to_map() or `aliyun ecd DescribeDesktops --pager` print it). Repeat for each page.
    /// Only Running desktops without the Assigning flag are planned; the others keep their
    /// users and are reported FAILED.
    #[arg(long, value_name = "FILE")]
    fleet: Vec<PathBuf>,
    /// With --fleet: keep the most of the users desktops have now (the contract, §7). Under
    /// AVERAGE the most any valid plan can keep; under CENTRAL the served users are chosen
    /// greedily by the pairs they keep, and may be any users.
    #[arg(long)]
    keep_existing: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    Json,
    Summary,
    Table,
    /// The change report of a plan made against --fleet, as JSON.
    Changes,
}

#[derive(clap::Args)]
struct CapacityArgs {
    /// The number of desktops.
    #[arg(long, value_name = "N")]
    desktops: u32,
    /// The number of users.
    #[arg(long, value_name = "U")]
    users: u32,
    /// MaxUserPerDesktop, 0 to 500; 0 (the default) is no limit.
    #[arg(long, value_name = "K", default_value_t = 0)]
    max_user_per_desktop: u32,
    /// MaxDesktopPerUser, 0 to 500; 0 (the default) is no limit.
    #[arg(long, value_name = "M", default_value_t = 0)]
    max_desktop_per_user: u32,
    /// AVERAGE or CENTRAL.
    #[arg(long, value_name = "S", default_value = "AVERAGE")]
    strategy: String,
    /// Print one JSON object with SPEC §5's keys, for programs.
    #[arg(long)]
    json: bool,
}

/// The wire form of a request.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// JSON, as the SDKs' to_map() writes it.
    Json,
    /// The RPC query form, as the SDKs send it: `RegionId=…&DesktopId.1=…`.
    Query,
}

/// The request built from CSV files instead of read from FILE.
#[derive(clap::Args)]
struct CsvArgs {
    /// Build the request from CSV files: this one lists the desktops, one ID a row (a header
    /// row naming `DesktopId` picks that column, otherwise the first column is read).
    #[arg(
        long,
        value_name = "FILE",
        requires = "region",
        help_heading = "Request from CSV files"
    )]
    desktops: Option<PathBuf>,
    /// The users, one ID a row (a header row naming `EndUserId` picks that column); without
    /// it, the request has no users.
    #[arg(
        long,
        value_name = "FILE",
        requires = "desktops",
        help_heading = "Request from CSV files"
    )]
    users: Option<PathBuf>,
    /// `RegionId`, e.g. cn-hangzhou.
    #[arg(
        long,
        value_name = "R",
        requires = "desktops",
        help_heading = "Request from CSV files"
    )]
    region: Option<String>,
    /// `MaxUserPerDesktop` (0 or absent: no limit).
    #[arg(
        long,
        value_name = "K",
        requires = "desktops",
        help_heading = "Request from CSV files"
    )]
    max_user_per_desktop: Option<u32>,
    /// `MaxDesktopPerUser` (0 or absent: no limit).
    #[arg(
        long,
        value_name = "M",
        requires = "desktops",
        help_heading = "Request from CSV files"
    )]
    max_desktop_per_user: Option<u32>,
    /// `Strategy`: AVERAGE (the default) or CENTRAL.
    #[arg(
        long,
        value_name = "S",
        requires = "desktops",
        help_heading = "Request from CSV files"
    )]
    strategy: Option<String>,
    /// Send `Preview: false`: the plan is a task to execute.
    #[arg(long, requires = "desktops", help_heading = "Request from CSV files")]
    no_preview: bool,
}

/// Why a run failed: its exit status and its one line for stderr.
enum Failure {
    /// Bad input: exit status 2.
    Input(String),
    /// Reading or writing failed: exit status 1.
    Io(String),
}

impl Failure {
    /// The exit status, as the module's documentation lists them.
    fn status(&self) -> u8 {
        match self {
            Failure::Io(_) => 1,
            Failure::Input(_) => 2,
        }
    }

    fn line(&self) -> &str {
        match self {
            Failure::Io(line) | Failure::Input(line) => line,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Preview(args) => preview(&args),
        Command::Capacity(args) => capacity_figures(&args),
        Command::Requests(args) => requests(&args),
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

/// Standard output, or an I/O failure when it was closed (`>&-`).
///
/// The Rust runtime puts `/dev/null`, opened for reading and writing, in place of a closed
/// standard output before `main` runs, and writes to it succeed: without this check the
/// response would be lost with exit status 0. A shell's `>/dev/null` opens it for writing
/// only, and is honoured. Only Linux says how a descriptor was opened (`/proc/self/fdinfo`);
/// elsewhere, nothing is checked.
fn stdout() -> Result<io::StdoutLock<'static>, Failure> {
    let flags = fs::read_to_string("/proc/self/fdinfo/1")
        .ok()
        .and_then(|info| {
            let flags = info.lines().find_map(|l| l.strip_prefix("flags:"))?;
            u32::from_str_radix(flags.trim(), 8).ok()
        });
    const O_ACCMODE: u32 = 0o3;
    const O_RDWR: u32 = 0o2;
    let read_write = flags.is_some_and(|f| f & O_ACCMODE == O_RDWR);
    if read_write && fs::read_link("/proc/self/fd/1").is_ok_and(|p| p == Path::new("/dev/null")) {
        return Err(Failure::Io(
            "standard output is closed: nothing can be written".into(),
        ));
    }
    Ok(io::stdout().lock())
}

/// `path` for a message: on one line, whatever it holds.
fn shown_path(path: &Path) -> String {
    report::one_line(&path.display().to_string()).into_owned()
}

fn preview(args: &PreviewArgs) -> Result<(), Failure> {
    if args.keep_existing && args.fleet.is_empty() {
        return Err(Failure::Input(
            "--keep-existing keeps the pairs of a snapshot: give it with --fleet FILE".into(),
        ));
    }
    if args.output == Output::Changes && args.fleet.is_empty() {
        return Err(Failure::Input(
            "--output changes reports against a snapshot: give it with --fleet FILE".into(),
        ));
    }
    if args.output == Output::Changes && args.request_id.is_some() {
        return Err(Failure::Input(
            "--request-id shapes the response JSON: it goes with --output json only".into(),
        ));
    }
    if !matches!(args.output, Output::Json | Output::Changes)
        && (args.request_id.is_some() || args.pretty)
    {
        return Err(Failure::Input(
            "--request-id and --pretty shape the response JSON: they go with --output json only"
                .into(),
        ));
    }
    let request = match &args.csv.desktops {
        Some(desktops) => request_from_csv(desktops, &args.csv)?,
        None => read_request(args.input.as_deref(), args.format)?,
    };
    let options = CheckOptions::new().api_limits(args.api_limits);
    let request = request
        .check_with(&options)
        .map_err(|e| Failure::Input(e.to_string()))?;
    if !args.fleet.is_empty() {
        return preview_against(args, &request);
    }
    let mut out = BufWriter::with_capacity(1 << 20, stdout()?);
    let written = match args.output {
        Output::Summary => report::write_summary(&request, &mut out),
        Output::Table => report::write_table(&request, &planned(&request)?, &mut out),
        // Refused above: the change report needs a snapshot.
        Output::Changes => Ok(()),
        Output::Json => {
            let plan = planned(&request)?;
            let mut response = Response::new(&request, &plan);
            if let Some(id) = &args.request_id {
                response = response.with_request_id(id.clone());
            }
            wire::write_json(&response, &mut out, args.pretty)
        }
    };
    written
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Io(format!("cannot write the response: {e}")))
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
    let fleet = read_fleet(&args.fleet)?;
    let plan = fleet_planner(args)(request, &fleet).map_err(|e| Failure::Input(e.to_string()))?;
    let stdout = io::stdout().lock();
    let mut out = BufWriter::with_capacity(1 << 20, stdout);
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
    };
    written
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Io(format!("cannot write the response: {e}")))
}

/// Reads the snapshot's pages, streaming each file: only what the contract's §6 reads of
/// each desktop is held.
fn read_fleet(paths: &[PathBuf]) -> Result<Fleet, Failure> {
    let mut reader = wire::FleetReader::new();
    for path in paths {
        let label = path.display().to_string();
        let cannot = |e: io::Error| Failure::Io(format!("cannot read {label}: {e}"));
        let file = fs::File::open(path).map_err(cannot)?;
        reader
            .read_page_from(&label, io::BufReader::with_capacity(1 << 16, file))
            .map_err(cannot)?
            .map_err(|e| Failure::Input(e.to_string()))?;
    }
    Ok(reader.finish())
}

fn planned(request: &eds_entitlement::CheckedRequest) -> Result<eds_entitlement::Plan, Failure> {
    try_plan(request).map_err(|e| Failure::Input(e.to_string()))
}

fn capacity_figures(args: &CapacityArgs) -> Result<(), Failure> {
    let input = |e: Error| Failure::Input(e.to_string());
    let limit = |field, value| Limit::for_field(field, value).map_err(input);
    let shape = Shape::new(
        args.desktops,
        args.users,
        limit(Field::MaxUserPerDesktop, args.max_user_per_desktop)?,
        limit(Field::MaxDesktopPerUser, args.max_desktop_per_user)?,
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
    let input = |e: Error| Failure::Input(e.to_string());
    let bytes = read_input(&args.plan)?;
    let plan = wire::plan_from_json(strip_bom(&bytes)).map_err(input)?;
    let calls = eds_entitlement::calls(&plan, None, &args.region).map_err(input)?;
    let mut out = BufWriter::new(stdout()?);
    let written = calls.iter().try_for_each(|call| {
        match args.format {
            Format::Query => out.write_all(call.to_query().as_bytes())?,
            Format::Json => wire::write_call_json(call, &mut out)?,
        }
        out.write_all(b"\n")
    });
    written
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Io(format!("cannot write the calls: {e}")))?;
    if args.summary {
        // As for errors: a summary that cannot be written is lost, not a panic.
        let _ = writeln!(
            io::stderr().lock(),
            "eds-entitlement: {}",
            report::calls_summary(&calls)
        );
    }
    Ok(())
}

fn read_request(input: Option<&Path>, format: Option<Format>) -> Result<Request, Failure> {
    let bytes = read_input(input.unwrap_or(Path::new("-")))?;
    let text = strip_bom(&bytes);
    let format = format.unwrap_or_else(|| match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => Format::Json,
        _ => Format::Query,
    });
    let request = match format {
        Format::Json => wire::from_json(text),
        Format::Query => wire::from_query(text),
    };
    request.map_err(|e| Failure::Input(e.to_string()))
}

/// The request of `preview --desktops FILE [--users FILE] --region R …`.
fn request_from_csv(desktops: &Path, args: &CsvArgs) -> Result<Request, Failure> {
    let ids = |path: &Path, field| {
        wire::ids_from_csv(&read_file(path)?, &path.display().to_string(), field)
            .map_err(|e| Failure::Input(e.to_string()))
    };
    let desktop_ids = ids(desktops, Field::DesktopId)?;
    let end_user_ids = match &args.users {
        Some(users) => ids(users, Field::EndUserId)?,
        None => IdList::new(),
    };
    // Parsed here, not by the argument parser, for the library's one-line message.
    let strategy = match &args.strategy {
        Some(text) => text
            .parse()
            .map_err(|e: Error| Failure::Input(e.to_string()))?,
        None => Strategy::default(),
    };
    let mut request = Request::from_id_lists(
        args.region.clone().unwrap_or_default(),
        desktop_ids,
        end_user_ids,
    )
    .strategy(strategy)
    .preview(!args.no_preview);
    request.max_user_per_desktop = args.max_user_per_desktop;
    request.max_desktop_per_user = args.max_desktop_per_user;
    Ok(request)
}

/// The bytes of `input`, standard input for `-`.
fn read_input(input: &Path) -> Result<Vec<u8>, Failure> {
    if input.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::Io(format!("cannot read standard input: {e}")))?;
        Ok(bytes)
    } else {
        read_file(input)
    }
}

/// `bytes` without a byte order mark, as Windows editors write, which no JSON or query
/// text has.
fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn read_file(path: &Path) -> Result<Vec<u8>, Failure> {
    fs::read(path).map_err(|e| Failure::Io(format!("cannot read {}: {e}", shown_path(path))))
}
