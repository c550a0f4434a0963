//! Tests that measure memory with a counting `#[global_allocator]`: a binary of their own,
//! since the allocator counts every byte any test of its binary allocates.

#[cfg(all(feature = "csv", feature = "serde"))]
mod reader_memory;
