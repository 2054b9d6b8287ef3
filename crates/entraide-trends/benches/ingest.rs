//! Posts per second for parse + extract + count on one thread, and each stage alone, so the
//! report can say where the time goes.

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use entraide_trends::{Config, Trends, parse_post};
use std::hint::black_box;

/// A deterministic xorshift64*, so every run measures the same lines.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const N: usize = 100_000;

/// Cities posts cluster around, as they do in real streams: (lat, lon).
const CITIES: [(f64, f64); 10] = [
    (48.8566, 2.3522),
    (45.7640, 4.8357),
    (43.2965, 5.3698),
    (43.6047, 1.4442),
    (43.7102, 7.2620),
    (47.2184, -1.5536),
    (48.5734, 7.7521),
    (44.8378, -0.5792),
    (50.6292, 3.0573),
    (48.1173, -1.6778),
];

/// JSON lines in our shape: French and English texts with 0 to 3 hashtags, 60% with
/// coordinates, in time order `step_ms` apart. Coordinates are either within about 20 km of a
/// big city (`clustered`), or uniform over a box around France: the worst case, where nearly
/// every located post opens a cell of its own.
fn lines(clustered: bool, step_ms: i64) -> Vec<String> {
    let texts = [
        "Restez chez vous, la police demande d'éviter le secteur",
        "Thoughts with everyone in Paris tonight",
        "On cherche des nouvelles de notre ami, il était au concert",
        "Shelter available near République, DM me",
        "Les transports sont perturbés ce soir, prenez vos précautions",
        "Stay safe everyone, avoid the 11th arrondissement",
    ];
    let tags = [
        "#PorteOuverte",
        "#porteouverte",
        "#RechercheParis",
        "#PrayForParis",
        "#Paris",
        "#Bataclan",
        "#fusillade",
        "#NotAfraid",
        "#JeSuisParis",
        "#Paris11",
    ];
    let start: DateTime<Utc> = "2015-11-13T21:00:00Z".parse().unwrap();
    let mut rng = Rng(0x5eed);
    (0..N)
        .map(|i| {
            let mut text = rng.pick(&texts).to_owned();
            for _ in 0..rng.next() % 4 {
                text.push(' ');
                text.push_str(rng.pick(&tags));
            }
            let at = (start + TimeDelta::milliseconds(i as i64 * step_ms)).to_rfc3339();
            let coords = if rng.next() % 10 < 6 {
                let (lat, lon) = if clustered {
                    let (lat, lon) = CITIES[(rng.next() % CITIES.len() as u64) as usize];
                    (
                        lat + (rng.unit() - 0.5) * 0.36,
                        lon + (rng.unit() - 0.5) * 0.5,
                    )
                } else {
                    (42.5 + rng.unit() * 8.5, -4.5 + rng.unit() * 12.5)
                };
                format!(r#","lat":{lat:.5},"lon":{lon:.5}"#)
            } else {
                String::new()
            };
            format!(r#"{{"id":"{i}","text":"{text}","created_at":"{at}","lang":"fr"{coords}}}"#)
        })
        .collect()
}

fn ingest(c: &mut Criterion) {
    // 36 ms apart is 100,000 posts in an hour, about Twitter's French volume on the night;
    // 1 ms apart is a busier stream, whose minute buckets fill up instead of holding one post.
    let clustered = lines(true, 36);
    let dense = lines(true, 1);
    let lines = lines(false, 36);
    let posts: Vec<_> = lines.iter().map(|l| parse_post(l).unwrap()).collect();
    let mut g = c.benchmark_group("ingest");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(20);
    for (name, input) in [
        ("parse+extract+count/cities", &clustered),
        ("parse+extract+count/uniform", &lines),
        ("parse+extract+count/cities-dense", &dense),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut tr = Trends::new(Config::default());
                for l in input {
                    tr.add(&parse_post(l).unwrap());
                }
                black_box(tr.stats())
            })
        });
    }
    g.bench_function("parse", |b| {
        b.iter(|| {
            lines
                .iter()
                .map(|l| parse_post(l).unwrap().text.len())
                .sum::<usize>()
        })
    });
    g.bench_function("extract", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            let mut n = 0;
            for p in &posts {
                entraide_text::hashtags_into(&p.text, &mut out);
                n += out.len();
            }
            n
        })
    });
    g.bench_function("extract+count/uniform", |b| {
        b.iter(|| {
            let mut tr = Trends::new(Config::default());
            for p in &posts {
                tr.add(p);
            }
            black_box(tr.stats())
        })
    });
    g.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
