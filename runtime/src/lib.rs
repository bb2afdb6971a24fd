//! NanoVM's Linux personality.
pub mod vfs;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
