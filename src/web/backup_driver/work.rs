//! The work the driver starts for the engine, each a future that ends in the engine's input:
//! hashing a stored file (whole, or chunk by chunk), a bulk check, an upload, a probe, an album's additions.

use std::rc::Rc;

use futures_util::future::{FutureExt, LocalBoxFuture};

use crate::core::backup::{CheckRequest, Input, RequestError, UploadRequest};
use crate::core::checksum::{self, HashMethod};
use crate::web::albums;
use crate::web::files::{self, BlobHasher};
use crate::web::http::{upload_form, ImmichHttp};
use crate::web::sources::{self as source, Wanted};
use crate::web::store::Store;

const NOT_IN_RUN: &str = "the file is not part of this run";

/// What a finished piece of work reports, and the work that follows it (the next chunk of a
/// file being hashed).
pub(super) struct Done {
    pub(super) input: Input,
    pub(super) then: Option<LocalBoxFuture<'static, Done>>,
}

impl Done {
    pub(super) fn last(input: Input) -> Done {
        Done { input, then: None }
    }
}

/// The library mirror and its user: a hashed file the mirror knows needs no bulk check.
#[derive(Clone)]
pub(super) struct KnownAssets {
    pub(super) store: Rc<Store>,
    pub(super) user_id: Rc<str>,
}

impl KnownAssets {
    /// The user's asset with this checksum, if the mirror has one. A mirror that cannot be
    /// read knows nothing: the bulk check answers instead.
    async fn on_server(&self, checksum_hex: &str) -> Option<String> {
        let checksum = checksum::hex_to_base64(checksum_hex)?;
        let found = self
            .store
            .remote_assets_by_checksum(&[checksum])
            .await
            .ok()?;
        let asset = found.into_iter().next().flatten()?;
        asset.is_backup_of(&self.user_id).then_some(asset.id)
    }
}

/// Hashes a queued file by `method` (`Err` carries the id of a file the run does not know).
pub(super) fn hash(
    known: KnownAssets,
    file: Result<Wanted, String>,
    method: HashMethod,
) -> LocalBoxFuture<'static, Done> {
    let store = Rc::clone(&known.store);
    async move {
        let (id, blob) = match file {
            Ok(wanted) => (wanted.id.clone(), source::open(&store, &wanted).await),
            Err(id) => (id, Err(NOT_IN_RUN.to_owned())),
        };
        let failed = |id, reason| {
            Done::last(Input::Hashed {
                id,
                result: Err(reason),
                on_server: None,
            })
        };
        let blob = match blob {
            Ok(blob) => blob,
            Err(reason) => return failed(id, reason),
        };
        match method {
            HashMethod::Whole => match files::digest_whole(&blob).await {
                Ok(checksum) => hashed(id, checksum, &known).await,
                Err(e) => failed(id, e.to_string()),
            },
            HashMethod::Stream => match BlobHasher::new(blob) {
                Ok(hasher) => hash_step(hasher, id, known).await,
                Err(e) => failed(id, e.to_string()),
            },
        }
    }
    .boxed_local()
}

/// A file's checksum, with its asset when the mirror already has one.
async fn hashed(id: String, checksum: String, known: &KnownAssets) -> Done {
    let on_server = known.on_server(&checksum).await;
    Done::last(Input::Hashed {
        id,
        result: Ok(checksum),
        on_server,
    })
}

fn hash_step(
    mut hasher: BlobHasher,
    id: String,
    known: KnownAssets,
) -> LocalBoxFuture<'static, Done> {
    async move {
        match hasher.step().await {
            Ok(true) => Done {
                input: Input::HashProgress {
                    id: id.clone(),
                    bytes_done: hasher.bytes_done(),
                },
                then: Some(hash_step(hasher, id, known)),
            },
            Ok(false) => hashed(id, hasher.finish_hex(), &known).await,
            Err(e) => Done::last(Input::Hashed {
                id,
                result: Err(e.to_string()),
                on_server: None,
            }),
        }
    }
    .boxed_local()
}

pub(super) fn check(http: ImmichHttp, request: CheckRequest) -> LocalBoxFuture<'static, Done> {
    async move {
        let result = http
            .post_json("/assets/bulk-upload-check", request.body)
            .await;
        Done::last(Input::CheckReply {
            ids: request.ids,
            result,
        })
    }
    .boxed_local()
}

pub(super) fn upload(
    store: Rc<Store>,
    http: ImmichHttp,
    request: UploadRequest,
    file: Result<Wanted, String>,
) -> LocalBoxFuture<'static, Done> {
    async move {
        let blob = match &file {
            Ok(wanted) => source::open(&store, wanted).await,
            Err(_) => Err(NOT_IN_RUN.to_owned()),
        };
        let sidecar = match &request.sidecar {
            Some(path) => source::open_sidecar(&store, &request.source, path).await,
            None => None,
        };
        let form = blob
            .map_err(RequestError::File)
            .and_then(|blob| upload_form(&blob, &request.name, &request.fields, sidecar.as_ref()));
        let result = match form {
            Ok(form) => http.upload(form, &request.checksum).await,
            Err(e) => Err(e),
        };
        Done::last(Input::UploadReply {
            id: request.id,
            result,
        })
    }
    .boxed_local()
}

pub(super) fn album(
    http: ImmichHttp,
    name: String,
    asset_ids: Vec<String>,
) -> LocalBoxFuture<'static, Done> {
    async move {
        let result = albums::add_to_album(&http, &name, &asset_ids).await;
        Done::last(Input::AlbumReply { name, result })
    }
    .boxed_local()
}

pub(super) fn probe(http: ImmichHttp) -> LocalBoxFuture<'static, Done> {
    async move { Done::last(Input::ProbeReply(http.get("/server/ping").await)) }.boxed_local()
}
