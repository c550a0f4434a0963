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

use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;

use clap::{ArgAction, Parser, Subcommand, ValueEnum};
use eds_entitlement::execute::{compare_with_fleet, CallOptions, PlanResponse};
use eds_entitlement::fleet::{
    plan_against, plan_sticky, plan_sticky_bytes, Fleet, FleetPlan, FleetResponse,
};
use eds_entitlement::{
    capacity, report, try_plan_rows, wire, CheckOptions, CheckedRequest, Error, Field, IdList,
    Limit, PlanRows, Request, Shape, SnapshotProblem, Strategy,
};

/// The exit statuses, as `--help` and the README list them.
const STATUSES: &str = "Exit status: 0 planned; 1 a file could not be read or the output \
written (a closed standard output too); 2 bad input or arguments; 3 too large for this run \
(the plan's memory beyond the memory limit, or an input beyond --max-input-bytes); 4 done as \
far as can be now (requests: desktops that cannot be changed now were left out; verify: \
desktops not as planned). A reader that stops early (requests … | head) ends the run with \
status 0 and no message.";

#[derive(Parser)]
#[command(name = "eds-entitlement", version, about, long_about = None, after_help = STATUSES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Reads a BatchModifyEntitlement request and prints the API's response, with the plan.
    #[command(
        after_help = STATUSES,
        override_usage = "eds-entitlement preview [OPTIONS] [FILE|-] [--fleet FILE...]\n       \
                          eds-entitlement preview [OPTIONS] --fleet FILE... -- FILE|-"
    )]
    Preview(PreviewArgs),
    /// Prints what a plan of this shape would do (the capacity figures of the contract, §5), without IDs.
    Capacity(CapacityArgs),
    /// Prints the ModifyEntitlement / ModifyUserEntitlement calls that carry out a plan,
    /// one a line, in the order to send them (the contract, §8).
    #[command(
        after_help = STATUSES,
        override_usage = "eds-entitlement requests [OPTIONS] --region R PLAN|- [--fleet FILE...]\n       \
                          eds-entitlement requests [OPTIONS] --region R --fleet FILE... -- PLAN|-"
    )]
    Requests(RequestsArgs),
    /// Compares a snapshot taken after the calls with the plan (the contract, §8.2): exit 0
    /// when every desktop not FAILED has exactly its planned users, 4 otherwise.
    #[command(after_help = STATUSES)]
    Verify(VerifyArgs),
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
    /// parameters, percent-encoded; unsigned) after a `# wave N` line per wave; one JSON
    /// object as the SDKs' to_map() gives it, with "Action" and "Wave"; or a shell script of
    /// `aliyun ecd …` command lines that waits for each wave.
    #[arg(long, value_enum, default_value = "query")]
    format: CallFormat,
    /// Print the number of calls, of waves, the per-desktop baseline, and the desktops left
    /// out, on stderr.
    #[arg(long)]
    summary: bool,
    /// The fleet as it is (DescribeDesktops response bodies, as for preview: one or more
    /// files, `-` for standard input; the plan goes before --fleet, or after --): desktops
    /// that already have their planned users get no call, desktops that cannot be changed
    /// now (not in it, not Running, Assigning) get none either and are named on stderr (exit
    /// status 4), and users are added or revoked where that takes fewer calls than replacing
    /// them.
    #[arg(long, value_name = "FILE", num_args = 1.., action = ArgAction::Append)]
    fleet: Vec<PathBuf>,
    /// Accept a snapshot whose pages hold fewer desktops than their TotalCount (a page
    /// missing): the missing desktops are taken as not in the snapshot. A warning on stderr
    /// says how many.
    #[arg(long, requires = "fleet")]
    allow_partial_snapshot: bool,
    /// Make before break (needs --fleet): no user who has a listed desktop before and one
    /// after is ever left with none, at a wave boundary or within a wave. May cost calls
    /// beyond the per-desktop baseline (--summary says how many).
    #[arg(long, requires = "fleet")]
    make_before_break: bool,
    /// The most memory the calls may take, in bytes (suffixes K, M, G, T: powers of 1024);
    /// by default, the memory this run can have. More is refused with exit status 3.
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes)]
    memory_limit: Option<u64>,
    /// The longest plan read, in bytes (suffixes K, M, G, T: powers of 1024); a longer one
    /// is refused with exit status 3.
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes, default_value = "256M")]
    max_input_bytes: u64,
}

