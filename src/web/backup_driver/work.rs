//! The work the driver starts for the engine, each a future that ends in the engine's input:
//! hashing a stored file chunk by chunk, a bulk check, an upload, a probe, an album's additions.

use std::rc::Rc;

use futures_util::future::{FutureExt, LocalBoxFuture};

use crate::core::backup::{CheckRequest, Input, RequestError, UploadRequest};
use crate::web::albums;
use crate::web::files::BlobHasher;
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

/// Hashes a queued file (`Err` carries the id of a file the run does not know).
pub(super) fn hash(
    store: Rc<Store>,
    file: Result<Wanted, String>,
) -> LocalBoxFuture<'static, Done> {
    async move {
        let (id, opened) = match file {
            Ok(wanted) => {
                let opened = source::open(&store, &wanted)
                    .await
                    .and_then(|blob| BlobHasher::new(blob).map_err(|e| e.to_string()));
                (wanted.id, opened)
            }
            Err(id) => (id, Err(NOT_IN_RUN.to_owned())),
        };
        match opened {
            Ok(hasher) => hash_step(hasher, id).await,
            Err(reason) => Done::last(Input::Hashed {
                id,
                result: Err(reason),
            }),
        }
    }
    .boxed_local()
}

fn hash_step(mut hasher: BlobHasher, id: String) -> LocalBoxFuture<'static, Done> {
    async move {
        match hasher.step().await {
            Ok(true) => Done {
                input: Input::HashProgress {
                    id: id.clone(),
                    bytes_done: hasher.bytes_done(),
                },
                then: Some(hash_step(hasher, id)),
            },
            Ok(false) => Done::last(Input::Hashed {
                id,
                result: Ok(hasher.finish_hex()),
            }),
            Err(e) => Done::last(Input::Hashed {
                id,
                result: Err(e.to_string()),
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
