//! What the run does next: which requests go out (uploads up to the setting `parallelUploads`
//! at once, beside at most one check, album request or probe; with 1, one request at a time),
//! what is hashed beside them, and when to be woken.

use crate::core::channel::Phase;
use crate::core::checksum::{HashMethod, MIB};
use crate::core::immich;
use crate::core::settings::MAX_PARALLEL_UPLOADS;

use super::super::io::{CheckRequest, Output, UploadRequest};
use super::super::{Carrier, ItemState, QueueItem};
use super::live::LIVE_PHOTO_VIDEO_ID;
use super::report::FileProgress;
use super::{Engine, HASHES_AT_ONCE, HASH_STEP_BYTES};

impl Engine {
    /// Requests on their way: the uploads, and the check, album request or probe.
    pub(super) fn in_flight(&self) -> usize {
        self.uploading.len() + usize::from(self.control_busy())
    }

    pub(super) fn network_busy(&self) -> bool {
        self.in_flight() > 0
    }

    /// A check, an album request or a probe is on its way: one of those at a time.
    fn control_busy(&self) -> bool {
        self.checking.is_some() || self.probing || self.albums.sending.is_some()
    }

    /// How many requests may be on their way at once.
    fn request_limit(&self) -> usize {
        let limit = self
            .settings
            .parallel_uploads
            .clamp(1, MAX_PARALLEL_UPLOADS);
        usize::try_from(limit).unwrap_or(1)
    }

    /// Plans the next requests and hashing, or the end of the run.
    pub(super) fn advance(&mut self, now_ms: i64) {
        if self.ended.is_some() || self.end_if_halted(now_ms) {
            return;
        }
        self.give_up_carried(now_ms);
        self.probe_if_due(now_ms);
        let server_asked_to_wait = self.server_wait_holds(now_ms);
        if self.outage.is_none() && !server_asked_to_wait {
            self.release_due_retries(now_ms);
            self.start_requests(now_ms);
        }
        self.load_if_low();
        self.start_hashes(now_ms);
        let idle = !self.network_busy() && self.hashing.is_empty() && self.outage.is_none();
        let all_finished = self.items.all_finished();
        if idle && all_finished && self.albums.is_empty() {
            self.finish(now_ms);
        }
    }

    /// Fills the free request slots: an album's batch first, then uploads oldest first, then
    /// a check of what is hashed (which feeds the uploads) once no upload can start.
    fn start_requests(&mut self, now_ms: i64) {
        // What is left for the albums goes once every file is finished.
        let rest = self.items.all_finished();
        while self.in_flight() < self.request_limit() {
            let control_free = !self.control_busy();
            if control_free && self.start_album(rest) {
                continue;
            }
            if self.start_upload(now_ms) {
                continue;
            }
            if control_free {
                self.start_check(now_ms);
            }
            return;
        }
    }

    /// When to be woken if no answer comes first.
    pub(super) fn next_wake(&self) -> Option<i64> {
        if let Some(outage) = &self.outage {
            // A probe goes once nothing is on its way; until then the answers wake the run.
            // The server's wait is one the last step found holding at its time (`advance`
            // clears a wait that is over or that a clock set back made absurd), whenever the
            // probe fell due: a clock set forward past the probe's time must not hide it.
            let after_wait = self.server_wait.until_ms.unwrap_or(i64::MIN);
            return (!self.network_busy()).then_some(outage.next_probe_at.max(after_wait));
        }
        let carried = self.carried_deadline();
        // Nothing new may start: only the answers on their way (or a carried one's deadline).
        if self.halt.is_some() || self.in_flight() >= self.request_limit() {
            return carried;
        }
        if let Some(until) = self.server_wait.until_ms {
            return carried.into_iter().chain([until]).min();
        }
        // Only what could go out then: a check once none is on its way.
        let check = self
            .check_backoff
            .retry_at
            .filter(|_| !self.control_busy() && self.items.count(ItemState::Checking) > 0);
        let retry = self.items.next_retry_at();
        [carried, retry, check].into_iter().flatten().min()
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

    /// Sends the oldest accepted file not on its way yet, not waiting for its live video, and
    /// of a content not on its way (the server would keep one of the two); the row says
    /// `sending` before the request goes out.
    pub(super) fn start_upload(&mut self, now_ms: i64) -> bool {
        let Some(next) = self.items.in_state(ItemState::Uploading).find(|item| {
            !item.sending && !self.waits_for_video(item) && !self.content_on_its_way(item)
        }) else {
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
        self.uploading.push(request.id.clone());
        self.trace_upload_sent(&request.id, now_ms);
        self.out.push_back(Output::Upload(request));
        let file = FileProgress::sending(&name, size);
        self.report(now_ms, Phase::Uploading, Some(file));
        true
    }

    fn content_on_its_way(&self, item: &QueueItem) -> bool {
        item.checksum.is_some()
            && self
                .uploading
                .iter()
                .filter_map(|id| self.items.get(id))
                .any(|sent| sent.checksum == item.checksum)
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

    /// Hashes the oldest waiting files beside whatever is on the network: a file streamed in
    /// chunks alone, files read whole up to HASHES_AT_ONCE whose bytes together stay within
    /// the stream bound (no more memory than one such file), since reading a file costs more
    /// waiting than digesting it.
    pub(super) fn start_hashes(&mut self, now_ms: i64) {
        while self.hashing.len() < HASHES_AT_ONCE && self.may_hash_more() {
            let Some((id, size)) = self
                .items
                .in_state(ItemState::Pending)
                .next()
                .map(|item| (item.id.clone(), item.size))
            else {
                return;
            };
            let bound = self.settings.hash_stream_min_mb;
            let method = HashMethod::for_size(size, bound);
            if !self.hashing.is_empty() {
                // The bytes of the files read whole; None while a file is streamed.
                let beside: Option<u64> = self
                    .hashing
                    .iter()
                    .filter_map(|id| self.items.get(id))
                    .map(|item| {
                        let whole = HashMethod::for_size(item.size, bound) == HashMethod::Whole;
                        whole.then_some(item.size)
                    })
                    .sum();
                let budget = u64::from(bound).saturating_mul(MIB);
                let fits = beside.is_some_and(|bytes| bytes.saturating_add(size) <= budget);
                if method == HashMethod::Stream || !fits {
                    return;
                }
            }
            if !self.start_hash(&id, size, method, now_ms) {
                return;
            }
        }
    }

    fn start_hash(&mut self, id: &str, size: u64, method: HashMethod, now_ms: i64) -> bool {
        let policy = self.config.retry;
        let Ok(name) = self.items.update(id, |item| {
            item.begin_hash(now_ms, &policy)?;
            Ok(item.name.clone())
        }) else {
            return false;
        };
        self.hashing.push(id.to_owned());
        self.trace_hash_started(id, now_ms);
        let id = id.to_owned();
        self.out.push_back(Output::Hash { id, size, method });
        if self
            .pacer
            .hashing_report_due(size > HASH_STEP_BYTES, now_ms)
        {
            let file = FileProgress::hashing(&name, 0, size);
            self.report(now_ms, Phase::Hashing, Some(file));
        }
        true
    }

    pub(super) fn hash_progress(&mut self, id: &str, bytes_done: u64, now_ms: i64) {
        if !self.hashing.iter().any(|hashing| hashing == id) {
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
