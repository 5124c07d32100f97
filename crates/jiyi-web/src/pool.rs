//! The parent side of the query workers (see `worker.rs` for why they exist): a pool of
//! `jiyi sparql-worker` processes reading checkpoints of the store, and the kill switch that
//! makes a time limit a hard limit.

use crate::WebError;
use crate::evaluate::{Failure, Job};
use crate::stream::BodyWriter;
use crate::worker::{ABORT, Head};
use jiyi_store::Store;
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::oneshot;

/// How to start a worker: the program and the arguments before `--snapshot DIR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerCommand {
    /// Usually the running `jiyi` binary.
    pub program: PathBuf,
    /// Usually `["sparql-worker"]`.
    pub args: Vec<String>,
}

/// Why a worker was killed, so the answer can say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Running,
    Finished,
    KilledForTime,
    KilledForClient,
}

/// Kills one worker from another task (the timer, or the client going away) unless its job
/// has already finished.
#[derive(Clone)]
pub(crate) struct Killer {
    child: Arc<Mutex<Child>>,
    fate: Arc<Mutex<Fate>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Killer {
    /// Kills the worker because its time is up.
    pub fn time_is_up(&self) {
        self.kill(Fate::KilledForTime);
    }

    /// Kills the worker because nobody waits for its answer any more.
    pub fn client_gone(&self) {
        self.kill(Fate::KilledForClient);
    }

    fn kill(&self, why: Fate) {
        let mut fate = lock(&self.fate);
        if *fate == Fate::Running {
            *fate = why;
            let _ = lock(&self.child).kill();
        }
    }

    /// Marks the job finished; false if the worker was killed first.
    fn finish(&self) -> bool {
        let mut fate = lock(&self.fate);
        if *fate == Fate::Running {
            *fate = Fate::Finished;
            true
        } else {
            false
        }
    }

    fn fate(&self) -> Fate {
        *lock(&self.fate)
    }
}

/// One worker process.
pub(crate) struct Worker {
    child: Arc<Mutex<Child>>,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    generation: u64,
}

impl Drop for Worker {
    fn drop(&mut self) {
        let mut child = lock(&self.child);
        let _ = child.kill();
        let _ = child.wait();
    }
}

struct PoolState {
    generation: u64,
    idle: Vec<Worker>,
    /// Workers alive per snapshot generation, so old snapshots can be deleted.
    live: HashMap<u64, usize>,
}

/// The worker pool. Workers of an old snapshot generation finish their job and are retired.
pub(crate) struct QueryPool {
    command: WorkerCommand,
    store: Store,
    root: PathBuf,
    state: Mutex<PoolState>,
}

impl QueryPool {
    /// Makes the first checkpoint next to the store (hard links need the same file system)
    /// and checks that a worker starts.
    pub fn new(store: Store, command: WorkerCommand) -> Result<Self, WebError> {
        let store_path = store.path().to_owned();
        let name = store_path
            .file_name()
            .map_or_else(|| "store".into(), |n| n.to_string_lossy().into_owned());
        let parent = store_path
            .parent()
            .map_or_else(|| PathBuf::from("."), std::path::Path::to_path_buf);
        let root = parent.join(format!(".{name}.jiyi-snapshots"));
        // The store's lock guarantees no other server uses these; they are leftovers.
        if root.exists() {
            std::fs::remove_dir_all(&root).map_err(|e| {
                WebError::Internal(format!("removing old snapshots in {}: {e}", root.display()))
            })?;
        }
        std::fs::create_dir_all(&root)
            .map_err(|e| WebError::Internal(format!("creating {}: {e}", root.display())))?;
        let pool = Self {
            command,
            store,
            root,
            state: Mutex::new(PoolState {
                generation: 0,
                idle: Vec::new(),
                live: HashMap::new(),
            }),
        };
        pool.store.checkpoint(&pool.snapshot_dir(0))?;
        let worker = pool.spawn(0)?;
        pool.check_in(worker);
        Ok(pool)
    }

    fn snapshot_dir(&self, generation: u64) -> PathBuf {
        self.root.join(generation.to_string())
    }

