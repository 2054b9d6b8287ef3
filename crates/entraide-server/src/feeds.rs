//! PFIF 1.4 feeds of the missing-persons registry, as Person Finder serves them:
//! `/feeds/person` and `/feeds/note`, paged by `min_entry_date`, `skip` and `max_results`.
//! Public: the reporters' and authors' contact details are left out, and hidden notes too.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use entraide_store::FeedWindow;
use serde::Deserialize;

/// Entries per page when the request names no max_results, and the most it may ask for.
const DEFAULT_RESULTS: u32 = 100;
const MAX_RESULTS: u32 = 1_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/feeds/person", get(persons))
        .route("/feeds/note", get(notes))
}

#[derive(Deserialize)]
pub struct FeedQuery {
    min_entry_date: Option<String>,
    skip: Option<u32>,
    max_results: Option<u32>,
}

impl FeedQuery {
    fn window(&self) -> AppResult<FeedWindow> {
        let min_entry_date = self
            .min_entry_date
            .as_deref()
            .map(|text| {
                entraide_pfif::parse_time(text).ok_or_else(|| {
                    AppError::from(entraide_core::Invalid::new(
                        "min_entry_date",
                        "must be a PFIF time, YYYY-MM-DDThh:mm:ssZ",
                    ))
                })
            })
            .transpose()?;
        let max_results = self.max_results.unwrap_or(DEFAULT_RESULTS);
        if max_results == 0 || max_results > MAX_RESULTS {
            return Err(entraide_core::Invalid::new(
                "max_results",
                format!("must be 1 to {MAX_RESULTS}"),
            )
            .into());
        }
        Ok(FeedWindow {
            min_entry_date,
            skip: self.skip.unwrap_or(0),
            max_results,
        })
    }
}

fn xml(body: Vec<u8>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

fn internal(e: std::io::Error) -> AppError {
    AppError::Internal(format!("writing PFIF: {e}"))
}

async fn persons(State(state): State<AppState>, Query(q): Query<FeedQuery>) -> AppResult<Response> {
    let persons = state.pfif_persons(q.window()?, false).await?;
    let mut writer = entraide_pfif::Writer::new(Vec::new());
    for person in &persons {
        writer.write_person(person).map_err(internal)?;
    }
    Ok(xml(writer.finish().map_err(internal)?))
}

async fn notes(State(state): State<AppState>, Query(q): Query<FeedQuery>) -> AppResult<Response> {
    let notes = state.pfif_notes(q.window()?, false).await?;
    let mut writer = entraide_pfif::Writer::new(Vec::new());
    for note in &notes {
        writer.write_note(note).map_err(internal)?;
    }
    Ok(xml(writer.finish().map_err(internal)?))
}
