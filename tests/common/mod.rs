//! Shared helpers for the worker tests (each tests/*.rs is its own crate and takes what it uses).

pub mod old_schema;
