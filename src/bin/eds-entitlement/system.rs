//! What the command line asks of the system: whether standard output is closed, how much
//! memory the run can have (cgroups, `/proc`), and byte counts for people and from flags.

use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::sync::OnceLock;

use crate::Failure;

/// Whether standard output was closed when the program started (`>&-`): told first thing in
/// `main` by [`stdout_is_closed`], and reported by [`stdout`] when the response is written.
pub(crate) static STDOUT_CLOSED: OnceLock<bool> = OnceLock::new();

/// Standard output, or an I/O failure when it was closed (`>&-`).
pub(crate) fn stdout() -> Result<io::StdoutLock<'static>, Failure> {
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
pub(crate) fn response_out() -> Result<BufWriter<Box<dyn Write>>, Failure> {
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
pub(crate) const RESPONSE_BLOCK: usize = 1 << 16;

/// Whether standard output is closed. Asked before any file is opened: on a system that
/// leaves descriptor 1 closed, the first file opened would take it.
///
/// On Unix, the Rust runtime puts `/dev/null`, opened for reading and writing, in place of
/// a closed standard output before `main` runs (Linux, macOS, the BSDs), and writes to it
/// succeed: without this check the response would be lost with exit status 0. A shell's
/// `>/dev/null` opens it for writing only, and is honoured.
#[cfg(unix)]
pub(crate) fn stdout_is_closed() -> bool {
    use std::os::fd::AsFd;
    unix_stdout_is_closed(io::stdout().as_fd().try_clone_to_owned())
}

/// [`stdout_is_closed`] from a duplicate of standard output's descriptor: closed when it
/// could not be duplicated (`EBADF`: a runtime that leaves it closed; the other reason,
/// `EMFILE`, cannot happen before a file is opened), or when it is the null device opened
/// for reading and writing, as the runtime opens it.
#[cfg(unix)]
pub(crate) fn unix_stdout_is_closed(duplicate: io::Result<std::os::fd::OwnedFd>) -> bool {
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
pub(crate) fn stdout_is_closed() -> bool {
    use std::os::windows::io::AsRawHandle;
    io::stdout().as_raw_handle().is_null()
}

/// Elsewhere, nothing is checked.
#[cfg(not(any(unix, windows)))]
pub(crate) fn stdout_is_closed() -> bool {
    false
}

/// The memory this process can have: the least of its cgroup's room (`memory.max` less
/// `memory.current`) and the system's `MemAvailable`; `None` when neither can be read (not
/// Linux). (Under `ulimit -v`, the planner's own allocations fail with an error.)
pub(crate) fn available_memory() -> Option<u64> {
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
pub(crate) fn address_space_room() -> Option<u64> {
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
pub(crate) fn parse_bytes(text: &str) -> Result<u64, String> {
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
pub(crate) fn show_bytes(bytes: u64) -> String {
    let units = [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")];
    match units.iter().find(|&&(shift, _)| bytes >= 1 << shift) {
        Some(&(shift, unit)) => format!("{:.1} {unit}", bytes as f64 / (1u64 << shift) as f64),
        None => format!("{bytes} bytes"),
    }
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
