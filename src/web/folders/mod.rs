//! Backup folders in the worker: the File System Access handles (`handles`) and the scan that
//! finds new and changed files in them (`scan`).

pub mod handles;
pub mod scan;
