//! The event bus: a mark made on one request must reach the open pages of the marker's
//! contacts at once, whichever instance they are connected to.
//!
//! [`Hub`] routes events to the live streams open on this instance, by account, so a mark
//! costs one channel send per connected contact and nothing for the others. [`Bus`] is what
//! the application publishes to: it hands events to the local hub and, when several
//! instances serve one city, to NATS ([`nats`]), which carries them to every other
//! instance's hub. The hub stays the one place that decides who on an instance hears what.
//! The bus also carries [`Invalidation`]s, so caches of sessions and crises on other
//! instances forget at once what changed here.
//!
//! Delivery is best effort by design: the durable record is the store (the inbox), and a
//! stream that falls behind skips ahead rather than slowing the writer down.

pub mod nats;

use dashmap::DashMap;
use entraide_core::{AccountId, CrisisId, Event, MissingId, Recipients};
use futures::Stream;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

/// Something another instance may hold in a cache and must forget.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Invalidation {
    /// A session ended (logout): its token must stop working everywhere.
    Session([u8; 32]),
    /// A crisis changed status.
    Crisis(CrisisId),
    /// An Open Doors offer changed (places, status, moderation): the search index re-reads it.
    ShelterOffer(entraide_core::shelter::OfferId),
    /// A missing-person record was created, replaced, expired or deleted: the search index
    /// must read it again.
    MissingRecord(MissingId),
}

/// What the application publishes to.
pub struct Bus {
    hub: Arc<Hub>,
    remote: Option<nats::Remote>,
    invalidations: broadcast::Sender<Invalidation>,
}

impl Bus {
    /// One instance: events stay in this process.
    pub fn local() -> Self {
        Self {
            hub: Arc::new(Hub::new()),
            remote: None,
            invalidations: broadcast::channel(1024).0,
        }
    }

    /// Several instances: events and invalidations also go through NATS on `subject`.
    pub async fn nats(url: &str, subject: &str) -> Result<Self, nats::NatsError> {
        let bus = Self::local();
        let remote =
            nats::Remote::connect(url, subject, bus.hub.clone(), bus.invalidations.clone()).await?;
        Ok(Self {
            remote: Some(remote),
            ..bus
        })
    }

    pub fn hub(&self) -> &Arc<Hub> {
        &self.hub
    }

    /// Delivers to the streams open here at once, and to the other instances.
    pub fn publish(&self, recipients: &Recipients, event: Event) {
        if let Some(remote) = &self.remote {
            remote.event(recipients, &event);
        }
        self.hub.publish(recipients, event);
    }

    /// Tells the other instances to forget something they may have cached.
    pub fn invalidate(&self, invalidation: Invalidation) {
        if let Some(remote) = &self.remote {
            remote.invalidate(invalidation);
        }
    }

    /// What other instances ask this one to forget.
    pub fn invalidations(&self) -> broadcast::Receiver<Invalidation> {
        self.invalidations.subscribe()
    }
}

/// How many events a slow stream may fall behind before it skips: a page reloads its
/// state on reconnect, so losing a stale event is better than holding memory for it.
const STREAM_BUFFER: usize = 256;

/// Routes events to the streams open on this instance.
pub struct Hub {
    by_account: DashMap<AccountId, broadcast::Sender<Arc<Event>>>,
    everyone: broadcast::Sender<Arc<Event>>,
}

impl Default for Hub {
    fn default() -> Self {
        Self::new()
    }
}

impl Hub {
    pub fn new() -> Self {
        Self {
            by_account: DashMap::new(),
            everyone: broadcast::channel(STREAM_BUFFER).0,
        }
    }

    /// Hands an event to the streams of its recipients that are open here.
    pub fn publish(&self, recipients: &Recipients, event: Event) {
        let event = Arc::new(event);
        match recipients {
            Recipients::Everyone => {
                let _ = self.everyone.send(event);
            }
            Recipients::Accounts(accounts) => {
                for account in accounts {
                    if let Some(sender) = self.by_account.get(account) {
                        // An error only means every stream of that account closed meanwhile.
                        let _ = sender.send(event.clone());
                    }
                }
            }
        }
    }

    /// The live events for one account: its own and those for everyone. The hub forgets
    /// an account once its last subscription is dropped.
    pub fn subscribe(self: &Arc<Self>, account: AccountId) -> Subscription {
        let own = self
            .by_account
            .entry(account)
            .or_insert_with(|| broadcast::channel(STREAM_BUFFER).0)
            .subscribe();
        let own = BroadcastStream::new(own);
        let everyone = BroadcastStream::new(self.everyone.subscribe());
        let events = own.merge(everyone).filter_map(move |item| match item {
            Ok(event) => Some(event),
            Err(BroadcastStreamRecvError::Lagged(skipped)) => {
                tracing::debug!(%account, skipped, "a live stream fell behind");
                None
            }
        });
        Subscription {
            events: Some(Box::pin(events)),
            hub: self.clone(),
            account,
        }
    }

    /// How many accounts have a stream open here, for /metrics.
    pub fn connected_accounts(&self) -> usize {
        self.by_account.len()
    }
}

type EventStream = Pin<Box<dyn Stream<Item = Arc<Event>> + Send>>;

/// One account's live events. Dropping it closes its receivers first, then removes the
/// account's channel if no other subscription holds it, so the map holds only the connected.
pub struct Subscription {
    events: Option<EventStream>,
    hub: Arc<Hub>,
    account: AccountId,
}

impl Stream for Subscription {
    type Item = Arc<Event>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.events.as_mut() {
            Some(events) => events.as_mut().poll_next(cx),
            None => Poll::Ready(None),
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.events = None;
        self.hub
            .by_account
            .remove_if(&self.account, |_, sender| sender.receiver_count() == 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entraide_core::CrisisId;
    use std::time::Duration;

    fn activated() -> Event {
        Event::CrisisActivated {
            crisis_id: CrisisId::new(),
            title: "t".into(),
        }
    }

    async fn next(stream: &mut (impl Stream<Item = Arc<Event>> + Unpin)) -> Option<Arc<Event>> {
        tokio::time::timeout(Duration::from_millis(200), stream.next())
            .await
            .ok()
            .flatten()
    }

    #[tokio::test]
    async fn events_reach_only_their_recipients() {
        let hub = Arc::new(Hub::new());
        let (alice, bob) = (AccountId::new(), AccountId::new());
        let mut alice_stream = Box::pin(hub.subscribe(alice));
        let mut bob_stream = Box::pin(hub.subscribe(bob));
        hub.publish(&Recipients::Accounts(vec![alice]), activated());
        assert!(next(&mut alice_stream).await.is_some());
        assert!(
            next(&mut bob_stream).await.is_none(),
            "bob got alice's event"
        );
        hub.publish(&Recipients::Everyone, activated());
        assert!(next(&mut alice_stream).await.is_some());
        assert!(next(&mut bob_stream).await.is_some());
    }

    #[tokio::test]
    async fn closed_streams_are_forgotten() {
        let hub = Arc::new(Hub::new());
        let alice = AccountId::new();
        let first = hub.subscribe(alice);
        let second = hub.subscribe(alice);
        assert_eq!(hub.connected_accounts(), 1);
        drop(first);
        assert_eq!(hub.connected_accounts(), 1, "alice still has a stream open");
        drop(second);
        assert_eq!(hub.connected_accounts(), 0);
    }
}
