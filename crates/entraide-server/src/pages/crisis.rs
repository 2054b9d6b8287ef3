//! The home page and a crisis's page: what happened, where, how many are safe, and for a
//! signed-in person the two-step "are you safe?" and their contacts' statuses, kept live.

use super::accounts::CsrfForm;
use super::layout::{self, csrf, form_errors, status_attr, status_key, when};
use super::{Ctx, FormErrors, PageError, done, done_for};
use crate::api::parse_id;
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use entraide_core::{Answer, Crisis, CrisisId, CrisisStatus, MarkOrigin, SafetyStatus};
use entraide_geo::zone_svg;
use entraide_store::{ContactStatus, CrisisStats, CurrentMark};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

pub async fn home(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let active = state
        .store
        .crises(Some(CrisisStatus::Active))
        .await
        .map_err(AppError::from)?;
    let prompts = match &ctx.caller {
        Some(caller) => state.prompts(&caller.account).await?,
        None => Vec::new(),
    };
    let now = chrono::Utc::now();
    let asking: Vec<_> = prompts.iter().filter(|p| p.crisis.is_asking(now)).collect();
    let main = html! {
        @if ctx.caller.is_none() {
            section.intro {
                h1 { (ctx.t("home.title")) }
                p { (ctx.t("site.tagline")) }
                p.actions {
                    a.button href="/signup" { (ctx.t("nav.signup")) }
                    a.button.secondary href="/login" { (ctx.t("nav.login")) }
                }
            }
        }
        @if !asking.is_empty() {
            section #asking {
                h2 { (ctx.t("home.asking")) }
                ul.items {
                    @for p in &asking {
                        li data-crisis=(p.crisis.id) {
                            a href={ "/crises/" (p.crisis.id) } { strong { (p.crisis.title) } }
                            " — "
                            span.status data-status=(status_attr(p.mark.as_ref().map(|m| m.status))) {
                                @if let Some(mark) = &p.mark { (ctx.t(status_key(Some(mark.status)))) } @else { (ctx.t("home.not_answered")) }
                            }
                        }
                    }
                }
            }
        }
        section #active-crises {
            h2 { (ctx.t("home.active")) }
            @if active.is_empty() {
                p.muted { (ctx.t("home.no_active")) }
            }
            ul.items {
                @for c in &active {
                    li data-crisis=(c.id) {
                        a href={ "/crises/" (c.id) } { strong { (c.title) } }
                        " " small.muted { (c.kind.as_str()) " · " (when(c.starts_at)) }
                    }
                }
            }
        }
    };
    Ok(layout::ok(&ctx, "", main))
}

async fn visible_crisis(state: &AppState, ctx: &Ctx, raw_id: &str) -> Result<Crisis, PageError> {
    let viewer = ctx.caller.as_ref().map(|c| &c.account);
    Ok(state
        .visible_crisis(viewer, parse_id(raw_id, "crisis")?)
        .await?)
}

pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let crisis = visible_crisis(&state, &ctx, &id).await?;
    let draft = Draft {
        step_two: ctx.query("step") == Some("2"),
        message: "",
    };
    render(&state, &ctx, &crisis, &draft, &FormErrors::default()).await
}

/// Where the person is in answering, and what they typed.
struct Draft<'a> {
    step_two: bool,
    message: &'a str,
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    crisis: &Crisis,
    draft: &Draft<'_>,
    errors: &FormErrors,
) -> Result<Response, PageError> {
    let stats = state.crisis_stats(crisis.id).await?;
    let asking = crisis.is_asking(chrono::Utc::now());
    let (my_mark, contacts) = match &ctx.caller {
        Some(caller) => {
            let prompts = state.prompts(&caller.account).await?;
            let mark = prompts
                .into_iter()
                .find(|p| p.crisis.id == crisis.id)
                .and_then(|p| p.mark);
            (
                mark,
                state.contact_statuses(&caller.account, crisis.id).await?,
            )
        }
        None => (None, Vec::new()),
    };
    // On a phone, what one must do comes first: the question, then one's people; the map
    // and the counts after.
    let main = html! {
        article #crisis data-status=(crisis.status.as_str()) {
            h1 { (crisis.title) }
            p.meta {
                span.badge data-status=(crisis.status.as_str()) { (ctx.t(crisis_status_key(crisis.status))) }
                " " (crisis.kind.as_str()) " · " (ctx.t("crisis.since")) " " (when(crisis.starts_at))
                @if let Some(expires) = crisis.expires_at { " · " (ctx.t("crisis.until")) " " (when(expires)) }
            }
            @if crisis.status == CrisisStatus::Retracted {
                p.notice.warn role="alert" { (ctx.t("crisis.retracted_notice")) }
            }
            @if !crisis.description.is_empty() {
                p.description { (crisis.description) }
            }
        }
        @if ctx.caller.as_ref().is_some_and(|c| c.account.role.is_responder()) {
            (super::responder::controls(ctx, crisis))
        }
        (form_errors(ctx.lang, errors))
        @if ctx.caller.is_some() {
            @if asking {
                (answer_section(ctx, crisis, my_mark.as_ref(), draft, errors))
            }
            (contacts_section(ctx, crisis, asking, &contacts))
        } @else {
            p.notice { a href={ "/login?next=/crises/" (crisis.id) } { (ctx.t("crisis.sign_in_to_answer")) } }
        }
        section #zone {
            (counts(ctx, &stats))
            figure.map { (PreEscaped(zone_svg(&crisis.zone, &crisis.title, 400, 240, &[]))) }
            p { a #trends-link href={ "/trends?crisis=" (crisis.id) } { (ctx.t("trends.link")) } }
        }
    };
    Ok(layout::page(
        ctx,
        errors.status_or_ok(),
        &crisis.title,
        Some(crisis.id),
        main,
    ))
}

