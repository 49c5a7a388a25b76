//! fake-immich: an Immich-compatible test server (HTTP API subset and socket.io) on loopback.

mod asset_dto;
mod auth;
mod checksum;
mod cli;
mod error;
mod events;
mod json_body;
mod key_file;
mod media;
mod origins;
mod reset;
mod routes;
mod socketio;
mod state;
mod store;
mod sync;
mod update_id;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;

use cli::Args;
use key_file::KeyFileError;
use origins::AllowedOrigins;
use reset::{ResetSwitch, ResettableListener};
use socketio::hub::Hub;
use state::AppState;
use store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
enum StartError {
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
    #[error("opening the database: {0}")]
    Store(#[from] StoreError),
    #[error("the API key file: {0}")]
    KeyFile(#[from] KeyFileError),
}

fn io_context(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> StartError {
    let context = context.into();
    move |source| StartError::Io { context, source }
}

async fn run(args: Args) -> Result<(), StartError> {
    let originals_dir = args.data_dir.join("originals");
    let incoming_dir = args.data_dir.join("incoming");
    for dir in [&originals_dir, &incoming_dir] {
        std::fs::create_dir_all(dir).map_err(io_context(format!("creating {}", dir.display())))?;
    }
    let api_key = match args.api_key {
        Some(key) => key,
        None => {
            let key = key_file::load_or_create(&args.data_dir)?;
            let path = args.data_dir.join(key_file::FILE_NAME);
            eprintln!("fake-immich: the API key is in {}", path.display());
            key
        }
    };
    let store = Store::open(&args.data_dir.join("fake-immich.sqlite"))?;
    store.seed_user(&args.email, &args.password, &api_key)?;
    let state = Arc::new(AppState {
        store,
        hub: Hub::default(),
        originals_dir,
        incoming_dir,
        upload_delay: Duration::from_millis(args.upload_delay_ms),
        stall_body: Duration::from_millis(args.stall_body_ms),
        ping_interval: Duration::from_millis(args.ping_interval_ms),
        ping_timeout: Duration::from_millis(args.ping_timeout_ms),
        allowed_origins: AllowedOrigins::new(args.allow_origins, args.admit_extension_sockets),
        request_counts: Default::default(),
        uploads_in_flight: Default::default(),
        faults: Default::default(),
    });

    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
        .await
        .map_err(io_context(format!("binding {}:{}", args.host, args.port)))?;
    let address = listener
        .local_addr()
        .map_err(io_context("reading the bound address"))?;
    // Tests read this exact line to learn the port.
    let mut stdout = std::io::stdout();
    writeln!(stdout, "fake-immich listening on http://{address}")
        .and_then(|()| stdout.flush())
        .map_err(io_context("announcing the address"))?;
    // Every request learns its connection's reset switch, for the faults that cut it.
    let app = routes::router(state).into_make_service_with_connect_info::<ResetSwitch>();
    axum::serve(ResettableListener::new(listener), app)
        .await
        .map_err(io_context("serving"))
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("fake-immich: {error}");
            ExitCode::FAILURE
        }
    }
}
