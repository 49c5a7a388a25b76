//! One backup run: asks the core for the next step, performs it, records the result, reports.
//! Every state change is written to IndexedDB before the next request goes out, so a kill at any
//! point resumes from the last recorded step.

use futures_util::future::join;
use gloo_timers::future::sleep;
use std::cell::Cell;
use std::time::Duration;
use thiserror::Error;

use crate::core::backup::{
    next_step, CheckVerdict, QueueItem, RetryPolicy, RunControl, Step, TransitionError,
    UploadOutcome, CHECK_BATCH,
};
use crate::core::channel::Phase;
use crate::core::channel::{ChannelMessage, StopReason};
use crate::core::immich::{self, ReplyError};
use crate::core::progress::{self, NotificationKind, ReportPacer, UploadState};
use crate::core::settings::Settings;
use crate::web::hashing::Hashing;
use crate::web::http::{upload_form, ImmichHttp};
use crate::web::logger::{now_ms, Logger};
use crate::web::notify;
use crate::web::progress_report::{FileProgress, ProgressReport};
use crate::web::store::{Store, StoreError};
use crate::web::worker::{take_queue_changed, take_stop_request};

/// A wait for a retry is cut into slices so a stop request is noticed.
const MAX_SLEEP_MS: i64 = 5_000;

/// What the pages are told when the user stopped the backup, whether a run was going or not.
pub const STOPPED: &str = "Backup stopped.";

/// How a run ended, as the pages are told (`systemStop`).
pub struct RunEnd {
    pub reason: StopReason,
    pub message: String,
}

impl RunEnd {
    fn new(reason: StopReason, message: impl Into<String>) -> RunEnd {
        RunEnd {
            reason,
            message: message.into(),
        }
    }
}

/// A run that could not go on; the queue stays as recorded and the next wake-up continues it.
#[derive(Debug, Error)]
pub enum RunError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the queue refused a step: {0}")]
    Transition(#[from] TransitionError),
    #[error("could not send progress to the pages")]
    Channel,
}

pub struct BackupRun<'a> {
    store: &'a Store,
    logger: Logger<'a>,
    http: ImmichHttp,
    settings: Settings,
    items: Vec<QueueItem>,
    policy: RetryPolicy,
    consecutive_failures: u32,
    /// Failed bulk checks in a row, and when the next may go out.
    check_failures: u32,
    paused_until_ms: Option<i64>,
    pacer: ReportPacer,
}

impl<'a> BackupRun<'a> {
    pub async fn start(store: &'a Store) -> Result<RunEnd, RunError> {
        let Some(login) = store.load_login().await? else {
            return Ok(RunEnd::new(
                StopReason::Unauthorized,
                "Log in to your Immich server before backing up.",
            ));
        };
        let (settings, warnings) = store.load_settings().await?;
        let logger = Logger::new(store, vec![login.api_key.expose().to_owned()]);
        for warning in warnings {
            logger.warning(&warning).await;
        }
        let mut items = store.load_queue().await?;
        let before = items.clone();
        items.iter_mut().for_each(QueueItem::recover_interrupted);
        let recovered: Vec<&QueueItem> = items
            .iter()
            .zip(&before)
            .filter(|(now, then)| now != then)
            .map(|(now, _)| now)
            .collect();
        store.save_items(&recovered).await?;
        let mut run = BackupRun {
            store,
            logger,
            http: ImmichHttp::new(login.server, Some(login.api_key)),
            settings,
            items,
            policy: RetryPolicy::default(),
            consecutive_failures: 0,
            check_failures: 0,
            paused_until_ms: None,
            pacer: ReportPacer::default(),
        };
        notify::broadcast(&ChannelMessage::Initialized)
            .await
            .map_err(|_| RunError::Channel)?;
        let unfinished = run.items.iter().filter(|i| !i.state.is_finished()).count();
        run.logger
            .info(&format!("Backup started: {unfinished} files to back up"))
            .await;
        run.drive().await
    }

    fn item_mut(&mut self, id: &str) -> Option<&mut QueueItem> {
        self.items.iter_mut().find(|item| item.id == id)
    }

