//! `eds-entitlement`: the command line, a thin shell over the library.
//!
//! Exit status: 0 on success, 1 on an I/O failure, 2 on bad input (one line on stderr,
//! nothing on stdout).

use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use eds_entitlement::{
    capacity, report, try_plan, wire, CheckOptions, Error, Field, IdList, Limit, Request, Response,
    Shape, Strategy,
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
    /// the plan as an aligned table.
    #[arg(long, value_enum, default_value_t = Output::Json)]
    output: Output,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    Json,
    Summary,
    Table,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Preview(args) => preview(&args),
        Command::Capacity(args) => capacity_figures(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let (status, line) = match failure {
                Failure::Input(line) => (2, line),
                Failure::Io(line) => (1, line),
            };
            eprintln!("eds-entitlement: {line}");
            ExitCode::from(status)
        }
    }
}

fn preview(args: &PreviewArgs) -> Result<(), Failure> {
    if args.output != Output::Json && (args.request_id.is_some() || args.pretty) {
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
    let stdout = io::stdout().lock();
    let mut out = BufWriter::with_capacity(1 << 20, stdout);
    let written = match args.output {
        Output::Summary => report::write_summary(&request, &mut out),
        Output::Table => report::write_table(&request, &planned(&request)?, &mut out),
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
    let mut out = io::stdout().lock();
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

fn read_request(input: Option<&Path>, format: Option<Format>) -> Result<Request, Failure> {
    let input = input.unwrap_or(Path::new("-"));
    let bytes = if input.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::Io(format!("cannot read standard input: {e}")))?;
        bytes
    } else {
        read_file(input)?
    };
    let request = match format {
        Some(Format::Json) => wire::from_json(&bytes),
        Some(Format::Query) => wire::from_query(&bytes),
        None => wire::from_bytes(&bytes),
    };
    request.map_err(|e| Failure::Input(e.to_string()))
}

/// The request of `preview --desktops FILE [--users FILE] --region R …`.
fn request_from_csv(desktops: &Path, args: &CsvArgs) -> Result<Request, Failure> {
    let ids = |path: &Path, field| {
        wire::ids_from_csv(&read_file(path)?, &path.display().to_string(), field)
            .map_err(|e| Failure::Input(e.to_string()))
    };
    Ok(Request {
        region_id: args.region.clone().unwrap_or_default(),
        desktop_ids: ids(desktops, Field::DesktopId)?,
        end_user_ids: match &args.users {
            Some(users) => ids(users, Field::EndUserId)?,
            None => IdList::new(),
        },
        max_user_per_desktop: args.max_user_per_desktop,
        max_desktop_per_user: args.max_desktop_per_user,
        // Parsed here, not by the argument parser, for the library's one-line message.
        strategy: match &args.strategy {
            Some(text) => text
                .parse()
                .map_err(|e: Error| Failure::Input(e.to_string()))?,
            None => Strategy::default(),
        },
        preview: !args.no_preview,
    })
}

fn read_file(path: &Path) -> Result<Vec<u8>, Failure> {
    fs::read(path).map_err(|e| Failure::Io(format!("cannot read {}: {e}", path.display())))
}
