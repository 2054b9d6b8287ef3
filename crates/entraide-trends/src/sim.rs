//! A synthetic but realistic stream of posts for the night of 13 November 2015, for the demo,
//! the detection tests and the benchmark.
//!
//! From 20:00 to 03:00 Paris time (UTC+1): chatter across France and the world (the
//! France–Germany match at the Stade de France, Friday night, music, a long tail of one-off
//! tags; a third of posts without a place). From 21:16 the attacks at their real places, each
//! followed by posts around it. #PorteOuverte rises in the 10th and 11th from about 21:50 and
//! spreads over Paris within the hour; #RechercheParis after midnight; #PrayForParis and
//! #ParisAttacks worldwide. No post of the shelter tag comes from Lyon: it is the control city.
//!
//! The same seed and scale give the same lines, byte for byte: the generator uses its own
//! xorshift and no clock.

use crate::rng::Rng;
use chrono::{DateTime, FixedOffset, TimeDelta};
use std::collections::VecDeque;

/// Where and when (Paris time) each attack began, as reported afterwards.
pub const ATTACKS: [Attack; 6] = [
    Attack {
        place: "Stade de France",
        tag: "StadeDeFrance",
        lat: 48.9245,
        lon: 2.3602,
        hour: 21,
        minute: 16,
    },
    Attack {
        place: "rue Bichat (Le Carillon, Le Petit Cambodge)",
        tag: "RueBichat",
        lat: 48.8717,
        lon: 2.3667,
        hour: 21,
        minute: 25,
    },
    Attack {
        place: "rue de la Fontaine-au-Roi",
        tag: "FontaineAuRoi",
        lat: 48.8688,
        lon: 2.3707,
        hour: 21,
        minute: 32,
    },
    Attack {
        place: "rue de Charonne (La Belle Équipe)",
        tag: "RueDeCharonne",
        lat: 48.8540,
        lon: 2.3825,
        hour: 21,
        minute: 36,
    },
    Attack {
        place: "boulevard Voltaire (Comptoir Voltaire)",
        tag: "Voltaire",
        lat: 48.8502,
        lon: 2.3914,
        hour: 21,
        minute: 40,
    },
    Attack {
        place: "Bataclan",
        tag: "Bataclan",
        lat: 48.8631,
        lon: 2.3708,
        hour: 21,
        minute: 40,
    },
];

/// One attack site.
#[derive(Clone, Copy, Debug)]
pub struct Attack {
    pub place: &'static str,
    /// The tag people near it used for the place.
    pub tag: &'static str,
    pub lat: f64,
    pub lon: f64,
    /// Paris time.
    pub hour: u32,
    pub minute: u32,
}

/// The 10th and 11th arrondissements, where #PorteOuverte started.
pub const PARIS_11: (f64, f64) = (48.8630, 2.3750);
/// The centre of Paris.
pub const PARIS: (f64, f64) = (48.8566, 2.3522);
/// Lyon, 392 km away: the control city, which has the chatter and none of the shelter tag.
pub const LYON: (f64, f64) = (45.7640, 4.8357);

/// (lat, lon, radius km, weight, local tag) of French cities background posts come from.
const FRANCE: [(f64, f64, f64, u32, &str); 10] = [
    (PARIS.0, PARIS.1, 8.0, 30, "Paris"),
    (LYON.0, LYON.1, 6.0, 10, "Lyon"),
    (43.2965, 5.3698, 7.0, 9, "Marseille"),
    (43.6047, 1.4442, 6.0, 7, "Toulouse"),
    (43.7102, 7.2620, 5.0, 6, "Nice"),
    (47.2184, -1.5536, 5.0, 6, "Nantes"),
    (48.5734, 7.7521, 4.0, 5, "Strasbourg"),
    (44.8378, -0.5792, 5.0, 6, "Bordeaux"),
    (50.6292, 3.0573, 5.0, 6, "Lille"),
    (48.1173, -1.6778, 4.0, 4, "Rennes"),
];

/// (lat, lon, radius km, weight) of cities elsewhere.
const WORLD: [(f64, f64, f64, u32); 10] = [
    (51.5074, -0.1278, 10.0, 20),
    (40.7128, -74.0060, 12.0, 20),
    (52.5200, 13.4050, 8.0, 8),
    (40.4168, -3.7038, 8.0, 8),
    (45.5017, -73.5673, 8.0, 8),
    (50.8503, 4.3517, 5.0, 8),
    (35.6762, 139.6503, 12.0, 10),
    (-23.5505, -46.6333, 12.0, 8),
    (41.9028, 12.4964, 7.0, 6),
    (34.0522, -118.2437, 12.0, 8),
];

