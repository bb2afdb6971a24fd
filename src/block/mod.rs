//! Block cache and execution profile.
