//! A run holds a window of the queue: pages of waiting rows asked of the store, finished rows
//! let go, hashing a bounded distance ahead of the uploads, and numbers that count every row.

use std::collections::{BTreeMap, VecDeque};

use super::*;
use crate::core::backup::ItemSource;
use crate::core::channel::ChannelMessage;

/// The store as the worker reads it: rows by id (ids sort in queue order here), written by
/// `Persist`, paged by `Load`.
struct Paged {
    rows: BTreeMap<String, QueueItem>,
}

impl Paged {
    fn new(n: usize) -> Paged {
        let rows = (0..n)
            .map(|i| {
                let row = QueueItem::new(format!("f{i:05}"), format!("IMG_{i}.jpg"), 1_000, 0, 0);
                (row.id.clone(), row)
            })
            .collect();
        Paged { rows }
    }

    fn counts(&self) -> QueueCounts {
        QueueCounts::of(self.rows.values())
    }

    fn waiting(&self, engine: &Engine) -> Vec<QueueItem> {
        self.rows
            .values()
            .filter(|row| row.state == ItemState::Pending && engine.item(&row.id).is_none())
            .cloned()
            .collect()
    }

    /// The rows a run starts with: nothing is under way yet, so the first page.
    fn engine(&self, config: EngineConfig) -> Engine {
        let first: Vec<QueueItem> = self.rows.values().take(config.page_rows).cloned().collect();
        let setup = RunSetup {
            stored: self.counts(),
            ..setup(first)
        };
        Engine::new(setup, config, NOW)
    }

    fn page(&self, engine: &Engine, limit: usize) -> Input {
        let unknown = self.waiting(engine);
        let mut rows: Vec<QueueItem> = unknown.iter().take(limit).cloned().collect();
        let more = unknown.len() > rows.len();
        // The videos the page names come with it, finished or not, unless held.
        let named: Vec<QueueItem> = rows
            .iter()
            .filter_map(|row| self.rows.get(row.live_video.as_deref()?))
            .filter(|video| engine.item(&video.id).is_none())
            .filter(|video| !rows.iter().any(|row| row.id == video.id))
            .cloned()
            .collect();
        rows.extend(named);
        Input::Loaded {
            rows,
            waiting: if more { None } else { Some(0) },
        }
    }
}

/// What a run did, seen from outside.
#[derive(Default)]
struct Seen {
    uploads: Vec<String>,
    /// (photo, the video asset it was linked to) of the uploads that named one.
    links: Vec<(String, String)>,
    most_held: usize,
    most_ahead: usize,
    loads: usize,
    totals: Vec<u32>,
}

