//! The interpreter: executes pre-decoded basic blocks out of the block cache.
