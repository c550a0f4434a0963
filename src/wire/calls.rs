//! The calls that carry out a plan in the RPC query form and as a shell script of
//! `aliyun` command lines (the contract, §8); their JSON form is in `json/calls.rs`.

use std::io;

use crate::execute::{shell_quote, Call, Calls, MAX_IDS_PER_CALL};

/// Writes every call of `calls` in the RPC query form ([`Call::to_query`]), one a line, each
/// wave after a comment line `# wave N` (the contract, §8.1). A consumer skips the lines that
/// begin with `#`, and sends a wave only when no desktop of the one before is `Assigning`.
///
/// # Errors
///
/// The writer's I/O errors.
pub fn write_calls_query<W: io::Write>(calls: &Calls, mut writer: W) -> io::Result<()> {
    for (n, wave) in calls.iter_waves() {
        writeln!(writer, "# wave {n}")?;
        for call in wave {
            writer.write_all(call.to_query().as_bytes())?;
            writer.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// Writes `calls` as a POSIX shell script of `aliyun` command lines (the contract, §8.1): a
/// short header, a function that waits for a wave, then each wave after a comment line
/// `# wave N`, its calls ([`Call::to_aliyun`], each line beginning `aliyun ecd Modify`), and a
/// wait: `DescribeDesktops` for the wave's desktops (100 a poll, `--MaxResults 100`), every
/// 5 s, until none has the `Assigning` flag; still `Assigning` after 50 s, the script stops
/// with an error (exit status 1), as it stops at the first call that fails (`set -eu`). The
/// last wave is waited for too, so that a snapshot taken after the script sees its result.
/// No other line makes a call.
///
/// # Errors
///
/// The writer's I/O errors.
pub fn write_calls_aliyun<W: io::Write>(
    calls: &Calls,
    region_id: &str,
    mut writer: W,
) -> io::Result<()> {
    let mut region = String::new();
    shell_quote(&mut region, region_id);
    write!(
        writer,
        "#!/bin/sh
# The calls that carry out a plan, written by `eds-entitlement requests --format aliyun`.
# Read them, then run: sh THIS-FILE. Each wave is sent only once no desktop of the wave
# before is Assigning; a wave still Assigning after 50 s, or a call that fails, stops the
# script: then take a new snapshot and run `eds-entitlement requests` again.
set -eu

# wait_for_wave N --DesktopId.1 ID …: polls DescribeDesktops for these desktops (at most 100)
# every 5 s until none has the Assigning flag (ManagementFlags); stops after 50 s.
wait_for_wave() {{
    wave=$1
    shift
    waited=0
    while :; do
        sleep 5
        waited=$((waited + 5))
        found=$(aliyun ecd DescribeDesktops --RegionId {region} --MaxResults 100 \"$@\" --version 2020-09-30 --force)
        case $found in
            *'\"'[Aa][Ss][Ss][Ii][Gg][Nn][Ii][Nn][Gg]'\"'*) ;;
            *) return 0 ;;
        esac
        if [ \"$waited\" -ge 50 ]; then
            echo \"wave $wave: desktops still Assigning after 50 s: stopped\" >&2
            exit 1
        fi
    done
}}
"
    )?;
    for (n, wave) in calls.iter_waves() {
        writeln!(writer, "\n# wave {n}")?;
        let mut desktops: Vec<&str> = Vec::new();
        for call in wave {
            writer.write_all(call.to_aliyun().as_bytes())?;
            writer.write_all(b"\n")?;
            match call {
                Call::ModifyEntitlement(c) => desktops.push(&c.desktop_id),
                Call::ModifyUserEntitlement(c) => desktops.extend(
                    c.authorize_desktop_ids
                        .iter()
                        .chain(&c.revoke_desktop_ids)
                        .map(String::as_str),
                ),
            }
        }
        for chunk in desktops.chunks(MAX_IDS_PER_CALL) {
            write!(writer, "wait_for_wave {n}")?;
            for (i, id) in chunk.iter().enumerate() {
                let mut quoted = String::new();
                shell_quote(&mut quoted, id);
                let sep = if id.starts_with('-') { '=' } else { ' ' };
                write!(writer, " --DesktopId.{}{sep}{quoted}", i + 1)?;
            }
            writer.write_all(b"\n")?;
        }
    }
    Ok(())
}