    async fn drive(&mut self) -> Result<RunEnd, RunError> {
        loop {
            if take_stop_request() {
                self.logger.info("Backup stopped by the user").await;
                return Ok(RunEnd::new(StopReason::StoppedByUser, STOPPED));
            }
            if take_queue_changed() {
                self.merge_new_items().await?;
            }
            let now = now_ms();
            if let Some(until) = self.paused_until_ms.filter(|until| *until > now) {
                sleep_ms(until - now).await;
                continue;
            }
            match next_step(&self.items, now, CHECK_BATCH) {
                Step::Retry(ids) => self.retry(&ids, now).await?,
                Step::Hash(id) => self.http_and_hashing().1.hash(&id).await?,
                Step::Check(ids) => {
                    if let Some(end) = self.check(&ids).await? {
                        return Ok(end);
                    }
                }
                Step::Upload(id) => {
                    if let Some(end) = self.upload(&id).await? {
                        return Ok(end);
                    }
                }
                Step::WaitUntil(at) => sleep_ms(at - now).await,
                Step::Finished => {
                    if self.merge_new_items().await? == 0 {
                        return Ok(self.finish().await);
                    }
                }
            }
        }
    }

    /// Picks up files queued by a page while this run was going.
    async fn merge_new_items(&mut self) -> Result<usize, RunError> {
        let stored = self.store.load_queue().await?;
        let new: Vec<QueueItem> = stored
            .into_iter()
            .filter(|s| !self.items.iter().any(|i| i.id == s.id))
            .collect();
        let count = new.len();
        self.items.extend(new);
        Ok(count)
    }

    async fn finish(&mut self) -> RunEnd {
        let state = UploadState::from_items(&self.items, None, None);
        let done = progress::finished_notification(&state);
        self.report(Phase::Idle, None).await;
        if let Err(e) = notify::show(NotificationKind::TotalProgress, &done).await {
            self.logger
                .warning(&format!("notification not shown: {e:?}"))
                .await;
        }
        self.logger.info(&done.content).await;
        RunEnd::new(StopReason::Completed, done.content)
    }

    async fn save(&self, ids: &[&str]) -> Result<(), RunError> {
        let items: Vec<&QueueItem> = self
            .items
            .iter()
            .filter(|item| ids.contains(&item.id.as_str()))
            .collect();
        Ok(self.store.save_items(&items).await?)
    }

    async fn retry(&mut self, ids: &[String], now: i64) -> Result<(), RunError> {
        for id in ids {
            if let Some(item) = self.item_mut(id) {
                item.retry_due(now)?;
            }
        }
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        self.save(&ids).await
    }

    /// The HTTP client and the hashing side, borrowed apart so that an upload and hashing can
    /// go on at the same time.
    fn http_and_hashing(&mut self) -> (&ImmichHttp, Hashing<'_>) {
        let hashing = Hashing {
            store: self.store,
            items: &mut self.items,
            pacer: &mut self.pacer,
            settings: &self.settings,
        };
        (&self.http, hashing)
    }

    async fn check(&mut self, ids: &[String]) -> Result<Option<RunEnd>, RunError> {
        let pairs: Vec<(&str, &str)> = self
            .items
            .iter()
            .filter(|item| ids.contains(&item.id))
            .filter_map(|item| Some((item.id.as_str(), item.checksum.as_deref()?)))
            .collect();
        let body = immich::bulk_check_body(&pairs);
        self.report(Phase::Checking, None).await;
        let verdicts = match self.http.post_json("/assets/bulk-upload-check", body).await {
            Ok(reply) => immich::parse_bulk_check(reply.status, &reply.body),
            Err(e) => Err(ReplyError::Network(e.to_string())),
        };
        let verdicts = match verdicts {
            Ok(verdicts) => verdicts,
            Err(ReplyError::Unauthorized(_)) => return Ok(Some(self.unauthorized().await)),
            Err(e) => return Ok(self.check_failed(&e.to_string()).await),
        };
        self.check_failures = 0;
        let mut changed = Vec::new();
        let mut refused = Vec::new();
        for (id, verdict) in verdicts {
            let Some(item) = self.item_mut(&id) else {
                continue;
            };
            if let CheckVerdict::Unsupported { reason } = &verdict {
                refused.push(format!(
                    "{}: not accepted by the server ({reason})",
                    item.name
                ));
            }
            item.checked(verdict)?;
            changed.push(id);
        }
        for message in refused {
            self.logger.warning(&message).await;
        }
        let changed: Vec<&str> = changed.iter().map(String::as_str).collect();
        self.save(&changed).await?;
        Ok(None)
    }

