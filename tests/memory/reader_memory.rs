//! The readers' memory, measured by a counting allocator: reading a CSV file or a JSON
//! request of many short IDs, then checking it, holds at most three times the input; and a
//! reader (or the check) that cannot have its memory says so with
//! [`Error::OutOfMemory`], instead of aborting the process.
//!
//! The allocator counts every byte allocated in this test binary. A reallocation that
//! grows a block is counted as the old block and the new one held at once (it may copy);
//! one that shrinks is counted as done in place (glibc shrinks in place or remaps, never
//! copies). The tests take [`LOCK`] so that no other test of this binary allocates
//! meanwhile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Mutex, MutexGuard};

use eds_entitlement::{wire, CheckOptions, Error, Field, Request};

/// `System`, counting the bytes it holds for the program, and refusing, while a limit is
/// set, any allocation of [`SMALL`] bytes or more that would take them past it.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);

/// Allocations below this size are never refused: the crate makes fallible the ones that
/// grow with the input, not an error's message or serde_json's small buffers.
const SMALL: usize = 4096;

impl Counting {
    /// Counts `size` more bytes, unless the limit refuses them.
    fn admit(size: usize) -> bool {
        let now = CURRENT.fetch_add(size, SeqCst) + size;
        if size >= SMALL && now > LIMIT.load(SeqCst) {
            CURRENT.fetch_sub(size, SeqCst);
            return false;
        }
        PEAK.fetch_max(now, SeqCst);
        true
    }
}

// SAFETY: every method passes its arguments unchanged to `System`, a sound `GlobalAlloc`,
// under the same contract the caller upheld, and returns `System`'s result, or null, which
// the contract allows as the report of a failed allocation (callers must handle it: `Vec`
// and `String` turn it into `TryReserveError` or `handle_alloc_error`). The bookkeeping is
// atomic integers only: it neither allocates nor touches the memory handed out.
// `alloc_zeroed` keeps its default, which calls `alloc` and zeroes the block.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !Counting::admit(layout.size()) {
            return null_mut();
        }
        // SAFETY: the caller's contract for `alloc`, passed on.
        let block = unsafe { System.alloc(layout) };
        if block.is_null() {
            CURRENT.fetch_sub(layout.size(), SeqCst);
        }
        block
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract for `dealloc`, passed on: `ptr` came from this
        // allocator, that is from `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), SeqCst);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size();
        // Growing: the new block is counted while the old one is still held.
        if new_size > old && !Counting::admit(new_size) {
            return null_mut();
        }
        // SAFETY: the caller's contract for `realloc`, passed on.
        let block = unsafe { System.realloc(ptr, layout, new_size) };
        match (block.is_null(), new_size > old) {
            (true, true) => CURRENT.fetch_sub(new_size, SeqCst),
            (true, false) => 0,
            (false, true) => CURRENT.fetch_sub(old, SeqCst),
            (false, false) => CURRENT.fetch_sub(old - new_size, SeqCst),
        };
        block
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Held by every test: one test at a time allocates.
static LOCK: Mutex<()> = Mutex::new(());

fn lock() -> MutexGuard<'static, ()> {
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The most bytes held while `run` ran, beyond those held before it, and `input` bytes
/// held before it that it drops.
fn peak_of<T>(input: usize, run: impl FnOnce() -> T) -> (T, usize) {
    let before = CURRENT.load(SeqCst);
    PEAK.store(before, SeqCst);
    let value = run();
    (value, PEAK.load(SeqCst) - before + input)
}

/// Runs `run` with every allocation of [`SMALL`] bytes or more refused once `room` more
/// bytes are held.
fn limited<T>(room: usize, run: impl FnOnce() -> T) -> T {
    LIMIT.store(CURRENT.load(SeqCst) + room, SeqCst);
    let value = run();
    LIMIT.store(usize::MAX, SeqCst);
    value
}

/// `n` distinct IDs as short as they come: `0` to `9`, `a` to `z`, `A` to `Z`, then two
/// characters of those, and so on (as a spreadsheet of short codes, the worst case for
/// memory per byte of input).
fn short_ids(n: usize) -> Vec<String> {
    const DIGITS: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    (0..n)
        .map(|mut i| {
            let mut id = Vec::new();
            loop {
                id.push(DIGITS[i % 62]);
                i /= 62;
                if i == 0 {
                    break;
                }
                i -= 1;
            }
            String::from_utf8(id).expect("ASCII")
        })
        .collect()
}

