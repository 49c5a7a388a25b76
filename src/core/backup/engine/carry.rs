//! Which carrier takes an upload, and the uploads the browser carries: a run started while one
//! is on its way awaits its outcome; a page that cannot start one hands the file back.

use crate::core::log::LogLevel;

use super::super::{Carrier, CARRIED_UPLOAD_LIMIT_MS};
use super::Engine;

const MIB: u64 = 1 << 20;

impl Engine {
    /// Background Fetch for a file of at least the setting's size, while a page can start it.
    pub(super) fn carrier_for(&self, size: u64) -> Carrier {
        let min_mb = u64::from(self.settings.background_fetch_min_mb);
        if self.background_fetch && min_mb > 0 && size >= min_mb.saturating_mul(MIB) {
            Carrier::BackgroundFetch
        } else {
            Carrier::Worker
        }
    }

    /// The latest time the upload on its way may be carried by the browser.
    pub(super) fn carried_until(now_ms: i64) -> i64 {
        now_ms.saturating_add(CARRIED_UPLOAD_LIMIT_MS)
    }

    /// When the first of the browser's carried uploads must have been reported, if any is
    /// awaited.
    pub(super) fn carried_deadline(&self) -> Option<i64> {
        self.uploading
            .iter()
            .filter_map(|id| self.items.get(id)?.carried_until_ms)
            .min()
    }

    /// Carried uploads the browser never reported are sent again, by the worker this time.
    pub(super) fn give_up_carried(&mut self, now_ms: i64) {
        let overdue: Vec<String> = self
            .uploading
            .iter()
            .filter(|id| {
                let until = self.items.get(id).and_then(|item| item.carried_until_ms);
                until.is_some_and(|until| now_ms >= until)
            })
            .cloned()
            .collect();
        for id in overdue {
            self.give_up_one(&id);
        }
    }

    fn give_up_one(&mut self, id: &str) {
        self.uploading.retain(|sent| sent != id);
        self.background_fetch = false;
        if let Ok(row) = self.unanswered_row(id) {
            let name = row.name.clone();
            self.persist(vec![row]);
            self.log(
                LogLevel::Warning,
                &format!("{name}: the browser never reported its upload; sending it again"),
            );
        }
    }

    /// The page could not start the Background Fetch: the worker sends the file, and this run
    /// chooses no Background Fetch again.
    pub(super) fn on_carrier_refused(&mut self, id: &str, reason: &str) {
        if !self.uploading.iter().any(|sent| sent == id) {
            return;
        }
        self.uploading.retain(|sent| sent != id);
        self.background_fetch = false;
        if let Ok(row) = self.unanswered_row(id) {
            let name = row.name.clone();
            self.persist(vec![row]);
            self.log(
                LogLevel::Info,
                &format!(
                    "{name}: Background Fetch could not start ({reason}); the worker sends it"
                ),
            );
        }
    }
}
