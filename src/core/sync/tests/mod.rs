//! Tests of the sync core: the line splitter and the decoder on the lines a real server sent.

mod decode;
mod lines;

/// Recorded from a stock Immich v3.1.0 server (see the fixtures' README in the repository's
/// shared fixtures): the first sync, one with nothing new, the one after edits, the one after
/// the album and the partner went, and the one after a reset.
const FIRST: &str = include_str!("fixtures/01-first-sync.jsonl");
const NOTHING_NEW: &str = include_str!("fixtures/02-nothing-new.jsonl");
const INCREMENTAL: &str = include_str!("fixtures/03-incremental.jsonl");
const GONE: &str = include_str!("fixtures/04-album-and-partner-gone.jsonl");
const AFTER_RESET: &str = include_str!("fixtures/05-after-reset.jsonl");

const FIXTURES: [&str; 5] = [FIRST, NOTHING_NEW, INCREMENTAL, GONE, AFTER_RESET];

const ME: &str = "8fb7b968-62bb-4f33-ab79-05266f4198c7";
const PARTNER: &str = "eb8dd7c1-de64-4da9-93bd-7fc2cfdf4b60";
const RED: &str = "ff2b9fd6-abfa-4699-ae23-4bb3c491ee81";
const GREEN: &str = "f4d4eb01-aa41-43fc-9cf3-a4c06b6f1445";
const YELLOW: &str = "b82254ad-54cf-415b-abb9-773a5546ed5d";
const ALBUM: &str = "4dcb3bde-c1c9-47da-9ade-a6b878110e79";
