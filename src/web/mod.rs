//! Thin adapters over browser APIs, one per file, plus the two drivers that use them: the
//! service worker's (`backup_driver`) and the page's (`page`). They perform what src/core
//! decides.

pub mod backup_driver;
pub mod console;
pub mod files;
pub mod http;
pub mod locks;
pub mod notify;
pub mod page;
pub mod store;
