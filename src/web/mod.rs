//! Thin adapters over browser APIs, one per file. They perform what src/core decides.

pub mod backup_run;
pub mod files;
pub mod hashing;
pub mod http;
pub mod logger;
pub mod notify;
pub mod page;
pub mod progress_report;
pub mod store;
pub mod worker;
