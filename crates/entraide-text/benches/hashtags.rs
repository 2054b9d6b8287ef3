//! Hashtag extraction on a realistic stream of short posts, reported in posts per second.
//!
//! The trend engine's target is millions of posts per second on one core for parse + extract +
//! count, so extraction alone must be well above that. The posts mimic the night of 13 November
//! 2015: French and English, most with a tag or two, some links (a few with anchors, which force
//! the URL check), emoji before tags, and posts with no tag at all.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use entraide_text::{hashtags_into, tag_key};

const TEMPLATES: &[&str] = &[
    "Porte ouverte rue de Charonne, 3 places, écrivez-moi #PorteOuverte",
    "Je cherche mon frère, il était au Bataclan ce soir #RechercheParis https://t.co/Xy12AbC9",
    "Stay safe everyone ❤️ #PrayForParis",
    "🙏🇫🇷#PrayForParis #JeSuisParis",
    "Les transports sont arrêtés, voir https://www.ratp.fr/infos-trafic",
    "Anyone near République? Need a place to stay tonight #PorteOuverte #Paris",
    "Infos en direct : lemonde.fr/attaques-paris/ #Paris",
    "Ne partagez pas de rumeurs, suivez les comptes officiels @prefpolice",
    "Shelter available in the 11th, DM me 🏠 #porteouverte",
    "Plus de nouvelles de Sophie depuis 21h, manteau rouge. Merci de partager #RechercheParis 😢",
    "Appel à témoins : https://example.fr/appel#temoins et example.fr/fiche/#RechercheParis",
    "Mes pensées vont aux victimes. 🕯️",
    "C'est terrible... #PrayForParis #NousSommesUnis",
    "Hôpital Saint-Louis : besoin de donneurs 🩸 #DonDuSang https://dondesang.efs.sante.fr/",
    "All good here, we're safe at home. Thanks for the messages!",
    "＃ＰｏｒｔｅＯｕｖｅｒｔｅ 渋谷からも祈っています #PrayForParis",
];

/// A deterministic mix: templates in a scrambled order, some with a mention or a number added so
/// that posts differ in length and content.
fn posts(n: usize) -> Vec<String> {
    let mut state: u64 = 0x2015_1113;
    (0..n)
        .map(|i| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let r = (state >> 33) as usize;
            let base = TEMPLATES[r % TEMPLATES.len()];
            match r / TEMPLATES.len() % 4 {
                0 => format!("@user{i} {base}"),
                1 => format!("{base} ({})", r % 1000),
                _ => base.to_owned(),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let posts = posts(4096);
    let mut group = c.benchmark_group("hashtags");
    group.throughput(Throughput::Elements(posts.len() as u64));
    group.bench_function("extract", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            let mut found = 0;
            for post in &posts {
                hashtags_into(black_box(post), &mut out);
                found += out.len();
            }
            found
        });
    });
    group.bench_function("extract_and_key", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            let mut key_bytes = 0;
            for post in &posts {
                hashtags_into(black_box(post), &mut out);
                for tag in &out {
                    key_bytes += tag_key(tag.tag).len();
                }
            }
            key_bytes
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
