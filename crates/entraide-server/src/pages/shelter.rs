//! Open Doors pages: find a door near you and ask (guests), offer places and answer
//! (hosts), and a request's own page, where the address appears once the host accepts.
//! Plain forms: everything works without JavaScript.

use super::accounts::CsrfForm;
use super::layout::{self, csrf};
use super::{Ctx, PageError, PageForm, done};
use crate::api::shelter::{SearchParams, parse_search, public_distance_m, run_search};
use crate::error::AppError;
use crate::ops::shelter::{RequestAction, RequestView};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use entraide_core::shelter::{
    Features, NewOffer, Offer, OfferForm, OfferId, OfferStatus, OfferTransition, RequestId,
    RequestStatus, ShelterRequest, new_request,
};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::HashMap;

/// The words for a request's status.
pub fn status_key(status: RequestStatus) -> &'static str {
    match status {
        RequestStatus::Pending => "shelter.status_pending",
        RequestStatus::Accepted => "shelter.status_accepted",
        RequestStatus::Declined => "shelter.status_declined",
        RequestStatus::Lapsed => "shelter.status_lapsed",
        RequestStatus::Cancelled => "shelter.status_cancelled",
        RequestStatus::Arrived => "shelter.status_arrived",
        RequestStatus::Hidden => "shelter.status_hidden",
    }
}

pub fn offer_status_key(status: OfferStatus) -> &'static str {
    match status {
        OfferStatus::Open => "shelter.offer_open",
        OfferStatus::Paused => "shelter.offer_paused",
        OfferStatus::Closed => "shelter.offer_closed",
    }
}

fn features_line(ctx: &Ctx, f: &Features) -> Markup {
    html! {
        @if f.step_free { span.tag { (ctx.t("shelter.step_free")) } " " }
        @if f.children { span.tag { (ctx.t("shelter.children")) } " " }
        @if f.pets { span.tag { (ctx.t("shelter.pets")) } " " }
        @if !f.languages.is_empty() { span.tag { (f.languages.join(", ")) } }
    }
}

/// GET /shelter: safety advice, the search (results when lat/lon are given), my requests.
pub async fn page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let query: HashMap<String, String> = ["lat", "lon", "party", "needs", "limit"]
        .iter()
        .filter_map(|k| ctx.query(k).map(|v| (k.to_string(), v.to_string())))
        .chain(needs_from_boxes(&ctx))
        .collect();
    let searched = query.contains_key("lat") || query.contains_key("lon");
    let search: Option<Result<SearchParams, _>> = searched.then(|| parse_search(&query));
    let mine: Vec<RequestView> = match &ctx.caller {
        Some(caller) => state.my_requests(&caller.account).await?,
        None => Vec::new(),
    };
    let value = |k: &str| ctx.query(k).unwrap_or("").to_string();
    let main = html! {
        h1 { (ctx.t("shelter.title")) }
        p { (ctx.t("shelter.intro")) }
        aside.advice #guest-advice {
            h2 { (ctx.t("shelter.advice_title")) }
            p { (ctx.t("shelter.advice_guest")) }
        }
        form #search method="get" action="/shelter" {
            div.field { label for="lat" { (ctx.t("shelter.lat")) } input #lat name="lat" inputmode="decimal" required value=(value("lat")); }
            div.field { label for="lon" { (ctx.t("shelter.lon")) } input #lon name="lon" inputmode="decimal" required value=(value("lon")); }
            div.field { label for="party" { (ctx.t("shelter.party")) } input #party name="party" type="number" min="1" max="20" value=(ctx.query("party").unwrap_or("1")); }
            fieldset {
                legend { (ctx.t("shelter.needs")) }
                @for (name, key) in [("step_free", "shelter.step_free"), ("children", "shelter.children"), ("pets", "shelter.pets")] {
                    label { input type="checkbox" name={ "need_" (name) } value="1" checked[ctx.query(&format!("need_{name}")).is_some()]; " " (ctx.t(key)) } " "
                }
            }
            button type="submit" { (ctx.t("shelter.search")) }
        }
        @match &search {
            Some(Err(errors)) => { p.err { (errors.to_string()) } }
            Some(Ok(params)) => { (results(&state, &ctx, params)) }
            None => {}
        }
        p { a href="/shelter/host" #host-link { (ctx.t("shelter.offer_link")) } }
        @if !mine.is_empty() {
            section #my-requests {
                h2 { (ctx.t("shelter.my_requests")) }
                ul {
                    @for v in &mine {
                        li { a href={ "/shelter/requests/" (v.request.id) } { (ctx.t(status_key(v.request.status))) " — " (v.request.party) " " (ctx.t("shelter.people")) } }
                    }
                }
            }
        }
    };
    Ok(layout::ok(&ctx, ctx.t("shelter.title"), main))
}

