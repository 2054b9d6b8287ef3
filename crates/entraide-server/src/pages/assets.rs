//! The stylesheet and the script, embedded in the binary. Their URLs carry a hash of their
//! content, so browsers keep them for a year and a new release is fetched at once.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

const CSS: &str = include_str!("../../assets/app.css");
const JS: &str = include_str!("../../assets/app.js");

fn versioned(stem: &str, ext: &str, content: &str) -> String {
    let hash = Sha256::digest(content.as_bytes());
    let short: String = hash.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("{stem}-{short}.{ext}")
}

static CSS_NAME: LazyLock<String> = LazyLock::new(|| versioned("app", "css", CSS));
static JS_NAME: LazyLock<String> = LazyLock::new(|| versioned("app", "js", JS));

pub fn css_url() -> String {
    format!("/assets/{}", *CSS_NAME)
}

pub fn js_url() -> String {
    format!("/assets/{}", *JS_NAME)
}

pub async fn serve(Path(file): Path<String>) -> Response {
    let (content_type, body) = if file == *CSS_NAME {
        ("text/css; charset=utf-8", CSS)
    } else if file == *JS_NAME {
        ("text/javascript; charset=utf-8", JS)
    } else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        body,
    )
        .into_response()
}
