//! The command line's arguments: the clap structures, their help and the exit statuses.

use std::path::{Path, PathBuf};

use clap::{ArgAction, Parser, Subcommand, ValueEnum};

use crate::system::parse_bytes;

/// The exit statuses, as `--help` and the README list them.
pub(crate) const STATUSES: &str =
    "Exit status: 0 planned; 1 a file could not be read or the output \
written (a closed standard output too); 2 bad input or arguments; 3 too large for this run \
(the plan's memory beyond the memory limit, or an input beyond --max-input-bytes); 4 done as \
far as can be now (requests: desktops that cannot be changed now were left out; verify: \
desktops not as planned). A reader that stops early (requests … | head) ends the run with \
status 0 and no message.";

#[derive(Parser)]
#[command(name = "eds-entitlement", version, about, long_about = None, after_help = STATUSES)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
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
pub(crate) struct RequestsArgs {
    /// The plan: a BatchModifyEntitlement response body (this tool's or the live API's);
    /// `-` reads standard input.
    #[arg(value_name = "PLAN|-")]
    pub(crate) plan: PathBuf,
    /// `RegionId` of every call, e.g. cn-hangzhou.
    #[arg(long, value_name = "R", required = true)]
    pub(crate) region: String,
    /// How to print each call: the RPC query form (Action, Version, RegionId, then the
    /// parameters, percent-encoded; unsigned) after a `# wave N` line per wave; one JSON
    /// object as the SDKs' to_map() gives it, with "Action" and "Wave"; or a shell script of
    /// `aliyun ecd …` command lines that waits for each wave.
    #[arg(long, value_enum, default_value = "query")]
    pub(crate) format: CallFormat,
    /// Print the number of calls, of waves, the per-desktop baseline, and the desktops left
    /// out, on stderr.
    #[arg(long)]
    pub(crate) summary: bool,
    /// The fleet as it is (DescribeDesktops response bodies, as for preview: one or more
    /// files, `-` for standard input; the plan goes before --fleet, or after --): desktops
    /// that already have their planned users get no call, desktops that cannot be changed
    /// now (not in it, not Running, Assigning) get none either and are named on stderr (exit
    /// status 4), and users are added or revoked where that takes fewer calls than replacing
    /// them.
    #[arg(long, value_name = "FILE", num_args = 1.., action = ArgAction::Append)]
    pub(crate) fleet: Vec<PathBuf>,
    /// Accept a snapshot whose pages hold fewer desktops than their TotalCount (a page
    /// missing): the missing desktops are taken as not in the snapshot. A warning on stderr
    /// says how many.
    #[arg(long, requires = "fleet")]
    pub(crate) allow_partial_snapshot: bool,
    /// Make before break (needs --fleet): no user who has a listed desktop before and one
    /// after is ever left with none, at a wave boundary or within a wave. May cost calls
    /// beyond the per-desktop baseline (--summary says how many).
    #[arg(long, requires = "fleet")]
    pub(crate) make_before_break: bool,
    /// The most memory the calls may take, in bytes (suffixes K, M, G, T: powers of 1024);
    /// by default, the memory this run can have. More is refused with exit status 3.
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes)]
    pub(crate) memory_limit: Option<u64>,
    /// The longest plan read, in bytes (suffixes K, M, G, T: powers of 1024); a longer one
    /// is refused with exit status 3.
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes, default_value = "256M")]
    pub(crate) max_input_bytes: u64,
}

#[derive(clap::Args)]
pub(crate) struct VerifyArgs {
    /// The plan: a BatchModifyEntitlement response body (this tool's or the live API's);
    /// `-` reads standard input.
    #[arg(value_name = "PLAN|-")]
    pub(crate) plan: PathBuf,
    /// The fleet after the calls: DescribeDesktops response bodies (one or more files, `-`
    /// for standard input; the plan goes before --fleet, or after --).
    #[arg(long, value_name = "AFTER", required = true, num_args = 1.., action = ArgAction::Append)]
    pub(crate) fleet: Vec<PathBuf>,
    /// The fleet before the calls: FAILED desktops and desktops the plan does not list must
    /// have the users they had in it (`Touched` otherwise).
    #[arg(long, value_name = "BEFORE", num_args = 1.., action = ArgAction::Append)]
    pub(crate) before: Vec<PathBuf>,
    /// Accept snapshots whose pages hold fewer desktops than their TotalCount (a page
    /// missing): the missing desktops are taken as not in the snapshot. A warning on stderr
    /// says how many.
    #[arg(long)]
    pub(crate) allow_partial_snapshot: bool,
    /// Human lines (one per desktop that is not as planned), or one JSON object.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) format: VerifyFormat,
    /// The longest plan read, in bytes (suffixes K, M, G, T: powers of 1024); a longer one
    /// is refused with exit status 3.
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes, default_value = "256M")]
    pub(crate) max_input_bytes: u64,
}

