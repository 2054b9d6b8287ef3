//! The frame around every page, and the small pieces forms are built from.

use super::{Ctx, FormErrors, Lang, assets, encode};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use entraide_core::{CrisisId, SafetyStatus, Timestamp};
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// A whole page for `ctx`, with the live stream switched on for signed-in people.
/// `crisis` tells the script which crisis the page shows, so it updates only that one.
pub fn page(
    ctx: &Ctx,
    status: StatusCode,
    title: &str,
    crisis: Option<CrisisId>,
    main: Markup,
) -> Response {
    page_refreshing(ctx, status, title, crisis, None, main)
}

/// Like [`page`], reloading itself every `refresh` seconds (for pages that change by
/// themselves, such as trends, and must do so without JavaScript).
pub fn page_refreshing(
    ctx: &Ctx,
    status: StatusCode,
    title: &str,
    crisis: Option<CrisisId>,
    refresh: Option<u32>,
    main: Markup,
) -> Response {
    let lang = ctx.lang;
    let caller = ctx.caller.as_ref();
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(lang, title, refresh))
            body data-signed-in=[caller.map(|_| "1")] data-crisis=[crisis.map(|c| c.to_string())] {
                header.top {
                    a.brand href="/" { "entraide" }
                    nav {
                        a href="/missing" { (lang.t("nav.missing")) }
                        @if let Some(caller) = caller {
                            a href="/contacts" { (lang.t("nav.contacts")) }
                            a href="/me" { (lang.t("nav.me")) }
                            a href="/inbox" { (lang.t("nav.inbox")) }
                            @if caller.account.role.is_responder() {
                                a href="/crises" { (lang.t("nav.crises")) }
                            }
                            form.inline method="post" action="/logout" {
                                (csrf(ctx))
                                button.link type="submit" id="logout" { (lang.t("nav.logout")) }
                            }
                        } @else {
                            a href="/login" { (lang.t("nav.login")) }
                            a href="/signup" { (lang.t("nav.signup")) }
                        }
                    }
                }
                ul #live-banner aria-live="polite" {}
                main {
                    @if let Some(flash) = &ctx.flash {
                        p.flash role="status" { (flash) }
                    }
                    (main)
                }
                (footer(lang, &ctx.here))
                @if caller.is_some() {
                    script #i18n type="application/json" { (PreEscaped(script_words(lang))) }
                }
            }
        }
    };
    (status, Html(markup.into_string())).into_response()
}

pub fn ok(ctx: &Ctx, title: &str, main: Markup) -> Response {
    page(ctx, StatusCode::OK, title, None, main)
}

fn head(lang: Lang, title: &str, refresh: Option<u32>) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            @if let Some(seconds) = refresh {
                meta http-equiv="refresh" content=(seconds);
            }
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="color-scheme" content="light dark";
            title { @if !title.is_empty() { (title) " · " } "entraide" }
            link rel="stylesheet" href=(assets::css_url());
            script src=(assets::js_url()) defer {}
            meta name="description" content=(lang.t("site.tagline"));
        }
    }
}

fn footer(lang: Lang, here: &str) -> Markup {
    let other = lang.other();
    html! {
        footer {
            a #lang-switch href={ "/lang/" (other.code()) "?back=" (encode(here)) } hreflang=(other.code()) lang=(other.code()) {
                (other.t("lang.name"))
            }
        }
    }
}

/// A failure in words, with the right status. It knows only the language: it may be shown
/// before anyone is recognised.
pub fn error_page(lang: Lang, status: StatusCode, message: &str) -> Response {
    let headline = match status {
        StatusCode::NOT_FOUND => lang.t("error.not_found"),
        StatusCode::UNAUTHORIZED => lang.t("error.unauthenticated"),
        StatusCode::FORBIDDEN => lang.t("error.forbidden"),
        StatusCode::CONFLICT => lang.t("error.conflict"),
        StatusCode::TOO_MANY_REQUESTS => lang.t("error.rate_limited"),
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => lang.t("error.invalid"),
        _ => lang.t("error.internal"),
    };
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(lang, headline, None))
            body {
                header.top { a.brand href="/" { "entraide" } }
                main {
                    h1 { (headline) }
                    p #error-message { (message) }
                    p { a href="/" { (lang.t("error.back_home")) } }
                }
                (footer(lang, "/"))
            }
        }
    };
    (status, Html(markup.into_string())).into_response()
}

/// The words the script needs, as JSON; `</` is escaped so no value can close the
/// `<script>` element it sits in.
fn script_words(lang: Lang) -> String {
    let words = serde_json::json!({
        "status": {
            "safe": lang.t("status.safe"),
            "need_help": lang.t("status.need_help"),
            "not_in_area": lang.t("status.not_in_area"),
            "none": lang.t("status.none"),
        },
        "marked_by": lang.t("crisis.marked_by"),
        "events": {
            "safety_question": lang.t("event.safety_question"),
            "are_you_safe": lang.t("event.are_you_safe"),
            "marked_on_behalf": lang.t("event.marked_on_behalf"),
            "crisis_retracted": lang.t("event.crisis_retracted"),
            "crisis_proposed": lang.t("event.crisis_proposed"),
            "crisis_activated": lang.t("event.crisis_activated"),
            "contact_request": lang.t("event.contact_request"),
        },
        "open": lang.t("event.open"),
        "geo_failed": lang.t("me.geo_failed"),
    });
    words.to_string().replace("</", "<\\/")
}

/// The hidden field every signed-in form carries.
pub fn csrf(ctx: &Ctx) -> Markup {
    html! {
        @if let Some(caller) = &ctx.caller {
            input type="hidden" name="csrf" value=(caller.csrf_token);
        }
    }
}

/// A labelled input with its error, if any, right below it.
pub fn field(label: &str, input: Markup, name: &str, errors: &FormErrors) -> Markup {
    html! {
        div.field.invalid[errors.on(name).is_some()] {
            label for=(name) { (label) }
            (input)
            @if let Some(message) = errors.on(name) {
                p.err id={ (name) "-err" } { (message) }
            }
        }
    }
}

/// Errors that belong to no field, above the form.
pub fn form_errors(lang: Lang, errors: &FormErrors) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.errors role="alert" {
                p { strong { (lang.t("form.fix")) } }
                @for message in &errors.general {
                    p { (message) }
                }
            }
        }
    }
}

/// A time people can read; the script rewrites it in the reader's own time zone.
pub fn when(at: Timestamp) -> Markup {
    html! {
        time datetime=(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)) { (at.format("%Y-%m-%d %H:%M UTC")) }
    }
}

pub fn status_key(status: Option<SafetyStatus>) -> &'static str {
    match status {
        Some(SafetyStatus::Safe) => "status.safe",
        Some(SafetyStatus::NeedHelp) => "status.need_help",
        Some(SafetyStatus::NotInArea) => "status.not_in_area",
        None => "status.none",
    }
}

pub fn status_word(lang: Lang, status: Option<SafetyStatus>) -> &'static str {
    lang.t(status_key(status))
}

/// The value of a `data-status` attribute: what CSS colours and the script reads.
pub fn status_attr(status: Option<SafetyStatus>) -> &'static str {
    status.map_or("none", SafetyStatus::as_str)
}
