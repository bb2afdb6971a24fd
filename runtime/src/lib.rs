//! NanoVM's Linux personality.
pub mod vfs;
