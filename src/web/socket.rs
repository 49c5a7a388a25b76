//! The WebSocket transport of the live updates: text frames in and out, the open and close
//! reported to one callback. Written over `web_sys::WebSocket` rather than gloo-net's socket,
//! whose stream and sink cannot be closed once split and which reports no open event: the
//! realtime engine needs both.
//!
//! A browser WebSocket cannot set headers: the server sees the cookies of its origin (the
//! session cookie `immich_access_token` of a same-origin deployment), which is how Immich
//! authenticates the socket.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// What happened to the socket.
#[derive(Debug)]
pub enum SocketEvent {
    Opened,
    Frame(String),
    /// Closed by either side or lost; nothing follows.
    Closed,
}

/// An open (or opening) WebSocket; dropping it closes the socket without a further event.
pub struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut(JsValue)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Socket {
    /// Starts opening a socket to `url`; `on_event` hears its open, frames and close.
    pub fn open(
        url: &str,
        on_event: impl Fn(SocketEvent) + Clone + 'static,
    ) -> Result<Socket, JsValue> {
        let ws = WebSocket::new(url)?;
        let opened = on_event.clone();
        let on_open = Closure::<dyn FnMut(JsValue)>::new(move |_| opened(SocketEvent::Opened));
        let framed = on_event.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            // Immich sends text frames only; a binary one is nothing this client reads.
            if let Some(text) = event.data().as_string() {
                framed(SocketEvent::Frame(text));
            }
        });
        let on_close =
            Closure::<dyn FnMut(CloseEvent)>::new(move |_| on_event(SocketEvent::Closed));
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // An error is always followed by a close event, which reports it.
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Socket {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        })
    }

    pub fn send(&self, frame: &str) -> Result<(), JsValue> {
        self.ws.send_with_str(frame)
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        // Closing a socket that is closing or closed does nothing.
        let _ = self.ws.close();
    }
}
