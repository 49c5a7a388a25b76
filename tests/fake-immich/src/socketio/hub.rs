//! Which sockets belong to which user, so server events reach all of a user's clients.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

use super::packet::SocketPacket;

type Senders = HashMap<String, HashMap<u64, UnboundedSender<String>>>;

#[derive(Clone, Default)]
pub struct Hub {
    next_id: Arc<AtomicU64>,
    sockets: Arc<Mutex<Senders>>,
}

/// Keeps a socket subscribed until dropped.
pub struct Registration {
    hub: Hub,
    user_id: String,
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.with_sockets(|sockets| {
            if let Some(user_sockets) = sockets.get_mut(&self.user_id) {
                user_sockets.remove(&self.id);
                if user_sockets.is_empty() {
                    sockets.remove(&self.user_id);
                }
            }
        });
    }
}

impl Hub {
    /// A poisoned lock only means another socket's task panicked; the map is still usable.
    fn with_sockets<R>(&self, f: impl FnOnce(&mut Senders) -> R) -> R {
        let mut guard = self
            .sockets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut guard)
    }

    /// Subscribes `frames` to the user's events; it receives ready-to-send Engine.IO frames.
    pub fn register(&self, user_id: &str, frames: UnboundedSender<String>) -> Registration {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.with_sockets(|sockets| {
            sockets
                .entry(user_id.to_string())
                .or_default()
                .insert(id, frames);
        });
        Registration {
            hub: self.clone(),
            user_id: user_id.to_string(),
            id,
        }
    }

    pub fn emit(&self, user_id: &str, event: &str, payload: &Value) {
        let frame = SocketPacket::event(event, payload).to_frame();
        self.with_sockets(|sockets| {
            if let Some(user_sockets) = sockets.get_mut(user_id) {
                user_sockets.retain(|_, frames| frames.send(frame.clone()).is_ok());
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tokio::sync::mpsc::unbounded_channel;

    #[test]
    fn events_reach_only_the_users_live_sockets() {
        let hub = Hub::default();
        let (tx_a1, mut rx_a1) = unbounded_channel();
        let (tx_a2, mut rx_a2) = unbounded_channel();
        let (tx_b, mut rx_b) = unbounded_channel();
        let _a1 = hub.register("a", tx_a1);
        let a2 = hub.register("a", tx_a2);
        let _b = hub.register("b", tx_b);

        hub.emit("a", "on_upload_success", &json!({"id": "1"}));
        let expected = r#"42["on_upload_success",{"id":"1"}]"#;
        assert_eq!(rx_a1.try_recv().ok().as_deref(), Some(expected));
        assert_eq!(rx_a2.try_recv().ok().as_deref(), Some(expected));
        assert!(rx_b.try_recv().is_err());

        drop(a2);
        hub.emit("a", "x", &json!(null));
        assert!(rx_a1.try_recv().is_ok());
        assert!(rx_a2.try_recv().is_err());
    }
}
