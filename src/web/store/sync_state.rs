//! Replies the server tags with an ETag, kept with their tag so the next request can ask
//! whether anything changed (`If-None-Match`) and skip the work on `304 Not Modified`.

use serde::{Deserialize, Serialize};

use super::{from_js, to_js, Store, StoreError, SYNC_STATE};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaggedReply {
    pub etag: String,
    pub body: String,
}

impl Store {
    /// The last reply of this endpoint and its ETag, if one was kept.
    pub async fn tagged_reply(&self, endpoint: &str) -> Result<Option<TaggedReply>, StoreError> {
        self.get_value(SYNC_STATE, endpoint)
            .await?
            .map(from_js)
            .transpose()
    }

    pub async fn save_tagged_reply(
        &self,
        endpoint: &str,
        reply: &TaggedReply,
    ) -> Result<(), StoreError> {
        self.put_value(SYNC_STATE, endpoint, to_js(reply)?).await
    }
}
