//! Signing up, logging in and out, and choosing the language.

use super::i18n::LANG_COOKIE;
use super::layout::{self, field, form_errors};
use super::{Ctx, FormErrors, Lang, PageError, PageForm, done, local_path, see_other, set_cookie};
use crate::LoggedIn;
use crate::auth::SESSION_COOKIE;
use crate::client_ip::ClientIp;
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use entraide_core::Role;
use maud::html;
use serde::Deserialize;

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct SignUpForm {
    handle: String,
    display_name: String,
    password: String,
}

pub async fn sign_up_page(ctx: Ctx) -> Response {
    sign_up_form(&ctx, &SignUpForm::default(), &FormErrors::default())
}

fn sign_up_form(ctx: &Ctx, form: &SignUpForm, errors: &FormErrors) -> Response {
    let main = html! {
        h1 { (ctx.t("signup.title")) }
        p { (ctx.t("signup.intro")) }
        (form_errors(ctx.lang, errors))
        form #signup method="post" action="/signup" {
            (field(ctx.t("signup.handle"), html! {
                input #handle name="handle" value=(form.handle) required autocomplete="username" autocapitalize="none"
                    minlength="3" maxlength="32" pattern="[A-Za-z0-9_.\\-]+";
                small { (ctx.t("signup.handle_hint")) }
            }, "handle", errors))
            (field(ctx.t("signup.display_name"), html! {
                input #display_name name="display_name" value=(form.display_name) required maxlength="64" autocomplete="name";
            }, "display_name", errors))
            (field(ctx.t("signup.password"), html! {
                input #password type="password" name="password" required minlength="8" autocomplete="new-password";
            }, "password", errors))
            button type="submit" { (ctx.t("signup.submit")) }
        }
        p { (ctx.t("signup.have_account")) " " a href="/login" { (ctx.t("nav.login")) } }
    };
    layout::page(
        ctx,
        errors.status_or_ok(),
        ctx.t("signup.title"),
        None,
        main,
    )
}

/// Creates the account and signs the person in at once: the next thing they need is to
/// say where they are.
pub async fn sign_up(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    PageForm(form): PageForm<SignUpForm>,
) -> Result<Response, PageError> {
    ctx.refuse_cross_site()?;
    let created = match state.limits.check_signup(ip) {
        Ok(()) => {
            state
                .sign_up(
                    &form.handle,
                    &form.password,
                    &form.display_name,
                    Role::Person,
                )
                .await
        }
        Err(e) => Err(e),
    };
    if let Err(e) = created {
        let errors = match e {
            // The one conflict of a sign-up: another account has the handle.
            e @ AppError::Conflict(_) => FormErrors::on_field("handle", &ctx.lang.error(&e), e),
            e => FormErrors::from_app(ctx.lang, e)?,
        };
        return Ok(sign_up_form(&ctx, &form, &errors));
    }
    let session = state.log_in(&form.handle, &form.password).await?;
    Ok(signed_in(&state, session, "/me", "flash.welcome"))
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct LogInForm {
    handle: String,
    password: String,
    next: String,
}

pub async fn log_in_page(ctx: Ctx) -> Response {
    let next = ctx.query("next").unwrap_or("").to_string();
    log_in_form(
        &ctx,
        &LogInForm {
            next,
            ..LogInForm::default()
        },
        &FormErrors::default(),
    )
}

fn log_in_form(ctx: &Ctx, form: &LogInForm, errors: &FormErrors) -> Response {
    let main = html! {
        h1 { (ctx.t("login.title")) }
        (form_errors(ctx.lang, errors))
        form #login method="post" action="/login" {
            input type="hidden" name="next" value=(form.next);
            (field(ctx.t("signup.handle"), html! {
                input #handle name="handle" value=(form.handle) required autocomplete="username" autocapitalize="none";
            }, "handle", errors))
            (field(ctx.t("signup.password"), html! {
                input #password type="password" name="password" required autocomplete="current-password";
            }, "password", errors))
            button type="submit" { (ctx.t("login.submit")) }
        }
        p { (ctx.t("login.no_account")) " " a href="/signup" { (ctx.t("nav.signup")) } }
    };
    layout::page(ctx, errors.status_or_ok(), ctx.t("login.title"), None, main)
}

pub async fn log_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    PageForm(form): PageForm<LogInForm>,
) -> Result<Response, PageError> {
    ctx.refuse_cross_site()?;
    let session = match state.limits.check_login(ip) {
        Ok(()) => state.log_in(&form.handle, &form.password).await,
        Err(e) => Err(e),
    };
    match session {
        Ok(session) => Ok(signed_in(
            &state,
            session,
            local_path(Some(&form.next)).unwrap_or("/"),
            "flash.logged_in",
        )),
        Err(e) => {
            let errors = FormErrors::from_app(ctx.lang, e)?;
            Ok(log_in_form(
                &ctx,
                &LogInForm {
                    password: String::new(),
                    ..form
                },
                &errors,
            ))
        }
    }
}

/// The session cookie: never readable by scripts, not sent on cross-site requests.
fn signed_in(state: &AppState, session: LoggedIn, to: &str, flash: &'static str) -> Response {
    let max_age = i64::from(state.config.session_days) * 24 * 3600;
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let mut response = done(to, flash);
    set_cookie(
        &mut response,
        &format!(
            "{SESSION_COOKIE}={}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{secure}",
            session.token
        ),
    );
    response
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    pub csrf: String,
}

pub async fn log_out(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    let caller = ctx.member_posting(&form.csrf)?;
    state.log_out(&caller.token_hash).await?;
    let mut response = done("/", "flash.logged_out");
    set_cookie(
        &mut response,
        &format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0"),
    );
    Ok(response)
}

/// A plain link, so switching works without JavaScript and from any page; it changes
/// nothing but a preference.
pub async fn switch_language(ctx: Ctx, Path(code): Path<String>) -> Response {
    let back = local_path(ctx.query("back")).unwrap_or("/").to_string();
    let mut response = see_other(&back);
    if let Some(lang) = Lang::parse(&code) {
        set_cookie(
            &mut response,
            &format!(
                "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                lang.code()
            ),
        );
    }
    response
}