    /// A failed bulk check is tried again after a backoff; after too many, the run ends and the
    /// next wake-up continues it.
    async fn check_failed(&mut self, detail: &str) -> Option<RunEnd> {
        self.check_failures += 1;
        match self.policy.wait_before_retry(self.check_failures) {
            Some(wait) => {
                self.logger
                    .warning(&format!(
                        "Checking with the server failed ({detail}); trying again in {} s",
                        wait / 1000
                    ))
                    .await;
                self.paused_until_ms = Some(now_ms() + wait);
                None
            }
            None => Some(self.unreachable(detail).await),
        }
    }

    async fn upload(&mut self, id: &str) -> Result<Option<RunEnd>, RunError> {
        let blob = self.store.load_blob(id).await?;
        let Some(item) = self.item_mut(id) else {
            return Ok(None);
        };
        item.begin_upload()?;
        let (name, size, modified, checksum) = (
            item.name.clone(),
            item.size,
            item.modified_at_ms,
            item.checksum.clone().unwrap_or_default(),
        );
        // Nothing to write before the request: the row already says Uploading, and a repeat after
        // a kill is answered "duplicate" by the server.
        let file = FileProgress {
            name: &name,
            percent: None,
            bytes_done: None,
            bytes_total: Some(size),
        };
        self.report(Phase::Uploading, Some(file)).await;
        let form = match blob {
            None => Err(UploadOutcome::Rejected {
                status: 0,
                message: "the picked file is no longer stored".into(),
            }),
            Some(asset) => upload_form(&asset.blob, &name, &immich::upload_fields(size, modified))
                .map_err(|e| UploadOutcome::Retryable {
                    message: e.to_string(),
                }),
        };
        let outcome = match form {
            Err(outcome) => outcome,
            Ok(form) => {
                // While the file is on its way, the next ones are hashed.
                let upload_done = Cell::new(false);
                let (http, mut hashing) = self.http_and_hashing();
                let request = async {
                    let reply = http.upload(form, &checksum).await;
                    upload_done.set(true);
                    reply
                };
                let (reply, hashed) = join(request, hashing.ahead_until(&upload_done)).await;
                hashed?;
                match reply {
                    Ok(reply) => immich::classify_upload(Some(reply.status), &reply.body),
                    Err(e) => immich::classify_upload(None, &e.to_string()),
                }
            }
        };
        let failure = match &outcome {
            UploadOutcome::Rejected { message, .. } | UploadOutcome::Retryable { message } => {
                Some(message.clone())
            }
            _ => None,
        };
        let policy = self.policy;
        let Some(item) = self.item_mut(id) else {
            return Ok(None);
        };
        let control = item.upload_finished(outcome, now_ms(), &policy)?;
        self.save(&[id]).await?;
        if let RunControl::StopUnauthorized = control {
            return Ok(Some(self.unauthorized().await));
        }
        match failure {
            Some(message) => {
                self.consecutive_failures += 1;
                self.logger
                    .warning(&format!("{name}: upload failed: {message}"))
                    .await;
                if let Some(note) = progress::error_notification(
                    self.consecutive_failures,
                    &message,
                    &self.settings,
                ) {
                    notify::show(NotificationKind::Error, &note).await.ok();
                }
            }
            None => self.consecutive_failures = 0,
        }
        Ok(None)
    }

    async fn unauthorized(&self) -> RunEnd {
        let message = "The server refused the API key: log in again to continue the backup.";
        self.logger.severe(message).await;
        RunEnd::new(StopReason::Unauthorized, message)
    }

    async fn unreachable(&self, detail: &str) -> RunEnd {
        let message = format!(
            "Could not reach {}: {detail}. The backup continues when the server is back.",
            self.http.server().api_base()
        );
        self.logger.warning(&message).await;
        RunEnd::new(StopReason::ServerUnreachable, message)
    }

    /// Sends the current state to every page and refreshes the progress notifications.
    async fn report(&mut self, phase: Phase, file: Option<FileProgress<'_>>) {
        ProgressReport::build(
            &self.items,
            &self.settings,
            &mut self.pacer,
            now_ms(),
            phase,
            file,
        )
        .send()
        .await;
    }
}

/// Sleeps at most `MAX_SLEEP_MS`, so the run loop notices a stop request soon.
async fn sleep_ms(ms: i64) {
    let ms = ms.clamp(0, MAX_SLEEP_MS);
    sleep(Duration::from_millis(ms.unsigned_abs())).await;
}