const CHATTER_FR: [&str; 6] = [
    "Bonne soirée à tous",
    "Enfin le week-end, on sort ce soir",
    "Quel match au Stade de France",
    "Ce soir c'est concert",
    "Trop de monde dans le métro",
    "Vendredi soir tranquille à la maison",
];
const CHATTER_EN: [&str; 5] = [
    "Friday night at last",
    "Watching the match tonight",
    "New album on repeat",
    "Dinner with friends",
    "Long week, time to rest",
];
const CHATTER_TAGS: [&str; 8] = [
    "vendredi",
    "TGIF",
    "NowPlaying",
    "music",
    "football",
    "weekend",
    "BonneSoirée",
    "FridayFeeling",
];

/// Posts per minute at scale 1 of each stream.
const CHATTER_PER_MINUTE: f64 = 240.0;
const ATTACK_PEAK_PER_MINUTE: f64 = 10.0;
const SHELTER_PEAK_PER_MINUTE: f64 = 40.0;
const MISSING_PEAK_PER_MINUTE: f64 = 30.0;
const SOLIDARITY_PEAK_PER_MINUTE: f64 = 120.0;

/// Minutes simulated: 20:00 to 03:00 Paris time.
pub const MINUTES: i64 = 7 * 60;

/// The night as JSON lines in entraide's post shape, in time order.
pub struct Paris2015 {
    rng: Rng,
    seed: u64,
    scale: f64,
    /// Minutes since 20:00 Paris time of the next minute to generate.
    minute: i64,
    sequence: u64,
    pending: VecDeque<String>,
    start: DateTime<FixedOffset>,
}

/// One post before it is written out.
struct Draft {
    second: u32,
    text: String,
    lang: &'static str,
    place: Option<(f64, f64)>,
}

