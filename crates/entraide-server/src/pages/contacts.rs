//! Contacts: requests by handle, accepting, removing. Only mutual contacts see each other's
//! safety status, which the page says plainly.

use super::accounts::CsrfForm;
use super::layout::{self, csrf, field, form_errors, when};
use super::{Ctx, FormErrors, PageError, PageForm, done_for};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use entraide_store::{Contact, ContactState};
use maud::{Markup, html};
use serde::Deserialize;

pub async fn page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    render(&state, &ctx, "", &FormErrors::default()).await
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    typed: &str,
    errors: &FormErrors,
) -> Result<Response, PageError> {
    let caller = ctx.member()?;
    let contacts = state.contacts(&caller.account).await?;
    let of = |wanted: ContactState| {
        contacts
            .iter()
            .filter(move |c| c.state == wanted)
            .collect::<Vec<_>>()
    };
    let (incoming, mutual, outgoing) = (
        of(ContactState::Incoming),
        of(ContactState::Mutual),
        of(ContactState::Outgoing),
    );
    let main = html! {
        h1 { (ctx.t("contacts.title")) }
        p { (ctx.t("contacts.intro")) }
        (form_errors(ctx.lang, errors))
        form #add-contact method="post" action="/contacts" {
            (csrf(ctx))
            (field(ctx.t("contacts.handle"), html! {
                input #handle name="handle" value=(typed) required autocapitalize="none" autocomplete="off" placeholder="@";
            }, "handle", errors))
            button type="submit" { (ctx.t("contacts.add")) }
        }
        @if !incoming.is_empty() {
            section #incoming {
                h2 { (ctx.t("contacts.incoming")) }
                ul.people {
                    @for c in &incoming {
                        li data-handle=(c.handle) {
                            (who(c))
                            div.actions {
                                (action(ctx, c, "accept", ctx.t("contacts.accept"), ""))
                                (action(ctx, c, "remove", ctx.t("contacts.decline"), "secondary"))
                            }
                        }
                    }
                }
            }
        }
        section #mutual {
            h2 { (ctx.t("contacts.mutual")) }
            @if mutual.is_empty() {
                p.muted { (ctx.t("contacts.none")) }
            }
            ul.people {
                @for c in &mutual {
                    li data-handle=(c.handle) data-state="mutual" {
                        (who(c))
                        small.muted { (ctx.t("contacts.since")) " " (when(c.since)) }
                        div.actions { (action(ctx, c, "remove", ctx.t("contacts.remove"), "secondary")) }
                    }
                }
            }
        }
        @if !outgoing.is_empty() {
            section #outgoing {
                h2 { (ctx.t("contacts.outgoing")) }
                ul.people {
                    @for c in &outgoing {
                        li data-handle=(c.handle) data-state="outgoing" {
                            (who(c))
                            div.actions { (action(ctx, c, "remove", ctx.t("contacts.cancel"), "secondary")) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        ctx,
        errors.status_or_ok(),
        ctx.t("contacts.title"),
        None,
        main,
    ))
}

fn who(c: &Contact) -> Markup {
    html! { span.name { (c.display_name) " " small { "@" (c.handle) } } }
}

/// One button in its own form: the ids (`accept-bob`) let tests and keyboards find it.
fn action(ctx: &Ctx, c: &Contact, verb: &str, label: &str, class: &str) -> Markup {
    html! {
        form.inline method="post" action={ "/contacts/" (c.handle) "/" (verb) } {
            (csrf(ctx))
            button.(class) type="submit" id={ (verb) "-" (c.handle) } { (label) }
        }
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct RequestForm {
    csrf: String,
    handle: String,
}

pub async fn request(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<RequestForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    let handle = form.handle.trim().trim_start_matches('@').to_lowercase();
    match state.request_contact(&caller.account, &handle).await {
        Ok(ContactState::Mutual) => Ok(done_for("/contacts", "flash.contact_accepted", &handle)),
        Ok(_) => Ok(done_for("/contacts", "flash.contact_requested", &handle)),
        Err(e) => {
            render(
                &state,
                &ctx,
                &form.handle,
                &FormErrors::from_app(ctx.lang, e)?.about("handle"),
            )
            .await
        }
    }
}

pub async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
    PageForm(form): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    state.accept_contact(&caller.account, &handle).await?;
    Ok(done_for(
        "/contacts",
        "flash.contact_accepted",
        &handle.to_lowercase(),
    ))
}

pub async fn remove(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
    PageForm(form): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    state.remove_contact(&caller.account, &handle).await?;
    Ok(done_for(
        "/contacts",
        "flash.contact_removed",
        &handle.to_lowercase(),
    ))
}
