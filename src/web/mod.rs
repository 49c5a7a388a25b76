//! Thin adapters over browser APIs, one per file, plus the drivers that use them: the service
//! worker's (`service_driver` for the background service, `backup_driver` for a run) and the
//! page's (`page`). They perform what src/core decides.

pub mod albums;
pub mod background_fetch;
pub mod backup_driver;
pub mod clients;
pub mod console;
pub mod extension;
pub mod files;
pub mod folders;
pub mod http;
pub mod json;
pub mod locks;
pub mod notify;
pub mod page;
pub mod page_fetch;
pub mod page_folders;
pub mod page_library;
pub mod page_login;
pub mod realtime_driver;
pub mod service_driver;
pub mod socket;
pub mod sources;
pub mod store;
pub mod sync_driver;
pub mod wakeups;
