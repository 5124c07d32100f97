//! Query worker processes: why and how.
//!
//! Oxigraph checks a query's cancellation token when it reads the store, but not inside
//! in-memory joins: a cartesian product over cached rows can run for minutes (and fill memory)
//! after its timeout. A thread cannot be killed; a process can. So `jiyi serve` evaluates
//! `/sparql` queries in a small pool of worker processes (`jiyi sparql-worker`), each reading
//! an immutable checkpoint of the store. A query that overruns its time limit is first
//! cancelled cooperatively; if it has not stopped shortly after, its worker is killed and
//! replaced. A client that disconnects gets the same treatment. The server, its other queries
//! and its memory are unaffected.
//!
//! Protocol on the worker's stdin/stdout, one job at a time:
//! - request: one line of JSON, an [`crate::evaluate::Job`];
//! - answer head: one line of JSON, `{"ok":true}` or `{"ok":false,"failure":{…}}`;
//! - after an `ok` head, the body in frames: a 4-byte big-endian length and that many bytes;
//!   length 0 ends the body; length `u32::MAX` is followed by one frame with an error
//!   message, and means the body must be cut (the client must see a broken transfer).

use crate::evaluate::{Failure, Job, evaluate};
use jiyi_store::{QueryCancel, Store};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::io::{self, BufRead, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// Marks an aborted body.
pub(crate) const ABORT: u32 = u32::MAX;
const FRAME: usize = 64 * 1024;

/// The head line of an answer.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Head {
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
}

/// Runs a worker: answers jobs from `input` on `output` until `input` ends. This is the whole
/// of `jiyi sparql-worker`.
pub fn serve_stdio(snapshot: &Path, input: impl BufRead, output: impl Write) -> io::Result<()> {
    let store = Store::open_read_only(snapshot).map_err(io::Error::other)?;
    let mut output = io::BufWriter::new(output);
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let job: Job = match serde_json::from_str(&line) {
            Ok(job) => job,
            Err(e) => {
                write_head(
                    &mut output,
                    Err(Failure::Internal {
                        message: format!("bad job: {e}"),
                    }),
                )?;
                continue;
            }
        };
        run_job(&store, &job, &mut output)?;
    }
    Ok(())
}

fn write_head(out: &mut impl Write, head: Result<(), Failure>) -> io::Result<()> {
    let head = match head {
        Ok(()) => Head {
            ok: true,
            failure: None,
        },
        Err(f) => Head {
            ok: false,
            failure: Some(f),
        },
    };
    serde_json::to_writer(&mut *out, &head).map_err(io::Error::other)?;
    out.write_all(b"\n")?;
    out.flush()
}

fn run_job(store: &Store, job: &Job, out: &mut impl Write) -> io::Result<()> {
    let cancel = QueryCancel::new();
    let timed_out = Arc::new(AtomicBool::new(false));
    // The worker enforces the time limit itself; the parent kills it only if this fails.
    let (done, finished) = mpsc::channel::<()>();
    let timer = {
        let cancel = cancel.clone();
        let timed_out = Arc::clone(&timed_out);
        let limit = Duration::from_millis(job.timeout_ms);
        std::thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = finished.recv_timeout(limit) {
                timed_out.store(true, Ordering::SeqCst);
                cancel.cancel();
            }
        })
    };
    // The head and the body go to the same stream, one after the other.
    let frames = RefCell::new(FrameWriter {
        out: &mut *out,
        buffer: Vec::with_capacity(FRAME),
        head_ok: false,
        error: None,
    });
    let outcome = {
        let mut head = |h: Result<(), Failure>| frames.borrow_mut().head(h);
        let mut body = SharedFrames(&frames);
        evaluate(store, job, &cancel, &timed_out, &mut head, &mut body)
    };
    drop(done);
    let _ = timer.join();
    let frames = frames.into_inner();
    if let Some(e) = frames.error {
        return Err(e);
    }
    if frames.head_ok {
        match outcome {
            Ok(()) => frames.end()?,
            Err(message) => frames.abort(&message)?,
        }
    }
    Ok(())
}

/// Lets `evaluate` write the body through the cell that also writes the head.
struct SharedFrames<'c, 'o, W: Write>(&'c RefCell<FrameWriter<'o, W>>);

impl<W: Write> Write for SharedFrames<'_, '_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes the head line, then the body as frames.
struct FrameWriter<'a, W: Write> {
    out: &'a mut W,
    buffer: Vec<u8>,
    head_ok: bool,
    /// A failure writing the head, reported after evaluation.
    error: Option<io::Error>,
}

impl<W: Write> FrameWriter<'_, W> {
    fn head(&mut self, head: Result<(), Failure>) {
        self.head_ok = head.is_ok();
        if let Err(e) = write_head(self.out, head) {
            self.error = Some(e);
        }
    }

    fn frame(&mut self, bytes: &[u8]) -> io::Result<()> {
        let len = u32::try_from(bytes.len()).map_err(io::Error::other)?;
        self.out.write_all(&len.to_be_bytes())?;
        self.out.write_all(bytes)
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let buffer = std::mem::take(&mut self.buffer);
        self.frame(&buffer)?;
        self.out.flush()
    }

    fn end(mut self) -> io::Result<()> {
        self.send()?;
        self.frame(&[])?;
        self.out.flush()
    }

    fn abort(mut self, message: &str) -> io::Result<()> {
        self.send()?;
        self.out.write_all(&ABORT.to_be_bytes())?;
        self.frame(message.as_bytes())?;
        self.out.flush()
    }
}

impl<W: Write> Write for FrameWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        if self.buffer.len() >= FRAME {
            self.send()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
