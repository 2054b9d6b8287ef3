//! The missing-persons pages (issue 4): "I'm looking for someone" (search, a record and its
//! notes) and "I have information about someone" (report a person, add a note). Plain forms,
//! no script needed.

use super::layout::{self, csrf, field, form_errors, when};
use super::{Ctx, FormErrors, PageError, PageForm, done, see_other};
use crate::api::parse_id;
use crate::error::AppError;
use crate::ops::missing::{MissingView, NewNote, NewReport};
use crate::ops::missing_photos::{PHOTO_MAX_BYTES, THUMBNAIL_MAX_SIDE, too_large};
use crate::state::AppState;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use entraide_core::{
    LastSeen, MissingId, MissingNoteId, NoteDetails, NoteStatus, PersonDetails, ReporterContact,
};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::HashMap;

/// Results shown on the search page.
const PAGE_RESULTS: usize = 20;

pub(crate) fn status_key(status: Option<NoteStatus>) -> &'static str {
    match status {
        Some(NoteStatus::InformationSought) => "missing_status.information_sought",
        Some(NoteStatus::IsNoteAuthor) => "missing_status.is_note_author",
        Some(NoteStatus::BelievedAlive) => "missing_status.believed_alive",
        Some(NoteStatus::BelievedMissing) => "missing_status.believed_missing",
        Some(NoteStatus::BelievedDead) => "missing_status.believed_dead",
        None => "missing_status.none",
    }
}

fn status_attr(status: Option<NoteStatus>) -> &'static str {
    status.map_or("none", NoteStatus::as_str)
}

/// "I'm looking for someone": a search box, and ranked results with their status.
pub async fn search(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let q = ctx.query("q").unwrap_or_default().trim().to_string();
    let results = if q.is_empty() {
        Vec::new()
    } else {
        state.search_missing(&q, PAGE_RESULTS).await?
    };
    let main = html! {
        h1 { (ctx.t("missing.search_title")) }
        p { (ctx.t("missing.search_intro")) }
        form #missing-search method="get" action="/missing" {
            (field(ctx.t("missing.name"), html! {
                input #q name="q" value=(q) required type="search" autocomplete="off";
            }, "q", &FormErrors::default()))
            button type="submit" { (ctx.t("missing.search")) }
        }
        @if !q.is_empty() {
            @if results.is_empty() {
                p.muted #no-results { (ctx.t("missing.no_results")) }
            }
            ul.people #results {
                @for (record, _) in &results {
                    li data-status=(status_attr(record.status)) {
                        a href={ "/missing/" (record.id) } { span.name { (record.person.full_name) } }
                        " · " span.status { (ctx.t(status_key(record.status))) }
                        @if let Some(place) = &record.last_seen.place {
                            br; small.muted { (ctx.t("missing.last_seen")) " " (place) }
                        }
                    }
                }
            }
        }
        p { a href="/missing/report" { (ctx.t("missing.have_information")) } }
    };
    Ok(layout::ok(&ctx, ctx.t("missing.search_title"), main))
}

pub async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: MissingId = parse_id(&id, "missing-person record")?;
    render_record(&state, &ctx, id, &FormErrors::default()).await
}

async fn render_record(
    state: &AppState,
    ctx: &Ctx,
    id: MissingId,
    errors: &FormErrors,
) -> Result<Response, PageError> {
    let viewer = ctx.caller.as_ref().map(|c| &c.account);
    let view = state.view_missing(viewer, id).await?;
    let photos = state.missing_photos_of(id).await?;
    let main = record_markup(ctx, &view, &photos, errors);
    Ok(layout::page(
        ctx,
        errors.status_or_ok(),
        &view.record.person.full_name,
        None,
        main,
    ))
}

