//! What is rising near a place, in a crisis's zone or everywhere: the tags with their counts,
//! baselines and intents, each with a sparkline of its posts per minute drawn here as a few
//! hundred bytes of SVG. The page reloads itself every 30 seconds (no script needed).

use super::layout;
use super::{Ctx, PageError};
use crate::api::parse_id;
use crate::api::trends::{moment, place, radius};
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::TimeDelta;
use entraide_core::{Crisis, CrisisId, Invalid};
use entraide_trends::{Intent, Trend, parse_window};
use maud::{PreEscaped, html};
use std::fmt::Write;

/// Tags listed on the page.
const LISTED: usize = 20;
/// Minutes a sparkline shows at most, whatever the window.
const SPARK_MINUTES: i64 = 60;
const SPARK_WIDTH: f64 = 120.0;
const SPARK_HEIGHT: f64 = 24.0;

/// Where the page looks.
enum Area {
    Near { lat: f64, lon: f64, radius_km: f64 },
    Crisis(Box<Crisis>),
    Global,
}

pub async fn page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let window = match ctx.query("window").filter(|w| !w.is_empty()) {
        Some(w) => parse_window(w).map_err(|e| AppError::from(Invalid::new("window", e)))?,
        None => TimeDelta::minutes(15),
    };
    // An empty form field is no value, so the bare form gives the global list.
    let field = |name| ctx.query(name).filter(|v: &&str| !v.trim().is_empty());
    let centre = place(field("lat"), field("lon"))?;
    let radius_km = radius(field("radius_km"))?;
    let area = match (field("crisis"), centre) {
        (Some(_), Some(_)) => {
            return Err(AppError::from(Invalid::new(
                "crisis",
                "give either crisis or lat and lon, not both",
            ))
            .into());
        }
        (Some(id), None) => {
            let viewer = ctx.caller.as_ref().map(|c| &c.account);
            let id: CrisisId = parse_id(id, "crisis")?;
            Area::Crisis(Box::new(state.visible_crisis(viewer, id).await?))
        }
        (None, Some((lat, lon))) => Area::Near {
            lat,
            lon,
            radius_km,
        },
        (None, None) => Area::Global,
    };
    let at = moment(&state, None)?;
    let spark_minutes = window.num_minutes().clamp(2, SPARK_MINUTES);
    let from = at - TimeDelta::minutes(spark_minutes - 1);
    let rows: Vec<(Trend, Vec<u64>)> = {
        let engine = state.trends.engine.read().expect("trends lock");
        let series = |tag: &str| -> Vec<u64> {
            let points = match &area {
                Area::Near {
                    lat,
                    lon,
                    radius_km,
                } => match h3o::LatLng::new(*lat, *lon) {
                    Ok(centre) => engine.series(tag, centre, *radius_km, from, at),
                    Err(_) => Vec::new(),
                },
                Area::Crisis(crisis) => engine.series_in_zone(tag, &crisis.zone, from, at),
                Area::Global => engine.series_global(tag, from, at),
            };
            points.into_iter().map(|(_, n)| n).collect()
        };
        let list = match &area {
            Area::Near {
                lat,
                lon,
                radius_km,
            } => {
                let centre = h3o::LatLng::new(*lat, *lon)
                    .map_err(|e| AppError::from(Invalid::new("lat", e.to_string())))?;
                engine.trending_near(centre, *radius_km, at, window, LISTED)
            }
            Area::Crisis(crisis) => engine.trending_in_zone(&crisis.zone, at, window, LISTED),
            Area::Global => engine.trending_global(at, window, LISTED),
        };
        list.into_iter()
            .map(|t| {
                let s = series(&t.tag);
                (t, s)
            })
            .collect()
    };
    let crisis_id = match &area {
        Area::Crisis(c) => Some(c.id),
        _ => None,
    };
    let minutes = window.num_minutes().to_string();
    let main = html! {
        section #trends {
            h1 { (ctx.t("trends.title")) }
            p.meta {
                @match &area {
                    Area::Near { lat, lon, radius_km } => {
                        (ctx.tf("trends.near", &[("km", &radius_km.to_string()), ("lat", &format!("{lat:.4}")), ("lon", &format!("{lon:.4}"))]))
                    }
                    Area::Crisis(c) => {
                        (ctx.t("trends.in_crisis")) " " a href={ "/crises/" (c.id) } { (c.title) }
                    }
                    Area::Global => { (ctx.t("trends.global")) }
                }
                " · " (ctx.tf("trends.window", &[("minutes", &minutes)]))
            }
            @if rows.is_empty() {
                p.muted #no-trends { (ctx.t("trends.none")) }
            }
            ol.items #trend-list {
                @for (trend, series) in &rows {
                    li data-tag=(trend.tag) data-intent=[trend.intent.map(Intent::as_str)] {
                        strong { "#" (trend.tag) }
                        " " (PreEscaped(sparkline(series)))
                        " " (ctx.tf("trends.count", &[("count", &trend.count.to_string()), ("baseline", &format!("{:.1}", trend.baseline))]))
                        @if trend.new { " " span.badge.new { (ctx.t("trends.new")) } }
                        @if let Some(intent) = trend.intent {
                            " " a.intent href=(intent_link(intent, crisis_id)) { (ctx.t(intent_key(intent))) }
                        }
                    }
                }
            }
        }
        form #trends-place method="get" action="/trends" {
            h2 { (ctx.t("trends.choose")) }
            label { (ctx.t("trends.lat")) " " input name="lat" inputmode="decimal" value=[field("lat")]; }
            " "
            label { (ctx.t("trends.lon")) " " input name="lon" inputmode="decimal" value=[field("lon")]; }
            " "
            label { (ctx.t("trends.radius")) " " input name="radius_km" inputmode="decimal" value=(radius_km); }
            " "
            label { (ctx.t("trends.window_field")) " "
                select name="window" {
                    @for w in ["5m", "15m", "30m", "60m"] {
                        option value=(w) selected[parse_window(w).ok() == Some(window)] { (w) }
                    }
                }
            }
            " "
            button type="submit" { (ctx.t("trends.show")) }
            " " a href="/trends" { (ctx.t("trends.everywhere")) }
        }
    };
    Ok(layout::page_refreshing(
        &ctx,
        StatusCode::OK,
        ctx.t("trends.title"),
        crisis_id,
        Some(30),
        main,
    ))
}

