//! The live stream: Server-Sent Events for the signed-in person. Pages open it with
//! EventSource (the cookie authenticates); API clients with a bearer token.

use crate::auth::Caller;
use crate::state::AppState;
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures::{Stream, StreamExt, stream};
use std::convert::Infallible;
use std::time::Duration;

/// Counts a stream as open from its first poll to its drop.
struct OpenStream(AppState);

impl Drop for OpenStream {
    fn drop(&mut self) {
        self.0.metrics.live_streams.dec();
    }
}

pub async fn stream(
    State(state): State<AppState>,
    caller: Caller,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    state.metrics.live_streams.inc();
    let open = OpenStream(state.clone());
    // "ready" tells the client the subscription is in place: anything after it is live.
    let ready = stream::once(async { Ok(SseEvent::default().event("ready").data("{}")) });
    let events = state
        .bus
        .hub()
        .subscribe(caller.account.id)
        .map(move |event| {
            let _counted = &open;
            let data = serde_json::to_string(&*event).expect("events serialize");
            Ok(SseEvent::default().event(event.name()).data(data))
        });
    Sse::new(ready.chain(events)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
