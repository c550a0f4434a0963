//! The counting allocator of the memory tests, the `#[global_allocator]` of their binary: it
//! counts every byte allocated in the binary. A reallocation that grows a block is counted
//! as the old block and the new one held at once (it may copy); one that shrinks is counted
//! as done in place (glibc shrinks in place or remaps, never copies). While a limit is set
//! it refuses any allocation of [`SMALL`] bytes or more that would go past it. The tests take
//! [`LOCK`] (through [`lock`]) so that no other test of the binary allocates meanwhile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Mutex, MutexGuard};

/// `System`, counting the bytes it holds for the program, and refusing, while a limit is
/// set, any allocation of [`SMALL`] bytes or more that would take them past it.
pub(crate) struct Counting;

/// The bytes held now.
pub(crate) static CURRENT: AtomicUsize = AtomicUsize::new(0);
/// The most bytes held since a test last set it.
pub(crate) static PEAK: AtomicUsize = AtomicUsize::new(0);
/// The bytes past which an allocation of [`SMALL`] bytes or more is refused.
pub(crate) static LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);

/// Allocations below this size are never refused: the crate makes fallible the ones that
/// grow with the input, not an error's message or serde_json's small buffers.
pub(crate) const SMALL: usize = 4096;

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
pub(crate) static LOCK: Mutex<()> = Mutex::new(());

/// [`LOCK`], taken even after a test that held it failed.
pub(crate) fn lock() -> MutexGuard<'static, ()> {
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The most bytes held while `run` ran, beyond those held before it, and `input` bytes
/// held before it that it drops.
pub(crate) fn peak_of<T>(input: usize, run: impl FnOnce() -> T) -> (T, usize) {
    let before = CURRENT.load(SeqCst);
    PEAK.store(before, SeqCst);
    let value = run();
    (value, PEAK.load(SeqCst) - before + input)
}

/// Runs `run` with every allocation of [`SMALL`] bytes or more refused once `room` more
/// bytes are held.
pub(crate) fn limited<T>(room: usize, run: impl FnOnce() -> T) -> T {
    LIMIT.store(CURRENT.load(SeqCst) + room, SeqCst);
    let value = run();
    LIMIT.store(usize::MAX, SeqCst);
    value
}