/// Where a tag with this intent leads: the feature that answers it.
fn intent_link(intent: Intent, crisis: Option<CrisisId>) -> String {
    match (intent, crisis) {
        (Intent::Shelter, _) => "/shelter".to_owned(),
        (Intent::Missing, _) => "/missing".to_owned(),
        (Intent::Safety, Some(id)) => format!("/crises/{id}"),
        (Intent::Safety | Intent::Solidarity, _) => "/".to_owned(),
    }
}

fn intent_key(intent: Intent) -> &'static str {
    match intent {
        Intent::Shelter => "trends.intent_shelter",
        Intent::Missing => "trends.intent_missing",
        Intent::Safety => "trends.intent_safety",
        Intent::Solidarity => "trends.intent_solidarity",
    }
}

/// Posts per minute as an inline SVG polyline, scaled to the highest minute; whole numbers
/// of tenths keep it to a few hundred bytes.
fn sparkline(counts: &[u64]) -> String {
    let highest = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let step = SPARK_WIDTH / (counts.len().max(2) - 1) as f64;
    let mut points = String::with_capacity(counts.len() * 10);
    for (i, &n) in counts.iter().enumerate() {
        let x = i as f64 * step;
        let y = SPARK_HEIGHT - 1.0 - (n as f64 / highest) * (SPARK_HEIGHT - 2.0);
        let _ = write!(points, "{}{:.1},{:.1}", if i == 0 { "" } else { " " }, x, y);
    }
    format!(
        r#"<svg class="spark" width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" role="img" aria-hidden="true"><polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{points}"/></svg>"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_rises_to_the_top_at_its_highest_minute() {
        let svg = sparkline(&[0, 1, 4]);
        assert!(
            svg.contains(r#"points="0.0,23.0 60.0,17.5 120.0,1.0""#),
            "{svg}"
        );
        assert!(sparkline(&[0; 60]).len() < 900);
    }

    #[test]
    fn safety_leads_to_the_crisis_when_there_is_one() {
        let id: CrisisId = "0190f000-0000-7000-8000-000000000001".parse().unwrap();
        assert_eq!(
            intent_link(Intent::Safety, Some(id)),
            format!("/crises/{id}")
        );
        assert_eq!(intent_link(Intent::Safety, None), "/");
        assert_eq!(intent_link(Intent::Shelter, Some(id)), "/shelter");
        assert_eq!(intent_link(Intent::Missing, None), "/missing");
    }
}
