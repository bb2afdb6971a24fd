//! NanoVM's Linux personality.
