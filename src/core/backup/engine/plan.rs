//! What the run does next: which request goes out (one at a time), what is hashed beside it,
//! and when to be woken.

use crate::core::channel::Phase;
use crate::core::immich;

use super::super::io::{CheckRequest, Output, UploadRequest};
use super::super::{Carrier, ItemState};
use super::live::LIVE_PHOTO_VIDEO_ID;
use super::report::FileProgress;
use super::{Engine, HASH_STEP_BYTES};

impl Engine {
    pub(super) fn network_busy(&self) -> bool {
        self.checking.is_some()
            || self.uploading.is_some()
            || self.probing
            || self.albums.sending.is_some()
    }

    /// Plans the next requests and hashing, or the end of the run.
    pub(super) fn advance(&mut self, now_ms: i64) {
        if self.ended.is_some() || self.end_if_halted(now_ms) {
            return;
        }
        self.give_up_carried(now_ms);
        self.probe_if_due(now_ms);
        let server_asked_to_wait = self.server_wait_holds(now_ms);
        if self.outage.is_none() && !self.network_busy() && !server_asked_to_wait {
            self.release_due_retries(now_ms);
            // What is left for the albums goes once every file is finished.
            let rest = self.items.all_finished();
            if !self.start_album(rest) && !self.start_upload(now_ms) {
                self.start_check(now_ms);
            }
        }
        self.start_hash(now_ms);
        let idle = !self.network_busy() && self.hashing.is_none() && self.outage.is_none();
        let all_finished = self.items.all_finished();
        if idle && all_finished && self.albums.is_empty() {
            self.finish(now_ms);
        }
    }

    /// When to be woken if no answer comes first.
    pub(super) fn next_wake(&self) -> Option<i64> {
        if let Some(outage) = &self.outage {
            return (!self.probing).then_some(outage.next_probe_at);
        }
        if self.network_busy() {
            return self.carried_deadline();
        }
        if let Some(until) = self.server_wait.until_ms {
            return Some(until);
        }
        let check = self
            .check_backoff
            .retry_at
            .filter(|_| self.items.count(ItemState::Checking) > 0);
        self.items.next_retry_at().into_iter().chain(check).min()
    }

    pub(super) fn release_due_retries(&mut self, now_ms: i64) {
        let policy = self.config.retry;
        let mut released = Vec::new();
        for id in self.items.due_retries(now_ms, &policy) {
            let due = self.items.update(&id, |item| {
                Ok(item.retry_due(now_ms, &policy)?.then(|| item.clone()))
            });
            released.extend(due.ok().flatten());
        }
        self.persist(released);
    }

    /// Sends the oldest accepted file that is not waiting for its live video; the row says
    /// `sending` before the request goes out.
    pub(super) fn start_upload(&mut self, now_ms: i64) -> bool {
        let Some(next) = self
            .items
            .in_state(ItemState::Uploading)
            .find(|item| !self.waits_for_video(item))
        else {
            return false;
        };
        let live_video = self.live_video_asset(next);
        let carrier = self.carrier_for(next.size);
        let id = next.id.clone();
        let begun = self.items.update(&id, |item| {
            item.begin_upload()?;
            if carrier == Carrier::BackgroundFetch {
                item.hand_to_browser(Engine::carried_until(now_ms));
            }
            Ok(item.clone())
        });
        let Ok(item) = begun else {
            return false;
        };
        let mut fields = immich::upload_fields(&item.name, item.size, item.modified_at_ms);
        fields.extend(live_video.map(|id| (LIVE_PHOTO_VIDEO_ID, id)));
        let request = UploadRequest {
            id: item.id.clone(),
            name: item.name.clone(),
            checksum: item.checksum.clone().unwrap_or_default(),
            fields,
            source: item.source.clone(),
            sidecar: item.sidecar.clone(),
            size: item.size,
            carrier,
        };
        let (name, size) = (item.name.clone(), item.size);
        self.persist(vec![item]);
        self.uploading = Some(request.id.clone());
        self.trace_upload_sent(&request.id, now_ms);
        self.out.push_back(Output::Upload(request));
        let file = FileProgress::sending(&name, size);
        self.report(now_ms, Phase::Uploading, Some(file));
        true
    }

    /// Checks whatever is hashed, up to a batch, unless a failed check is still waiting.
    pub(super) fn start_check(&mut self, now_ms: i64) {
        let policy = self.config.retry;
        if let Some(at) = self.check_backoff.retry_at {
            if !policy.is_due(at, now_ms) {
                return;
            }
        }
        let batch: Vec<(String, String)> = self
            .items
            .in_state(ItemState::Checking)
            .filter_map(|item| Some((item.id.clone(), item.checksum.clone()?)))
            .take(self.config.check_batch.max(1))
            .collect();
        if batch.is_empty() {
            return;
        }
        let pairs: Vec<(&str, &str)> = batch
            .iter()
            .map(|(i, c)| (i.as_str(), c.as_str()))
            .collect();
        let body = immich::bulk_check_body(&pairs);
        let ids: Vec<String> = batch.into_iter().map(|(id, _)| id).collect();
        self.checking = Some(ids.clone());
        self.trace_check_sent(ids.len(), now_ms);
        self.out
            .push_back(Output::Check(CheckRequest { ids, body }));
        self.report(now_ms, Phase::Checking, None);
    }

    /// Hashes the oldest waiting file, beside whatever is on the network.
    pub(super) fn start_hash(&mut self, now_ms: i64) {
        if self.hashing.is_some() {
            return;
        }
        let policy = self.config.retry;
        let Some(id) = self
            .items
            .in_state(ItemState::Pending)
            .next()
            .map(|item| item.id.clone())
        else {
            return;
        };
        let Ok((name, size)) = self.items.update(&id, |item| {
            item.begin_hash(now_ms, &policy)?;
            Ok((item.name.clone(), item.size))
        }) else {
            return;
        };
        self.hashing = Some(id.clone());
        self.trace_hash_started(&id, now_ms);
        self.out.push_back(Output::Hash { id, size });
        if self
            .pacer
            .hashing_report_due(size > HASH_STEP_BYTES, now_ms)
        {
            let file = FileProgress::hashing(&name, 0, size);
            self.report(now_ms, Phase::Hashing, Some(file));
        }
    }

    pub(super) fn hash_progress(&mut self, id: &str, bytes_done: u64, now_ms: i64) {
        if self.hashing.as_deref() != Some(id) {
            return;
        }
        let Some(item) = self.items.get(id) else {
            return;
        };
        let (name, size) = (item.name.clone(), item.size);
        if self
            .pacer
            .hashing_report_due(size > HASH_STEP_BYTES, now_ms)
        {
            let file = FileProgress::hashing(&name, bytes_done, size);
            self.report(now_ms, Phase::Hashing, Some(file));
        }
    }
}