impl RequestsArgs {
    /// The checks clap cannot make, with this command's own words: standard input read
    /// once at most. Made before anything is read.
    pub(crate) fn check(&self) -> Result<(), String> {
        one_stdin(&self.fleet, self.stdin_reader())
    }

    /// What reads standard input besides `--fleet -`, if anything: the plan, when it is `-`.
    fn stdin_reader(&self) -> Option<&'static str> {
        is_stdin(&self.plan).then_some("the plan")
    }
}

impl VerifyArgs {
    /// The checks clap cannot make, with this command's own words: standard input read
    /// once at most, by the plan, the snapshot after or the snapshot before. Made before
    /// anything is read.
    pub(crate) fn check(&self) -> Result<(), String> {
        let plan = self.stdin_reader();
        one_stdin(&self.fleet, plan)?;
        let after = self
            .fleet
            .iter()
            .any(|p| is_stdin(p))
            .then_some("--fleet -");
        one_stdin(&self.before, plan.or(after))
    }

    /// What reads standard input besides `--fleet -`, if anything: the plan, when it is `-`.
    fn stdin_reader(&self) -> Option<&'static str> {
        is_stdin(&self.plan).then_some("the plan")
    }
}

/// Refuses `--fleet -` given twice, or with `stdin` (what else reads standard input, if
/// anything): checked before anything is read.
fn one_stdin(paths: &[PathBuf], stdin: Option<&str>) -> Result<(), String> {
    let dashes = paths.iter().filter(|p| is_stdin(p)).count();
    if dashes > 1 {
        return Err(
            "--fleet names standard input ('-') more than once: it can be read once".into(),
        );
    }
    match stdin {
        Some(other) if dashes > 0 => Err(format!(
            "--fleet - and {other} both read standard input: give one of them as a file"
        )),
        _ => Ok(()),
    }
}

/// Whether `path` is `-`, standard input.
fn is_stdin(path: &Path) -> bool {
    path == Path::new("-")
}

/// How `requests` prints the calls.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CallFormat {
    /// The RPC query form, one call a line, each wave after `# wave N`.
    Query,
    /// One JSON object a line, as the SDKs' to_map() gives it, with "Action" and "Wave".
    Json,
    /// A shell script of `aliyun ecd …` command lines, waiting for each wave.
    Aliyun,
}

/// How `verify` prints the differences.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum VerifyFormat {
    /// One line per desktop that is not as planned.
    Text,
    /// One JSON object: {"desktops":[…],"totals":{…}}.
    Json,
}

