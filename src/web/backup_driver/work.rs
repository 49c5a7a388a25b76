//! The work the driver starts for the engine, each a future that ends in the engine's input:
//! hashing a stored file chunk by chunk, a bulk check, an upload, a probe, an album's additions.

use std::rc::Rc;

use futures_util::future::{FutureExt, LocalBoxFuture};

use crate::core::backup::{CheckRequest, Input, RequestError, UploadRequest};
use crate::web::albums;
use crate::web::files::BlobHasher;
use crate::web::http::{upload_form, ImmichHttp};
use crate::web::store::Store;

const NOT_STORED: &str = "the picked file is no longer stored";

/// What a finished piece of work reports, and the work that follows it (the next chunk of a
/// file being hashed).
pub(super) struct Done {
    pub(super) input: Input,
    pub(super) then: Option<LocalBoxFuture<'static, Done>>,
}

impl Done {
    fn last(input: Input) -> Done {
        Done { input, then: None }
    }
}

pub(super) fn hash(store: Rc<Store>, id: String) -> LocalBoxFuture<'static, Done> {
    async move {
        let opened = match store.load_blob(&id).await {
            Ok(Some(asset)) => BlobHasher::new(asset.blob).map_err(|e| e.to_string()),
            Ok(None) => Err(NOT_STORED.to_owned()),
            Err(e) => Err(e.to_string()),
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
) -> LocalBoxFuture<'static, Done> {
    async move {
        let form = match store.load_blob(&request.id).await {
            Ok(Some(asset)) => upload_form(&asset.blob, &request.name, &request.fields, None),
            Ok(None) => Err(RequestError::File(NOT_STORED.to_owned())),
            Err(e) => Err(RequestError::File(e.to_string())),
        };
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
