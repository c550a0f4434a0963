//! `eds-entitlement`: the command line, a thin shell over the library.
//!
//! Exit status: 0 on success, 1 on an I/O failure, 2 on bad input (one line on stderr,
//! nothing on stdout).

use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use eds_entitlement::{
    capacity, plan, report, wire, Error, Field, Limit, LimitProblem, Request, Response, Shape,
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
}

#[derive(clap::Args)]
struct PreviewArgs {
    /// The request (JSON, as the SDKs' to_map() writes it); `-` reads standard input.
    #[arg(value_name = "FILE|-", default_value = "-")]
    input: PathBuf,
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
    let request = read_request(&args.input)?
        .check()
        .map_err(|e| Failure::Input(e.to_string()))?;
    let stdout = io::stdout().lock();
    let mut out = BufWriter::with_capacity(1 << 20, stdout);
    let written = match args.output {
        Output::Summary => report::write_summary(&request, &mut out),
        Output::Table => report::write_table(&request, &plan(&request), &mut out),
        Output::Json => {
            let plan = plan(&request);
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

fn capacity_figures(args: &CapacityArgs) -> Result<(), Failure> {
    let input = |e: Error| Failure::Input(e.to_string());
    let limit = |field, value| {
        Limit::new(value).ok_or_else(|| {
            input(Error::InvalidLimit {
                field,
                value: value.to_string(),
                problem: LimitProblem::TooLarge,
            })
        })
    };
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

fn read_request(input: &PathBuf) -> Result<Request, Failure> {
    let bytes = if input.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::Io(format!("cannot read standard input: {e}")))?;
        bytes
    } else {
        fs::read(input).map_err(|e| Failure::Io(format!("cannot read {}: {e}", input.display())))?
    };
    wire::from_json(&bytes).map_err(|e| Failure::Input(e.to_string()))
}