pub fn crisis_status_key(status: CrisisStatus) -> &'static str {
    match status {
        CrisisStatus::Proposed => "crisis_status.proposed",
        CrisisStatus::Active => "crisis_status.active",
        CrisisStatus::Closed => "crisis_status.closed",
        CrisisStatus::Retracted => "crisis_status.retracted",
    }
}

fn counts(ctx: &Ctx, stats: &CrisisStats) -> Markup {
    let items = [
        ("safe", stats.safe, "crisis.count_safe"),
        ("need_help", stats.need_help, "crisis.count_need_help"),
        ("not_in_area", stats.not_in_area, "crisis.count_not_in_area"),
    ];
    html! {
        ul #counts {
            @for (name, n, label) in items {
                li data-status=(name) { strong data-count=(name) { (n) } " " span { (ctx.t(label)) } }
            }
        }
    }
}

/// Step 1 asks where one is; only "in the area" leads to step 2, safe or in need of help.
/// Step 2 is its own URL (`?step=2`), so the two steps work without JavaScript.
fn answer_section(
    ctx: &Ctx,
    crisis: &Crisis,
    mark: Option<&CurrentMark>,
    draft: &Draft<'_>,
    errors: &FormErrors,
) -> Markup {
    let action = format!("/crises/{}/safety", crisis.id);
    html! {
        section #answer {
            @if let Some(mark) = mark {
                @if let MarkOrigin::OnBehalf { .. } = mark.origin {
                    div.notice #marked-for-me {
                        p { (ctx.tf("crisis.you_were_marked", &[("handle", mark.marked_by.as_ref().map_or("", |h| h.as_str()))])) }
                        div.actions {
                            form.inline method="post" action={ (action) "/confirm" } {
                                (csrf(ctx))
                                button type="submit" id="confirm-mark" { (ctx.t("crisis.confirm")) }
                            }
                            form.inline method="post" action={ (action) "/reject" } {
                                (csrf(ctx))
                                button.secondary type="submit" id="reject-mark" { (ctx.t("crisis.reject")) }
                            }
                        }
                    }
                } @else {
                    p #my-answer data-status=(mark.status.as_str()) {
                        (ctx.t("crisis.your_answer")) " " strong { (ctx.t(status_key(Some(mark.status)))) }
                        @if let Some(m) = &mark.message { " " q { (m) } }
                        " " small.muted { (when(mark.at)) }
                    }
                }
            }
            @if draft.step_two {
                h2 { (ctx.t("crisis.are_you_safe")) }
                form #step-2 method="post" action=(action) {
                    (csrf(ctx))
                    div.field.invalid[errors.on("message").is_some()] {
                        label for="message" { (ctx.t("crisis.message")) }
                        textarea #message name="message" maxlength="280" rows="2" { (draft.message) }
                        @if let Some(message) = errors.on("message") { p.err #message-err { (message) } }
                    }
                    div.choices {
                        button.safe type="submit" name="status" value="safe" id="im-safe" { (ctx.t("crisis.im_safe")) }
                        button.help type="submit" name="status" value="need_help" id="need-help" { (ctx.t("crisis.need_help")) }
                    }
                }
                p { a href={ "/crises/" (crisis.id) } { (ctx.t("crisis.back_to_step_1")) } }
            } @else {
                h2 { @if mark.is_some() { (ctx.t("crisis.change_answer")) } @else { (ctx.t("crisis.where_are_you")) } }
                div.choices {
                    form method="get" action={ "/crises/" (crisis.id) } {
                        input type="hidden" name="step" value="2";
                        button type="submit" id="in-area" { (ctx.t("crisis.in_area")) }
                    }
                    form method="post" action=(action) {
                        (csrf(ctx))
                        input type="hidden" name="status" value="not_in_area";
                        button.secondary type="submit" id="not-in-area" { (ctx.t("crisis.not_in_area")) }
                    }
                }
            }
        }
    }
}

