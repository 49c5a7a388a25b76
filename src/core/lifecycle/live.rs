//! Live updates (the server's socket), as the mobile app keeps them: connected while a page is
//! in front or work goes on; once the last page leaves the screen, kept for the disconnect delay
//! (a setting) and then closed. A login the server refused closes them until it is accepted again.

use super::{Lifecycle, Output};

impl Lifecycle {
    /// Decides whether the socket should be open now, and says so when that changes.
    pub(super) fn decide_live(&mut self, now_ms: i64) {
        if self.record.pages_visible {
            self.hidden_at_ms = None;
        } else if self.live {
            self.hidden_at_ms.get_or_insert(now_ms);
        }
        let in_grace = self.live_until().is_some_and(|until| now_ms < until)
            // A clock set back counts as time passed.
            && self.hidden_at_ms.is_some_and(|at| now_ms >= at);
        let wanted = !self.login_refused && (self.record.pages_visible || self.running || in_grace);
        if !wanted {
            self.hidden_at_ms = None;
        }
        if wanted != self.live {
            self.live = wanted;
            self.out.push_back(Output::Live { connected: wanted });
        }
    }

    /// When a socket kept after the pages left is to close, unless work holds it.
    pub(super) fn live_until(&self) -> Option<i64> {
        let delay_ms = i64::from(self.settings.realtime_disconnect_delay) * 1000;
        self.hidden_at_ms
            .filter(|_| self.live)
            .map(|at| at.saturating_add(delay_ms))
    }
}