#[derive(clap::Args)]
struct VerifyArgs {
    /// The plan: a BatchModifyEntitlement response body (this tool's or the live API's);
    /// `-` reads standard input.
    #[arg(value_name = "PLAN|-")]
    plan: PathBuf,
    /// The fleet after the calls: DescribeDesktops response bodies (one or more files, `-`
    /// for standard input; the plan goes before --fleet, or after --).
    #[arg(long, value_name = "AFTER", required = true, num_args = 1.., action = ArgAction::Append)]
    fleet: Vec<PathBuf>,
    /// The fleet before the calls: FAILED desktops and desktops the plan does not list must
    /// have the users they had in it (`Touched` otherwise).
    #[arg(long, value_name = "BEFORE", num_args = 1.., action = ArgAction::Append)]
    before: Vec<PathBuf>,
    /// Accept snapshots whose pages hold fewer desktops than their TotalCount (a page
    /// missing): the missing desktops are taken as not in the snapshot. A warning on stderr
    /// says how many.
    #[arg(long)]
    allow_partial_snapshot: bool,
    /// Human lines (one per desktop that is not as planned), or one JSON object.
    #[arg(long, value_enum, default_value = "text")]
    format: VerifyFormat,
    /// The longest plan read, in bytes (suffixes K, M, G, T: powers of 1024); a longer one
    /// is refused with exit status 3.
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes, default_value = "256M")]
    max_input_bytes: u64,
}

/// How `requests` prints the calls.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CallFormat {
    /// The RPC query form, one call a line, each wave after `# wave N`.
    Query,
    /// One JSON object a line, as the SDKs' to_map() gives it, with "Action" and "Wave".
    Json,
    /// A shell script of `aliyun ecd …` command lines, waiting for each wave.
    Aliyun,
}

/// How `verify` prints the differences.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum VerifyFormat {
    /// One line per desktop that is not as planned.
    Text,
    /// One JSON object: {"desktops":[…],"totals":{…}}.
    Json,
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
    /// Plan against the fleet as it is: DescribeDesktops response bodies, one file per page
    /// or the pages merged (as the SDKs' to_map() or `aliyun ecd DescribeDesktops --RegionId
    /// R --pager path=Desktops --force` print them). Takes several files (`--fleet
    /// pages/*.json`) and may be repeated; `-` reads standard input; pipes and `<(…)` are
    /// read. The request FILE goes before --fleet (or after --). Pages that give TotalCount
    /// must hold that many desktops together. Only Running desktops without the Assigning
    /// flag are planned; the others keep their users and are reported FAILED.
    #[arg(long, value_name = "FILE", num_args = 1.., action = ArgAction::Append)]
    fleet: Vec<PathBuf>,
    /// Accept a snapshot whose pages hold fewer desktops than their TotalCount (a page
    /// missing): the missing desktops are planned as NotInSnapshot, and the users they hold
    /// are unknown, so the limits cannot count them. A warning on stderr says how many.
    #[arg(long, requires = "fleet")]
    allow_partial_snapshot: bool,
    /// With --fleet: keep the most of the users desktops have now (the contract, §7). Under
    /// AVERAGE the most any valid plan can keep; under CENTRAL the served users are chosen
    /// greedily by the pairs they keep, and may be any users.
    #[arg(long)]
    keep_existing: bool,
    /// The most memory the plan may take, in bytes (suffixes K, M, G, T: powers of 1024).
    /// By default, the memory this run can have: the cgroup's limit (memory.max) or the
    /// system's available memory (MemAvailable), whichever is less. A plan that needs more
    /// is refused with exit status 3. The JSON and table outputs are written desktop by
    /// desktop and need only the working space of the largest desktop's row.
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes)]
    memory_limit: Option<u64>,
    /// The longest input read, in bytes, per file (suffixes K, M, G, T: powers of 1024; the
    /// default, 256M, holds some ten million IDs); a longer one is refused with exit status
    /// 3, before it is read when its size is known.
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes, default_value = "256M")]
    max_input_bytes: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    Json,
    Summary,
    Table,
    /// The change report of a plan made against --fleet, as JSON.
    Changes,
    /// A change review page: one self-contained HTML file (figures, pictures, who loses
    /// access, and every desktop in a table with filters); without --fleet, the plan alone.
    Html,
}

