//! Where I am (a reported location, a home area) and what I was told (the inbox).

use super::accounts::CsrfForm;
use super::layout::{self, csrf, field, form_errors, status_word, when};
use super::{Ctx, FormErrors, PageError, PageForm, done, number};
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use entraide_core::{Event, Invalid, Location, Rule};
use entraide_geo::{Zone, zone_svg};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use serde_json::json;

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct LocationForm {
    csrf: String,
    lat: String,
    lon: String,
    accuracy_m: String,
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct EmailForm {
    csrf: String,
    email: String,
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct HomeForm {
    csrf: String,
    home_lat: String,
    home_lon: String,
    radius_m: String,
}

pub async fn page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    render(&state, &ctx, Typed::Nothing, &FormErrors::default()).await
}

/// What was typed into the form that failed, kept in it.
enum Typed<'a> {
    Nothing,
    Location(&'a LocationForm),
    Home(&'a HomeForm),
    Email(&'a EmailForm),
}

/// The page, with what was typed into a form that failed kept in it.
async fn render(
    state: &AppState,
    ctx: &Ctx,
    typed: Typed<'_>,
    errors: &FormErrors,
) -> Result<Response, PageError> {
    let caller = ctx.member()?;
    let me = &caller.account;
    let latest = state
        .store
        .latest_location(me.id)
        .await
        .map_err(crate::error::AppError::from)?;
    let home = state
        .store
        .home(me.id)
        .await
        .map_err(crate::error::AppError::from)?;
    let email = match typed {
        Typed::Email(f) => f.email.clone(),
        _ => state.my_email(me).await?.unwrap_or_default(),
    };
    let (typed_location, typed_home) = match typed {
        Typed::Location(f) => (Some(f), None),
        Typed::Home(f) => (None, Some(f)),
        Typed::Nothing | Typed::Email(_) => (None, None),
    };
    let short = |v: f64| format!("{v:.5}");
    let location_values = match (typed_location, &latest) {
        (Some(f), _) => (f.lat.clone(), f.lon.clone(), f.accuracy_m.clone()),
        (None, Some(l)) => (
            short(l.point.lat),
            short(l.point.lon),
            format!("{:.0}", l.accuracy_m),
        ),
        (None, None) => (String::new(), String::new(), "50".to_string()),
    };
    let home_values = match (typed_home, &home) {
        (Some(f), _) => (f.home_lat.clone(), f.home_lon.clone(), f.radius_m.clone()),
        (None, Some(Zone::Circle { center, radius_m })) => (
            short(center.lat),
            short(center.lon),
            format!("{radius_m:.0}"),
        ),
        _ => (String::new(), String::new(), "500".to_string()),
    };
    let main = html! {
        h1 { (me.display_name) " " small { "@" (me.handle) } }
        p.muted { (ctx.t("me.why")) }
        (form_errors(ctx.lang, errors))
        section #location {
            h2 { (ctx.t("me.location")) }
            @if let Some(l) = &latest {
                p #current-location { (ctx.t("me.last_reported")) " " (coords(l.point.lat, l.point.lon)) " (± " (format!("{:.0}", l.accuracy_m)) " m), " (when(l.at)) }
            } @else {
                p.muted { (ctx.t("me.no_location")) }
            }
            form #location-form method="post" action="/me/location" {
                (csrf(ctx))
                div.row {
                    (field(ctx.t("me.lat"), html! { input #lat name="lat" inputmode="decimal" value=(location_values.0) required; }, "lat", errors))
                    (field(ctx.t("me.lon"), html! { input #lon name="lon" inputmode="decimal" value=(location_values.1) required; }, "lon", errors))
                }
                (field(ctx.t("me.accuracy"), html! { input #accuracy_m name="accuracy_m" inputmode="decimal" value=(location_values.2); }, "accuracy_m", errors))
                @if let Some(message) = errors.on("lat/lon") { p.err { (message) } }
                div.actions {
                    button type="submit" id="share-location" { (ctx.t("me.share")) }
                    // Shown by the script where the browser can locate the phone.
                    button.secondary type="button" id="geo" hidden { (ctx.t("me.use_position")) }
                }
                p.err #geo-error hidden {}
            }
        }
        section #home {
            h2 { (ctx.t("me.home")) }
            p.muted { (ctx.t("me.home_why")) }
            @if let Some(zone) = &home {
                figure.map.small {
                    (PreEscaped(zone_svg(zone, ctx.t("me.home"), 320, 180, &latest.iter().map(|l| l.point).collect::<Vec<_>>())))
                }
                @if let Zone::Polygons(_) = zone { p { (ctx.t("me.home_drawn")) } }
            } @else {
                p.muted { (ctx.t("me.no_home")) }
            }
            form #home-form method="post" action="/me/home" {
                (csrf(ctx))
                div.row {
                    (field(ctx.t("me.lat"), html! { input #home_lat name="home_lat" inputmode="decimal" value=(home_values.0) required; }, "home_lat", errors))
                    (field(ctx.t("me.lon"), html! { input #home_lon name="home_lon" inputmode="decimal" value=(home_values.1) required; }, "home_lon", errors))
                }
                (field(ctx.t("me.radius"), html! { input #radius_m name="radius_m" inputmode="numeric" value=(home_values.2) required; }, "radius_m", errors))
                @if let Some(message) = errors.on("area") { p.err { (message) } }
                button type="submit" id="save-home" { (ctx.t("me.save_home")) }
            }
            @if home.is_some() {
                form method="post" action="/me/home/clear" {
                    (csrf(ctx))
                    button.secondary type="submit" id="clear-home" { (ctx.t("me.clear_home")) }
                }
            }
        }
        section #email {
            h2 { (ctx.t("me.email")) }
            p.muted { (ctx.t("me.email_why")) }
            form #email-form method="post" action="/me/email" {
                (csrf(ctx))
                (field(ctx.t("me.email_address"), html! { input #email_address name="email" type="email" autocomplete="email" maxlength="254" value=(email); }, "email", errors))
                button type="submit" id="save-email" { (ctx.t("me.save_email")) }
            }
        }
    };
    Ok(layout::page(
        ctx,
        errors.status_or_ok(),
        ctx.t("nav.me"),
        None,
        main,
    ))
}

fn coords(lat: f64, lon: f64) -> String {
    format!("{lat:.5}, {lon:.5}")
}

pub async fn report_location(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<LocationForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    let mut errors = FormErrors::default();
    let lat = number(&mut errors, ctx.lang, "lat", &form.lat);
    let lon = number(&mut errors, ctx.lang, "lon", &form.lon);
    // An empty accuracy means "as given": the phone or the person knows no better.
    let accuracy = if form.accuracy_m.trim().is_empty() {
        Some(0.0)
    } else {
        number(&mut errors, ctx.lang, "accuracy_m", &form.accuracy_m)
    };
    let (Some(lat), Some(lon), Some(accuracy)) = (lat, lon, accuracy) else {
        return render(&state, &ctx, Typed::Location(&form), &errors).await;
    };
    let result = match Location::parse(lat, lon, accuracy, chrono::Utc::now()) {
        Ok(location) => state.report_location(&caller.account, location).await,
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(()) => Ok(done("/me", "flash.location_saved")),
        Err(e) => {
            render(
                &state,
                &ctx,
                Typed::Location(&form),
                &FormErrors::from_app(ctx.lang, e)?,
            )
            .await
        }
    }
}

pub async fn set_home(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<HomeForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    let mut errors = FormErrors::default();
    let lat = number(&mut errors, ctx.lang, "home_lat", &form.home_lat);
    let lon = number(&mut errors, ctx.lang, "home_lon", &form.home_lon);
    let radius = number(&mut errors, ctx.lang, "radius_m", &form.radius_m);
    let (Some(lat), Some(lon), Some(radius)) = (lat, lon, radius) else {
        return render(&state, &ctx, Typed::Home(&form), &errors).await;
    };
    // The same validation as a zone sent to the API: one rule for what an area is.
    let result = match Zone::from_json(&json!({"center": [lon, lat], "radius_m": radius})) {
        Ok(zone) => state.set_home(&caller.account, Some(zone)).await,
        Err(e) => Err(Invalid::broke("area", Rule::Area { detail: e.0 }).into()),
    };
    match result {
        Ok(()) => Ok(done("/me", "flash.home_saved")),
        Err(e) => {
            render(
                &state,
                &ctx,
                Typed::Home(&form),
                &FormErrors::from_app(ctx.lang, e)?,
            )
            .await
        }
    }
}

/// Sets or (left empty) forgets my email address.
pub async fn set_email(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<EmailForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    match state.set_my_email(&caller.account, Some(&form.email)).await {
        Ok(Some(_)) => Ok(done("/me", "flash.email_saved")),
        Ok(None) => Ok(done("/me", "flash.email_cleared")),
        Err(e) => {
            render(
                &state,
                &ctx,
                Typed::Email(&form),
                &FormErrors::from_app(ctx.lang, e)?,
            )
            .await
        }
    }
}

pub async fn clear_home(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    state.set_home(&caller.account, None).await?;
    Ok(done("/me", "flash.home_cleared"))
}

pub async fn inbox(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let caller = ctx.member()?;
    let items = state
        .store
        .inbox(caller.account.id, 100)
        .await
        .map_err(crate::error::AppError::from)?;
    let main = html! {
        h1 { (ctx.t("inbox.title")) }
        @if items.is_empty() {
            p.muted { (ctx.t("inbox.empty")) }
        }
        ul #inbox.items {
            @for item in &items {
                li data-event=(item.event.name()) {
                    (event_line(&ctx, &item.event))
                    " " small.muted { (when(item.at)) }
                }
            }
        }
    };
    Ok(layout::ok(&ctx, ctx.t("inbox.title"), main))
}

/// One notification in words, with a link to where one acts on it.
fn event_line(ctx: &Ctx, event: &Event) -> Markup {
    let crisis_link =
        |key: &'static str, crisis_id: &entraide_core::CrisisId, args: &[(&str, &str)]| {
            html! { a href={ "/crises/" (crisis_id) } { (ctx.tf(key, args)) } }
        };
    match event {
        Event::ContactStatus {
            crisis_id,
            display_name,
            status,
            message,
            marked_by,
            ..
        } => html! {
            a href={ "/crises/" (crisis_id) } { (display_name) ": " (status_word(ctx.lang, *status)) }
            @if let Some(by) = marked_by { " (" (ctx.tf("crisis.marked_by", &[("handle", by)])) ")" }
            @if let Some(m) = message { " " q { (m) } }
        },
        Event::SafetyQuestion { crisis_id, title } => {
            crisis_link("event.safety_question", crisis_id, &[("title", title)])
        }
        Event::AreYouSafe {
            crisis_id,
            title,
            from_display_name,
            ..
        } => crisis_link(
            "event.are_you_safe",
            crisis_id,
            &[("name", from_display_name), ("title", title)],
        ),
        Event::MarkedOnBehalf {
            crisis_id,
            title,
            by_display_name,
            ..
        } => crisis_link(
            "event.marked_on_behalf",
            crisis_id,
            &[("name", by_display_name), ("title", title)],
        ),
        Event::CrisisProposed { crisis_id, title } => {
            crisis_link("event.crisis_proposed", crisis_id, &[("title", title)])
        }
        Event::CrisisActivated { crisis_id, title } => {
            crisis_link("event.crisis_activated", crisis_id, &[("title", title)])
        }
        Event::CrisisClosed { crisis_id, title } => {
            crisis_link("event.crisis_closed", crisis_id, &[("title", title)])
        }
        Event::CrisisRetracted { crisis_id, title } => {
            crisis_link("event.crisis_retracted", crisis_id, &[("title", title)])
        }
        Event::ContactRequest {
            from_display_name,
            from_handle,
        } => html! {
            a href="/contacts" { (ctx.tf("event.contact_request", &[("name", from_display_name), ("handle", from_handle)])) }
        },
        Event::ContactAccepted {
            display_name,
            handle,
        } => html! {
            a href="/contacts" { (ctx.tf("event.contact_accepted", &[("name", display_name), ("handle", handle)])) }
        },
        Event::ShelterRequested {
            request_id, party, ..
        } => html! {
            a href={ "/shelter/requests/" (request_id) } { (ctx.tf("shelter.event_requested", &[("party", &party.to_string())])) }
        },
        Event::ShelterRequestChanged {
            request_id, status, ..
        } => html! {
            a href={ "/shelter/requests/" (request_id) } { (ctx.tf("shelter.event_changed", &[("status", ctx.t(super::shelter::status_key(*status)))])) }
        },
        Event::MissingNote {
            record_id,
            full_name,
            ..
        } => html! {
            a href={ "/missing/" (record_id) } { (ctx.tf("event.missing_note", &[("name", full_name)])) }
        },
        Event::WitnessCall {
            record_id,
            full_name,
            ..
        } => html! {
            a href={ "/missing/" (record_id) } { (ctx.tf("event.witness_call", &[("name", full_name)])) }
        },
    }
}