impl Paris2015 {
    /// `scale` multiplies every rate (1.0 gives about 140 000 posts over the 7 hours).
    pub fn new(seed: u64, scale: f64) -> Self {
        let start =
            DateTime::parse_from_rfc3339("2015-11-13T20:00:00+01:00").expect("a valid start time");
        Self {
            // Mixed so that seeds 0, 1, 2… give unrelated streams.
            rng: Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x2015_1113),
            seed,
            scale: scale.max(0.0),
            minute: 0,
            sequence: 0,
            pending: VecDeque::new(),
            start,
        }
    }

    /// How many of `rate` posts happen this minute: the integer part, plus one more with the
    /// probability of the fraction, so small rates and scales still average right.
    fn how_many(&mut self, rate: f64) -> usize {
        let rate = rate * self.scale;
        let whole = rate.floor();
        whole as usize + usize::from(self.rng.unit() < rate - whole)
    }

    /// A point uniformly in a disc of `radius_km` around (lat, lon).
    fn near(&mut self, (lat, lon): (f64, f64), radius_km: f64) -> (f64, f64) {
        let r = radius_km * self.rng.unit().sqrt();
        let a = self.rng.unit() * std::f64::consts::TAU;
        let dlat = r * a.sin() / 111.2;
        let dlon = r * a.cos() / (111.2 * lat.to_radians().cos());
        (lat + dlat, lon + dlon)
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.rng.next() % xs.len() as u64) as usize]
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.unit() < p
    }

    /// A background post: a French city, a world city, or no place.
    fn chatter(&mut self, minute: i64) -> Draft {
        let roll = self.rng.unit();
        let (place, local_tag, french) = if roll < 0.4 {
            let total: u32 = FRANCE.iter().map(|c| c.3).sum();
            let mut x = (self.rng.next() % u64::from(total)) as u32;
            let city = FRANCE
                .iter()
                .find(|c| {
                    if x < c.3 {
                        true
                    } else {
                        x -= c.3;
                        false
                    }
                })
                .expect("x < total");
            (
                Some(self.near((city.0, city.1), city.2)),
                Some(city.4),
                true,
            )
        } else if roll < 0.65 {
            let total: u32 = WORLD.iter().map(|c| c.3).sum();
            let mut x = (self.rng.next() % u64::from(total)) as u32;
            let city = WORLD
                .iter()
                .find(|c| {
                    if x < c.3 {
                        true
                    } else {
                        x -= c.3;
                        false
                    }
                })
                .expect("x < total");
            (Some(self.near((city.0, city.1), city.2)), None, false)
        } else {
            (None, None, self.chance(0.4))
        };
        let mut text = if french {
            (*self.pick(&CHATTER_FR)).to_owned()
        } else {
            (*self.pick(&CHATTER_EN)).to_owned()
        };
        if self.chance(0.5) {
            let tag = *self.pick(&CHATTER_TAGS);
            text.push_str(" #");
            text.push_str(tag);
        }
        if let Some(tag) = local_tag.filter(|_| self.chance(0.3)) {
            text.push_str(" #");
            text.push_str(tag);
        }
        // The match, France–Germany, 21:00 to 22:50.
        if (60..170).contains(&minute) && self.chance(0.15) {
            text.push_str(" #FRAALL");
        }
        // The long tail: one-off tags that Space-Saving must not let crowd out the rest.
        if self.chance(0.1) {
            let n = self.rng.next() % 1_000_000;
            text.push_str(&format!(" #t{n:x}"));
        }
        Draft {
            second: 0,
            text,
            lang: if french { "fr" } else { "en" },
            place,
        }
    }

    fn generate_minute(&mut self, minute: i64) -> Vec<Draft> {
        let mut drafts = Vec::new();
        for _ in 0..self.how_many(CHATTER_PER_MINUTE) {
            drafts.push(self.chatter(minute));
        }
        // Around each attack: witnesses and neighbours, rising over 10 minutes, fading after 2 h.
        for attack in ATTACKS {
            let began = i64::from(attack.hour - 20) * 60 + i64::from(attack.minute);
            let since = minute - began;
            if since < 0 {
                continue;
            }
            let rate = ATTACK_PEAK_PER_MINUTE * ramp(since, 10) * fade(since, 120);
            for _ in 0..self.how_many(rate) {
                let (text, lang) = match self.rng.next() % 4 {
                    0 => (
                        format!(
                            "Coups de feu près de {} #fusillade #{}",
                            attack.place, attack.tag
                        ),
                        "fr",
                    ),
                    1 => (
                        format!(
                            "Explosions entendues, {} restez chez vous #Paris #{}",
                            attack.place, attack.tag
                        ),
                        "fr",
                    ),
                    2 => (
                        format!(
                            "Police partout, évitez le secteur {} #fusillade",
                            attack.place
                        ),
                        "fr",
                    ),
                    _ => (
                        format!(
                            "Shots fired near {} #ParisAttacks #{}",
                            attack.place, attack.tag
                        ),
                        "en",
                    ),
                };
                let place = self.near((attack.lat, attack.lon), 1.2);
                drafts.push(Draft {
                    second: 0,
                    text,
                    lang,
                    place: Some(place),
                });
            }
        }
        // #PorteOuverte: from 21:50 in the 10th and 11th, Paris-wide and relayed from anywhere.
        let since = minute - 110;
        if since >= 0 {
            let rate = SHELTER_PEAK_PER_MINUTE * ramp(since, 30) * fade(since, 240);
            for _ in 0..self.how_many(rate) {
                let roll = self.rng.unit();
                let place = if roll < 0.5 {
                    Some(self.near(PARIS_11, 1.8))
                } else if roll < 0.8 {
                    Some(self.near(PARIS, 7.0))
                } else {
                    None
                };
                let text = match self.rng.next() % 4 {
                    0 => "#PorteOuverte Abri disponible pour 2 personnes, DM ouverts".to_owned(),
                    1 => "On peut accueillir du monde ce soir, écrivez-moi #PorteOuverte #Paris"
                        .to_owned(),
                    2 => "#porteouverte canapé libre près de République".to_owned(),
                    _ => "Open door for anyone stuck tonight #PorteOuverte".to_owned(),
                };
                let lang = if text.starts_with("Open") { "en" } else { "fr" };
                drafts.push(Draft {
                    second: 0,
                    text,
                    lang,
                    place,
                });
            }
        }
        // #RechercheParis: after midnight, people looking for their friends and family.
        let since = minute - 240;
        if since >= 0 {
            let rate = MISSING_PEAK_PER_MINUTE * ramp(since, 40);
            for _ in 0..self.how_many(rate) {
                let place = if self.chance(0.6) {
                    Some(self.near(PARIS, 8.0))
                } else {
                    None
                };
                let text = match self.rng.next() % 3 {
                    0 => {
                        "#RechercheParis Nous cherchons notre amie, elle était au Bataclan. Merci de partager"
                    }
                    1 => "Sans nouvelles de mon frère depuis 21h30 rue de Charonne #RechercheParis",
                    _ => {
                        "Looking for my friend, last seen near the Bataclan #RechercheParis #ParisAttacks"
                    }
                };
                drafts.push(Draft {
                    second: 0,
                    text: text.to_owned(),
                    lang: if text.starts_with("Looking") {
                        "en"
                    } else {
                        "fr"
                    },
                    place,
                });
            }
        }
        // #PrayForParis and #ParisAttacks worldwide from 22:15, and in France too.
        let since = minute - 135;
        if since >= 0 {
            let rate = SOLIDARITY_PEAK_PER_MINUTE * ramp(since, 45);
            for _ in 0..self.how_many(rate) {
                let roll = self.rng.unit();
                let place = if roll < 0.3 {
                    let c = *self.pick(&WORLD);
                    Some(self.near((c.0, c.1), c.2))
                } else if roll < 0.45 {
                    let c = *self.pick(&FRANCE);
                    Some(self.near((c.0, c.1), c.2))
                } else {
                    None
                };
                let text = match self.rng.next() % 4 {
                    0 => "Thoughts with everyone in Paris tonight #PrayForParis",
                    1 => "#PrayForParis 🙏",
                    2 => "Horrible news from Paris #ParisAttacks #PrayForParis",
                    _ => "Toutes mes pensées vont à Paris #PrayForParis #JeSuisParis",
                };
                drafts.push(Draft {
                    second: 0,
                    text: text.to_owned(),
                    lang: if text.starts_with("Toutes") {
                        "fr"
                    } else {
                        "en"
                    },
                    place,
                });
            }
        }
        for d in &mut drafts {
            d.second = (self.rng.next() % 60) as u32;
        }
        // Stable: equal seconds keep generation order, so the stream is deterministic.
        drafts.sort_by_key(|d| d.second);
        drafts
    }

    fn write(&mut self, minute: i64, d: Draft) -> String {
        self.sequence += 1;
        let at = self.start + TimeDelta::seconds(minute * 60 + i64::from(d.second));
        let text = serde_json::to_string(&d.text).expect("a string serialises");
        let place = match d.place {
            Some((lat, lon)) => format!(r#","lat":{lat:.5},"lon":{lon:.5}"#),
            None => String::new(),
        };
        format!(
            r#"{{"id":"sim-{}-{}","text":{text},"created_at":"{}","lang":"{}"{place},"author":"u{}"}}"#,
            self.seed,
            self.sequence,
            at.format("%Y-%m-%dT%H:%M:%S%:z"),
            d.lang,
            self.rng.next() % 200_000,
        )
    }
}