#[derive(clap::Args)]
struct CapacityArgs {
    /// The number of desktops.
    #[arg(long, value_name = "N")]
    desktops: u32,
    /// The number of users.
    #[arg(long, value_name = "U")]
    users: u32,
    /// MaxUserPerDesktop, 0 to 500; 0 (the default) is no limit. Read as the wire forms
    /// read it: `500`, `500.0` and `5e2` are 500, `+5` is not a number.
    #[arg(
        long,
        value_name = "K",
        default_value = "0",
        allow_hyphen_values = true
    )]
    max_user_per_desktop: String,
    /// MaxDesktopPerUser, 0 to 500; 0 (the default) is no limit. Read as the wire forms
    /// read it.
    #[arg(
        long,
        value_name = "M",
        default_value = "0",
        allow_hyphen_values = true
    )]
    max_desktop_per_user: String,
    /// AVERAGE or CENTRAL.
    #[arg(long, value_name = "S", default_value = "AVERAGE")]
    strategy: String,
    /// Print one JSON object with the keys of the contract, §5, for programs.
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

/// The heading of the parameters that CSV requests set and that replace a request FILE's.
const PARAMETERS: &str = "Request parameters (with CSV files, or replacing a FILE's)";

/// The request built from CSV files instead of read from FILE, and the parameters that
/// replace a FILE's.
#[derive(clap::Args)]
struct CsvArgs {
    /// Build the request from CSV files: this one lists the desktops, one ID a row (a header
    /// row naming `DesktopId` picks that column, otherwise the first column is read); `-`
    /// reads standard input.
    #[arg(
        long,
        value_name = "FILE",
        requires = "region",
        help_heading = "Request from CSV files"
    )]
    desktops: Option<PathBuf>,
    /// The users, one ID a row (a header row naming `EndUserId` picks that column); `-`
    /// reads standard input (one of --desktops and --users at most). Without it, the
    /// request has no users; a file that lists none is an error unless --allow-no-users.
    #[arg(
        long,
        value_name = "FILE",
        requires = "desktops",
        help_heading = "Request from CSV files"
    )]
    users: Option<PathBuf>,
    /// Accept a --users file that lists no user: every desktop is then planned to have no
    /// users, which takes everyone's access away.
    #[arg(long, requires = "users", help_heading = "Request from CSV files")]
    allow_no_users: bool,
    /// `RegionId`, e.g. cn-hangzhou.
    #[arg(
        long,
        value_name = "R",
        requires = "desktops",
        help_heading = "Request from CSV files"
    )]
    region: Option<String>,
    /// `MaxUserPerDesktop` (0: no limit), read as the wire forms read it (`5e2` is 500, `+5`
    /// is not a number). With a request FILE, replaces the file's value.
    #[arg(
        long,
        value_name = "K",
        allow_hyphen_values = true,
        help_heading = PARAMETERS
    )]
    max_user_per_desktop: Option<String>,
    /// `MaxDesktopPerUser` (0: no limit), read as the wire forms read it. With a request
    /// FILE, replaces the file's value.
    #[arg(
        long,
        value_name = "M",
        allow_hyphen_values = true,
        help_heading = PARAMETERS
    )]
    max_desktop_per_user: Option<String>,
    /// `Strategy`: AVERAGE (the default) or CENTRAL. With a request FILE, replaces the
    /// file's value.
    #[arg(long, value_name = "S", help_heading = PARAMETERS)]
    strategy: Option<String>,
    /// Send `Preview: false`: the plan is a task to execute. With a request FILE, replaces
    /// the file's `Preview`.
    #[arg(long, help_heading = PARAMETERS)]
    no_preview: bool,
}

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

