//! Responders' pages: the list of crises, creating one (a circle or pasted GeoJSON), moving
//! it through its life, and the people who need help.

use super::accounts::CsrfForm;
use super::crisis::crisis_status_key;
use super::layout::{self, csrf, field, form_errors, when};
use super::{Ctx, FormErrors, PageError, PageForm, done, number};
use crate::api::parse_id;
use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use entraide_core::{Crisis, CrisisId, CrisisStatus, CrisisTransition, NewCrisis};
use entraide_geo::zone_svg;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use serde_json::{Value, json};

fn responder(ctx: &Ctx) -> Result<&Caller, PageError> {
    let caller = ctx.member()?;
    caller.require_responder()?;
    Ok(caller)
}

/// Everyone sees the active crises; responders see them all, proposals first, since those
/// wait for a decision.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let is_responder = ctx
        .caller
        .as_ref()
        .is_some_and(|c| c.account.role.is_responder());
    let filter = if is_responder {
        None
    } else {
        Some(CrisisStatus::Active)
    };
    let mut crises = state.store.crises(filter).await.map_err(AppError::from)?;
    crises.sort_by_key(|c| {
        (
            c.status != CrisisStatus::Proposed,
            c.status != CrisisStatus::Active,
            std::cmp::Reverse(c.created_at),
        )
    });
    let main = html! {
        h1 { (ctx.t("crises.title")) }
        @if is_responder {
            p { a.button href="/crises/new" id="new-crisis" { (ctx.t("crises.new")) } }
        }
        @if crises.is_empty() { p.muted { (ctx.t("home.no_active")) } }
        ul.items #crisis-list {
            @for c in &crises {
                li data-crisis=(c.id) {
                    span.badge data-status=(c.status.as_str()) { (ctx.t(crisis_status_key(c.status))) }
                    " " a href={ "/crises/" (c.id) } { strong { (c.title) } }
                    " " small.muted { (c.kind.as_str()) " · " (when(c.created_at)) }
                }
            }
        }
    };
    Ok(layout::ok(&ctx, ctx.t("crises.title"), main))
}

const MAX_HOURS: f64 = 24.0 * 365.0 * 10.0;

#[derive(Deserialize)]
#[serde(default)]
pub struct CrisisForm {
    csrf: String,
    /// Chosen when the form is shown, so sending it twice (a double tap, a retry on a bad
    /// network) finds the crisis already made instead of making a second one.
    id: String,
    title: String,
    description: String,
    kind: String,
    lat: String,
    lon: String,
    radius_m: String,
    geojson: String,
    expires_in_hours: String,
}

impl Default for CrisisForm {
    fn default() -> Self {
        CrisisForm {
            csrf: String::new(),
            id: CrisisId::new().to_string(),
            title: String::new(),
            description: String::new(),
            kind: String::new(),
            lat: String::new(),
            lon: String::new(),
            radius_m: "1000".into(),
            geojson: String::new(),
            expires_in_hours: String::new(),
        }
    }
}

pub async fn new_page(ctx: Ctx) -> Result<Response, PageError> {
    responder(&ctx)?;
    Ok(new_form(
        &ctx,
        &CrisisForm::default(),
        &FormErrors::default(),
    ))
}

