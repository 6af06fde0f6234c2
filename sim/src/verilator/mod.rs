//! Verilator models driven from Rust.
//!
//! The design card's `verilated` crate (0.1.2) does not build against
//! Verilator 5 (its C++ shim uses `VerilatedVoidCb`, removed in 5.0). This is
//! the small replacement: Verilog emitted at run time is verilated, compiled
//! with a generated C shim into a shared library (see `build.rs`), cached by
//! content, and loaded with `libloading`.

#![deny(missing_docs)]

mod build;
pub mod native;
mod shim;

pub use build::{build_model, cache_root, toolchain};

use crate::bench::Simulator;
use crate::SimError;
use kaizen_hdl::emit::{Emitted, Port};
use libloading::Library;
use std::ffi::{c_int, c_void, CString};
use std::path::Path;

type NewFn = unsafe extern "C" fn() -> *mut c_void;
type FreeFn = unsafe extern "C" fn(*mut c_void);
type EvalFn = unsafe extern "C" fn(*mut c_void);
type TraceOpenFn = unsafe extern "C" fn(*mut c_void, *const std::ffi::c_char) -> c_int;
type TraceDumpFn = unsafe extern "C" fn(*mut c_void, u64);
type SetFn = unsafe extern "C" fn(*mut c_void, c_int, *const u64);
type GetFn = unsafe extern "C" fn(*mut c_void, c_int, *mut u64);

/// One instance of a compiled Verilator model.
pub struct VerilatorModel {
    handle: *mut c_void,
    free: FreeFn,
    eval: EvalFn,
    trace_open: TraceOpenFn,
    trace_dump: TraceDumpFn,
    trace_flush: FreeFn,
    set: SetFn,
    get: GetFn,
    ports: Vec<Port>,
    tracing: bool,
    // Declared last: dropped after the handle is freed.
    _lib: Library,
}

// The model is only ever used from the thread that owns it; moving it to
// another thread is fine (Verilator contexts are not thread-bound).
unsafe impl Send for VerilatorModel {}

impl VerilatorModel {
    /// Builds (or loads from the cache) and instantiates the model of `e`.
    pub fn new(e: &Emitted) -> Result<Self, SimError> {
        let so = build_model(e)?;
        Self::load(&so, e.ports.clone())
    }

    fn load(so: &Path, ports: Vec<Port>) -> Result<Self, SimError> {
        let load_err = |err: libloading::Error| {
            SimError::Build(format!("cannot load {}: {err}", so.display()))
        };
        // SAFETY: the library is one we built from the generated shim, whose
        // symbols have exactly the signatures below.
        unsafe {
            let lib = Library::new(so).map_err(load_err)?;
            let new: NewFn = *lib.get::<NewFn>(b"kz_new\0").map_err(load_err)?;
            let model = Self {
                free: *lib.get(b"kz_free\0").map_err(load_err)?,
                eval: *lib.get(b"kz_eval\0").map_err(load_err)?,
                trace_open: *lib.get(b"kz_trace_open\0").map_err(load_err)?,
                trace_dump: *lib.get(b"kz_trace_dump\0").map_err(load_err)?,
                trace_flush: *lib.get(b"kz_trace_flush\0").map_err(load_err)?,
                set: *lib.get(b"kz_set\0").map_err(load_err)?,
                get: *lib.get(b"kz_get\0").map_err(load_err)?,
                handle: new(),
                ports,
                tracing: false,
                _lib: lib,
            };
            Ok(model)
        }
    }
}

impl Drop for VerilatorModel {
    fn drop(&mut self) {
        // SAFETY: handle came from kz_new and is freed once.
        unsafe { (self.free)(self.handle) }
    }
}

impl Simulator for VerilatorModel {
    fn name(&self) -> &'static str {
        "verilator"
    }
    fn ports(&self) -> &[Port] {
        &self.ports
    }
    fn set(&mut self, port: usize, words: &[u64]) {
        assert!(words.len() >= self.ports[port].width.div_ceil(64));
        // SAFETY: words holds at least the port's width.
        unsafe { (self.set)(self.handle, port as c_int, words.as_ptr()) }
    }
    fn get(&mut self, port: usize, words: &mut [u64]) {
        assert!(words.len() >= self.ports[port].width.div_ceil(64));
        // SAFETY: words holds at least the port's width.
        unsafe { (self.get)(self.handle, port as c_int, words.as_mut_ptr()) }
    }
    fn eval(&mut self) -> Result<(), SimError> {
        // SAFETY: live handle.
        unsafe { (self.eval)(self.handle) };
        Ok(())
    }
    fn trace_to(&mut self, path: &Path) -> Result<(), SimError> {
        let c = CString::new(path.to_string_lossy().as_bytes())
            .map_err(|_| SimError::Trace(format!("bad trace path {}", path.display())))?;
        // SAFETY: live handle, NUL-terminated path.
        let rc = unsafe { (self.trace_open)(self.handle, c.as_ptr()) };
        if rc != 0 {
            return Err(SimError::Trace(format!(
                "cannot open {} for the VCD trace",
                path.display()
            )));
        }
        self.tracing = true;
        Ok(())
    }
    fn dump(&mut self, time: u64) {
        if self.tracing {
            // SAFETY: live handle.
            unsafe { (self.trace_dump)(self.handle, time) }
        }
    }
    fn flush(&mut self) {
        if self.tracing {
            // SAFETY: live handle.
            unsafe { (self.trace_flush)(self.handle) }
        }
    }
}