/// The needs' checkboxes as the `needs` parameter the search reads.
fn needs_from_boxes(ctx: &Ctx) -> Option<(String, String)> {
    let needs: Vec<&str> = ["step_free", "children", "pets"]
        .into_iter()
        .filter(|n| ctx.query(&format!("need_{n}")).is_some())
        .collect();
    (!needs.is_empty() && ctx.query("needs").is_none()).then(|| ("needs".into(), needs.join(",")))
}

fn results(state: &AppState, ctx: &Ctx, params: &SearchParams) -> Markup {
    let hits = run_search(state, params);
    html! {
        section #results {
            h2 { (ctx.t("shelter.results")) }
            @if hits.is_empty() { p.muted { (ctx.t("shelter.no_results")) } }
            ul.offers {
                @for hit in &hits {
                    li.offer data-offer=(hit.offer_id) {
                        p {
                            strong { (ctx.tf("shelter.distance", &[("m", &public_distance_m(params.from, hit).to_string())])) }
                            " · " (ctx.tf("shelter.places_free", &[("n", &hit.places_free.to_string())]))
                            " · " (features_line(ctx, &hit.features))
                        }
                        @if ctx.caller.is_some() {
                            form method="post" action={ "/shelter/offers/" (hit.offer_id) "/ask" } {
                                (csrf(ctx))
                                input type="hidden" name="party" value=(params.party);
                                div.field { label for={ "message-" (hit.offer_id) } { (ctx.t("shelter.message")) } input id={ "message-" (hit.offer_id) } name="message" maxlength="500"; }
                                button type="submit" id={ "ask-" (hit.offer_id) } { (ctx.tf("shelter.ask", &[("n", &params.party.to_string())])) }
                            }
                        } @else {
                            p { a href={ "/login?next=" (super::encode(&ctx.here)) } { (ctx.t("shelter.login_to_ask")) } }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct AskForm {
    csrf: String,
    party: String,
    message: String,
}

/// POST /shelter/offers/{id}/ask
pub async fn ask(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    PageForm(form): PageForm<AskForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    let offer_id: OfferId = crate::api::parse_id(&id, "offer")?;
    let party = form.party.trim().parse::<i64>().unwrap_or(0);
    let request = new_request(
        RequestId::new(),
        offer_id,
        caller.account.id,
        party,
        Some(&form.message),
        chrono::Utc::now(),
    )
    .map_err(AppError::from)?;
    let request = state.request_place(&caller.account, request).await?;
    Ok(done(
        &format!("/shelter/requests/{}", request.id),
        "flash.shelter_asked",
    ))
}

/// GET /shelter/requests/{id}: for its guest, its host, or a responder.
pub async fn request_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let caller = ctx.member()?;
    let view = state
        .view_request(&caller.account, crate::api::parse_id(&id, "request")?)
        .await?;
    let r = &view.request;
    let o = &view.offer;
    let is_guest = r.guest == caller.account.id;
    let main = html! {
        h1 { (ctx.t("shelter.request_title")) }
        p #status data-status=(r.status.as_str()) { strong { (ctx.t(status_key(r.status))) } " — " (r.party) " " (ctx.t("shelter.people")) }
        @if let Some(m) = &r.message { p { q { (m) } } }
        @if view.reveal_address {
            section #address {
                h2 { (ctx.t("shelter.address")) }
                p.address { (o.address) }
                @if let Some(contact) = &o.contact { p #contact { (ctx.t("shelter.contact")) ": " (contact) } }
                @if let Some(note) = &o.note { p { (note) } }
            }
        } @else {
            p.muted #approximate { (ctx.t("shelter.address_hidden")) }
        }
        p { (features_line(&ctx, &o.features)) }
        div.actions {
            @if view.viewer_is_host && r.status == RequestStatus::Pending {
                (request_button(&ctx, r, "accept", ctx.t("shelter.accept"), ""))
                (request_button(&ctx, r, "decline", ctx.t("shelter.decline"), "secondary"))
            }
            @if (is_guest || view.viewer_is_host) && r.status.can_become(RequestStatus::Arrived) {
                form.inline method="post" action={ "/shelter/requests/" (r.id) "/arrived" } {
                    (csrf(&ctx))
                    @if is_guest && o.crisis_id.is_some() {
                        label { input type="checkbox" name="mark_safe" value="1" checked; " " (ctx.t("shelter.mark_safe")) }
                    }
                    button type="submit" #arrived { (ctx.t("shelter.arrived")) }
                }
            }
            @if (is_guest || view.viewer_is_host) && r.status.can_become(RequestStatus::Cancelled) {
                (request_button(&ctx, r, "cancel", ctx.t("shelter.cancel"), "secondary"))
            }
        }
        @if is_guest {
            form #report method="post" action={ "/shelter/offers/" (o.id) "/report" } {
                (csrf(&ctx))
                div.field { label for="reason" { (ctx.t("shelter.report_reason")) } input #reason name="reason" required minlength="3" maxlength="500"; }
                button.secondary type="submit" { (ctx.t("shelter.report")) }
            }
        }
        p { a href="/shelter" { (ctx.t("shelter.back")) } }
    };
    Ok(layout::ok(&ctx, ctx.t("shelter.request_title"), main))
}

fn request_button(ctx: &Ctx, r: &ShelterRequest, verb: &str, label: &str, class: &str) -> Markup {
    html! {
        form.inline method="post" action={ "/shelter/requests/" (r.id) "/" (verb) } {
            (csrf(ctx))
            button.(class) type="submit" id={ (verb) "-" (r.id) } { (label) }
        }
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ArrivedForm {
    csrf: String,
    mark_safe: Option<String>,
}

/// POST /shelter/requests/{id}/{verb}: accept, decline, cancel, arrived.
pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, verb)): Path<(String, String)>,
    PageForm(form): PageForm<ArrivedForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    let action = match verb.as_str() {
        "accept" => RequestAction::Accept,
        "decline" => RequestAction::Decline,
        "cancel" => RequestAction::Cancel,
        "arrived" => RequestAction::Arrived {
            consent: form.mark_safe.is_some(),
        },
        _ => return Err(AppError::not_found("page").into()),
    };
    let id: RequestId = crate::api::parse_id(&id, "request")?;
    let view = state.act_on_request(&caller.account, id, action).await?;
    let back = if view.viewer_is_host {
        "/shelter/host".to_string()
    } else {
        format!("/shelter/requests/{id}")
    };
    Ok(done(&back, "flash.shelter_updated"))
}

/// GET /shelter/host: advice for hosts, the offer form, my offers and their requests.
pub async fn host_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let caller = ctx.member()?;
    let offers = state.my_offers(&caller.account).await?;
    let main = html! {
        h1 { (ctx.t("shelter.host_title")) }
        aside.advice #host-advice {
            h2 { (ctx.t("shelter.advice_title")) }
            p { (ctx.t("shelter.advice_host")) }
        }
        form #offer method="post" action="/shelter/offers" {
            (csrf(&ctx))
            div.field { label for="address" { (ctx.t("shelter.address")) } input #address name="address" required maxlength="300"; }
            p.muted { (ctx.t("shelter.address_private")) }
            div.field { label for="lat" { (ctx.t("shelter.lat")) } input #lat name="lat" inputmode="decimal" required; }
            div.field { label for="lon" { (ctx.t("shelter.lon")) } input #lon name="lon" inputmode="decimal" required; }
            div.field { label for="capacity" { (ctx.t("shelter.capacity")) } input #capacity name="capacity" type="number" min="1" max="50" value="2" required; }
            div.field { label for="contact" { (ctx.t("shelter.contact")) } input #contact name="contact" maxlength="200"; }
            div.field { label for="note" { (ctx.t("shelter.note")) } input #note name="note" maxlength="500"; }
            fieldset {
                legend { (ctx.t("shelter.features")) }
                @for (name, key) in [("step_free", "shelter.step_free"), ("children", "shelter.children"), ("pets", "shelter.pets")] {
                    label { input type="checkbox" name=(name) value="1"; " " (ctx.t(key)) } " "
                }
            }
            button type="submit" #publish { (ctx.t("shelter.publish")) }
        }
        section #my-offers {
            h2 { (ctx.t("shelter.my_offers")) }
            @if offers.is_empty() { p.muted { (ctx.t("shelter.no_offers")) } }
            @for (o, requests) in &offers {
                (offer_block(&ctx, o, requests))
            }
        }
    };
    Ok(layout::ok(&ctx, ctx.t("shelter.host_title"), main))
}

fn offer_block(ctx: &Ctx, o: &Offer, requests: &[ShelterRequest]) -> Markup {
    html! {
        article.offer data-offer=(o.id) {
            p { strong { (o.address) } " · " (ctx.t(offer_status_key(o.status)))
                " · " (ctx.tf("shelter.places_free", &[("n", &o.places_free().to_string())])) "/" (o.capacity)
                @if o.hidden { " · " (ctx.t("shelter.hidden")) } }
            div.actions {
                @for (verb, key) in [("pause", "shelter.pause"), ("resume", "shelter.resume"), ("close", "shelter.close")] {
                    @if verb_applies(verb, o.status) {
                        form.inline method="post" action={ "/shelter/offers/" (o.id) "/" (verb) } {
                            (csrf(ctx))
                            button.secondary type="submit" { (ctx.t(key)) }
                        }
                    }
                }
            }
            ul.requests {
                @for r in requests {
                    li data-request=(r.id) data-status=(r.status.as_str()) {
                        a href={ "/shelter/requests/" (r.id) } { (r.party) " " (ctx.t("shelter.people")) " — " (ctx.t(status_key(r.status))) }
                        @if let Some(m) = &r.message { " " q { (m) } }
                        @if r.status == RequestStatus::Pending {
                            div.actions {
                                (request_button(ctx, r, "accept", ctx.t("shelter.accept"), ""))
                                (request_button(ctx, r, "decline", ctx.t("shelter.decline"), "secondary"))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn verb_applies(verb: &str, status: OfferStatus) -> bool {
    let transition = match verb {
        "pause" => OfferTransition::Pause,
        "resume" => OfferTransition::Resume,
        _ => OfferTransition::Close,
    };
    transition.apply(status).is_ok()
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct OfferPageForm {
    csrf: String,
    lat: String,
    lon: String,
    address: String,
    capacity: String,
    contact: String,
    note: String,
    step_free: Option<String>,
    children: Option<String>,
    pets: Option<String>,
}

/// POST /shelter/offers
pub async fn create_offer(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<OfferPageForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    let number = |field: &str, raw: &str| {
        raw.trim()
            .replace(',', ".")
            .parse::<f64>()
            .map_err(|_| entraide_core::Invalid::new(field, ctx.t("form.not_a_number")))
    };
    let lat = number("lat", &form.lat).map_err(AppError::from)?;
    let lon = number("lon", &form.lon).map_err(AppError::from)?;
    let new = NewOffer::parse(
        OfferForm {
            lat,
            lon,
            address: form.address,
            capacity: form.capacity.trim().parse().unwrap_or(0),
            until: None,
            features: Features {
                step_free: form.step_free.is_some(),
                children: form.children.is_some(),
                pets: form.pets.is_some(),
                languages: Vec::new(),
            },
            note: Some(form.note),
            contact: Some(form.contact),
            crisis_id: None,
        },
        chrono::Utc::now(),
    )
    .map_err(AppError::from)?;
    state
        .create_offer(&caller.account, OfferId::new(), new)
        .await?;
    Ok(done("/shelter/host", "flash.shelter_offered"))
}

/// POST /shelter/offers/{id}/{verb}: pause, resume, close.
pub async fn transition_offer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, verb)): Path<(String, String)>,
    PageForm(form): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    let id: OfferId = crate::api::parse_id(&id, "offer")?;
    let transition = match verb.as_str() {
        "pause" => OfferTransition::Pause,
        "resume" => OfferTransition::Resume,
        "close" => OfferTransition::Close,
        "hide" | "unhide" => {
            state
                .moderate_offer(&caller.account, id, verb == "hide")
                .await?;
            return Ok(done("/shelter/responder", "flash.shelter_updated"));
        }
        _ => return Err(AppError::not_found("page").into()),
    };
    state
        .transition_offer(&caller.account, id, transition)
        .await?;
    Ok(done("/shelter/host", "flash.shelter_updated"))
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    csrf: String,
    reason: String,
}

/// POST /shelter/offers/{id}/report
pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    PageForm(form): PageForm<ReportForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    let reason = entraide_core::shelter::check_reason(&form.reason).map_err(AppError::from)?;
    let id: OfferId = crate::api::parse_id(&id, "offer")?;
    state
        .report(
            &caller.account,
            entraide_core::shelter::ReportTarget::Offer(id),
            reason,
        )
        .await?;
    Ok(done("/shelter", "flash.shelter_reported"))
}

/// GET /shelter/responder: capacity by area on a map drawn here, and the open reports.
pub async fn responder_page(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let caller = ctx.member()?;
    let areas = state.capacity_by_area(&caller.account).await?;
    let reports = state.open_reports(&caller.account).await?;
    let map = entraide_shelter::capacity_svg(&areas, 640, 480);
    let main = html! {
        h1 { (ctx.t("shelter.responder_title")) }
        figure #capacity-map { (maud::PreEscaped(map)) figcaption { (ctx.t("shelter.map_caption")) " " a href="/api/v1/shelter/capacity" { "GeoJSON" } } }
        section #reports {
            h2 { (ctx.t("shelter.reports")) }
            @if reports.is_empty() { p.muted { (ctx.t("shelter.no_reports")) } }
            ul {
                @for r in &reports {
                    li {
                        (r.reports) " × " (r.reasons.join(" / "))
                        @if let entraide_core::shelter::ReportTarget::Offer(id) = r.target {
                            div.actions {
                                form.inline method="post" action={ "/shelter/offers/" (id) "/hide" } {
                                    (csrf(&ctx))
                                    button.secondary type="submit" id={ "hide-" (id) } { (ctx.t("shelter.hide")) }
                                }
                                form.inline method="post" action={ "/shelter/offers/" (id) "/unhide" } {
                                    (csrf(&ctx))
                                    button.secondary type="submit" id={ "unhide-" (id) } { (ctx.t("shelter.unhide")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::ok(&ctx, ctx.t("shelter.responder_title"), main))
}
