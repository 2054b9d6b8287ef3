//! One post per JSON line, in our shape or as a classic Twitter API v1.1 status.

use chrono::{DateTime, Utc};
use h3o::LatLng;
use serde::Deserialize;
use std::fmt;

/// A bounding box wider than this (its diagonal, in km) says "somewhere in a region or a
/// country", which would put a post in a cell it has nothing to do with: we drop the place.
pub const MAX_BBOX_KM: f64 = 100.0;

/// A post, whatever shape it came in.
#[derive(Clone, Debug, PartialEq)]
pub struct Post {
    pub id: String,
    pub text: String,
    /// The post's own time: counting follows it, so an archive replays as it happened.
    pub created_at: DateTime<Utc>,
    pub lang: Option<String>,
    /// Where the post was written, if known closely enough (see [`MAX_BBOX_KM`]).
    pub place: Option<LatLng>,
    pub author: Option<String>,
}

/// Why a line is not a post. The reader adds the line number, which this parser never sees.
#[derive(Debug, Clone, PartialEq)]
pub enum PostError {
    /// Not JSON, or JSON of the wrong shape (serde's message says where).
    Json(String),
    MissingField(&'static str),
    /// `created_at` is neither RFC 3339 nor Twitter's `Fri Nov 13 21:25:03 +0000 2015`.
    BadTime(String),
    /// Coordinates out of range or not numbers.
    BadCoordinates(String),
}

impl fmt::Display for PostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Json(e) => write!(f, "invalid JSON post: {e}"),
            Self::MissingField(name) => write!(f, "missing field `{name}`"),
            Self::BadTime(t) => write!(
                f,
                "`created_at` {t:?} is neither RFC 3339 nor Twitter's format (Fri Nov 13 21:25:03 +0000 2015)"
            ),
            Self::BadCoordinates(c) => write!(f, "invalid coordinates: {c}"),
        }
    }
}

impl std::error::Error for PostError {}

/// Twitter gives `id` as a number (and `id_str` as text); ours is text.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawId {
    Text(String),
    Number(u64),
}

#[derive(Deserialize)]
struct RawUser {
    screen_name: Option<String>,
}

#[derive(Deserialize)]
struct RawPoint {
    /// GeoJSON order: `[lon, lat]`.
    coordinates: [f64; 2],
}

#[derive(Deserialize)]
struct RawBoundingBox {
    /// A GeoJSON polygon: rings of `[lon, lat]`.
    coordinates: Vec<Vec<[f64; 2]>>,
}

#[derive(Deserialize)]
struct RawPlace {
    /// Ours: `[w, s, e, n]`.
    bbox: Option<[f64; 4]>,
    /// Twitter's.
    bounding_box: Option<RawBoundingBox>,
}

/// Every field either shape may carry; unknown fields (a Twitter status has dozens) are skipped.
#[derive(Deserialize)]
struct RawPost {
    id: Option<RawId>,
    id_str: Option<String>,
    text: Option<String>,
    /// Twitter's extended mode puts the untruncated text here.
    full_text: Option<String>,
    created_at: Option<String>,
    lang: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    coordinates: Option<RawPoint>,
    place: Option<RawPlace>,
    author: Option<String>,
    user: Option<RawUser>,
}

/// Parses one JSON line into a [`Post`].
pub fn parse_post(line: &str) -> Result<Post, PostError> {
    let raw: RawPost = serde_json::from_str(line).map_err(|e| PostError::Json(e.to_string()))?;
    let id = match (raw.id_str, raw.id) {
        (Some(s), _) | (None, Some(RawId::Text(s))) => s,
        (None, Some(RawId::Number(n))) => n.to_string(),
        (None, None) => return Err(PostError::MissingField("id")),
    };
    let text = raw
        .full_text
        .or(raw.text)
        .ok_or(PostError::MissingField("text"))?;
    let created_at = parse_time(
        raw.created_at
            .as_deref()
            .ok_or(PostError::MissingField("created_at"))?,
    )?;
    let place = match (raw.lat, raw.lon, raw.coordinates) {
        (Some(lat), Some(lon), _) => Some(point(lat, lon)?),
        (Some(_), None, _) | (None, Some(_), _) => {
            return Err(PostError::BadCoordinates(
                "`lat` and `lon` go together".into(),
            ));
        }
        (None, None, Some(p)) => Some(point(p.coordinates[1], p.coordinates[0])?),
        (None, None, None) => match raw.place {
            Some(p) => place_centre(&p)?,
            None => None,
        },
    };
    let author = raw.author.or(raw.user.and_then(|u| u.screen_name));
    Ok(Post {
        id,
        text,
        created_at,
        lang: raw.lang,
        place,
        author,
    })
}

fn point(lat: f64, lon: f64) -> Result<LatLng, PostError> {
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(PostError::BadCoordinates(format!("lat {lat}, lon {lon}")));
    }
    LatLng::new(lat, lon).map_err(|e| PostError::BadCoordinates(e.to_string()))
}

