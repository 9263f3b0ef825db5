//! The process's memory: large blocks go back to the operating system when freed.
//!
//! Every login hashes its password with argon2id, which allocates 19 MiB and frees it
//! tens of milliseconds later, on whichever blocking thread ran it. glibc's malloc
//! serves a block that large with `mmap` at first, but once one is freed it raises its
//! threshold above that size, and from then on the hashes' blocks come from the thread
//! arenas (up to eight per core) and stay there when freed: the API's resident memory
//! grew by 19 MiB per arena a login had passed through (111 MB peak in `make bench`,
//! against a target of 100). A fixed threshold turns that adjustment off: every block
//! of [`LARGE_BLOCK`] or more is its own mapping, unmapped when freed.

/// The size from which a block is mapped on its own (glibc's default starting
/// threshold is 128 KiB; its adjusted one can reach 32 MiB).
pub const LARGE_BLOCK: usize = 4 << 20;

/// Sets malloc's fixed mmap threshold to [`LARGE_BLOCK`]: call once at start, before
/// other threads allocate. Elsewhere than glibc it does nothing.
pub fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes malloc's parameters and is called before the
    // process starts its threads; M_MMAP_THRESHOLD takes any value up to 32 MiB.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, LARGE_BLOCK as libc::c_int);
    }
}
