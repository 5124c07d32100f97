//! Streaming a body produced by blocking code (RocksDB reads, SPARQL evaluation) without
//! collecting it: the producer writes into a bounded channel, the response reads from it.
//!
//! If the producer fails after the status line has gone out, the stream ends with an error so
//! the connection is cut: a client sees a broken transfer, never a silently truncated answer.

use axum::body::Body;
use bytes::Bytes;
use std::io::{self, Read, Seek, Write};
use tokio::sync::mpsc;

const CHUNK: usize = 64 * 1024;

/// `std::io::Write` into a response body.
pub struct BodyWriter {
    sender: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
}

/// Creates a writer and the body it feeds. A few chunks of back-pressure keep memory flat
/// when the client reads slowly. `keep_alive` lives as long as the body: dropping it is how
/// the producer learns that the client went away (see `sparql::CancelOnDrop`).
pub fn channel_body<K: Send + 'static>(keep_alive: K) -> (BodyWriter, Body) {
    let (sender, receiver) = mpsc::channel::<io::Result<Bytes>>(4);
    let stream = futures_util::stream::unfold((receiver, keep_alive), |(mut r, k)| async move {
        r.recv().await.map(|item| (item, (r, k)))
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

/// Holds an answer until it is known to be complete and within the result cap: in memory up
/// to `memory_limit` bytes, then in an anonymous temporary file, so a large answer costs disk,
/// not RAM.
pub struct Spool {
    memory: Vec<u8>,
    file: Option<std::fs::File>,
    memory_limit: usize,
}

impl Spool {
    /// An empty spool that moves to disk past `memory_limit` bytes.
    pub fn new(memory_limit: usize) -> Self {
        Self {
            memory: Vec::new(),
            file: None,
            memory_limit,
        }
    }

    /// Reads everything spooled, from the start.
    pub fn into_reader(mut self) -> io::Result<Box<dyn Read + Send>> {
        match self.file.take() {
            None => Ok(Box::new(io::Cursor::new(self.memory))),
            Some(mut file) => {
                file.write_all(&self.memory)?;
                file.rewind()?;
                Ok(Box::new(io::BufReader::new(file)))
            }
        }
    }

    /// Copies everything spooled into `out`.
    pub fn drain_into(mut self, out: &mut (impl Write + ?Sized)) -> io::Result<()> {
        match self.file.as_mut() {
            None => out.write_all(&self.memory),
            Some(file) => {
                file.write_all(&self.memory)?;
                file.rewind()?;
                let mut buf = vec![0; CHUNK];
                loop {
                    let n = file.read(&mut buf)?;
                    if n == 0 {
                        return Ok(());
                    }
                    out.write_all(&buf[..n])?;
                }
            }
        }
    }
}

impl Write for Spool {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.memory.extend_from_slice(buf);
        if self.memory.len() >= self.memory_limit {
            let file = match self.file.as_mut() {
                Some(f) => f,
                None => self.file.insert(tempfile::tempfile()?),
            };
            file.write_all(&self.memory)?;
            self.memory.clear();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spool_keeps_everything_in_order_across_the_spill() {
        let mut spool = Spool::new(10);
        for i in 0..100u8 {
            spool.write_all(&[i; 3]).expect("write");
        }
        let mut out = Vec::new();
        spool.drain_into(&mut out).expect("drain");
        let expected: Vec<u8> = (0..100u8).flat_map(|i| [i; 3]).collect();
        assert_eq!(out, expected);
        let mut spool = Spool::new(10);
        spool.write_all(&expected).expect("write");
        let mut read = Vec::new();
        spool
            .into_reader()
            .expect("reader")
            .read_to_end(&mut read)
            .expect("read");
        assert_eq!(read, expected);
    }
}