/// The centre of a place's box, or `None` when the box is too wide to mean a place.
fn place_centre(place: &RawPlace) -> Result<Option<LatLng>, PostError> {
    let (w, s, e, n) = if let Some([w, s, e, n]) = place.bbox {
        (w, s, e, n)
    } else if let Some(bb) = &place.bounding_box {
        let mut corners = bb.coordinates.iter().flatten();
        let Some(&[lon0, lat0]) = corners.next() else {
            return Ok(None);
        };
        corners.fold((lon0, lat0, lon0, lat0), |(w, s, e, n), &[lon, lat]| {
            (w.min(lon), s.min(lat), e.max(lon), n.max(lat))
        })
    } else {
        return Ok(None);
    };
    let (sw, ne) = (point(s, w)?, point(n, e)?);
    if sw.distance_km(ne) > MAX_BBOX_KM {
        return Ok(None);
    }
    // A box crossing the antimeridian (w > e) is far wider than 100 km on most of the globe,
    // except near the poles, where nobody tweets: the plain mean is enough.
    point((s + n) / 2.0, (w + e) / 2.0).map(Some)
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, PostError> {
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%a %b %d %H:%M:%S %z %Y"))
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| PostError::BadTime(s.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_our_shape_with_a_point() {
        let p = parse_post(
            r##"{"id":"a1","text":"Abri #PorteOuverte","created_at":"2015-11-13T21:40:00+01:00","lang":"fr","lat":48.8625,"lon":2.3703,"author":"marie"}"##,
        )
        .unwrap();
        assert_eq!(p.id, "a1");
        assert_eq!(p.created_at.to_rfc3339(), "2015-11-13T20:40:00+00:00");
        let place = p.place.unwrap();
        assert!((place.lat() - 48.8625).abs() < 1e-9 && (place.lng() - 2.3703).abs() < 1e-9);
        assert_eq!(p.author.as_deref(), Some("marie"));
        assert_eq!(p.lang.as_deref(), Some("fr"));
    }

    #[test]
    fn small_bbox_gives_its_centre_and_a_wide_one_nothing() {
        let small = parse_post(
            r#"{"id":"1","text":"x","created_at":"2015-11-13T21:40:00Z","place":{"bbox":[2.36,48.86,2.38,48.87]}}"#,
        )
        .unwrap();
        let c = small.place.unwrap();
        assert!((c.lat() - 48.865).abs() < 1e-9 && (c.lng() - 2.37).abs() < 1e-9);
        // France as a whole.
        let wide = parse_post(
            r#"{"id":"1","text":"x","created_at":"2015-11-13T21:40:00Z","place":{"bbox":[-5.1,41.3,9.6,51.1]}}"#,
        )
        .unwrap();
        assert_eq!(wide.place, None);
    }

    #[test]
    fn reads_a_twitter_v1_status() {
        let line = r##"{"created_at":"Fri Nov 13 21:25:03 +0000 2015","id":665278433286238208,"id_str":"665278433286238208","text":"#PorteOuverte rue Oberkampf","user":{"id":1,"screen_name":"paul"},"coordinates":{"type":"Point","coordinates":[2.3798,48.8652]},"place":null,"entities":{"hashtags":[]},"lang":"fr"}"##;
        let p = parse_post(line).unwrap();
        assert_eq!(p.id, "665278433286238208");
        assert_eq!(p.created_at.to_rfc3339(), "2015-11-13T21:25:03+00:00");
        let c = p.place.unwrap();
        assert!((c.lat() - 48.8652).abs() < 1e-9 && (c.lng() - 2.3798).abs() < 1e-9);
        assert_eq!(p.author.as_deref(), Some("paul"));
    }

    #[test]
    fn twitter_place_polygon_gives_its_centre() {
        let line = r#"{"created_at":"Fri Nov 13 21:25:03 +0000 2015","id":7,"text":"x","coordinates":null,"place":{"full_name":"Paris 11e","bounding_box":{"type":"Polygon","coordinates":[[[2.36,48.85],[2.36,48.87],[2.40,48.87],[2.40,48.85]]]}}}"#;
        let c = parse_post(line).unwrap().place.unwrap();
        assert!((c.lat() - 48.86).abs() < 1e-9 && (c.lng() - 2.38).abs() < 1e-9);
        assert_eq!(parse_post(line).unwrap().id, "7");
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(matches!(parse_post("{not json"), Err(PostError::Json(_))));
        assert_eq!(
            parse_post(r#"{"id":"1","created_at":"2015-11-13T21:40:00Z"}"#),
            Err(PostError::MissingField("text"))
        );
        let e = parse_post(r#"{"id":"1","text":"x","created_at":"yesterday"}"#).unwrap_err();
        assert!(e.to_string().contains("yesterday"), "{e}");
        assert!(matches!(
            parse_post(
                r#"{"id":"1","text":"x","created_at":"2015-11-13T21:40:00Z","lat":95,"lon":2}"#
            ),
            Err(PostError::BadCoordinates(_))
        ));
        assert!(matches!(
            parse_post(r#"{"id":"1","text":"x","created_at":"2015-11-13T21:40:00Z","lat":48}"#),
            Err(PostError::BadCoordinates(_))
        ));
    }
}