/// Whether standard output was closed when the program started (`>&-`): told first thing in
/// `main` by [`stdout_is_closed`], and reported by [`stdout`] when the response is written.
static STDOUT_CLOSED: OnceLock<bool> = OnceLock::new();

/// Standard output, or an I/O failure when it was closed (`>&-`).
fn stdout() -> Result<io::StdoutLock<'static>, Failure> {
    if STDOUT_CLOSED.get().copied().unwrap_or(false) {
        return Err(Failure::Io(
            "standard output is closed: nothing can be written".into(),
        ));
    }
    Ok(io::stdout().lock())
}

/// Standard output for a response, written in blocks of [`RESPONSE_BLOCK`] bytes or more:
/// on Unix, a duplicate of its descriptor as a file. The standard library's `Stdout` is
/// line-buffered and looks for a line break in every block written, and a JSON response is
/// one line of up to gigabytes (a tenth of the writing's time at a million desktops).
fn response_out() -> Result<BufWriter<Box<dyn Write>>, Failure> {
    let out = stdout()?;
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(duplicate) = out.as_fd().try_clone_to_owned() {
            let file: Box<dyn Write> = Box::new(fs::File::from(duplicate));
            return Ok(BufWriter::with_capacity(RESPONSE_BLOCK, file));
        }
    }
    Ok(BufWriter::with_capacity(RESPONSE_BLOCK, Box::new(out)))
}

/// The buffer of [`response_out`]: the JSON writer's own blocks (64 KiB) are as large, so
/// they go to the file without a copy; the text reports' small writes are gathered.
const RESPONSE_BLOCK: usize = 1 << 16;

/// Whether standard output is closed. Asked before any file is opened: on a system that
/// leaves descriptor 1 closed, the first file opened would take it.
///
/// On Unix, the Rust runtime puts `/dev/null`, opened for reading and writing, in place of
/// a closed standard output before `main` runs (Linux, macOS, the BSDs), and writes to it
/// succeed: without this check the response would be lost with exit status 0. A shell's
/// `>/dev/null` opens it for writing only, and is honoured.
#[cfg(unix)]
fn stdout_is_closed() -> bool {
    use std::os::fd::AsFd;
    unix_stdout_is_closed(io::stdout().as_fd().try_clone_to_owned())
}

/// [`stdout_is_closed`] from a duplicate of standard output's descriptor: closed when it
/// could not be duplicated (`EBADF`: a runtime that leaves it closed; the other reason,
/// `EMFILE`, cannot happen before a file is opened), or when it is the null device opened
/// for reading and writing, as the runtime opens it.
#[cfg(unix)]
fn unix_stdout_is_closed(duplicate: io::Result<std::os::fd::OwnedFd>) -> bool {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let Ok(duplicate) = duplicate else {
        return true;
    };
    let mut out = fs::File::from(duplicate);
    let null = |meta: &fs::Metadata| meta.file_type().is_char_device().then(|| meta.rdev());
    let is_null = match (out.metadata(), fs::metadata("/dev/null")) {
        (Ok(out), Ok(dev_null)) => null(&out).is_some_and(|rdev| null(&dev_null) == Some(rdev)),
        _ => false,
    };
    // Reading the null device returns at once, with nothing; writing nothing writes nothing.
    // Either fails (EBADF) on a descriptor not opened for it.
    is_null && out.read(&mut [0]).is_ok() && out.write(&[]).is_ok()
}

