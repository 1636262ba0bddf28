//! The allocator's settings for the server: glibc's malloc (the static image
//! links glibc) with a fixed mmap threshold of 128 KiB, so that buffers a
//! call frees go back to the system instead of staying in the heap as
//! fragments. Measured (RELIABILITY.md): 100 concurrent rounds of fat records
//! at the memory budget peak at 348–375 MiB of RSS with glibc's adaptive
//! threshold, and within the budget with it fixed. An operator's own
//! `MALLOC_MMAP_THRESHOLD_` is left as given.

/// glibc's `M_MMAP_THRESHOLD` parameter of `mallopt`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const M_MMAP_THRESHOLD: std::ffi::c_int = -3;

/// Allocations at least this large are mapped on their own and unmapped when freed.
pub const MMAP_THRESHOLD_BYTES: std::ffi::c_int = 128 * 1024;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
unsafe extern "C" {
    fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
}

/// Fixes the mmap threshold, unless the environment sets one.
pub fn bound_for_server() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
        // SAFETY: mallopt only changes malloc's parameters; it is called
        // before the server starts its worker tasks' allocations in earnest
        // and is itself thread-safe in glibc.
        let changed = unsafe { mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) };
        if changed != 1 {
            tracing::warn!("could not fix malloc's mmap threshold; RSS may run ahead of the memory budget");
        }
    }
}
