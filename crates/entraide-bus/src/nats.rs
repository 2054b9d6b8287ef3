//! The NATS transport: carries every event and cache invalidation to every instance serving
//! the same city, so a contact connected to another instance hears of a mark at once.
//!
//! Core NATS publish/subscribe, not JetStream: a live event is only useful now, and an
//! instance that missed one while disconnected loses nothing durable, because the inbox in
//! the database is the record and pages reload their state when their stream reconnects.

use crate::{Hub, Invalidation};
use entraide_core::{Event, Recipients};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio::sync::{broadcast, mpsc};

/// How many messages may wait to be sent to NATS before new ones are dropped (and logged):
/// a slow or absent NATS server must never hold up a mark.
const OUTBOX: usize = 16_384;

/// What crosses between instances.
#[derive(Serialize, Deserialize)]
struct Envelope {
    /// The instance that sent it, which has already delivered it locally.
    origin: uuid::Uuid,
    message: Message,
}

#[derive(Serialize, Deserialize)]
enum Message {
    Event {
        recipients: Recipients,
        event: Event,
    },
    Invalidate(Invalidation),
}

#[derive(Debug, thiserror::Error)]
pub enum NatsError {
    #[error("connecting to NATS at {url}: {source}")]
    Connect {
        url: String,
        source: async_nats::ConnectError,
    },
    #[error("subscribing to {subject}: {source}")]
    Subscribe {
        subject: String,
        source: async_nats::SubscribeError,
    },
}

/// Connects to the NATS server at `url` and subscribes to `subject`: the client (which must
/// be kept, or the connection closes) and its subscription. Used by the bus and by whatever
/// else reads a subject, such as the posts the trends count.
pub async fn subscribe(
    url: &str,
    subject: &str,
) -> Result<(async_nats::Client, async_nats::Subscriber), NatsError> {
    let client = async_nats::connect(url)
        .await
        .map_err(|source| NatsError::Connect {
            url: url.to_string(),
            source,
        })?;
    let subscriber = client
        .subscribe(subject.to_string())
        .await
        .map_err(|source| NatsError::Subscribe {
            subject: subject.to_string(),
            source,
        })?;
    Ok((client, subscriber))
}

/// The sending half, held by the bus.
pub(crate) struct Remote {
    origin: uuid::Uuid,
    outbox: mpsc::Sender<Vec<u8>>,
}

impl Remote {
    /// Connects, subscribes to `subject`, and starts the tasks that send and receive.
    pub(crate) async fn connect(
        url: &str,
        subject: &str,
        hub: Arc<Hub>,
        invalidations: broadcast::Sender<Invalidation>,
    ) -> Result<Self, NatsError> {
        let (client, subscriber) = subscribe(url, subject).await?;
        let origin = uuid::Uuid::new_v4();
        tokio::spawn(receive(subscriber, origin, hub, invalidations));
        let (outbox, pending) = mpsc::channel(OUTBOX);
        tokio::spawn(send(client, subject.to_string(), pending));
        Ok(Self { origin, outbox })
    }

    pub(crate) fn event(&self, recipients: &Recipients, event: &Event) {
        self.post(Message::Event {
            recipients: recipients.clone(),
            event: event.clone(),
        });
    }

    pub(crate) fn invalidate(&self, invalidation: Invalidation) {
        self.post(Message::Invalidate(invalidation));
    }

    fn post(&self, message: Message) {
        let envelope = Envelope {
            origin: self.origin,
            message,
        };
        let bytes = serde_json::to_vec(&envelope).expect("envelopes serialize");
        if self.outbox.try_send(bytes).is_err() {
            tracing::warn!("NATS is not keeping up: a live event for other instances was dropped");
        }
    }
}

/// One task sends, in order, so that events reach other instances in the order they happened.
async fn send(client: async_nats::Client, subject: String, mut pending: mpsc::Receiver<Vec<u8>>) {
    while let Some(bytes) = pending.recv().await {
        if let Err(e) = client.publish(subject.clone(), bytes.into()).await {
            tracing::warn!(error = %e, "could not publish to NATS");
        }
    }
}

async fn receive(
    mut subscriber: async_nats::Subscriber,
    origin: uuid::Uuid,
    hub: Arc<Hub>,
    invalidations: broadcast::Sender<Invalidation>,
) {
    while let Some(message) = subscriber.next().await {
        let envelope: Envelope = match serde_json::from_slice(&message.payload) {
            Ok(envelope) => envelope,
            Err(e) => {
                tracing::warn!(error = %e, "ignored a malformed message on the event subject");
                continue;
            }
        };
        if envelope.origin == origin {
            continue;
        }
        match envelope.message {
            Message::Event { recipients, event } => hub.publish(&recipients, event),
            Message::Invalidate(invalidation) => {
                let _ = invalidations.send(invalidation);
            }
        }
    }
}
