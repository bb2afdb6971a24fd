//! NanoVM's Linux personality.

#[cfg(target_arch = "wasm32")]
pub mod wasm;