/// Runs the engine against the store and a server that accepts everything; `during` is
/// called at each wait with the store, the engine and how many uploads were sent so far.
fn run_paged(
    store: &mut Paged,
    config: EngineConfig,
    mut during: impl FnMut(&mut Paged, &mut Engine, usize),
) -> Seen {
    let mut engine = store.engine(config);
    let mut answers = VecDeque::new();
    let mut seen = Seen::default();
    for _ in 0..1_000_000 {
        seen.most_held = seen.most_held.max(engine.held());
        let counts = engine.counts();
        let ahead = [
            ItemState::Hashing,
            ItemState::Checking,
            ItemState::Uploading,
        ]
        .into_iter()
        .map(|state| counts.get(state) as usize)
        .sum::<usize>();
        seen.most_ahead = seen.most_ahead.max(ahead);
        match engine.poll_output() {
            Output::Ended(stop) => {
                assert_eq!(stop.reason, StopReason::Completed);
                return seen;
            }
            Output::Persist(rows) => {
                for row in rows {
                    store.rows.insert(row.id.clone(), row);
                }
            }
            Output::Load { limit } => {
                seen.loads += 1;
                let page = store.page(&engine, limit);
                engine.handle_input(page, NOW);
            }
            Output::Post(ChannelMessage::UpdateNotification(Some(update))) => {
                seen.totals.push(update.state.total_count);
            }
            Output::Hash { id, .. } => answers.push_back(Input::Hashed {
                result: Ok(crate::core::backup::proptests::checksum_of(&id)),
                id,
                on_server: None,
            }),
            Output::Check(request) => answers.push_back(accept_all(&request)),
            Output::Upload(request) => {
                seen.uploads.push(request.id.clone());
                let link = request
                    .fields
                    .iter()
                    .find(|(name, _)| *name == "livePhotoVideoId");
                if let Some((_, video)) = link {
                    seen.links.push((request.id.clone(), video.clone()));
                }
                answers.push_back(Input::UploadReply {
                    result: reply(
                        201,
                        &format!(r#"{{"id":"a-{}","status":"created"}}"#, request.id),
                    ),
                    id: request.id,
                });
            }
            Output::Wait(_) => {
                during(store, &mut engine, seen.uploads.len());
                let input = answers.pop_front().expect("the engine waits for nothing");
                engine.handle_input(input, NOW);
            }
            _ => {}
        }
    }
    panic!("the run never ended");
}

fn small_pages() -> EngineConfig {
    EngineConfig {
        page_rows: 40,
        hashed_ahead: 30,
        ..EngineConfig::default()
    }
}

#[test]
fn a_large_queue_is_sent_whole_in_order_from_a_small_window() {
    let mut store = Paged::new(2_000);
    let seen = run_paged(&mut store, small_pages(), |_, _, _| {});
    let expected: Vec<String> = store.rows.keys().cloned().collect();
    assert_eq!(seen.uploads, expected, "every file once, in queue order");
    assert!(store.rows.values().all(|row| row.state == ItemState::Done));
    // A page, the hashing ahead and a few answers on their way: never the queue.
    assert!(
        seen.most_held <= 40 + 30 + 10,
        "held {} rows",
        seen.most_held
    );
    // The first page comes with the run's start.
    assert_eq!(seen.loads, 2_000 / 40 - 1, "pages asked for");
}

#[test]
fn the_numbers_count_the_rows_not_held() {
    let mut store = Paged::new(500);
    let seen = run_paged(&mut store, small_pages(), |_, _, _| {});
    assert!(!seen.totals.is_empty());
    assert!(
        seen.totals.iter().all(|&total| total == 500),
        "{:?}",
        seen.totals
    );
}

#[test]
fn hashing_stays_a_bounded_distance_ahead_of_the_uploads() {
    for hashed_ahead in [1, 7] {
        let mut store = Paged::new(200);
        let config = EngineConfig {
            hashed_ahead,
            ..small_pages()
        };
        let seen = run_paged(&mut store, config, |_, _, _| {});
        assert_eq!(seen.uploads.len(), 200);
        assert!(seen.most_ahead <= hashed_ahead, "{} ahead", seen.most_ahead);
    }
}

#[test]
fn files_queued_during_a_run_join_it_once() {
    let mut store = Paged::new(100);
    let mut queued = false;
    let seen = run_paged(&mut store, small_pages(), |store, engine, sent| {
        if sent == 50 && !queued {
            queued = true;
            for i in 100..150 {
                let row = QueueItem::new(format!("f{i:05}"), format!("IMG_{i}.jpg"), 1_000, 0, 0);
                store.rows.insert(row.id.clone(), row);
            }
            let unknown = store.waiting(engine);
            let rows: Vec<QueueItem> = unknown.iter().take(40).cloned().collect();
            let waiting = Some((unknown.len() - rows.len()) as u32);
            engine.handle_input(Input::Loaded { rows, waiting }, NOW);
        }
    });
    let mut sent = seen.uploads.clone();
    sent.sort();
    sent.dedup();
    assert_eq!(sent.len(), 150);
    assert_eq!(seen.uploads.len(), 150, "each file once");
    assert_eq!(seen.totals.last(), Some(&150));
}

#[test]
fn a_photo_paged_in_after_its_video_was_let_go_is_linked_and_counted_once() {
    let mut store = Paged::new(100);
    for row in store.rows.values_mut() {
        row.source = ItemSource::Folder {
            folder_id: "camera".into(),
            path: format!("{}.jpg", row.id),
        };
    }
    // The video comes first in queue order, the photo last: pages apart.
    if let Some(photo) = store.rows.get_mut("f00099") {
        photo.live_video = Some("f00000".into());
    }
    let seen = run_paged(&mut store, small_pages(), |_, _, _| {});
    assert_eq!(seen.links, [("f00099".to_owned(), "a-f00000".to_owned())]);
    assert!(
        seen.totals.iter().all(|&total| total == 100),
        "{:?}",
        seen.totals
    );
}