/// 0 → 1 linearly over `minutes`.
fn ramp(since: i64, minutes: i64) -> f64 {
    ((since + 1) as f64 / minutes as f64).min(1.0)
}

/// 1, then down to a fifth after `minutes`.
fn fade(since: i64, minutes: i64) -> f64 {
    if since < minutes { 1.0 } else { 0.2 }
}

impl Iterator for Paris2015 {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        while self.pending.is_empty() {
            if self.minute >= MINUTES {
                return None;
            }
            let minute = self.minute;
            self.minute += 1;
            for d in self.generate_minute(minute) {
                let line = self.write(minute, d);
                self.pending.push_back(line);
            }
        }
        self.pending.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_post;

    #[test]
    fn same_seed_same_lines_and_every_line_parses_in_time_order() {
        let a: Vec<String> = Paris2015::new(7, 0.05).collect();
        let b: Vec<String> = Paris2015::new(7, 0.05).collect();
        assert_eq!(a, b);
        let c: Vec<String> = Paris2015::new(8, 0.05).collect();
        assert_ne!(a, c);
        let posts: Vec<_> = a.iter().map(|l| parse_post(l).unwrap()).collect();
        assert!(posts.windows(2).all(|w| w[0].created_at <= w[1].created_at));
        assert!(
            posts[0].created_at
                < "2015-11-13T19:01:00Z"
                    .parse::<chrono::DateTime<chrono::Utc>>()
                    .unwrap()
        );
        assert!(
            posts.last().unwrap().created_at
                < "2015-11-14T02:00:00Z"
                    .parse::<chrono::DateTime<chrono::Utc>>()
                    .unwrap()
        );
        // About 140 000 × 0.05.
        assert!((5_000..10_000).contains(&posts.len()), "{}", posts.len());
    }
}