/// Whether standard output is closed: on Windows, a process started with no standard output
/// has a null handle for it (or an invalid one, which the standard library shows as null),
/// and the standard library's writes to it succeed with no effect, as on Unix.
///
/// Written from the standard library's documentation of `AsRawHandle::as_raw_handle` ("may
/// return null, such as when called on Stdin, Stdout, or Stderr when the console is
/// detached"), and never run: this project has no Windows machine to test it on.
#[cfg(windows)]
fn stdout_is_closed() -> bool {
    use std::os::windows::io::AsRawHandle;
    io::stdout().as_raw_handle().is_null()
}

/// Elsewhere, nothing is checked.
#[cfg(not(any(unix, windows)))]
fn stdout_is_closed() -> bool {
    false
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
    fleet_stdin(&args.fleet, preview_stdin(args))?;
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

/// The memory this process can have: the least of its cgroup's room (`memory.max` less
/// `memory.current`) and the system's `MemAvailable`; `None` when neither can be read (not
/// Linux). (Under `ulimit -v`, the planner's own allocations fail with an error.)
fn available_memory() -> Option<u64> {
    let read = |path: &str| fs::read_to_string(path).ok();
    let cgroup = || {
        let max = read("/sys/fs/cgroup/memory.max")?
            .trim()
            .parse::<u64>()
            .ok()?;
        let current = read("/sys/fs/cgroup/memory.current")
            .and_then(|c| c.trim().parse::<u64>().ok())
            .unwrap_or(0);
        Some(max.saturating_sub(current))
    };
    let meminfo = || {
        let info = read("/proc/meminfo")?;
        let line = info.lines().find_map(|l| l.strip_prefix("MemAvailable:"))?;
        let kib = line.trim().strip_suffix("kB")?.trim().parse::<u64>().ok()?;
        Some(kib.saturating_mul(1024))
    };
    [cgroup(), meminfo()].into_iter().flatten().min()
}

/// The room left in this process's address space under `ulimit -v`: the soft limit less
/// `VmSize`; `None` when there is no limit, or not Linux.
fn address_space_room() -> Option<u64> {
    let read = |path: &str| fs::read_to_string(path).ok();
    let limits = read("/proc/self/limits")?;
    let line = limits
        .lines()
        .find_map(|l| l.strip_prefix("Max address space"))?;
    // "unlimited" is no figure.
    let max = line.split_whitespace().next()?.parse::<u64>().ok()?;
    let status = read("/proc/self/status")?;
    let size = status.lines().find_map(|l| l.strip_prefix("VmSize:"))?;
    let kib = size.trim().strip_suffix("kB")?.trim().parse::<u64>().ok()?;
    Some(max.saturating_sub(kib.saturating_mul(1024)))
}

/// A byte count for `--memory-limit` and `--max-input-bytes`: digits, then optionally K, M,
/// G or T (powers of 1024; `KiB`, `MB` and the like are read the same).
fn parse_bytes(text: &str) -> Result<u64, String> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = text.split_at(digits);
    let shift = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        "T" | "TB" | "TIB" => 40,
        _ => return Err("a number of bytes, e.g. 500M or 2G, is expected".into()),
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .ok_or_else(|| "a number of bytes from 0 to 2^64 - 1 is expected".into())
}

