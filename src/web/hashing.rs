//! Hashing queued files, apart from the rest of a run so that it can go on while an upload is on
//! its way: it borrows the queue, the pacer and the store, never the HTTP client.

use std::cell::Cell;

use crate::core::backup::{hash_ahead, QueueItem};
use crate::core::channel::Phase;
use crate::core::progress::{self, ReportPacer};
use crate::core::settings::Settings;
use crate::web::backup_run::RunError;
use crate::web::files::{BlobHasher, STEP_BYTES};
use crate::web::logger::now_ms;
use crate::web::progress_report::{FileProgress, ProgressReport};
use crate::web::store::Store;

pub struct Hashing<'r> {
    pub store: &'r Store,
    pub items: &'r mut Vec<QueueItem>,
    pub pacer: &'r mut ReportPacer,
    pub settings: &'r Settings,
}

impl Hashing<'_> {
    /// Hashes Pending files, oldest first, until `upload_done` is set (looked at between files).
    pub async fn ahead_until(&mut self, upload_done: &Cell<bool>) -> Result<(), RunError> {
        while !upload_done.get() {
            let Some(id) = hash_ahead(self.items) else {
                return Ok(());
            };
            self.hash(&id).await?;
        }
        Ok(())
    }

    /// Hashes one file, reporting bytes hashed. The checksum is not written yet: the check that
    /// follows writes it with its verdict, and a kill before that only costs hashing it again.
    pub async fn hash(&mut self, id: &str) -> Result<(), RunError> {
        let blob = self.store.load_blob(id).await?;
        let Some(item) = self.items.iter_mut().find(|item| item.id == id) else {
            return Ok(());
        };
        item.begin_hash(now_ms())?;
        let name = item.name.clone();
        let opened = match blob {
            None => Err("the picked file is no longer stored".to_owned()),
            Some(asset) => BlobHasher::new(asset.blob).map_err(|e| e.to_string()),
        };
        let outcome = match opened {
            Ok(hasher) => self.read(hasher, &name).await,
            Err(message) => Err(message),
        };
        let Some(item) = self.items.iter_mut().find(|item| item.id == id) else {
            return Ok(());
        };
        match outcome {
            Ok(checksum) => Ok(item.hashed(checksum)?),
            Err(message) => {
                item.hash_failed(message)?;
                Ok(self.store.save_items(&[&*item]).await?)
            }
        }
    }

    async fn read(&mut self, mut hasher: BlobHasher, name: &str) -> Result<String, String> {
        let total = hasher.size();
        let several_steps = total > STEP_BYTES;
        loop {
            let done = hasher.bytes_done();
            if self.pacer.hashing_report_due(several_steps, now_ms()) {
                let file = FileProgress {
                    name,
                    percent: Some(progress::percent(done, total)),
                    bytes_done: Some(done),
                    bytes_total: Some(total),
                };
                ProgressReport::build(
                    self.items,
                    self.settings,
                    self.pacer,
                    now_ms(),
                    Phase::Hashing,
                    Some(file),
                )
                .send()
                .await;
            }
            match hasher.step().await {
                Ok(true) => {}
                Ok(false) => return Ok(hasher.finish_hex()),
                Err(e) => return Err(e.to_string()),
            }
        }
    }
}
