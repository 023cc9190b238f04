//! The workspace's integration tests, one binary with a module per concern
//! (as rust-analyzer does): one link of axum, reqwest and progenitor instead
//! of one per file. Run one concern with a filter, e.g.
//! `cargo test -p atlas-apikeys-tests --test it -- codegen::`.

mod apikeys;
mod codegen;
mod emulator;
mod import;
mod interop;
mod lifecycle;
mod open_enums;
mod proxy;
mod systems;
mod tls;
mod transport;
mod wire;
