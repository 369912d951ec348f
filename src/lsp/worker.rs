//! The compile thread: compilations run here, off the server's loop, so that requests that do
//! not need the newest analysis (hover, completion in a document that did not change) are
//! answered while a large spec recompiles. The newest text wins: jobs that queued up while a
//! compilation ran are skipped for the last one.

use super::world::{Job, Snapshot};
use crossbeam_channel::{Receiver, Sender};
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

/// What a job gave: its snapshot (`None` when the compiler failed on it) and how long it took.
pub struct Compiled {
    pub generation: u64,
    pub snapshot: Option<Snapshot>,
    pub took: Duration,
}

/// Starts the thread; it ends when the job sender is dropped.
pub fn start() -> (Sender<Job>, Receiver<Compiled>) {
    let (jobs, inbox) = crossbeam_channel::unbounded::<Job>();
    let (outbox, results) = crossbeam_channel::unbounded();
    std::thread::Builder::new()
        .name("aims-compile".into())
        // The compile recurses as deep as the rules nest (bounded); a large stack keeps every
        // bounded input safe, as on the command line's threads.
        .stack_size(64 << 20)
        .spawn(move || {
            // Parsed trees and checked nodes of the last compilation: after a keystroke only
            // the edited file is parsed and checked again, the others (and the stdlib) come
            // from here.
            let trees = crate::cache::MemoryTrees::default();
            while let Ok(mut job) = inbox.recv() {
                job = inbox.try_iter().last().unwrap_or(job);
                let generation = job.generation;
                let started = Instant::now();
                let snapshot = std::panic::catch_unwind(AssertUnwindSafe(|| job.compile(&trees))).ok();
                if outbox.send(Compiled { generation, snapshot, took: started.elapsed() }).is_err() {
                    return;
                }
            }
        })
        .expect("the compile thread starts");
    (jobs, results)
}

/// Starts the thread that frees the snapshots the server replaced; it ends when the sender is
/// dropped. Freeing the Model of a large spec takes a while (about 0.2 s for 100 MB): on the
/// server's loop, every answer after a compilation would wait for it.
pub fn start_freeing() -> Sender<Snapshot> {
    let (retire, retired) = crossbeam_channel::unbounded::<Snapshot>();
    let started = std::thread::Builder::new().name("aims-free".into()).spawn(move || {
        for snapshot in retired {
            drop(snapshot);
        }
    });
    // Without the thread, a retired snapshot cannot be sent and is freed where it is: slower,
    // never wrong.
    drop(started);
    retire
}