/// `bytes` for people: `1.5 GiB`, `300 MiB`, `512 bytes`.
fn show_bytes(bytes: u64) -> String {
    let units = [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")];
    match units.iter().find(|&&(shift, _)| bytes >= 1 << shift) {
        Some(&(shift, unit)) => format!("{:.1} {unit}", bytes as f64 / (1u64 << shift) as f64),
        None => format!("{bytes} bytes"),
    }
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

/// What reads standard input besides `--fleet -` in `preview`, if anything.
fn preview_stdin(args: &PreviewArgs) -> Option<&'static str> {
    let dash = |path: &Path| path == Path::new("-");
    match &args.csv.desktops {
        Some(desktops) if dash(desktops) => Some("--desktops -"),
        Some(_) if args.csv.users.as_deref().is_some_and(dash) => Some("--users -"),
        Some(_) => None,
        None if args.input.as_deref().is_none_or(dash) => Some("the request"),
        None => None,
    }
}

/// `preview … --fleet FILE…`: the plan made against the snapshot, in the output asked for.
fn preview_against(args: &PreviewArgs, request: &CheckedRequest) -> Result<(), Failure> {
    let fleet = read_fleet(
        &args.fleet,
        args.allow_partial_snapshot,
        preview_stdin(args),
    )?;
    // The plan against a snapshot is held whole: at most the plan of every listed desktop;
    // the sticky plan, with its engine's working space.
    let bytes = if args.keep_existing {
        plan_sticky_bytes(request, &fleet)
    } else {
        plan_bytes(&request.shape())
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

/// Refuses `--fleet -` given twice, or with `stdin` (what else reads standard input, if
/// anything): checked before anything is read.
fn fleet_stdin(paths: &[PathBuf], stdin: Option<&str>) -> Result<(), Failure> {
    let dash = Path::new("-");
    let dashes = paths.iter().filter(|p| *p == dash).count();
    if dashes > 1 {
        return Err(Failure::Input(
            "--fleet names standard input ('-') more than once: it can be read once".into(),
        ));
    }
    match stdin {
        Some(other) if dashes > 0 => Err(Failure::Input(format!(
            "--fleet - and {other} both read standard input: give one of them as a file"
        ))),
        _ => Ok(()),
    }
}

/// Reads the snapshot of every command that takes `--fleet` (the contract, §6 and §6.2):
/// each page, then whether the pages are whole listings by their `TotalCount`; with
/// `allow_partial`, a listing short of desktops is a warning on stderr, not an error.
/// `stdin` names what else reads standard input, if anything: `--fleet -` cannot then.
///
/// A regular file is read in chunks (only a chunk and what §6 reads of each desktop are
/// held); standard input, pipes and `<(…)` are streamed, never seeked.
fn read_fleet(
    paths: &[PathBuf],
    allow_partial: bool,
    stdin: Option<&str>,
) -> Result<Fleet, Failure> {
    fleet_stdin(paths, stdin)?;
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

/// A reader's, a check's or a planner's error: an input or a plan that does not fit in
/// memory is too large for this run (status 3), anything else is bad input.
fn planning_failure(e: Error) -> Failure {
    match e {
        Error::PlanTooLarge { .. } | Error::OutOfMemory { .. } => Failure::TooLarge(e.to_string()),
        e => Failure::Input(e.to_string()),
    }
}

/// The bytes a whole plan of `shape` takes, with the planner's working space: `4·T` for the
/// users, `8·(n + 1)` for the offsets, `16·⌈T/n⌉` for the cursors.
fn plan_bytes(shape: &Shape) -> u64 {
    let (n, total) = (shape.desktops(), shape.assignments());
    let rows = if n == 0 { 0 } else { total.div_ceil(n) };
    total
        .saturating_mul(4)
        .saturating_add((n + 1).saturating_mul(8))
        .saturating_add(rows.saturating_mul(16))
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

/// The memory `requests` needs for a plan of `len` bytes: the plan read, then its calls,
/// at most five times its text (`tests/calls_memory.rs` measures it).
const CALLS_PER_PLAN_BYTE: u64 = 5;

fn requests(args: &RequestsArgs) -> Result<(), Failure> {
    let plan_stdin = (args.plan == Path::new("-")).then_some("the plan");
    fleet_stdin(&args.fleet, plan_stdin)?;
    let bytes = read_input(&args.plan, args.max_input_bytes)?;
    let needed = (bytes.len() as u64).saturating_mul(CALLS_PER_PLAN_BYTE);
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
    let plan = wire::plan_from_json(strip_bom(&bytes)).map_err(planning_failure)?;
    drop(bytes);
    let fleet = if args.fleet.is_empty() {
        None
    } else {
        Some(read_fleet(
            &args.fleet,
            args.allow_partial_snapshot,
            plan_stdin,
        )?)
    };
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

/// Reads a plan (a `BatchModifyEntitlement` response body) from `path` (`-`: standard input).
fn read_plan(path: &Path, cap: u64) -> Result<PlanResponse, Failure> {
    let bytes = read_input(path, cap)?;
    wire::plan_from_json(strip_bom(&bytes)).map_err(planning_failure)
}

/// `verify PLAN --fleet AFTER… [--before BEFORE…]` (the contract, §8.2).
fn verify_carried_out(args: &VerifyArgs) -> Result<(), Failure> {
    let plan_stdin = (args.plan == Path::new("-")).then_some("the plan");
    fleet_stdin(&args.fleet, plan_stdin)?;
    let after_stdin = args
        .fleet
        .iter()
        .any(|p| p == Path::new("-"))
        .then_some("--fleet -");
    fleet_stdin(&args.before, plan_stdin.or(after_stdin))?;
    let plan = read_plan(&args.plan, args.max_input_bytes)?;
    let after = read_fleet(&args.fleet, args.allow_partial_snapshot, plan_stdin)?;
    let before = if args.before.is_empty() {
        None
    } else {
        Some(read_fleet(
            &args.before,
            args.allow_partial_snapshot,
            plan_stdin,
        )?)
    };
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

fn read_request(
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
fn request_from_csv(desktops: &Path, args: &CsvArgs, cap: u64) -> Result<Request, Failure> {
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
fn with_parameters(mut request: Request, args: &CsvArgs) -> Result<Request, Failure> {
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

/// `bytes` without a byte order mark, as Windows editors write, which no JSON or query
/// text has.
fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The bytes of `path` (`-`: standard input), at most `cap` of them: a longer input is
/// refused, before it is read when its size is known (a regular file), else as soon as the
/// reading passes `cap` (a pipe, `/dev/zero`). The buffer never holds more than `cap`
/// bytes, and its growth is fallible.
fn read_input(path: &Path, cap: u64) -> Result<Vec<u8>, Failure> {
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
    // Reading the text into a request takes up to three times its size again (the ID lists,
    // their offsets, and the lists' growth): refused here, rather than the reader aborting
    // for want of it.
    let more = (bytes.len() as u64).saturating_mul(3);
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

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// Each way standard output may stand, as a duplicate of its descriptor would.
    #[test]
    fn closed_stdout_on_unix() {
        use std::os::fd::OwnedFd;

        let open = |read: bool, write: bool, path: &str| -> io::Result<OwnedFd> {
            let file = fs::OpenOptions::new().read(read).write(write).open(path)?;
            Ok(OwnedFd::from(file))
        };
        // No descriptor at all: where the runtime leaves it closed.
        assert!(unix_stdout_is_closed(Err(io::Error::from_raw_os_error(9))));
        // The null device as the runtime puts it in place of a closed one.
        assert!(unix_stdout_is_closed(open(true, true, "/dev/null")));
        // `>/dev/null`, and `1</dev/null` (whose writes fail by themselves).
        assert!(!unix_stdout_is_closed(open(false, true, "/dev/null")));
        assert!(!unix_stdout_is_closed(open(true, false, "/dev/null")));
        // A file, read and written.
        let path = std::env::temp_dir().join(format!("eds-stdout-{}", std::process::id()));
        fs::write(&path, b"").expect("a temporary file");
        let file = open(true, true, path.to_str().expect("a UTF-8 path"));
        assert!(!unix_stdout_is_closed(file));
        let _ = fs::remove_file(&path);
    }
}
