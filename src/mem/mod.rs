//! Guest memory: a sparse 64-bit address space with per-page permissions.
