//! fetch against an Immich server: the auth header, JSON and multipart bodies, a timeout that
//! covers the whole answer, and redirects never followed. Replies come back as status + text;
//! src/core decides what they mean.

use futures_util::FutureExt;
use gloo_net::http::{Request, RequestBuilder};
use gloo_timers::callback::Timeout;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, FormData, ReadableStreamDefaultReader, RequestRedirect, ResponseType,
};

use crate::core::backup::{HttpReply, RequestError, RequestResult};
use crate::core::server_url::ServerUrl;
use crate::core::session::Credential;

/// JSON calls are small: an answer slower than this means the server is in trouble.
const JSON_TIMEOUT_MS: u32 = 20_000;
/// An upload may be a large video over a slow link; this only catches a dead connection.
const UPLOAD_TIMEOUT_MS: u32 = 30 * 60 * 1000;
/// A streamed answer (the sync stream) may be long, but never silent this long.
const STREAM_IDLE_MS: u32 = 60_000;

#[derive(Clone)]
pub struct ImmichHttp {
    server: ServerUrl,
    credential: Option<Credential>,
}

impl ImmichHttp {
    pub fn new(server: ServerUrl, credential: Option<Credential>) -> ImmichHttp {
        ImmichHttp { server, credential }
    }

    /// The credential, and redirects never followed: one could carry the credential to another
    /// (plain http) address. 'manual' rather than 'error' so that it can be told apart from an
    /// outage.
    fn authorized(&self, builder: RequestBuilder) -> RequestBuilder {
        let builder = builder.redirect(RequestRedirect::Manual);
        match &self.credential {
            Some(credential) => {
                let (name, value) = credential.header();
                builder.header(name, &value)
            }
            None => builder,
        }
    }

    fn request(&self, builder: RequestBuilder) -> RequestBuilder {
        self.authorized(builder.header("accept", "application/json"))
    }

    pub async fn get(&self, path: &str) -> RequestResult {
        let builder = self.request(Request::get(&self.server.endpoint(path)));
        send(builder, JSON_TIMEOUT_MS, |b| b.build()).await
    }

    /// A GET that sends the kept ETag (`If-None-Match`): an unchanged answer is a bodiless
    /// 304. Returns the reply and its ETag.
    pub async fn get_tagged(
        &self,
        path: &str,
        etag: Option<&str>,
    ) -> Result<(HttpReply, Option<String>), RequestError> {
        let builder = self.request(Request::get(&self.server.endpoint(path)));
        // A Cache-Control of our own: with none, Chromium adds `no-cache` to a request carrying
        // If-None-Match, and Immich's Express then never answers 304.
        let builder = match etag {
            Some(etag) => builder
                .header("if-none-match", etag)
                .header("cache-control", "max-age=0"),
            None => builder,
        };
        let mut tag = None;
        let reply = send_reading(
            builder,
            JSON_TIMEOUT_MS,
            |b| b.build(),
            |headers| {
                tag = headers.get("etag");
            },
        )
        .await?;
        Ok((reply, tag))
    }

    pub async fn post_json(&self, path: &str, json: String) -> RequestResult {
        let builder = self
            .request(Request::post(&self.server.endpoint(path)))
            .header("content-type", "application/json");
        send(builder, JSON_TIMEOUT_MS, move |b| b.body(json)).await
    }

    pub async fn put_json(&self, path: &str, json: String) -> RequestResult {
        let builder = self
            .request(Request::put(&self.server.endpoint(path)))
            .header("content-type", "application/json");
        send(builder, JSON_TIMEOUT_MS, move |b| b.body(json)).await
    }

    /// A GET of bytes (a thumbnail): the status and the body as a Blob.
    pub async fn get_blob(&self, path: &str) -> Result<(u16, web_sys::Blob), RequestError> {
        let controller = AbortController::new()
            .map_err(|_| RequestError::Network("AbortController unavailable".into()))?;
        let request = self
            .authorized(Request::get(&self.server.endpoint(path)))
            .abort_signal(Some(&controller.signal()));
        let response = with_idle_limit(&controller, request.send())
            .await?
            .map_err(|e| RequestError::Network(e.to_string()))?;
        let bytes = with_idle_limit(&controller, response.binary())
            .await?
            .map_err(|e| RequestError::Network(e.to_string()))?;
        let parts = js_sys::Array::of1(&Uint8Array::from(bytes.as_slice()));
        let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)
            .map_err(|e| RequestError::Network(js_message(&e)))?;
        Ok((response.status(), blob))
    }

    /// A JSON POST whose answer is read as it arrives (`/sync/stream`): the body is never whole
    /// in memory. A refusal (any status but 200) comes back whole, as it is small.
    pub async fn post_streamed(&self, path: &str, json: String) -> Result<Opened, RequestError> {
        let controller = AbortController::new()
            .map_err(|_| RequestError::Network("AbortController unavailable".into()))?;
        let builder = self
            .request(Request::post(&self.server.endpoint(path)))
            .header("content-type", "application/json")
            .abort_signal(Some(&controller.signal()));
        let request = builder
            .body(json)
            .map_err(|e| RequestError::Network(e.to_string()))?;
        let response = with_idle_limit(&controller, request.send())
            .await?
            .map_err(|e| RequestError::Network(e.to_string()))?;
        if response.type_() == ResponseType::Opaqueredirect {
            return Err(RequestError::Redirect);
        }
        let status = response.status();
        if status != 200 {
            let body = with_idle_limit(&controller, response.text())
                .await?
                .map_err(|e| RequestError::Network(e.to_string()))?;
            return Ok(Opened::Refused(HttpReply {
                status,
                body,
                retry_after: None,
            }));
        }
        let reader = response
            .body()
            .ok_or_else(|| RequestError::Network("the answer has no body".into()))?
            .get_reader()
            .dyn_into::<ReadableStreamDefaultReader>()
            .map_err(|_| RequestError::Network("the answer cannot be read as a stream".into()))?;
        Ok(Opened::Stream(ByteStream { reader, controller }))
    }

    /// `POST /assets` with a multipart body; the checksum header lets the server refuse bytes
    /// that changed since they were hashed.
    pub async fn upload(&self, form: FormData, checksum_hex: &str) -> RequestResult {
        let builder = self
            .request(Request::post(&self.server.endpoint("/assets")))
            .header("x-immich-checksum", checksum_hex);
        send(builder, UPLOAD_TIMEOUT_MS, move |b| b.body(form)).await
    }
}

