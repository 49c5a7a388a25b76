//! Every open socket and whose it is, so server events reach the right clients: Immich puts each
//! socket in its user's room and, when it logged in with a session, that session's room too
//! (`on_session_delete` goes there). Also the test switches acting on all sockets at once:
//! drop them all, or go silent (no pings, events lost) as a hung server would.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::sync::watch;

use super::packet::SocketPacket;

/// What the hub asks of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Send this ready-made Engine.IO frame.
    Frame(String),
    /// Close the TCP connection at once, without a close frame, as a restarting proxy does.
    Drop,
}

/// Who a namespace-connected socket belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub user_id: String,
    pub email: String,
    /// The login session it authenticated with; `None` for an API key.
    pub session_id: Option<String>,
}

struct Entry {
    commands: UnboundedSender<Command>,
    /// Set once the namespace connect was accepted; until then the socket gets no events.
    owner: Option<Owner>,
}

#[derive(Clone)]
pub struct Hub {
    next_id: Arc<AtomicU64>,
    sockets: Arc<Mutex<HashMap<u64, Entry>>>,
    silent: Arc<watch::Sender<bool>>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            next_id: Arc::default(),
            sockets: Arc::default(),
            silent: Arc::new(watch::channel(false).0),
        }
    }
}

/// One open socket's place in the hub, left when dropped.
pub struct Registration {
    hub: Hub,
    id: u64,
}

impl Registration {
    /// Starts delivering the owner's events (and their session's) to this socket.
    pub fn subscribe(&self, owner: Owner) {
        self.hub.with_sockets(|sockets| {
            // Gone already when the sockets were dropped meanwhile.
            if let Some(entry) = sockets.get_mut(&self.id) {
                entry.owner = Some(owner);
            }
        });
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.with_sockets(|sockets| sockets.remove(&self.id));
    }
}

