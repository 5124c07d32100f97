//! Streaming a body produced by blocking code (RocksDB reads, SPARQL evaluation) without
//! collecting it: the producer writes into a bounded channel, the response reads from it.
//!
//! If the producer fails after the status line has gone out, the stream ends with an error so
//! the connection is cut: a client sees a broken transfer, never a silently truncated answer.

use axum::body::Body;
use bytes::Bytes;
use std::io::{self, Write};
use tokio::sync::mpsc;

const CHUNK: usize = 64 * 1024;

/// `std::io::Write` into a response body.
pub struct BodyWriter {
    sender: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
}

/// Creates a writer and the body it feeds. A few chunks of back-pressure keep memory flat
/// when the client reads slowly.
pub fn channel_body() -> (BodyWriter, Body) {
    let (sender, receiver) = mpsc::channel::<io::Result<Bytes>>(4);
    let stream = futures_util::stream::unfold(receiver, |mut r| async move {
        r.recv().await.map(|item| (item, r))
    });
    (
        BodyWriter {
            sender,
            buffer: Vec::with_capacity(CHUNK),
        },
        Body::from_stream(stream),
    )
}

impl BodyWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        // Fails when the client has gone away: the producer then stops working for nobody.
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "client disconnected"))
    }

    /// Ends the body with an error so the transfer is visibly broken.
    pub fn abort(mut self, error: impl std::fmt::Display) {
        let _ = self.send();
        tracing::warn!("response aborted mid-stream: {error}");
        let _ = self
            .sender
            .blocking_send(Err(io::Error::other(error.to_string())));
    }

    /// Sends what is buffered; the body ends when the writer is dropped.
    pub fn finish(mut self) -> io::Result<()> {
        self.send()
    }
}

impl Write for BodyWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