    fn spawn(&self, generation: u64) -> Result<Worker, WebError> {
        let mut child = Command::new(&self.command.program)
            .args(&self.command.args)
            .arg("--snapshot")
            .arg(self.snapshot_dir(generation))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| {
                WebError::Internal(format!(
                    "starting query worker {}: {e}",
                    self.command.program.display()
                ))
            })?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(WebError::Internal("query worker has no pipes".into()));
        };
        *lock(&self.state).live.entry(generation).or_default() += 1;
        Ok(Worker {
            child: Arc::new(Mutex::new(child)),
            stdin,
            stdout: BufReader::new(stdout),
            generation,
        })
    }

    /// An idle worker on the current snapshot, or a new one.
    pub fn check_out(&self) -> Result<(Worker, Killer), WebError> {
        let (reuse, generation) = {
            let mut state = lock(&self.state);
            let generation = state.generation;
            (state.idle.pop(), generation)
        };
        let worker = match reuse {
            Some(w) => w,
            None => self.spawn(generation)?,
        };
        let killer = Killer {
            child: Arc::clone(&worker.child),
            fate: Arc::new(Mutex::new(Fate::Running)),
        };
        Ok((worker, killer))
    }

    fn check_in(&self, worker: Worker) {
        let mut state = lock(&self.state);
        if worker.generation == state.generation {
            state.idle.push(worker);
        } else {
            drop(state);
            self.retire(worker);
        }
    }

    fn retire(&self, worker: Worker) {
        let generation = worker.generation;
        drop(worker);
        let mut state = lock(&self.state);
        let remaining = state.live.entry(generation).or_default();
        *remaining = remaining.saturating_sub(1);
        if *remaining == 0 && generation != state.generation {
            state.live.remove(&generation);
            let _ = std::fs::remove_dir_all(self.snapshot_dir(generation));
        }
    }

    /// After a write: queries from now on see a fresh checkpoint. Idle workers of the old one
    /// are retired now, busy ones when they finish.
    pub fn refresh(&self) -> Result<(), WebError> {
        let next = lock(&self.state).generation + 1;
        self.store.checkpoint(&self.snapshot_dir(next))?;
        let old_idle = {
            let mut state = lock(&self.state);
            state.generation = next;
            std::mem::take(&mut state.idle)
        };
        for worker in old_idle {
            self.retire(worker);
        }
        Ok(())
    }

    /// Runs `job` on `worker` (blocking), reporting the head through `head` and streaming the
    /// body into `body`. The query slot (`permit`) is given back before a failure is reported,
    /// so a client that retries at once finds it free.
    pub fn execute(
        &self,
        mut worker: Worker,
        killer: &Killer,
        job: &Job,
        permit: tokio::sync::OwnedSemaphorePermit,
        head: oneshot::Sender<Result<(), WebError>>,
        body: BodyWriter,
    ) {
        let failed = |killer: &Killer, job: &Job| -> WebError {
            match killer.fate() {
                Fate::KilledForTime => Failure::Timeout {
                    limit_ms: job.timeout_ms,
                }
                .into(),
                _ => WebError::Internal("the query worker stopped unexpectedly".into()),
            }
        };
        let sent = serde_json::to_string(job)
            .map_err(io::Error::other)
            .and_then(|line| {
                worker.stdin.write_all(line.as_bytes())?;
                worker.stdin.write_all(b"\n")?;
                worker.stdin.flush()
            });
        let mut line = String::new();
        let head_line = sent.and_then(|()| worker.stdout.read_line(&mut line));
        let parsed: Option<Head> = match head_line {
            Ok(n) if n > 0 => serde_json::from_str(&line).ok(),
            _ => None,
        };
        let Some(parsed) = parsed else {
            let error = failed(killer, job);
            self.retire(worker);
            drop(permit);
            let _ = head.send(Err(error));
            return;
        };
        if !parsed.ok {
            let failure = parsed.failure.unwrap_or(Failure::Internal {
                message: "the query worker failed without saying why".into(),
            });
            if killer.finish() {
                self.check_in(worker);
            } else {
                self.retire(worker);
            }
            drop(permit);
            let _ = head.send(Err(failure.into()));
            return;
        }
        let _ = head.send(Ok(()));
        match relay(&mut worker.stdout, body, killer) {
            Relay::Done { reusable, ending } => {
                // Worker and slot go back *before* the client sees the end of the answer, so
                // a client that sends its next query at once finds both free (no respawn, no
                // spurious 503).
                if reusable {
                    self.check_in(worker);
                } else {
                    self.retire(worker);
                }
                drop(permit);
                ending.send();
            }
            Relay::ClientGone => {
                killer.client_gone();
                self.retire(worker);
                drop(permit);
            }
            Relay::Broken => {
                self.retire(worker);
                drop(permit);
            }
        }
    }
}

impl Drop for QueryPool {
    fn drop(&mut self) {
        lock(&self.state).idle.clear();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

enum Relay {
    /// The worker sent its whole answer; `reusable` unless the killer fired first. The end of
    /// the response is still to be sent (`ending`).
    Done {
        reusable: bool,
        ending: Ending,
    },
    ClientGone,
    Broken,
}

/// The last step of a response: the normal end, or an error that cuts the connection.
enum Ending {
    Finish(BodyWriter),
    Abort(BodyWriter, String),
}

impl Ending {
    fn send(self) {
        match self {
            // A client gone at this point has its answer anyway; nothing is left to stop.
            Self::Finish(body) => {
                let _ = body.finish();
            }
            Self::Abort(body, message) => body.abort(message),
        }
    }
}

/// Copies frames from a worker to the response body. When the worker's last frame arrives the
/// job is marked finished and the body is *not* ended here: ending it drops the response's
/// keep-alive guard, which would take the normal end for a client that went away and kill a
/// healthy worker (measured: one query in ten paid ~40 ms for a respawn), and the client must
/// not see the end before the worker and its slot are back (see `execute`).
fn relay(from: &mut impl Read, mut body: BodyWriter, killer: &Killer) -> Relay {
    let mut len = [0u8; 4];
    let mut buf = Vec::new();
    loop {
        if from.read_exact(&mut len).is_err() {
            body.abort("the query was stopped (time limit reached or worker failure)");
            return Relay::Broken;
        }
        let n = u32::from_be_bytes(len);
        if n == 0 {
            return Relay::Done {
                reusable: killer.finish(),
                ending: Ending::Finish(body),
            };
        }
        if n == ABORT {
            let mut message = String::from("the query failed");
            if from.read_exact(&mut len).is_ok() {
                let mut m = vec![0; u32::from_be_bytes(len) as usize];
                if from.read_exact(&mut m).is_ok() {
                    message = String::from_utf8_lossy(&m).into_owned();
                }
            }
            return Relay::Done {
                reusable: killer.finish(),
                ending: Ending::Abort(body, message),
            };
        }
        buf.resize(n as usize, 0);
        if from.read_exact(&mut buf).is_err() {
            body.abort("the query was stopped (time limit reached or worker failure)");
            return Relay::Broken;
        }
        if body.write_all(&buf).is_err() {
            return Relay::ClientGone;
        }
    }
}