/// The multipart body of `POST /assets`: the file under `assetData`, its sidecar (.xmp), if any,
/// under `sidecarData` with its own name, then the text fields.
pub fn upload_form(
    blob: &web_sys::Blob,
    name: &str,
    fields: &[(&str, String)],
    sidecar: Option<&web_sys::File>,
) -> Result<FormData, RequestError> {
    let form_error = |_| RequestError::File("the upload form could not be built".into());
    let form = FormData::new().map_err(form_error)?;
    form.append_with_blob_and_filename("assetData", blob, name)
        .map_err(form_error)?;
    if let Some(sidecar) = sidecar {
        form.append_with_blob_and_filename("sidecarData", sidecar, &sidecar.name())
            .map_err(form_error)?;
    }
    for (key, value) in fields {
        form.append_with_str(key, value).map_err(form_error)?;
    }
    Ok(form)
}

/// What `post_streamed` opened.
pub enum Opened {
    Stream(ByteStream),
    Refused(HttpReply),
}

/// The body of an answer, chunk by chunk as the network delivers it.
pub struct ByteStream {
    reader: ReadableStreamDefaultReader,
    controller: AbortController,
}

impl ByteStream {
    /// The next chunk, or None at the end of the body.
    pub async fn next(&mut self) -> Result<Option<Vec<u8>>, RequestError> {
        let result = with_idle_limit(&self.controller, JsFuture::from(self.reader.read()))
            .await?
            .map_err(|e| RequestError::Network(js_message(&e)))?;
        let done = Reflect::get(&result, &"done".into()).is_ok_and(|v| v.is_truthy());
        if done {
            return Ok(None);
        }
        let value = Reflect::get(&result, &"value".into())
            .map_err(|e| RequestError::Network(js_message(&e)))?;
        Ok(Some(Uint8Array::new(&value).to_vec()))
    }
}

impl Drop for ByteStream {
    /// A stream left unread (a failed sync) is cut, not left to fill the browser's buffers.
    fn drop(&mut self) {
        self.controller.abort();
    }
}

fn js_message(error: &JsValue) -> String {
    js_sys::Error::from(error.clone())
        .message()
        .as_string()
        .unwrap_or_else(|| "the connection failed".into())
}

/// `step`, aborted when it takes longer than `STREAM_IDLE_MS`.
async fn with_idle_limit<T>(
    controller: &AbortController,
    step: impl std::future::Future<Output = T>,
) -> Result<T, RequestError> {
    let step = step.fuse();
    let mut idle = gloo_timers::future::TimeoutFuture::new(STREAM_IDLE_MS).fuse();
    futures_util::pin_mut!(step);
    futures_util::select! {
        value = step => Ok(value),
        () = idle => {
            controller.abort();
            Err(RequestError::Timeout(STREAM_IDLE_MS / 1000))
        }
    }
}

async fn send(
    builder: RequestBuilder,
    timeout_ms: u32,
    finish: impl FnOnce(RequestBuilder) -> Result<Request, gloo_net::Error>,
) -> RequestResult {
    send_reading(builder, timeout_ms, finish, |_| {}).await
}

/// `send`, handing the answer's headers to `read_headers` too.
async fn send_reading(
    builder: RequestBuilder,
    timeout_ms: u32,
    finish: impl FnOnce(RequestBuilder) -> Result<Request, gloo_net::Error>,
    read_headers: impl FnOnce(&gloo_net::http::Headers),
) -> RequestResult {
    let controller = AbortController::new()
        .map_err(|_| RequestError::Network("AbortController unavailable".into()))?;
    let signal = controller.signal();
    let request = finish(builder.abort_signal(Some(&signal)))
        .map_err(|e| RequestError::Network(e.to_string()))?;
    // The timer lives until the whole body is read: a server that stalls after the headers
    // is cut off too.
    let _timer = Timeout::new(timeout_ms, move || controller.abort());
    let failed = |e: gloo_net::Error| {
        if signal.aborted() {
            RequestError::Timeout(timeout_ms / 1000)
        } else {
            RequestError::Network(e.to_string())
        }
    };
    let response = request.send().await.map_err(failed)?;
    if response.type_() == ResponseType::Opaqueredirect {
        return Err(RequestError::Redirect);
    }
    let status = response.status();
    // Read from every answer: the core decides which statuses honour it.
    let retry_after = response.headers().get("retry-after");
    read_headers(&response.headers());
    let body = response.text().await.map_err(failed)?;
    Ok(HttpReply {
        status,
        body,
        retry_after,
    })
}
