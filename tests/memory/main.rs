//! Tests that measure memory with a counting `#[global_allocator]` (`counting`): a binary of
//! their own, since the allocator counts every byte any test of its binary allocates. Each
//! test takes `counting::lock()`, so that one test at a time allocates.

mod counting;

#[cfg(feature = "serde")]
mod calls_memory;
mod plan_memory;
#[cfg(all(feature = "csv", feature = "serde"))]
mod reader_memory;
mod sticky_memory;
