//! Command-line flags.

use std::path::PathBuf;

use clap::Parser;

use crate::origins::Origin;

/// An Immich-compatible test server (HTTP API subset and socket.io), state kept in SQLite.
#[derive(Debug, Clone, Parser)]
#[command(name = "fake-immich", version)]
pub struct Args {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 2283)]
    pub port: u16,

    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,

    /// Where the SQLite database and the uploaded files live; created if missing.
    #[arg(long, default_value = "./.data/fake-immich")]
    pub data_dir: PathBuf,

    /// API key of the seeded user. Without it the key is read from DATA_DIR/api-key, which is
    /// made with a random key (readable by its owner only) on the first start.
    #[arg(long, value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub api_key: Option<String>,

    /// A web origin (e.g. http://localhost:8080) whose pages may call this server: it gets CORS
    /// headers and may open the socket. Repeatable; with none, no CORS headers at all.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origins: Vec<Origin>,

    /// Admit the socket from browser extensions (`chrome-extension://` origins), which reach
    /// the server through host permissions the user granted, with no CORS. A stock Immich
    /// (socket.io) checks no Origin at all; without this switch only listed pages may.
    #[arg(long)]
    pub admit_extension_sockets: bool,

    /// Email of the seeded user.
    #[arg(long, default_value = "admin@immich.local")]
    pub email: String,

    /// Password of the seeded user.
    #[arg(long, default_value = "immich-dev-password")]
    pub password: String,

    /// Sleep this long before answering each upload, so tests can interrupt a slow run.
    #[arg(long, default_value_t = 0)]
    pub upload_delay_ms: u64,

    /// Answer uploads and bulk-upload-checks with the head at once and the body this much
    /// later, so tests can check that a client's timeout covers the body.
    #[arg(long, default_value_t = 0)]
    pub stall_body_ms: u64,

    /// Engine.IO ping interval; lowered by tests to watch the heartbeat.
    #[arg(long, default_value_t = 25_000)]
    pub ping_interval_ms: u64,

    /// Engine.IO ping timeout (how long a pong may take); lowered by tests so a client that
    /// waits interval plus timeout for the next ping notices a silent server sooner.
    #[arg(long, default_value_t = 20_000)]
    pub ping_timeout_ms: u64,
}