#[derive(clap::Args)]
pub(crate) struct PreviewArgs {
    /// The request: JSON (as the SDKs' to_map() writes it) or the RPC query form
    /// (`RegionId=…&DesktopId.1=…`), told apart by the first non-blank byte (`{` is JSON);
    /// `-` reads standard input.
    #[arg(value_name = "FILE|-", conflicts_with = "desktops")]
    pub(crate) input: Option<PathBuf>,
    /// Read the request in this form, whatever it starts with.
    #[arg(long, value_enum, conflicts_with = "desktops")]
    pub(crate) format: Option<Format>,
    /// Reject what the live API would for size: more than 500 desktops or 500 users in one call.
    #[arg(long)]
    pub(crate) api_limits: bool,
    #[command(flatten)]
    pub(crate) csv: CsvArgs,
    /// The response's RequestId; by default it is derived from the request's content.
    #[arg(long, value_name = "ID")]
    pub(crate) request_id: Option<String>,
    /// Indent the JSON.
    #[arg(long)]
    pub(crate) pretty: bool,
    /// What to print: the response JSON, a summary for people (capacity figures, users left
    /// without a desktop, desktops left without users, the limit that bound the plan), or
    /// the plan as an aligned table; with --fleet, also the change report as JSON
    /// (`changes`), and the table and summary show who gains and loses a desktop.
    #[arg(long, value_enum, default_value_t = Output::Json)]
    pub(crate) output: Output,
    /// Plan against the fleet as it is: DescribeDesktops response bodies, one file per page
    /// or the pages merged (as the SDKs' to_map() or `aliyun ecd DescribeDesktops --RegionId
    /// R --pager path=Desktops --force` print them). Takes several files (`--fleet
    /// pages/*.json`) and may be repeated; `-` reads standard input; pipes and `<(…)` are
    /// read. The request FILE goes before --fleet (or after --). Pages that give TotalCount
    /// must hold that many desktops together. Only Running desktops without the Assigning
    /// flag are planned; the others keep their users and are reported FAILED.
    #[arg(long, value_name = "FILE", num_args = 1.., action = ArgAction::Append)]
    pub(crate) fleet: Vec<PathBuf>,
    /// Accept a snapshot whose pages hold fewer desktops than their TotalCount (a page
    /// missing): the missing desktops are planned as NotInSnapshot, and the users they hold
    /// are unknown, so the limits cannot count them. A warning on stderr says how many.
    #[arg(long, requires = "fleet")]
    pub(crate) allow_partial_snapshot: bool,
    /// With --fleet: keep the most of the users desktops have now (the contract, §7). Under
    /// AVERAGE the most any valid plan can keep; under CENTRAL the served users are chosen
    /// greedily by the pairs they keep, and may be any users.
    #[arg(long)]
    pub(crate) keep_existing: bool,
    /// The most memory the plan may take, in bytes (suffixes K, M, G, T: powers of 1024).
    /// By default, the memory this run can have: the cgroup's limit (memory.max) or the
    /// system's available memory (MemAvailable), whichever is less. A plan that needs more
    /// is refused with exit status 3. The JSON and table outputs are written desktop by
    /// desktop and need only the working space of the largest desktop's row.
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes)]
    pub(crate) memory_limit: Option<u64>,
    /// The longest input read, in bytes, per file (suffixes K, M, G, T: powers of 1024; the
    /// default, 256M, holds some ten million IDs); a longer one is refused with exit status
    /// 3, before it is read when its size is known.
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes, default_value = "256M")]
    pub(crate) max_input_bytes: u64,
}

impl PreviewArgs {
    /// The checks clap cannot make, with this command's own words: flags that go only with
    /// --fleet or with one output, and standard input read once at most. Made before
    /// anything is read.
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.keep_existing && self.fleet.is_empty() {
            return Err(
                "--keep-existing keeps the pairs of a snapshot: give it with --fleet FILE".into(),
            );
        }
        if self.output == Output::Changes && self.fleet.is_empty() {
            return Err(
                "--output changes reports against a snapshot: give it with --fleet FILE".into(),
            );
        }
        if self.output == Output::Changes && self.request_id.is_some() {
            return Err(
                "--request-id shapes the response JSON: it goes with --output json only".into(),
            );
        }
        if !matches!(self.output, Output::Json | Output::Changes)
            && (self.request_id.is_some() || self.pretty)
        {
            return Err(
                "--request-id and --pretty shape the response JSON: they go with --output json \
                 only"
                    .into(),
            );
        }
        one_stdin(&self.fleet, self.stdin_reader())
    }

    /// What reads standard input besides `--fleet -`, if anything: `--desktops -`,
    /// `--users -`, or the request (given as `-`, or not given).
    fn stdin_reader(&self) -> Option<&'static str> {
        match &self.csv.desktops {
            Some(desktops) if is_stdin(desktops) => Some("--desktops -"),
            Some(_) if self.csv.users.as_deref().is_some_and(is_stdin) => Some("--users -"),
            Some(_) => None,
            None if self.input.as_deref().is_none_or(is_stdin) => Some("the request"),
            None => None,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Output {
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
pub(crate) struct CapacityArgs {
    /// The number of desktops.
    #[arg(long, value_name = "N")]
    pub(crate) desktops: u32,
    /// The number of users.
    #[arg(long, value_name = "U")]
    pub(crate) users: u32,
    /// MaxUserPerDesktop, 0 to 500; 0 (the default) is no limit. Read as the wire forms
    /// read it: `500`, `500.0` and `5e2` are 500, `+5` is not a number.
    #[arg(
        long,
        value_name = "K",
        default_value = "0",
        allow_hyphen_values = true
    )]
    pub(crate) max_user_per_desktop: String,
    /// MaxDesktopPerUser, 0 to 500; 0 (the default) is no limit. Read as the wire forms
    /// read it.
    #[arg(
        long,
        value_name = "M",
        default_value = "0",
        allow_hyphen_values = true
    )]
    pub(crate) max_desktop_per_user: String,
    /// AVERAGE or CENTRAL.
    #[arg(long, value_name = "S", default_value = "AVERAGE")]
    pub(crate) strategy: String,
    /// Print one JSON object with the keys of the contract, §5, for programs.
    #[arg(long)]
    pub(crate) json: bool,
}

