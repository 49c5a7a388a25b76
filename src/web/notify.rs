//! Telling people what happens: channel messages to every page (clients.postMessage) and system
//! notifications updated in place by tag.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Client, ClientQueryOptions, ClientType, Notification, NotificationOptions,
    NotificationPermission, ServiceWorkerGlobalScope,
};

use crate::core::channel::ChannelMessage;
use crate::core::progress::{NotificationKind, NotificationPayload};
use crate::web::extension;
use crate::web::json::to_js;

fn worker_scope() -> Option<ServiceWorkerGlobalScope> {
    js_sys::global().dyn_into::<ServiceWorkerGlobalScope>().ok()
}

/// Sends a channel message to every window of this origin, controlled or not (a page that has
/// just been reloaded is not controlled until the worker claims it). In an extension the
/// progress also goes on its toolbar button: the files waiting.
pub async fn broadcast(message: &ChannelMessage) -> Result<(), JsValue> {
    if let ChannelMessage::UpdateNotification(Some(update)) = message {
        // The badge is a hint: the pages still hear the numbers when it cannot be set.
        if let Err(e) = extension::set_badge(&update.state.badge_text()).await {
            web_sys::console::warn_2(&"[immich-background] badge not set:".into(), &e);
        }
    }
    let payload = to_js(&message.to_json())?;
    if let Some(scope) = worker_scope() {
        let options = ClientQueryOptions::new();
        options.set_include_uncontrolled(true);
        options.set_type(ClientType::Window);
        let clients = JsFuture::from(scope.clients().match_all_with_options(&options)).await?;
        for client in js_sys::Array::from(&clients).iter() {
            client.unchecked_into::<Client>().post_message(&payload)?;
        }
    }
    Ok(())
}

/// Shows or replaces the notification of this kind. Without the permission there is nothing to
/// show, which is not an error: the page still gets the channel messages.
pub async fn show(kind: NotificationKind, payload: &NotificationPayload) -> Result<(), JsValue> {
    let Some(scope) = worker_scope() else {
        return Ok(());
    };
    if Notification::permission() != NotificationPermission::Granted {
        return Ok(());
    }
    let options = NotificationOptions::new();
    options.set_body(&payload.content);
    options.set_tag(kind.tag());
    options.set_silent(Some(true));
    let promise = scope
        .registration()
        .show_notification_with_options(&payload.title, &options)?;
    JsFuture::from(promise).await?;
    Ok(())
}

/// Closes the notification of this kind, if one is shown.
pub async fn close(kind: NotificationKind) -> Result<(), JsValue> {
    let Some(scope) = worker_scope() else {
        return Ok(());
    };
    let shown = JsFuture::from(scope.registration().get_notifications()?).await?;
    for notification in js_sys::Array::from(&shown).iter() {
        let notification: Notification = notification.unchecked_into();
        if notification.tag().as_deref() == Some(kind.tag()) {
            notification.close();
        }
    }
    Ok(())
}
