//! fetch against an Immich server: the auth header, JSON and multipart bodies, and timeouts by
//! AbortController. Replies come back as status + text; src/core decides what they mean.

use gloo_net::http::{Request, RequestBuilder};
use gloo_timers::callback::Timeout;
use thiserror::Error;
use web_sys::{AbortController, FormData};

use crate::core::immich::ApiKey;
use crate::core::server_url::ServerUrl;

/// JSON calls are small: an answer slower than this means the server is in trouble.
const JSON_TIMEOUT_MS: u32 = 20_000;
/// An upload may be a large video over a slow link; this only catches a dead connection.
const UPLOAD_TIMEOUT_MS: u32 = 30 * 60 * 1000;

pub struct Reply {
    pub status: u16,
    pub body: String,
}

#[derive(Debug, Error)]
pub enum HttpError {
    #[error("network error: {0}")]
    Network(String),
    #[error("the server did not answer within {0} s")]
    Timeout(u32),
    #[error("the upload form could not be built")]
    Form,
}

pub struct ImmichHttp {
    server: ServerUrl,
    api_key: Option<ApiKey>,
}

impl ImmichHttp {
    pub fn new(server: ServerUrl, api_key: Option<ApiKey>) -> ImmichHttp {
        ImmichHttp { server, api_key }
    }

    pub fn server(&self) -> &ServerUrl {
        &self.server
    }

    fn authorized(&self, builder: RequestBuilder) -> RequestBuilder {
        let builder = builder.header("accept", "application/json");
        match &self.api_key {
            Some(key) => builder.header("x-api-key", key.expose()),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str) -> Result<Reply, HttpError> {
        let builder = self.authorized(Request::get(&self.server.endpoint(path)));
        send(builder, JSON_TIMEOUT_MS, |b| b.build()).await
    }

    pub async fn post_json(&self, path: &str, json: String) -> Result<Reply, HttpError> {
        let builder = self
            .authorized(Request::post(&self.server.endpoint(path)))
            .header("content-type", "application/json");
        send(builder, JSON_TIMEOUT_MS, move |b| b.body(json)).await
    }

    /// `POST /assets` with a multipart body; the checksum header lets the server refuse bytes
    /// that changed since they were hashed.
    pub async fn upload(&self, form: FormData, checksum_hex: &str) -> Result<Reply, HttpError> {
        let builder = self
            .authorized(Request::post(&self.server.endpoint("/assets")))
            .header("x-immich-checksum", checksum_hex);
        send(builder, UPLOAD_TIMEOUT_MS, move |b| b.body(form)).await
    }
}

/// The multipart body of `POST /assets`: the file under `assetData`, then the text fields.
pub fn upload_form(
    blob: &web_sys::Blob,
    name: &str,
    fields: &[(&str, String)],
) -> Result<FormData, HttpError> {
    let form_error = |_| HttpError::Form;
    let form = FormData::new().map_err(form_error)?;
    form.append_with_blob_and_filename("assetData", blob, name)
        .map_err(form_error)?;
    for (key, value) in fields {
        form.append_with_str(key, value).map_err(form_error)?;
    }
    Ok(form)
}

async fn send(
    builder: RequestBuilder,
    timeout_ms: u32,
    finish: impl FnOnce(RequestBuilder) -> Result<Request, gloo_net::Error>,
) -> Result<Reply, HttpError> {
    let controller = AbortController::new()
        .map_err(|_| HttpError::Network("AbortController unavailable".into()))?;
    let signal = controller.signal();
    let request = finish(builder.abort_signal(Some(&signal)))
        .map_err(|e| HttpError::Network(e.to_string()))?;
    let timer = Timeout::new(timeout_ms, move || controller.abort());
    let result = request.send().await;
    let timed_out = signal.aborted();
    drop(timer);
    let response = result.map_err(|e| {
        if timed_out {
            HttpError::Timeout(timeout_ms / 1000)
        } else {
            HttpError::Network(e.to_string())
        }
    })?;
    let status = response.status();
    let body = response
        .text()
        .await
        .map_err(|e| HttpError::Network(e.to_string()))?;
    Ok(Reply { status, body })
}