fn new_form(ctx: &Ctx, form: &CrisisForm, errors: &FormErrors) -> Response {
    let main = html! {
        h1 { (ctx.t("crises.new")) }
        (form_errors(ctx.lang, errors))
        form #crisis-form method="post" action="/crises/new" {
            (csrf(ctx))
            input type="hidden" name="id" value=(form.id);
            (field(ctx.t("crises.field_title"), html! { input #title name="title" value=(form.title) required maxlength="120"; }, "title", errors))
            (field(ctx.t("crises.field_description"), html! {
                textarea #description name="description" rows="3" maxlength="4000" { (form.description) }
            }, "description", errors))
            (field(ctx.t("crises.field_kind"), html! {
                input #kind name="kind" value=(form.kind) required maxlength="32" placeholder=(ctx.t("crises.kind_hint")) autocapitalize="none";
            }, "kind", errors))
            fieldset {
                legend { (ctx.t("crises.zone")) }
                p.muted { (ctx.t("crises.zone_hint")) }
                div.row {
                    (field(ctx.t("me.lat"), html! { input #lat name="lat" inputmode="decimal" value=(form.lat); }, "lat", errors))
                    (field(ctx.t("me.lon"), html! { input #lon name="lon" inputmode="decimal" value=(form.lon); }, "lon", errors))
                }
                (field(ctx.t("me.radius"), html! { input #radius_m name="radius_m" inputmode="numeric" value=(form.radius_m); }, "radius_m", errors))
                details open[!form.geojson.trim().is_empty()] {
                    summary { (ctx.t("crises.or_geojson")) }
                    (field(ctx.t("crises.geojson"), html! {
                        textarea #geojson name="geojson" rows="5" spellcheck="false" placeholder="{\"type\": \"Polygon\", \"coordinates\": [...]}" { (form.geojson) }
                    }, "geojson", errors))
                }
                @if let Some(message) = errors.on("area") { p.err #area-err { (message) } }
            }
            (field(ctx.t("crises.expires_in_hours"), html! {
                input #expires_in_hours name="expires_in_hours" inputmode="numeric" value=(form.expires_in_hours);
            }, "expires_at", errors))
            button type="submit" id="create-crisis" { (ctx.t("crises.create")) }
        }
    };
    layout::page(ctx, errors.status_or_ok(), ctx.t("crises.new"), None, main)
}

/// The zone as the API takes it: pasted GeoJSON if any, else the circle.
fn area_of(ctx: &Ctx, form: &CrisisForm, errors: &mut FormErrors) -> Option<Value> {
    if !form.geojson.trim().is_empty() {
        return match serde_json::from_str(&form.geojson) {
            Ok(value) => Some(value),
            Err(e) => {
                errors.field(
                    "geojson",
                    ctx.tf("crises.bad_json", &[("error", &e.to_string())]),
                );
                None
            }
        };
    }
    let lat = number(errors, ctx.lang, "lat", &form.lat);
    let lon = number(errors, ctx.lang, "lon", &form.lon);
    let radius = number(errors, ctx.lang, "radius_m", &form.radius_m);
    let (lat, lon, radius) = (lat?, lon?, radius?);
    Some(json!({"center": [lon, lat], "radius_m": radius}))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<CrisisForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    caller.require_responder()?;
    let mut errors = FormErrors::default();
    let area = area_of(&ctx, &form, &mut errors);
    let now = chrono::Utc::now();
    let expires_at = match form.expires_in_hours.trim() {
        "" => None,
        raw => match number(&mut errors, ctx.lang, "expires_at", raw) {
            // Bounded so the date can't overflow; ten years is past any crisis.
            Some(hours) if hours > 0.0 && hours <= MAX_HOURS => {
                Some(now + chrono::Duration::seconds((hours * 3600.0) as i64))
            }
            Some(_) => {
                errors.field("expires_at", ctx.t("crises.bad_expiry"));
                None
            }
            None => None,
        },
    };
    let Some(area) = area.filter(|_| errors.is_empty()) else {
        return Ok(new_form(&ctx, &form, &errors));
    };
    let new = match NewCrisis::parse(
        &form.title,
        &form.description,
        &form.kind,
        &area,
        None,
        expires_at,
        now,
    ) {
        Ok(new) => new,
        Err(invalids) => {
            return Ok(new_form(
                &ctx,
                &form,
                &FormErrors::from_app(ctx.lang, invalids.into())?,
            ));
        }
    };
    let id = form.id.parse().unwrap_or_else(|_| CrisisId::new());
    let crisis = state.create_crisis(&caller.account, id, new).await?;
    Ok(done(
        &format!("/crises/{}", crisis.id),
        "flash.crisis_created",
    ))
}

/// The buttons a responder sees on a crisis page: only the moves its status allows.
pub fn controls(ctx: &Ctx, crisis: &Crisis) -> Markup {
    let moves = [
        (
            CrisisTransition::Activate,
            "activate",
            "crises.activate",
            "",
        ),
        (
            CrisisTransition::Close,
            "close",
            "crises.close",
            "secondary",
        ),
        (
            CrisisTransition::Retract,
            "retract",
            "crises.retract",
            "danger",
        ),
    ];
    html! {
        section #responder {
            h2 { (ctx.t("crises.responder")) }
            div.actions {
                @for (transition, verb, label, class) in moves {
                    @if transition.apply(crisis.status).is_ok() {
                        form.inline method="post" action={ "/crises/" (crisis.id) "/" (verb) } {
                            (csrf(ctx))
                            button.(class) type="submit" id=(verb) { (ctx.t(label)) }
                        }
                    }
                }
            }
            p { a href={ "/crises/" (crisis.id) "/need-help" } id="need-help-link" { (ctx.t("crises.need_help_list")) } }
        }
    }
}

/// Activates, closes or retracts a crisis: `POST /crises/{id}/{activate|close|retract}`.
pub async fn transition(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, verb)): Path<(String, String)>,
    PageForm(form): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    let transition =
        CrisisTransition::from_verb(&verb).ok_or_else(|| AppError::not_found("page"))?;
    let caller = ctx.member_posting(&form.csrf)?;
    let id: CrisisId = parse_id(&id, "crisis")?;
    state
        .transition_crisis(&caller.account, id, transition)
        .await?;
    let flash = match transition {
        CrisisTransition::Activate => "flash.crisis_activated",
        CrisisTransition::Close => "flash.crisis_closed",
        CrisisTransition::Retract => "flash.crisis_retracted",
    };
    Ok(done(&format!("/crises/{id}"), flash))
}

/// Who needs help, with their message and last known place, on a map and as `geo:` links
/// that open the phone's own map application.
pub async fn need_help(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let caller = responder(&ctx)?;
    let id: CrisisId = parse_id(&id, "crisis")?;
    let crisis = state.crisis(id).await?;
    let people = state.need_help(&caller.account, id).await?;
    let markers: Vec<_> = people
        .iter()
        .filter_map(|p| p.last_location.map(|l| l.point))
        .collect();
    let main = html! {
        h1 { (ctx.t("crises.need_help_list")) }
        p { a href={ "/crises/" (crisis.id) } { (crisis.title) } }
        figure.map { (PreEscaped(zone_svg(&crisis.zone, &crisis.title, 400, 260, &markers))) }
        @if people.is_empty() { p.muted { (ctx.t("crises.nobody_needs_help")) } }
        ul.people #need-help-list {
            @for p in &people {
                li data-handle=(p.handle) data-status="need_help" {
                    span.name { (p.display_name) " " small { "@" (p.handle) } }
                    @if let Some(m) = &p.message { q.message { (m) } }
                    small.muted { (when(p.updated_at)) }
                    @if let Some(l) = &p.last_location {
                        a href={ "geo:" (format!("{:.6},{:.6}", l.point.lat, l.point.lon)) } {
                            (format!("{:.5}, {:.5}", l.point.lat, l.point.lon)) " (± " (format!("{:.0}", l.accuracy_m)) " m)"
                        }
                        " " small.muted { (when(l.at)) }
                    } @else {
                        small.muted { (ctx.t("crises.no_location")) }
                    }
                }
            }
        }
    };
    Ok(layout::ok(&ctx, ctx.t("crises.need_help_list"), main))
}