/// My contacts' statuses. The script finds each row by `data-handle` and rewrites its
/// status, message and "marked safe by" in place as events arrive.
fn contacts_section(
    ctx: &Ctx,
    crisis: &Crisis,
    asking: bool,
    contacts: &[ContactStatus],
) -> Markup {
    html! {
        section #contacts {
            h2 { (ctx.t("crisis.contacts")) }
            @if contacts.is_empty() {
                p.muted { (ctx.t("crisis.no_contacts")) " " a href="/contacts" { (ctx.t("nav.contacts")) } }
            }
            ul #contact-statuses.people {
                @for c in contacts {
                    li.contact-status data-handle=(c.handle) data-status=(status_attr(c.status)) {
                        span.name { (c.display_name) " " small { "@" (c.handle) } }
                        span.status { (ctx.t(status_key(c.status))) }
                        span.marked-by hidden[c.marked_by.is_none()] {
                            @if let Some(by) = &c.marked_by { (ctx.tf("crisis.marked_by", &[("handle", by.as_str())])) }
                        }
                        q.message hidden[c.message.is_none()] { @if let Some(m) = &c.message { (m) } }
                        @if asking && c.status.is_none() {
                            div.actions {
                                form.inline method="post" action={ "/crises/" (crisis.id) "/ask/" (c.handle) } {
                                    (csrf(ctx))
                                    button.secondary type="submit" id={ "ask-" (c.handle) } { (ctx.t("crisis.ask")) }
                                }
                                form.inline method="post" action={ "/crises/" (crisis.id) "/safety/" (c.handle) } {
                                    (csrf(ctx))
                                    button type="submit" id={ "mark-" (c.handle) } { (ctx.t("crisis.mark_safe")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    csrf: String,
    status: String,
    message: String,
}

pub async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    super::PageForm(form): super::PageForm<AnswerForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    let crisis = visible_crisis(&state, &ctx, &id).await?;
    let result = match Answer::parse(&form.status, Some(&form.message)) {
        Ok(answer) => state.answer(&caller.account, crisis.id, answer).await,
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(_) => Ok(done(&format!("/crises/{}", crisis.id), "flash.answered")),
        // A failed step 2 stays at step 2, with the message as typed.
        Err(e) => {
            let draft = Draft {
                step_two: form.status != "not_in_area",
                message: &form.message,
            };
            render(
                &state,
                &ctx,
                &crisis,
                &draft,
                &FormErrors::from_app(ctx.lang, e)?,
            )
            .await
        }
    }
}

pub async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    super::PageForm(form): super::PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    let id: CrisisId = parse_id(&id, "crisis")?;
    state.confirm_mark(&caller.account, id).await?;
    Ok(done(&format!("/crises/{id}"), "flash.mark_confirmed"))
}

pub async fn reject(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    super::PageForm(form): super::PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    let id: CrisisId = parse_id(&id, "crisis")?;
    state.reject_mark(&caller.account, id).await?;
    Ok(done(&format!("/crises/{id}"), "flash.mark_rejected"))
}

pub async fn mark_on_behalf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, handle)): Path<(String, String)>,
    super::PageForm(form): super::PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    let id: CrisisId = parse_id(&id, "crisis")?;
    state
        .mark_on_behalf(&caller.account, id, &handle, SafetyStatus::Safe)
        .await?;
    Ok(done_for(
        &format!("/crises/{id}"),
        "flash.marked_safe",
        &handle.to_lowercase(),
    ))
}

pub async fn ask(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, handle)): Path<(String, String)>,
    super::PageForm(form): super::PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    let id: CrisisId = parse_id(&id, "crisis")?;
    state.ask_contact(&caller.account, id, &handle).await?;
    Ok(done_for(
        &format!("/crises/{id}"),
        "flash.asked",
        &handle.to_lowercase(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    #[test]
    fn every_crisis_status_has_words() {
        for status in [
            CrisisStatus::Proposed,
            CrisisStatus::Active,
            CrisisStatus::Closed,
            CrisisStatus::Retracted,
        ] {
            assert!(super::super::Lang::Fr.knows(crisis_status_key(status)));
        }
    }

    #[test]
    fn conflicts_stay_conflicts() {
        let errors = FormErrors::from_app(
            super::super::Lang::En,
            AppError::Conflict(entraide_core::Refusal::OwnOffer),
        )
        .unwrap();
        assert_eq!(errors.status_or_ok(), StatusCode::CONFLICT);
    }
}
