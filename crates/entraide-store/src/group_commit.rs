//! Group commit: many concurrent writes share one transaction, hence one fsync.
//!
//! A durable commit costs a disk flush (milliseconds); a mark costs microseconds of work.
//! So the writer takes whatever has queued up while the previous commit was flushing, up to
//! a cap, commits it as one transaction, and only then acknowledges each write. Under light
//! load a batch is one write and latency is one flush; under heavy load batches grow and
//! throughput follows. Nothing is acknowledged before it is durable.

use tokio::sync::{mpsc, oneshot};

/// The most writes one transaction takes: bounds the latency a write can add to the others
/// in its batch, and the memory a batch holds.
pub const MAX_BATCH: usize = 2048;

/// A write waiting for the writer, with where to send its outcome.
pub struct Pending<W, R> {
    pub write: W,
    pub reply: oneshot::Sender<R>,
}

/// The sending side, held by the store's request handlers.
pub struct Queue<W, R> {
    tx: mpsc::Sender<Pending<W, R>>,
}

impl<W, R> Clone for Queue<W, R> {
    fn clone(&self) -> Self {
        Self {
            tx: self.tx.clone(),
        }
    }
}

/// The receiving side, owned by the one writer (a thread for SQLite, a task for PostgreSQL).
pub struct Batches<W, R> {
    rx: mpsc::Receiver<Pending<W, R>>,
}

/// A queue that holds at most `capacity` writes: beyond that, senders wait, which is the
/// back-pressure that keeps memory bounded when the disk can't keep up.
pub fn queue<W, R>(capacity: usize) -> (Queue<W, R>, Batches<W, R>) {
    let (tx, rx) = mpsc::channel(capacity);
    (Queue { tx }, Batches { rx })
}

/// The writer has stopped (the store is shutting down or its thread died).
#[derive(Debug, thiserror::Error)]
#[error("the writer has stopped")]
pub struct WriterGone;

impl<W, R> Queue<W, R> {
    /// Queues a write and waits until the writer has committed it (or failed to).
    pub async fn submit(&self, write: W) -> Result<R, WriterGone> {
        let (reply, outcome) = oneshot::channel();
        self.tx
            .send(Pending { write, reply })
            .await
            .map_err(|_| WriterGone)?;
        outcome.await.map_err(|_| WriterGone)
    }
}

impl<W, R> Batches<W, R> {
    /// Waits for a first write, then takes every write already queued, up to `MAX_BATCH`.
    /// None once every sender is gone: the writer's cue to finish.
    pub async fn next(&mut self) -> Option<Vec<Pending<W, R>>> {
        let mut batch = Vec::new();
        if self.rx.recv_many(&mut batch, MAX_BATCH).await == 0 {
            return None;
        }
        Some(batch)
    }

    /// The same, for a writer on its own thread.
    pub fn blocking_next(&mut self) -> Option<Vec<Pending<W, R>>> {
        let first = self.rx.blocking_recv()?;
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match self.rx.try_recv() {
                Ok(pending) => batch.push(pending),
                Err(_) => break,
            }
        }
        Some(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writes_queued_during_a_commit_share_the_next_one() {
        let (queue, mut batches) = queue::<u32, u32>(1024);
        let senders: Vec<_> = (0..100)
            .map(|i| {
                let q = queue.clone();
                tokio::spawn(async move { q.submit(i).await.unwrap() })
            })
            .collect();
        drop(queue);
        tokio::task::yield_now().await;
        let mut sizes = Vec::new();
        while let Some(batch) = batches.next().await {
            sizes.push(batch.len());
            for p in batch {
                let _ = p.reply.send(p.write * 2);
            }
        }
        let mut results = Vec::new();
        for s in senders {
            results.push(s.await.unwrap());
        }
        results.sort();
        assert_eq!(results, (0..100).map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(sizes.iter().sum::<usize>(), 100);
        assert!(sizes.len() < 100, "writes were not grouped: {sizes:?}");
    }
}
