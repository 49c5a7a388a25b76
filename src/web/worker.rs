//! The service-worker side: channel messages in, and at most one backup run at a time.
//!
//! Only the worker runs backups, and a browser keeps one instance of it per origin, so a flag in
//! this instance is enough to keep a second run from starting next to the first.

use std::cell::RefCell;

use wasm_bindgen::JsValue;

use crate::core::channel::{ChannelMessage, Phase, ProgressUpdate, StopReason, SystemStop};
use crate::core::progress::UploadState;
use crate::web::backup_run::{BackupRun, RunEnd, STOPPED};
use crate::web::logger::Logger;
use crate::web::notify;
use crate::web::store::Store;

#[derive(Default)]
struct RunFlags {
    running: bool,
    stop_requested: bool,
    queue_changed: bool,
}

thread_local! {
    static FLAGS: RefCell<RunFlags> = RefCell::new(RunFlags::default());
}

/// Read and cleared by the run between two steps.
pub fn take_stop_request() -> bool {
    FLAGS.with(|f| std::mem::take(&mut f.borrow_mut().stop_requested))
}

pub fn take_queue_changed() -> bool {
    FLAGS.with(|f| std::mem::take(&mut f.borrow_mut().queue_changed))
}

fn is_running() -> bool {
    FLAGS.with(|f| f.borrow().running)
}

pub async fn handle_message(data: JsValue) -> Result<(), JsValue> {
    let store = Store::open().await.map_err(js_error)?;
    let logger = Logger::new(&store, Vec::new());
    let json: serde_json::Value = serde_wasm_bindgen::from_value(data)
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
    let message = match ChannelMessage::from_json(&json) {
        Ok(message) => message,
        Err(e) => {
            logger.warning(&format!("ignored a message: {e}")).await;
            return Ok(());
        }
    };
    match message {
        ChannelMessage::Start => {
            store.set_run_requested(true).await.map_err(js_error)?;
            if is_running() {
                FLAGS.with(|f| f.borrow_mut().queue_changed = true);
                Ok(())
            } else {
                run(store).await
            }
        }
        ChannelMessage::Stop => {
            store.set_run_requested(false).await.map_err(js_error)?;
            if is_running() {
                FLAGS.with(|f| f.borrow_mut().stop_requested = true);
            } else {
                announce_stop(StopReason::StoppedByUser, STOPPED).await?;
            }
            Ok(())
        }
        ChannelMessage::UpdateNotification(None) => {
            if is_running() {
                // The run reports after its next step; a second report now would be stale soon.
                return Ok(());
            }
            report_idle(&store).await?;
            wake_with(store).await
        }
        other => {
            let method = other.to_json()["method"].to_string();
            logger
                .warning(&format!("ignored {method}: pages do not send it"))
                .await;
            Ok(())
        }
    }
}

/// On activate, sync or any wake-up: continue a backup the user started and did not stop.
pub async fn wake() -> Result<(), JsValue> {
    let store = Store::open().await.map_err(js_error)?;
    wake_with(store).await
}

async fn wake_with(store: Store) -> Result<(), JsValue> {
    if !is_running() && store.run_requested().await.map_err(js_error)? {
        run(store).await
    } else {
        Ok(())
    }
}

async fn report_idle(store: &Store) -> Result<(), JsValue> {
    let items = store.load_queue().await.map_err(js_error)?;
    let update = ProgressUpdate {
        state: UploadState::from_items(&items, None, None),
        notification: None,
        phase: Phase::Idle,
        file_bytes_done: None,
        file_bytes_total: None,
    };
    notify::broadcast(&ChannelMessage::UpdateNotification(Some(update))).await
}

async fn announce_stop(reason: StopReason, message: &str) -> Result<(), JsValue> {
    notify::broadcast(&ChannelMessage::SystemStop(SystemStop {
        reason,
        message: message.to_owned(),
    }))
    .await
}

async fn run(store: Store) -> Result<(), JsValue> {
    FLAGS.with(|f| {
        *f.borrow_mut() = RunFlags {
            running: true,
            ..RunFlags::default()
        }
    });
    let end = BackupRun::start(&store).await;
    FLAGS.with(|f| f.borrow_mut().running = false);
    let end = end.unwrap_or_else(|e| RunEnd {
        reason: StopReason::Failed,
        message: e.to_string(),
    });
    if !end.reason.resumes_on_wake() {
        store.set_run_requested(false).await.map_err(js_error)?;
    }
    if end.reason == StopReason::Failed {
        Logger::new(&store, Vec::new()).severe(&end.message).await;
    }
    announce_stop(end.reason, &end.message).await
}

fn js_error(e: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&e.to_string()).into()
}