impl Hub {
    /// A poisoned lock only means another socket's task panicked; the map is still usable.
    fn with_sockets<R>(&self, f: impl FnOnce(&mut HashMap<u64, Entry>) -> R) -> R {
        let mut guard = self
            .sockets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut guard)
    }

    /// Counts a newly opened socket; it reads the hub's commands from the receiver.
    pub fn open(&self) -> (Registration, UnboundedReceiver<Command>) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (commands, receiver) = unbounded_channel();
        let entry = Entry {
            commands,
            owner: None,
        };
        self.with_sockets(|sockets| sockets.insert(id, entry));
        let registration = Registration {
            hub: self.clone(),
            id,
        };
        (registration, receiver)
    }

    /// Sends the event to every socket `to` picks; lost while the server is silent.
    fn emit_where(&self, to: impl Fn(&Owner) -> bool, event: &str, payload: &Value) {
        if self.is_silent() {
            return;
        }
        let frame = SocketPacket::event(event, payload).to_frame();
        self.with_sockets(|sockets| {
            for entry in sockets.values() {
                if entry.owner.as_ref().is_some_and(&to) {
                    // A closed receiver means the socket is ending; its registration goes soon.
                    let _ = entry.commands.send(Command::Frame(frame.clone()));
                }
            }
        });
    }

    /// To all of the user's sockets (Immich's `clientSend(event, userId, payload)`).
    pub fn emit(&self, user_id: &str, event: &str, payload: &Value) {
        self.emit_where(|owner| owner.user_id == user_id, event, payload);
    }

    /// Whether an event for the user would reach a socket now: one of theirs is connected and
    /// the server is not silent. Lets a caller skip building a payload nobody would get.
    pub fn reaches(&self, user_id: &str) -> bool {
        !self.is_silent()
            && self.with_sockets(|sockets| {
                sockets.values().any(|entry| {
                    entry
                        .owner
                        .as_ref()
                        .is_some_and(|owner| owner.user_id == user_id)
                })
            })
    }

    /// To the sockets opened with that login session only.
    pub fn emit_to_session(&self, session_id: &str, event: &str, payload: &Value) {
        let to = |owner: &Owner| owner.session_id.as_deref() == Some(session_id);
        self.emit_where(to, event, payload);
    }

    /// Closes every open socket; returns how many there were. They leave the count at once.
    pub fn drop_all(&self) -> usize {
        let entries: Vec<Entry> =
            self.with_sockets(|sockets| sockets.drain().map(|(_, e)| e).collect());
        for entry in &entries {
            let _ = entry.commands.send(Command::Drop);
        }
        entries.len()
    }

    /// Every open socket's owner; `None` for one not (yet) connected to the namespace.
    pub fn owners(&self) -> Vec<Option<Owner>> {
        self.with_sockets(|sockets| sockets.values().map(|entry| entry.owner.clone()).collect())
    }

    pub fn set_silent(&self, silent: bool) {
        self.silent.send_replace(silent);
    }

    pub fn is_silent(&self) -> bool {
        *self.silent.borrow()
    }

    /// Follows the silence switch, to wait for the server to speak again.
    pub fn silence(&self) -> watch::Receiver<bool> {
        self.silent.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn owner(user: &str, session: Option<&str>) -> Owner {
        Owner {
            user_id: user.into(),
            email: format!("{user}@example.org"),
            session_id: session.map(Into::into),
        }
    }

    fn frame(text: &str) -> Option<Command> {
        Some(Command::Frame(text.into()))
    }

    #[test]
    fn events_reach_only_the_users_connected_sockets() {
        let hub = Hub::default();
        let (a1, mut rx_a1) = hub.open();
        let (a2, mut rx_a2) = hub.open();
        let (b, mut rx_b) = hub.open();
        let (_anonymous, mut rx_anonymous) = hub.open();
        a1.subscribe(owner("a", None));
        a2.subscribe(owner("a", Some("s")));
        b.subscribe(owner("b", None));

        hub.emit("a", "on_upload_success", &json!({"id": "1"}));
        let expected = r#"42["on_upload_success",{"id":"1"}]"#;
        assert_eq!(rx_a1.try_recv().ok(), frame(expected));
        assert_eq!(rx_a2.try_recv().ok(), frame(expected));
        assert!(rx_b.try_recv().is_err());
        assert!(rx_anonymous.try_recv().is_err());

        hub.emit_to_session("s", "on_session_delete", &json!("s"));
        assert!(rx_a1.try_recv().is_err());
        assert_eq!(
            rx_a2.try_recv().ok(),
            frame(r#"42["on_session_delete","s"]"#)
        );

        drop(a2);
        assert_eq!(hub.owners().len(), 3);
        hub.emit("a", "x", &json!(null));
        assert!(rx_a1.try_recv().is_ok());
        assert!(rx_a2.try_recv().is_err());
    }

    #[test]
    fn a_user_is_reached_only_through_a_connected_socket_of_theirs() {
        let hub = Hub::default();
        let (a, _rx_a) = hub.open();
        assert!(!hub.reaches("a"), "not yet connected to the namespace");
        a.subscribe(owner("a", None));
        assert!(hub.reaches("a"));
        assert!(!hub.reaches("b"));
        hub.set_silent(true);
        assert!(!hub.reaches("a"), "a silent server reaches nobody");
        hub.set_silent(false);
        drop(a);
        assert!(!hub.reaches("a"));
    }

    #[test]
    fn silence_loses_events_and_drop_empties_the_hub() {
        let hub = Hub::default();
        let (a, mut rx_a) = hub.open();
        a.subscribe(owner("a", None));
        hub.set_silent(true);
        hub.emit("a", "lost", &json!(1));
        hub.set_silent(false);
        hub.emit("a", "kept", &json!(2));
        assert_eq!(rx_a.try_recv().ok(), frame(r#"42["kept",2]"#));
        assert!(rx_a.try_recv().is_err());

        let (_b, mut rx_b) = hub.open();
        assert_eq!(hub.drop_all(), 2);
        assert_eq!(rx_a.try_recv().ok(), Some(Command::Drop));
        assert_eq!(rx_b.try_recv().ok(), Some(Command::Drop));
        assert!(hub.owners().is_empty());
        // A socket subscribing after the drop stays out of the hub.
        a.subscribe(owner("a", None));
        assert!(hub.owners().is_empty());
        assert_eq!(hub.drop_all(), 0);
    }
}
