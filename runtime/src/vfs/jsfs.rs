//! `JsFs`: a host directory served to the guest through the JavaScript host object (the wasm
//! build's counterpart of `hostfs.rs`).
//!
//! The file-system options (`--root`, `--mount`) are turned into file systems while
//! [`crate::fsctx::FsCtx::build`] runs; under wasm that build runs inside [`with_host`], which
//! makes the host object reachable for the duration.

use std::cell::RefCell;
use wasm_bindgen::JsValue;

thread_local! {
    /// The host object while [`with_host`] runs.
    static CURRENT: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// Runs `f` with `host` as the host object file systems are built over.
pub fn with_host<T>(host: &JsValue, f: impl FnOnce() -> T) -> T {
    let prev = CURRENT.with(|c| c.replace(Some(host.clone())));
    let out = f();
    CURRENT.with(|c| *c.borrow_mut() = prev);
    out
}

/// The host object set by [`with_host`], if any.
pub fn current_host() -> Option<JsValue> {
    CURRENT.with(|c| c.borrow().clone())
}