/// The wire form of a request.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    /// JSON, as the SDKs' to_map() writes it.
    Json,
    /// The RPC query form, as the SDKs send it: `RegionId=…&DesktopId.1=…`.
    Query,
}

/// The heading of the parameters that CSV requests set and that replace a request FILE's.
pub(crate) const PARAMETERS: &str = "Request parameters (with CSV files, or replacing a FILE's)";

/// The request built from CSV files instead of read from FILE, and the parameters that
/// replace a FILE's.
#[derive(clap::Args)]
pub(crate) struct CsvArgs {
    /// Build the request from CSV files: this one lists the desktops, one ID a row (a header
    /// row naming `DesktopId` picks that column, otherwise the first column is read); `-`
    /// reads standard input.
    #[arg(
        long,
        value_name = "FILE",
        requires = "region",
        help_heading = "Request from CSV files"
    )]
    pub(crate) desktops: Option<PathBuf>,
    /// The users, one ID a row (a header row naming `EndUserId` picks that column); `-`
    /// reads standard input (one of --desktops and --users at most). Without it, the
    /// request has no users; a file that lists none is an error unless --allow-no-users.
    #[arg(
        long,
        value_name = "FILE",
        requires = "desktops",
        help_heading = "Request from CSV files"
    )]
    pub(crate) users: Option<PathBuf>,
    /// Accept a --users file that lists no user: every desktop is then planned to have no
    /// users, which takes everyone's access away.
    #[arg(long, requires = "users", help_heading = "Request from CSV files")]
    pub(crate) allow_no_users: bool,
    /// `RegionId`, e.g. cn-hangzhou.
    #[arg(
        long,
        value_name = "R",
        requires = "desktops",
        help_heading = "Request from CSV files"
    )]
    pub(crate) region: Option<String>,
    /// `MaxUserPerDesktop` (0: no limit), read as the wire forms read it (`5e2` is 500, `+5`
    /// is not a number). With a request FILE, replaces the file's value.
    #[arg(
        long,
        value_name = "K",
        allow_hyphen_values = true,
        help_heading = PARAMETERS
    )]
    pub(crate) max_user_per_desktop: Option<String>,
    /// `MaxDesktopPerUser` (0: no limit), read as the wire forms read it. With a request
    /// FILE, replaces the file's value.
    #[arg(
        long,
        value_name = "M",
        allow_hyphen_values = true,
        help_heading = PARAMETERS
    )]
    pub(crate) max_desktop_per_user: Option<String>,
    /// `Strategy`: AVERAGE (the default) or CENTRAL. With a request FILE, replaces the
    /// file's value.
    #[arg(long, value_name = "S", help_heading = PARAMETERS)]
    pub(crate) strategy: Option<String>,
    /// Send `Preview: false`: the plan is a task to execute. With a request FILE, replaces
    /// the file's `Preview`.
    #[arg(long, help_heading = PARAMETERS)]
    pub(crate) no_preview: bool,
}