fn record_markup(
    ctx: &Ctx,
    view: &MissingView,
    photos: &HashMap<Option<MissingNoteId>, uuid::Uuid>,
    errors: &FormErrors,
) -> Markup {
    let r = &view.record;
    let p = &r.person;
    let responder = ctx
        .caller
        .as_ref()
        .is_some_and(|c| c.account.role.is_responder());
    // The rule itself is `set_missing_photo`'s: this only spares others a form they can't use.
    let may_set_photo = responder
        || ctx
            .caller
            .as_ref()
            .is_some_and(|c| r.reporter_account == Some(c.account.id));
    html! {
        h1 #full-name { (p.full_name) }
        @if let Some(photo) = photos.get(&None) { (thumbnail(ctx, *photo)) }
        @if may_set_photo {
            form #photo-form method="post" action={ "/missing/" (r.id) "/photo" } enctype="multipart/form-data" {
                (csrf(ctx))
                (field(ctx.t("missing.photo_file"), html! { input #photo type="file" name="photo" accept="image/jpeg,image/png,image/webp" required; }, "photo", errors))
                button type="submit" #add-photo-button { (ctx.t("missing.add_photo")) }
            }
        }
        @if let Some(url) = &p.photo_url {
            // A link, never an image: loading it would tell another site who reads the record.
            p #photo-url { (ctx.t("missing.photo_elsewhere")) " " a href=(url) rel="noreferrer noopener" { (site_of(url)) } }
        }
        p #record-status data-status=(status_attr(r.status)) {
            strong { (ctx.t(status_key(r.status))) }
            @if r.verified { " · " span.badge #verified { (ctx.t("missing.verified")) } }
        }
        @if let Some(at) = view.marked_safe_at() {
            p.flash #marked-safe { (ctx.t("missing.marked_safe_at")) " " (when(at)) }
        }
        dl {
            @if let Some(age) = &p.age { dt { (ctx.t("missing.age")) } dd { (age) } }
            @if let Some(description) = &p.description { dt { (ctx.t("missing.description")) } dd { (description) } }
            @if let Some(place) = &r.last_seen.place { dt { (ctx.t("missing.last_seen")) } dd #last-seen { (place) @if let Some(at) = r.last_seen.at { " · " (when(at)) } } }
            @if !p.alternate_names.is_empty() { dt { (ctx.t("missing.alternate_names")) } dd { (p.alternate_names.join(", ")) } }
        }
        @if view.privileged {
            p.muted #reporter-contact { (ctx.t("missing.reporter_contact")) " " (r.reporter.email.as_deref().unwrap_or("—")) " · " (r.reporter.phone.as_deref().unwrap_or("—")) }
        }
        section #notes {
            h2 { (ctx.t("missing.notes")) }
            @if view.notes.is_empty() { p.muted { (ctx.t("missing.no_notes")) } }
            ul.notes {
                @for note in &view.notes {
                    li.note.hidden[note.hidden] data-status=(status_attr(note.details.status)) {
                        @if note.details.status.is_some() { strong { (ctx.t(status_key(note.details.status))) } " · " }
                        small.muted {
                            @if note.author.anonymous { (ctx.t("missing.anonymous")) }
                            @else { (note.details.author_name.as_deref().unwrap_or("—")) }
                            " · " (when(note.source_date))
                        }
                        @if let Some(photo) = photos.get(&Some(note.id)) { (thumbnail(ctx, *photo)) }
                        @if let Some(text) = &note.details.text { p.note-text { (text) } }
                        @if let Some(place) = &note.details.last_known_location { p.muted { (ctx.t("missing.last_known_location")) " " (place) } }
                    }
                }
            }
        }
        @if ctx.caller.is_some() {
            section #add-note {
                h2 { (ctx.t("missing.add_note")) }
                (form_errors(ctx.lang, errors))
                form #note-form method="post" action={ "/missing/" (r.id) "/notes" } {
                    (csrf(ctx))
                    (field(ctx.t("missing.note_status"), html! {
                        select #status name="status" {
                            option value="" { "—" }
                            @for status in NoteStatus::ALL {
                                @if responder || status != NoteStatus::BelievedDead {
                                    option value=(status.as_str()) { (ctx.t(status_key(Some(status)))) }
                                }
                            }
                        }
                    }, "status", errors))
                    (field(ctx.t("missing.note_text"), html! { textarea #text name="text" rows="4" {} }, "text", errors))
                    (field(ctx.t("missing.your_name"), html! { input #author_name name="author_name"; }, "author_name", errors))
                    div.field { label { input #anonymous type="checkbox" name="anonymous" value="1"; " " (ctx.t("missing.anonymous_note")) } }
                    button type="submit" #add-note-button { (ctx.t("missing.add_note")) }
                }
            }
        } @else {
            p { a href={ "/login?next=/missing/" (r.id) } { (ctx.t("missing.sign_in_to_help")) } }
        }
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct NoteForm {
    csrf: String,
    status: String,
    text: String,
    author_name: String,
    anonymous: Option<String>,
}

fn filled(value: &str) -> Option<String> {
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
}

pub async fn add_note(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    PageForm(form): PageForm<NoteForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    let id: MissingId = parse_id(&id, "missing-person record")?;
    let status = match filled(&form.status).map(|s| s.parse::<NoteStatus>()) {
        None => None,
        Some(Ok(status)) => Some(status),
        Some(Err(invalid)) => {
            let errors = FormErrors::from_app(ctx.lang, invalid.into())?;
            return render_record(&state, &ctx, id, &errors).await;
        }
    };
    let note = NewNote {
        details: NoteDetails {
            status,
            text: filled(&form.text),
            author_name: filled(&form.author_name),
            ..NoteDetails::default()
        },
        anonymous: form.anonymous.is_some(),
    };
    match state
        .add_missing_note(&caller.account, id, MissingNoteId::new(), note)
        .await
    {
        Ok(_) => Ok(done(&format!("/missing/{id}"), "flash.note_added")),
        Err(e) => render_record(&state, &ctx, id, &FormErrors::from_app(ctx.lang, e)?).await,
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    csrf: String,
    /// Made when the form is shown and sent back with it: a second submission of the same
    /// form (a double click, a resend after a lost answer) derives the same record id, as an
    /// API retry with the same Idempotency-Key does, and so finds the record the first made.
    form_key: String,
    full_name: String,
    alternate_names: String,
    age: String,
    description: String,
    last_seen_place: String,
    photo_url: String,
    reporter_email: String,
    reporter_phone: String,
}

/// "I have information about someone": find the person's record to add a note, or report
/// them missing.
pub async fn report_page(ctx: Ctx) -> Result<Response, PageError> {
    let form = ReportForm {
        form_key: uuid::Uuid::new_v4().to_string(),
        ..ReportForm::default()
    };
    render_report(&ctx, &form, &FormErrors::default())
}

fn render_report(ctx: &Ctx, form: &ReportForm, errors: &FormErrors) -> Result<Response, PageError> {
    ctx.member()?;
    let main = html! {
        h1 { (ctx.t("missing.report_title")) }
        p { (ctx.t("missing.report_intro")) " " a href="/missing" { (ctx.t("missing.search_first")) } }
        (form_errors(ctx.lang, errors))
        form #report-form method="post" action="/missing/report" {
            (csrf(ctx))
            input type="hidden" name="form_key" value=(form.form_key);
            (field(ctx.t("missing.name"), html! { input #full_name name="full_name" value=(form.full_name) required; }, "full_name", errors))
            (field(ctx.t("missing.alternate_names"), html! { input #alternate_names name="alternate_names" value=(form.alternate_names); }, "alternate_names", errors))
            (field(ctx.t("missing.age"), html! { input #age name="age" value=(form.age) inputmode="numeric"; }, "age", errors))
            (field(ctx.t("missing.description"), html! { textarea #description name="description" rows="3" { (form.description) } }, "description", errors))
            (field(ctx.t("missing.last_seen"), html! { input #last_seen_place name="last_seen_place" value=(form.last_seen_place); }, "last_seen_place", errors))
            (field(ctx.t("missing.photo_url"), html! { input #photo_url name="photo_url" type="url" maxlength="2000" value=(form.photo_url); }, "photo_url", errors))
            p.muted { (ctx.t("missing.private_contact")) }
            (field(ctx.t("missing.reporter_email"), html! { input #reporter_email name="reporter_email" type="email" value=(form.reporter_email); }, "reporter_email", errors))
            (field(ctx.t("missing.reporter_phone"), html! { input #reporter_phone name="reporter_phone" type="tel" value=(form.reporter_phone); }, "reporter_phone", errors))
            button type="submit" #report-button { (ctx.t("missing.report")) }
        }
    };
    Ok(layout::page(
        ctx,
        errors.status_or_ok(),
        ctx.t("missing.report_title"),
        None,
        main,
    ))
}

pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<ReportForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    let new = NewReport {
        person: PersonDetails {
            full_name: form.full_name.clone(),
            alternate_names: form.alternate_names.split(',').filter_map(filled).collect(),
            age: filled(&form.age),
            description: filled(&form.description),
            photo_url: filled(&form.photo_url),
            ..PersonDetails::default()
        },
        reporter: ReporterContact {
            email: filled(&form.reporter_email),
            phone: filled(&form.reporter_phone),
        },
        last_seen: LastSeen {
            place: filled(&form.last_seen_place),
            ..LastSeen::default()
        },
        expiry_date: None,
    };
    // Scoped to the account, so a key seen by someone else can't reach another's record.
    let id = if form.form_key.is_empty() {
        MissingId::new()
    } else {
        let name = format!(
            "page:missing/report\n{}\n{}",
            caller.account.id, form.form_key
        );
        MissingId(uuid::Uuid::new_v5(
            &uuid::Uuid::NAMESPACE_URL,
            name.as_bytes(),
        ))
    };
    match state.report_missing(&caller.account, id, new).await {
        Ok(id) => Ok(see_other(&format!("/missing/{id}"))),
        Err(e) => render_report(&ctx, &form, &FormErrors::from_app(ctx.lang, e)?),
    }
}

/// Room for the multipart framing and the token around a photo of the largest size.
const PHOTO_FORM_OVERHEAD: usize = 16 * 1024;

/// The largest photo form body accepted (the photo itself is checked by `resize_photo`).
pub const PHOTO_FORM_MAX_BYTES: usize = PHOTO_MAX_BYTES + PHOTO_FORM_OVERHEAD;

/// POST /missing/{id}/photo: the record's photo from its page (a multipart form whose token
/// comes first), set as the API's upload sets it: same checks, same resizing, same rule on
/// who may.
pub async fn upload_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let unreadable = || PageError::from(AppError::FormUnreadable);
    let id: MissingId = parse_id(&id, "missing-person record")?;
    let mut form = form.map_err(|_| unreadable())?;
    let mut token = String::new();
    let mut upload = Ok(Vec::new());
    while let Some(part) = form.next_field().await.map_err(|_| unreadable())? {
        match part.name() {
            Some("csrf") => token = part.text().await.map_err(|_| unreadable())?,
            Some("photo") => {
                upload = match part.bytes().await {
                    Ok(bytes) => Ok(bytes.to_vec()),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(too_large()),
                    Err(_) => return Err(unreadable()),
                };
                // Past a photo over the limit the rest can't be read; nothing should follow.
                break;
            }
            _ => {}
        }
    }
    let caller = ctx.member_posting(&token)?;
    let result = match upload {
        Ok(upload) => {
            state
                .set_missing_photo(&caller.account, id, None, upload)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(done(&format!("/missing/{id}"), "flash.photo_added")),
        Err(e) => render_record(&state, &ctx, id, &FormErrors::from_app(ctx.lang, e)?).await,
    }
}

/// The host a link leads to, so a reader knows where it goes before following it.
fn site_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// A photo's thumbnail, linking to its display size.
fn thumbnail(ctx: &Ctx, photo: uuid::Uuid) -> Markup {
    html! {
        a.photo href={ "/missing/photos/" (photo) "/display" } {
            img src={ "/missing/photos/" (photo) "/thumb" } alt=(ctx.t("missing.photo"))
                width=(THUMBNAIL_MAX_SIDE) loading="lazy";
        }
    }
}

/// GET /missing/photos/{id}/{display|thumb}: a photo never changes under its id (a new upload
/// gets a new one), so browsers and caches may keep it; it goes once its record is deleted.
pub async fn photo(
    State(state): State<AppState>,
    Path((id, size)): Path<(String, String)>,
) -> Result<Response, PageError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let id: uuid::Uuid = parse_id(&id, "photo")?;
    let photo = state
        .store
        .missing_photo(id)
        .await
        .map_err(AppError::from)?
        .ok_or_else(|| AppError::not_found("photo"))?;
    let bytes = match size.as_str() {
        "display" => photo.display,
        "thumb" => photo.thumbnail,
        _ => return Err(AppError::not_found("photo size").into()),
    };
    Ok((
        [
            (header::CONTENT_TYPE, photo.content_type),
            (
                header::CACHE_CONTROL,
                "public, max-age=31536000, immutable".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}
