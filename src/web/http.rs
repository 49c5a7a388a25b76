//! fetch against an Immich server: the auth header, JSON and multipart bodies, a timeout that
//! covers the whole answer, and redirects never followed. Replies come back as status + text;
//! src/core decides what they mean.

use gloo_net::http::{Request, RequestBuilder};
use gloo_timers::callback::Timeout;
use web_sys::{AbortController, FormData, RequestRedirect, ResponseType};

use crate::core::backup::{HttpReply, RequestError, RequestResult};
use crate::core::immich::ApiKey;
use crate::core::server_url::ServerUrl;

/// JSON calls are small: an answer slower than this means the server is in trouble.
const JSON_TIMEOUT_MS: u32 = 20_000;
/// An upload may be a large video over a slow link; this only catches a dead connection.
const UPLOAD_TIMEOUT_MS: u32 = 30 * 60 * 1000;

#[derive(Clone)]
pub struct ImmichHttp {
    server: ServerUrl,
    api_key: Option<ApiKey>,
}

impl ImmichHttp {
    pub fn new(server: ServerUrl, api_key: Option<ApiKey>) -> ImmichHttp {
        ImmichHttp { server, api_key }
    }

    fn request(&self, builder: RequestBuilder) -> RequestBuilder {
        // A redirect is never followed: it could carry the key to another (plain http) address.
        // 'manual' rather than 'error' so that it can be told apart from an outage.
        let builder = builder
            .header("accept", "application/json")
            .redirect(RequestRedirect::Manual);
        match &self.api_key {
            Some(key) => builder.header("x-api-key", key.expose()),
            None => builder,
        }
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
        let builder = match etag {
            Some(etag) => builder.header("if-none-match", etag),
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
