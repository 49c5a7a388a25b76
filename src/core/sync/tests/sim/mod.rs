//! The property the mirror rests on: whatever people do to the server between syncs, however
//! the stream is cut into chunks and batches, wherever the worker is killed between a commit and
//! its ack (restarted with its stored pending acks, or with them lost), the mirror ends as the
//! same syncs without any of that make it; and that mirror is the server's library.

mod changes;
mod server;

use proptest::prelude::*;

use super::super::{SyncConfig, SyncEngine, SyncOutcome, SyncSetup};
use super::driver::{run, Drive, End, Rng, Trace};
use super::model::{Mirror, Store};
use changes::{change, Change};
use server::{SimServer, ME};

#[derive(Clone, Debug)]
struct World {
    /// Changes, then a sync, per round.
    rounds: Vec<Vec<Change>>,
    seed: u64,
    batch_lines: usize,
    batch_ms: i64,
    max_chunk: u64,
    kill_one_in: u64,
    /// One in this many ack requests or chunks fails.
    fail_one_in: u64,
    /// A restart after a kill gets the stored pending acks (else they were lost).
    keep_pending: bool,
}

fn world() -> impl Strategy<Value = World> {
    (
        proptest::collection::vec(proptest::collection::vec(change(), 0..10), 1..5),
        any::<u64>(),
        1usize..6,
        0i64..400,
        1u64..600,
        (2u64..6, 2u64..40),
        any::<bool>(),
    )
        .prop_map(
            |(
                rounds,
                seed,
                batch_lines,
                batch_ms,
                max_chunk,
                (kill_one_in, fail_one_in),
                keep_pending,
            )| {
                World {
                    rounds,
                    seed,
                    batch_lines,
                    batch_ms,
                    max_chunk,
                    kill_one_in,
                    fail_one_in,
                    keep_pending,
                }
            },
        )
}

/// Syncs until one ends whole; a killed worker, or a sync failed by a broken stream, starts
/// again with the same server state.
fn sync_round(
    server: &mut SimServer,
    store: &mut Store,
    config: &SyncConfig,
    drive: &mut Drive,
    keep_pending: bool,
) -> Result<(), TestCaseError> {
    let mut lost_pending = false;
    for restart in 0..100 {
        if restart == 50 {
            // Enough kills and failures: the run must end.
            drive.kill_one_in = 0;
            drive.fail_one_in = 0;
        }
        let pending_acks = if lost_pending {
            Vec::new()
        } else {
            store.pending_acks.clone()
        };
        let mut engine = SyncEngine::new(SyncSetup { pending_acks }, config.clone());
        let mut trace = Trace::default();
        let end = run(&mut engine, server, store, drive, &mut trace);
        match end.map_err(TestCaseError::fail)? {
            End::Report(report) => match report.outcome {
                SyncOutcome::Done | SyncOutcome::NothingNew => return Ok(()),
                SyncOutcome::Failed(message) if message.contains("offline") => {}
                other => prop_assert!(false, "{other:?}"),
            },
            End::Killed => lost_pending = !keep_pending,
        }
    }
    Err(TestCaseError::fail("the syncs never ended"))
}

/// Every round's changes then its sync; returns the mirror and the server.
fn play(world: &World, rough: bool) -> Result<(Mirror, SimServer), TestCaseError> {
    let config = if rough {
        SyncConfig {
            batch_lines: world.batch_lines,
            batch_ms: world.batch_ms,
        }
    } else {
        SyncConfig::default()
    };
    let mut drive = if rough {
        Drive {
            rng: Rng::new(world.seed),
            max_chunk: world.max_chunk,
            kill_one_in: world.kill_one_in,
            max_step_ms: 200,
            fail_one_in: world.fail_one_in,
        }
    } else {
        Drive::plain()
    };
    let mut server = SimServer::new();
    let mut store = Store::default();
    for round in &world.rounds {
        for change in round {
            server.apply(change);
        }
        sync_round(
            &mut server,
            &mut store,
            &config,
            &mut drive,
            world.keep_pending,
        )?;
    }
    Ok((store.mirror, server))
}

/// The library a first sync of this server's state gives.
fn fresh(server: &SimServer) -> Result<Mirror, TestCaseError> {
    let mut server = server.clone();
    server.checkpoints.clear();
    server.pending_reset = false;
    let mut store = Store::default();
    sync_round(
        &mut server,
        &mut store,
        &SyncConfig::default(),
        &mut Drive::plain(),
        true,
    )?;
    Ok(store.mirror)
}

/// What an incremental mirror keeps that a first sync would not send: the assets (and exif) of
/// someone who no longer shares with me, as Immich's own clients keep them.
fn without_former_partners(mut mirror: Mirror, server: &SimServer) -> Mirror {
    let sharing = server.sharing();
    mirror
        .assets
        .retain(|_, a| a.owner_id == ME || sharing.contains(&a.owner_id));
    let assets = mirror.assets.clone();
    mirror.exifs.retain(|id, _| assets.contains_key(id));
    mirror
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn any_cut_and_any_kill_end_in_the_mirror_of_clean_syncs_which_is_the_server_s(world in world()) {
        let (clean, server) = play(&world, false)?;
        let (rough, _) = play(&world, true)?;
        prop_assert_eq!(&rough, &clean);
        let truth = fresh(&server)?;
        prop_assert_eq!(without_former_partners(clean, &server), truth);
    }
}
