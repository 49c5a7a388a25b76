//! What goes into the backup engine and what comes out of it.

use crate::core::channel::{ChannelMessage, StopReason, SystemStop};
use crate::core::checksum::HashMethod;
use crate::core::log::LogLevel;
use crate::core::progress::{NotificationKind, NotificationPayload};

use super::{Carrier, ItemSource, QueueItem};

/// An HTTP answer, whatever its status: the engine decides what it means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpReply {
    pub status: u16,
    pub body: String,
    /// The `Retry-After` header as the server sent it (a 429 or 503 may carry it).
    pub retry_after: Option<String>,
}

/// Why a request got no answer to read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The request did not reach the server or the connection broke.
    #[error("network error: {0}")]
    Network(String),
    /// No whole answer (headers and body) within the time allowed.
    #[error("no answer within {0} s")]
    Timeout(u32),
    /// The server answered with a redirect, which is never followed: it would carry the API key
    /// to another address.
    #[error("the server answered with a redirect, which is not followed (check the server address: it may have to start with https://)")]
    Redirect,
    /// The file to send could not be read (only for uploads).
    #[error("{0}")]
    File(String),
}

impl RequestError {
    /// The request never reached a server that could answer: a problem of the run, not of a
    /// file or a batch.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, RequestError::Network(_) | RequestError::Timeout(_))
    }
}

pub type RequestResult = Result<HttpReply, RequestError>;

/// What happened, as the driver saw it. Each comes with the time it happened.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// The user asked to stop: the run ends at once, the answer on its way is not awaited.
    Stop,
    /// The lifecycle asks the run to end (conditions lost, paused, cancelled, last page
    /// closed): nothing new starts, the hash in progress is dropped, the answer to the request
    /// already sent is recorded, then the run ends with this reason and message. A `Stop`
    /// meanwhile still ends it at once; a second `Halt` replaces the reason and message.
    Halt { reason: StopReason, message: String },
    /// The answer to `Output::Load`, or what a page queued during the run: stored rows the
    /// engine does not hold (those it holds are ignored), the waiting ones in queue order and
    /// the videos they name, and how many waiting rows the store has beyond them: `Some(n)`
    /// when counted, `None` when the store only knows that more wait.
    Loaded {
        rows: Vec<QueueItem>,
        waiting: Option<u32>,
    },
    /// `bytes_done` of the file being hashed are hashed.
    HashProgress { id: String, bytes_done: u64 },
    /// A file's SHA-1 (lowercase hex), or why it could not be read.
    Hashed {
        id: String,
        result: Result<String, String>,
        /// The id of the user's asset with this checksum, when the library mirror has one: the
        /// file is on the server already, with no bulk check asked.
        on_server: Option<String>,
    },
    /// The answer to the `Output::Check` of these ids.
    CheckReply {
        ids: Vec<String>,
        result: RequestResult,
    },
    /// The answer to the `Output::Upload` of this id.
    UploadReply { id: String, result: RequestResult },
    /// The answer to `Output::Probe`.
    ProbeReply(RequestResult),
    /// The answer to the `Output::AddToAlbum` of this album: an error in words.
    AlbumReply {
        name: String,
        result: Result<(), String>,
    },
    /// No page could start the Background Fetch of the upload `id`: the worker sends it.
    CarrierRefused { id: String, reason: String },
    /// Nothing happened but time passed (the wake-up asked for by `Output::Wait`).
    Tick,
}

/// `POST /assets/bulk-upload-check` with this JSON body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckRequest {
    pub ids: Vec<String>,
    pub body: String,
}

/// `POST /assets` of the queued file `id`, with the checksum header and these form fields
/// (`livePhotoVideoId` among them for the photo of a live pair whose video is on the server).
/// Serialized as a page receives it when it starts a Background Fetch.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct UploadRequest {
    pub id: String,
    /// The file part's name (the `filename` field carries the same name exactly).
    pub name: String,
    pub checksum: String,
    pub fields: Vec<(&'static str, String)>,
    /// Where the web side reads the file's bytes.
    pub source: ItemSource,
    /// The sidecar to send as `sidecarData`: its path in the same source (a backup folder).
    pub sidecar: Option<String>,
    pub size: u64,
    pub carrier: Carrier,
}

/// What to do next, handed out by `Engine::poll_output` in the order it must be done.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// Write these rows (in one transaction) before going on.
    Persist(Vec<QueueItem>),
    /// Hash this stored file by `method`, reporting `HashProgress` between chunks (when
    /// streamed) and `Hashed` at the end.
    Hash {
        id: String,
        size: u64,
        method: HashMethod,
    },
    Check(CheckRequest),
    Upload(UploadRequest),
    /// `GET /server/ping`: is the server back?
    Probe,
    /// Read up to `limit` stored waiting rows the engine does not hold, and the videos they
    /// name; answered by `Input::Loaded` before any other input.
    Load {
        limit: usize,
    },
    /// Add these server assets to the user's album of this name, created if missing; answered
    /// by `Input::AlbumReply`.
    AddToAlbum {
        name: String,
        asset_ids: Vec<String>,
    },
    /// A channel message for every page.
    Post(ChannelMessage),
    Notify(NotificationKind, NotificationPayload),
    CloseNotification(NotificationKind),
    /// A log line, secrets already redacted.
    Log(LogLevel, String),
    /// Nothing to do until an answer arrives or until this time (None: only an answer).
    Wait(Option<i64>),
    /// The run is over; the pages are told with this `systemStop`.
    Ended(SystemStop),
}