fn csv_of(ids: &[String]) -> Vec<u8> {
    let mut csv = String::new();
    for id in ids {
        csv.push_str(id);
        csv.push('\n');
    }
    csv.into_bytes()
}

fn json_of(ids: &[String]) -> Vec<u8> {
    let quoted: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
    format!(
        r#"{{"RegionId":"cn-hangzhou","DesktopId":[{}],"EndUserId":["u1"],"Preview":true}}"#,
        quoted.join(",")
    )
    .into_bytes()
}

#[test]
fn short_ids_are_distinct_and_short() {
    let ids = short_ids(300_000);
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len());
    let bytes: usize = ids.iter().map(String::len).sum();
    assert!(bytes < 4 * ids.len(), "{bytes} bytes");
}

#[test]
fn reading_and_checking_short_ids_holds_at_most_three_times_the_input() {
    let _lock = lock();
    let ids = short_ids(2_000_000);

    // CSV: the file is held while it is read and its repeats are looked for, as the
    // command line holds it; then the request is checked.
    let csv = csv_of(&ids);
    let len = csv.len();
    let (checked, peak) = peak_of(len, move || {
        let desktops = wire::ids_from_csv(&csv, "desktops.csv", Field::DesktopId).expect("read");
        drop(csv);
        Request::from_id_lists("cn-hangzhou", desktops, ["u1"].into_iter().collect())
            .check()
            .expect("valid")
    });
    assert_eq!(checked.desktop_ids().len(), ids.len());
    eprintln!("CSV: {:.3}x", peak as f64 / len as f64);
    assert!(
        peak <= 3 * len,
        "CSV: {peak} bytes held for {len} bytes of input ({:.2}x)",
        peak as f64 / len as f64
    );
    drop(checked);

    let json = json_of(&ids);
    let len = json.len();
    let (checked, peak) = peak_of(len, move || {
        let request = wire::from_json(&json).expect("read");
        drop(json);
        request.check().expect("valid")
    });
    assert_eq!(checked.desktop_ids().len(), ids.len());
    eprintln!("JSON: {:.3}x", peak as f64 / len as f64);
    assert!(
        peak <= 3 * len,
        "JSON: {peak} bytes held for {len} bytes of input ({:.2}x)",
        peak as f64 / len as f64
    );
}

#[test]
fn readers_that_cannot_have_their_memory_say_so() {
    let _lock = lock();
    let ids = short_ids(200_000);
    let csv = csv_of(&ids);
    let json = json_of(&ids);
    // The same IDs, each with an escape: read item by item, the list grows as it goes.
    let escaped: Vec<String> = ids.iter().map(|id| format!("{id}\\u0041")).collect();
    let escaped = json_of(&escaped);

    let e = limited(64 << 10, || {
        wire::ids_from_csv(&csv, "desktops.csv", Field::DesktopId)
    })
    .unwrap_err();
    assert!(matches!(e, Error::OutOfMemory { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "desktops.csv does not fit in memory: reading and checking its DesktopId list needs \
         more memory than can be had"
    );
    assert_eq!(e.field(), Some(Field::DesktopId));
    assert_eq!((e.position(), e.value()), (None, None));

    // Room to read the list, not to look for its repeats.
    let text = ids.iter().map(String::len).sum::<usize>();
    let e = limited(text + 4 * ids.len() + (8 << 10), || {
        wire::ids_from_csv(&csv, "desktops.csv", Field::DesktopId)
    })
    .unwrap_err();
    assert!(matches!(e, Error::OutOfMemory { .. }), "{e:?}");

    for json in [&json, &escaped] {
        let e = limited(64 << 10, || wire::from_json(json)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the request does not fit in memory: reading and checking its DesktopId list needs \
             more memory than can be had"
        );
        assert_eq!(e.field(), Some(Field::DesktopId));
    }

    // Read with room enough, checked without it.
    let request = wire::from_json(&json).expect("read");
    let e = limited(1 << 10, || request.check_ref(&CheckOptions::new())).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the request does not fit in memory: reading and checking its DesktopId list needs \
         more memory than can be had"
    );
    assert_eq!(e.field(), Some(Field::DesktopId));

    // With the memory, the same inputs read and check.
    let desktops = wire::ids_from_csv(&csv, "desktops.csv", Field::DesktopId).expect("read");
    assert_eq!(desktops.len(), ids.len());
    assert!(request.check_ref(&CheckOptions::new()).is_ok());
    assert!(wire::from_json(&escaped).expect("read").check().is_ok());
}
