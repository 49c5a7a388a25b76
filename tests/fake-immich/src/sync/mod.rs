//! Immich's sync protocol: request and entity types, acks, the plan of a stream, its lines and
//! its streamed body. The routes are in `routes::sync`.

pub mod ack;
pub mod lines;
pub mod plan;
pub mod stream;
pub mod types;
