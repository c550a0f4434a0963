//! `eds-entitlement`: the command line, a thin shell over the library.
//!
//! Exit status: 0 on success, 1 on an I/O failure, 2 on bad input (one line on stderr,
//! nothing on stdout).

use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use eds_entitlement::{plan, wire, Request, Response};

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
    let plan = plan(&request);
    let mut response = Response::new(&request, &plan);
    if let Some(id) = &args.request_id {
        response = response.with_request_id(id.clone());
    }
    let stdout = io::stdout().lock();
    let mut out = BufWriter::with_capacity(1 << 20, stdout);
    wire::write_json(&response, &mut out, args.pretty)
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Io(format!("cannot write the response: {e}")))
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
