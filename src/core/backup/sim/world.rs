//! The simulated world's ingredients, drawn by proptest: files, outage windows, faults per
//! request, kills and clock jumps.

use proptest::prelude::*;

use super::super::proptests::checksum_of;

/// How the server answers one request, beyond being up or down.
#[derive(Clone, Copy, Debug)]
pub(super) enum Fault {
    None,
    Status(u16),
    Malformed,
    Timeout,
    /// Checks only: the answer leaves out the last id.
    MissingId,
    /// Checks only: the first id is answered twice (accept, then reject).
    RepeatedId,
    /// Checks and uploads: this status (429 or 503) with a `Retry-After`.
    RetryAfter(u16, Wait),
}

/// The `Retry-After` of a fault.
#[derive(Clone, Copy, Debug)]
pub(super) enum Wait {
    /// Delta-seconds; some are longer than a run waits.
    Seconds(u32),
    /// An HTTP-date this many seconds from the server's present (some past).
    Date(i64),
    /// Not a value the engine can read: the answer is as good as one without it.
    Garbage,
}

fn wait() -> impl Strategy<Value = Wait> {
    prop_oneof![
        (0u32..300).prop_map(Wait::Seconds),
        (-60i64..300).prop_map(Wait::Date),
        Just(Wait::Garbage),
    ]
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        6 => Just(Fault::None),
        1 => prop_oneof![Just(400u16), Just(403), Just(413), Just(429), Just(500), Just(502), Just(503)]
            .prop_map(Fault::Status),
        1 => Just(Fault::Malformed),
        1 => Just(Fault::Timeout),
        1 => Just(Fault::MissingId),
        1 => Just(Fault::RepeatedId),
        1 => (prop_oneof![Just(429u16), Just(503)], wait()).prop_map(|(s, w)| Fault::RetryAfter(s, w)),
    ]
}

#[derive(Clone, Debug)]
pub(super) struct File {
    pub(super) id: String,
    pub(super) size: u64,
    pub(super) checksum: String,
    pub(super) unreadable: bool,
    /// The queue id of its live video: mostly another file, sometimes itself, one naming it
    /// back, or no file at all.
    pub(super) live_video: Option<String>,
    pub(super) album: Option<String>,
}

/// A file's spec: content, size in kB, unreadable, live video, album.
type Spec = (u8, u8, bool, Option<u8>, Option<u8>);

fn spec() -> impl Strategy<Value = Spec> {
    (
        0u8..6,
        0u8..10,
        any::<bool>(),
        proptest::option::weighted(0.3, 0u8..8),
        proptest::option::weighted(0.5, 0u8..2),
    )
}

fn files() -> impl Strategy<Value = Vec<File>> {
    proptest::collection::vec(spec(), 0..7).prop_map(|specs| {
        let count = specs.len();
        specs
            .into_iter()
            .enumerate()
            .map(|(i, (content, size, unreadable, live, album))| File {
                id: format!("f{i}"),
                // Equal contents give equal checksums: the server must keep one.
                checksum: checksum_of(&format!("content-{content}")),
                size: u64::from(size) * 1000,
                unreadable: unreadable && size % 3 == 0,
                live_video: live.map(|k| match k {
                    7 => "not-queued".to_owned(),
                    k => format!("f{}", usize::from(k) % count),
                }),
                album: album.map(|a| format!("Album {a}")),
            })
            .collect()
    })
}

#[derive(Clone, Debug)]
pub(super) struct World {
    pub(super) files: Vec<File>,
    /// (start offset, length) of the times the server is away.
    pub(super) outages: Vec<(i64, i64)>,
    pub(super) faults: Vec<Fault>,
    pub(super) kills: Vec<bool>,
    /// The lifecycle halts the run (a pause) at these waits; it is resumed when it has ended.
    pub(super) halts: Vec<bool>,
    /// Clock changes at waits (a day back, an hour forward, nothing).
    pub(super) jumps: Vec<i64>,
    pub(super) seed: u64,
    /// The setting `parallelUploads`.
    pub(super) parallel: u32,
    /// The setting `hashStreamMinMb`: 0 streams every file (one hash at a time), the default
    /// reads these small files whole (several at once).
    pub(super) hash_stream_min_mb: u32,
    /// Waiting rows the engine asks for at a time, and how far hashing may run ahead of the
    /// uploads: small, so paging and the bound happen in every world.
    pub(super) page_rows: usize,
    pub(super) hashed_ahead: usize,
    /// The sizes of the pages the store answers with (each at most what was asked): a page
    /// may be short while more rows wait.
    pub(super) pages: Vec<usize>,
}

pub(super) fn world() -> impl Strategy<Value = World> {
    (
        files(),
        proptest::collection::vec((0i64..120_000, 1_000i64..400_000), 0..3),
        proptest::collection::vec(fault(), 0..30),
        proptest::collection::vec(proptest::bool::weighted(0.05), 0..200),
        proptest::collection::vec(proptest::bool::weighted(0.03), 0..200),
        proptest::collection::vec(
            prop_oneof![10 => Just(0i64), 1 => Just(-86_400_000), 1 => Just(3_600_000)],
            0..40,
        ),
        any::<u64>(),
        (1u32..=4, prop_oneof![Just(0u32), Just(64)]),
        (
            1usize..=6,
            1usize..=4,
            proptest::collection::vec(1usize..=6, 0..20),
        ),
    )
        .prop_map(
            |(
                files,
                outages,
                faults,
                kills,
                halts,
                jumps,
                seed,
                (parallel, hash_stream_min_mb),
                (page_rows, hashed_ahead, pages),
            )| World {
                files,
                outages,
                faults,
                kills,
                halts,
                jumps,
                seed,
                parallel,
                hash_stream_min_mb,
                page_rows,
                hashed_ahead,
                pages,
            },
        )
}
