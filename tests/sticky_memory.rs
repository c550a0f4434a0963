//! The sticky planner's memory, measured by a counting allocator (as `reader_memory.rs`
//! does): [`plan_sticky`] holds no more than [`plan_sticky_bytes`] says, and when an
//! allocation is refused it returns [`Error::PlanTooLarge`] instead of aborting the
//! process, at every limit tried.
//!
//! The allocator counts every byte allocated in this test binary; while a limit is set it
//! refuses any allocation of [`SMALL`] bytes or more that would go past it. The tests take
//! [`LOCK`] so that no other test of this binary allocates meanwhile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Mutex, MutexGuard};

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

use eds_entitlement::{
    plan_sticky, plan_sticky_bytes, CheckedRequest, Error, Fleet, FleetPlan, Request,
    SnapshotDesktop, Strategy,
};

/// `n` desktops and `n` users, `MaxUserPerDesktop` `k` (and under `CENTRAL`
/// `MaxDesktopPerUser` `2k`); the snapshot has each desktop held by `k` users, shifted so
/// that the existing pairs do not form a plan and the engine has paths to find.
fn case(n: usize, k: usize, strategy: Strategy) -> (CheckedRequest, Fleet) {
    let mut fleet = Fleet::new();
    for d in 0..n {
        let users = (0..k).map(|j| format!("user{}", (d * k + j + d / 7) % n));
        fleet
            .insert(
                format!("ecd-{d}"),
                SnapshotDesktop::new("Running").end_users(users),
            )
            .expect("distinct IDs");
    }
    let request = Request::new(
        "cn-hangzhou",
        (0..n).map(|d| format!("ecd-{d}")),
        (0..n).map(|j| format!("user{j}")),
    )
    .max_user_per_desktop(k as u32)
    .max_desktop_per_user(if strategy == Strategy::Central {
        2 * k as u32
    } else {
        0
    })
    .strategy(strategy)
    .check()
    .expect("a valid request");
    (request, fleet)
}

#[test]
fn the_sticky_planner_holds_no_more_than_its_figure() {
    let _guard = lock();
    for strategy in [Strategy::Average, Strategy::Central] {
        let (request, fleet) = case(2000, 10, strategy);
        let (plan, peak) = peak_of(0, || plan_sticky(&request, &fleet));
        assert!(plan.is_ok(), "{strategy:?}: {:?}", plan.err());
        let figure = plan_sticky_bytes(&request, &fleet);
        assert!(
            peak as u64 <= figure,
            "{strategy:?}: peak {peak} > figure {figure}"
        );
    }
}

#[test]
fn the_sticky_planner_refuses_what_it_cannot_have_at_every_limit() {
    let _guard = lock();
    for strategy in [Strategy::Average, Strategy::Central] {
        let (request, fleet) = case(2000, 10, strategy);
        let whole: FleetPlan = plan_sticky(&request, &fleet).expect("no limit");
        let (_, peak) = peak_of(0, || plan_sticky(&request, &fleet));
        let (mut planned, mut refused) = (0, 0);
        // From nothing to past the peak, in 60 steps.
        for step in 0..=60 {
            let room = peak * step / 50;
            match limited(room, || plan_sticky(&request, &fleet)) {
                Ok(plan) => {
                    assert_eq!(plan.plan(), whole.plan(), "{strategy:?} at {room} bytes");
                    planned += 1;
                }
                Err(e) => {
                    assert!(
                        matches!(e, Error::PlanTooLarge { .. }),
                        "{strategy:?} at {room} bytes: {e}"
                    );
                    assert_eq!(
                        e.to_string(),
                        "the plan of 2000 desktops and 20000 (desktop, user) pairs does not \
                         fit in memory: set MaxUserPerDesktop or MaxDesktopPerUser, or plan \
                         fewer desktops or users"
                    );
                    refused += 1;
                }
            }
        }
        assert!(
            planned > 0 && refused > 0,
            "{strategy:?}: {planned} planned, {refused} refused"
        );
    }
}
