//! A benchmark set of person names, deterministic for a seed: records like those a
//! missing-persons registry in France collects (mostly French names, many from elsewhere,
//! some written in Cyrillic, Greek or Arabic script, with alternate names), and queries
//! derived from them the way searchers get names wrong (typos, dropped accents, swapped order,
//! nicknames, half-typed words, another script). Used by the recall test, the benchmarks, and
//! `entraide bench missing`.

mod data;

use crate::{NameIndex, nicknames};
use std::fmt;

/// One generated person.
#[derive(Clone, Debug)]
pub struct BenchRecord {
    pub given_name: String,
    pub family_name: String,
    /// As registered: "Given Family", in Latin letters or, for some, only in their own script.
    pub full_name: String,
    pub alternate_names: Vec<String>,
    latin: (String, String),
    /// The name in its own script (Cyrillic, Greek, Arabic), whether or not it was registered.
    native: Option<(String, String)>,
    script: Script,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Greek,
    Arabic,
}

impl BenchRecord {
    /// The names to index: the full name, then the alternates.
    pub fn names(&self) -> Vec<&str> {
        std::iter::once(self.full_name.as_str())
            .chain(self.alternate_names.iter().map(String::as_str))
            .collect()
    }
}

/// How a query was derived from its record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QueryKind {
    /// The full name as registered.
    Exact,
    /// All lowercase or all uppercase.
    Case,
    /// Accents and special letters typed as plain ASCII (Hélène → Helene, Søren → Soren).
    NoAccents,
    /// One insertion, deletion, substitution or transposition in one word.
    Typo,
    /// Two of them: one in each of two words, or two in a long word.
    TwoTypos,
    /// Family name first.
    Swapped,
    /// A nickname or the same name in another language for the given name (Bob for Robert).
    Nickname,
    /// Typed partly: the last word cut short, or every word cut to its first letters.
    Prefix,
    /// One of the record's alternate names.
    Alternate,
    /// In another script than the record's (Мария Иванова for Maria Ivanova, or back).
    OtherScript,
    /// Swapped, without accents, and a typo.
    Mixed,
}

impl QueryKind {
    pub const ALL: [QueryKind; 11] = [
        QueryKind::Exact,
        QueryKind::Case,
        QueryKind::NoAccents,
        QueryKind::Typo,
        QueryKind::TwoTypos,
        QueryKind::Swapped,
        QueryKind::Nickname,
        QueryKind::Prefix,
        QueryKind::Alternate,
        QueryKind::OtherScript,
        QueryKind::Mixed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            QueryKind::Exact => "exact",
            QueryKind::Case => "case",
            QueryKind::NoAccents => "no accents",
            QueryKind::Typo => "one typo",
            QueryKind::TwoTypos => "two typos",
            QueryKind::Swapped => "swapped order",
            QueryKind::Nickname => "nickname",
            QueryKind::Prefix => "prefix",
            QueryKind::Alternate => "alternate name",
            QueryKind::OtherScript => "other script",
            QueryKind::Mixed => "mixed",
        }
    }

    /// How often searchers do this, out of 100.
    fn weight(self) -> u64 {
        match self {
            QueryKind::Exact => 8,
            QueryKind::Case => 6,
            QueryKind::NoAccents => 10,
            QueryKind::Typo => 22,
            QueryKind::TwoTypos => 6,
            QueryKind::Swapped => 10,
            QueryKind::Nickname => 6,
            QueryKind::Prefix => 14,
            QueryKind::Alternate => 6,
            QueryKind::OtherScript => 6,
            QueryKind::Mixed => 6,
        }
    }
}

/// A query and the record it was derived from (its index in the record list).
#[derive(Clone, Debug)]
pub struct BenchQuery {
    pub text: String,
    pub record: usize,
    pub kind: QueryKind,
}

/// SplitMix64: small, fast, and the same sequence for a seed on every platform and version.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed ^ 0x5EED_2015_1113_0000)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, probability: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < probability
    }
}

/// A list where the first names are the most common, as with real names.
struct Skewed<T> {
    items: Vec<T>,
    cumulative: Vec<f64>,
}

impl<T> Skewed<T> {
    fn new(items: Vec<T>) -> Self {
        let mut total = 0.0;
        let cumulative = (0..items.len())
            .map(|rank| {
                total += 1.0 / (rank as f64 + 10.0).powf(0.8);
                total
            })
            .collect();
        Self { items, cumulative }
    }

    fn pick(&self, rng: &mut Rng) -> &T {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let target = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
        let at = self.cumulative.partition_point(|&c| c < target);
        &self.items[at.min(self.items.len() - 1)]
    }
}

/// The names of one or more lists, the first lists' first (most common first), each once.
fn split_names(lists: &[&'static str]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    lists
        .iter()
        .flat_map(|list| list.split_whitespace())
        .filter(|name| seen.insert(*name))
        .map(|name| name.replace('_', " "))
        .collect()
}

fn paired(list: &'static [(&'static str, &'static str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(latin, native)| (latin.to_string(), native.to_string()))
        .collect()
}

/// Given and family names of one origin.
struct Origin {
    given: Skewed<String>,
    family: Skewed<String>,
}

impl Origin {
    fn new(given: &[&'static str], family: &[&'static str]) -> Self {
        Self {
            given: Skewed::new(split_names(given)),
            family: Skewed::new(split_names(family)),
        }
    }
}

struct Lists {
    french_female: Skewed<String>,
    french_male: Skewed<String>,
    french_compound_female: Skewed<String>,
    french_compound_male: Skewed<String>,
    french_family: Skewed<String>,
    maghrebi: Origin,
    west_african: Origin,
    southern: Origin,
    polish: Origin,
    turkish: Origin,
    vietnamese: Origin,
    vietnamese_middle: Skewed<String>,
    chinese: Origin,
    northern: Origin,
    russian_given: Skewed<(String, String)>,
    russian_family: Skewed<(String, String)>,
    greek_given: Skewed<(String, String)>,
    greek_family: Skewed<(String, String)>,
    arabic_given: Skewed<(String, String)>,
    arabic_family: Skewed<(String, String)>,
}

impl Lists {
    fn new() -> Self {
        Self {
            french_female: Skewed::new(split_names(&[data::FRENCH_FEMALE])),
            french_male: Skewed::new(split_names(&[data::FRENCH_MALE])),
            french_compound_female: Skewed::new(split_names(&[data::FRENCH_COMPOUND_FEMALE])),
            french_compound_male: Skewed::new(split_names(&[data::FRENCH_COMPOUND_MALE])),
            french_family: Skewed::new(split_names(&[
                data::FRENCH_FAMILY,
                data::FRENCH_FAMILY_MORE,
            ])),
            maghrebi: Origin::new(&[data::MAGHREBI_GIVEN], &[data::MAGHREBI_FAMILY]),
            west_african: Origin::new(&[data::WEST_AFRICAN_GIVEN], &[data::WEST_AFRICAN_FAMILY]),
            southern: Origin::new(&[data::SOUTHERN_GIVEN], &[data::SOUTHERN_FAMILY]),
            polish: Origin::new(&[data::POLISH_GIVEN], &[data::POLISH_FAMILY]),
            turkish: Origin::new(&[data::TURKISH_GIVEN], &[data::TURKISH_FAMILY]),
            vietnamese: Origin::new(&[data::VIETNAMESE_GIVEN], &[data::VIETNAMESE_FAMILY]),
            vietnamese_middle: Skewed::new(split_names(&[data::VIETNAMESE_MIDDLE])),
            chinese: Origin::new(&[data::CHINESE_GIVEN], &[data::CHINESE_FAMILY]),
            northern: Origin::new(&[data::NORTHERN_GIVEN], &[data::NORTHERN_FAMILY]),
            russian_given: Skewed::new(paired(data::RUSSIAN_GIVEN)),
            russian_family: Skewed::new(paired(data::RUSSIAN_FAMILY)),
            greek_given: Skewed::new(paired(data::GREEK_GIVEN)),
            greek_family: Skewed::new(paired(data::GREEK_FAMILY)),
            arabic_given: Skewed::new(paired(data::ARABIC_GIVEN)),
            arabic_family: Skewed::new(paired(data::ARABIC_FAMILY)),
        }
    }

    /// A French given name: one name, a compound (Jean-Pierre), or a name and a middle name.
    fn french_given(&self, rng: &mut Rng) -> String {
        let female = rng.chance(0.5);
        let (list, compounds) = if female {
            (&self.french_female, &self.french_compound_female)
        } else {
            (&self.french_male, &self.french_compound_male)
        };
        if rng.chance(0.15) {
            return compounds.pick(rng).clone();
        }
        let first = list.pick(rng).clone();
        if rng.chance(0.08) {
            let middle = list.pick(rng);
            if *middle != first {
                return format!("{first} {middle}");
            }
        }
        first
    }

    /// A French family name, sometimes a double one (Martin-Dubois).
    fn french_family(&self, rng: &mut Rng) -> String {
        let family = self.french_family.pick(rng).clone();
        if rng.chance(0.06) {
            let second = self.french_family.pick(rng);
            if *second != family {
                return format!("{family}-{second}");
            }
        }
        family
    }

    /// Given and family names of people from elsewhere living in France: some children carry
    /// a French given name.
    fn diaspora(&self, origin: &Origin, rng: &mut Rng) -> (String, String) {
        let given = if rng.chance(0.2) {
            self.french_given(rng)
        } else {
            origin.given.pick(rng).clone()
        };
        (given, origin.family.pick(rng).clone())
    }
}

/// `count` records, the same for the same seed.
pub fn records(seed: u64, count: usize) -> Vec<BenchRecord> {
    let lists = Lists::new();
    let mut rng = Rng::new(seed);
    (0..count).map(|_| record(&lists, &mut rng)).collect()
}

fn record(lists: &Lists, rng: &mut Rng) -> BenchRecord {
    let origin = rng.below(100);
    let (script, latin, native) = match origin {
        0..46 => {
            let given = lists.french_given(rng);
            let family = if rng.chance(0.06) {
                // A French given name with a family name from elsewhere.
                lists.northern.family.pick(rng).clone()
            } else {
                lists.french_family(rng)
            };
            (Script::Latin, (given, family), None)
        }
        46..55 => (Script::Latin, lists.diaspora(&lists.maghrebi, rng), None),
        55..62 => (
            Script::Latin,
            lists.diaspora(&lists.west_african, rng),
            None,
        ),
        62..69 => (Script::Latin, lists.diaspora(&lists.southern, rng), None),
        69..72 => (Script::Latin, lists.diaspora(&lists.polish, rng), None),
        72..75 => (Script::Latin, lists.diaspora(&lists.turkish, rng), None),
        75..78 => {
            let (mut given, family) = lists.diaspora(&lists.vietnamese, rng);
            if rng.chance(0.7) {
                given = format!("{} {given}", lists.vietnamese_middle.pick(rng));
            }
            (Script::Latin, (given, family), None)
        }
        78..81 => (Script::Latin, lists.diaspora(&lists.chinese, rng), None),
        81..88 => {
            let (mut given, family) = lists.diaspora(&lists.northern, rng);
            if rng.chance(0.3) {
                let middle = lists.northern.given.pick(rng);
                if *middle != given {
                    given = format!("{given} {middle}");
                }
            }
            (Script::Latin, (given, family), None)
        }
        88..93 => {
            let (given, native_given) = lists.arabic_given.pick(rng).clone();
            let (family, native_family) = lists.arabic_family.pick(rng).clone();
            (
                Script::Arabic,
                (given, family),
                Some((native_given, native_family)),
            )
        }
        93..97 => {
            let index = rng.below(data::RUSSIAN_GIVEN.len());
            let (given, native_given) = if rng.chance(0.5) {
                lists.russian_given.pick(rng).clone()
            } else {
                paired(data::RUSSIAN_GIVEN).swap_remove(index)
            };
            let feminine = data::RUSSIAN_GIVEN[20..]
                .iter()
                .any(|(latin, _)| *latin == given);
            let (mut family, mut native_family) = lists.russian_family.pick(rng).clone();
            if feminine && !family.ends_with("enko") {
                family.push('a');
                native_family.push('а');
            }
            (
                Script::Cyrillic,
                (given, family),
                Some((native_given, native_family)),
            )
        }
        _ => {
            let (given, native_given) = lists.greek_given.pick(rng).clone();
            let (family, native_family) = lists.greek_family.pick(rng).clone();
            (
                Script::Greek,
                (given, family),
                Some((native_given, native_family)),
            )
        }
    };
    let mut alternate_names = Vec::new();
    let latin_full = format!("{} {}", latin.0, latin.1);
    let (given_name, family_name, full_name) = match &native {
        Some((native_given, native_family)) => {
            let native_full = format!("{native_given} {native_family}");
            let registered = rng.below(100);
            if registered < 15 {
                // Registered by relatives abroad, in their own script only.
                (native_given.clone(), native_family.clone(), native_full)
            } else {
                if registered < 75 {
                    alternate_names.push(native_full);
                }
                (latin.0.clone(), latin.1.clone(), latin_full)
            }
        }
        None => (latin.0.clone(), latin.1.clone(), latin_full),
    };
    if rng.chance(0.06) {
        // A married or maiden name.
        alternate_names.push(format!("{} {}", latin.0, lists.french_family(rng)));
    }
    if rng.chance(0.04)
        && let Some(nickname) = nickname_for(&latin.0, rng)
    {
        alternate_names.push(format!("{nickname} {}", latin.1));
    }
    BenchRecord {
        given_name,
        family_name,
        full_name,
        alternate_names,
        latin,
        native,
        script,
    }
}

/// Another member of a nickname group of the (first) given name, capitalised.
fn nickname_for(given: &str, rng: &mut Rng) -> Option<String> {
    let first = given.split([' ', '-']).next()?;
    let key = deunicode::deunicode(first).to_ascii_lowercase();
    let groups: Vec<&&[&str]> = nicknames::GROUPS
        .iter()
        .filter(|group| group.contains(&key.as_str()))
        .collect();
    if groups.is_empty() {
        return None;
    }
    let group = groups[rng.below(groups.len())];
    let others: Vec<&&str> = group.iter().filter(|name| **name != key).collect();
    let chosen = others[rng.below(others.len())];
    let mut letters = chosen.chars();
    letters
        .next()
        .map(|initial| initial.to_ascii_uppercase().to_string() + letters.as_str())
}

/// `count` queries over `records`, the same for the same seed.
pub fn queries(seed: u64, records: &[BenchRecord], count: usize) -> Vec<BenchQuery> {
    let mut rng = Rng::new(seed.wrapping_add(1));
    let total: u64 = QueryKind::ALL.iter().map(|kind| kind.weight()).sum();
    (0..count)
        .map(|_| {
            let mut record = rng.below(records.len());
            let mut roll = rng.next() % total;
            let mut kind = QueryKind::Exact;
            for candidate in QueryKind::ALL {
                if roll < candidate.weight() {
                    kind = candidate;
                    break;
                }
                roll -= candidate.weight();
            }
            // Few records have an alternate name or another script: look for one, so that
            // these kinds are asked as often as their weight says.
            for _ in 0..50 {
                let wanted = match kind {
                    QueryKind::Alternate => !records[record].alternate_names.is_empty(),
                    QueryKind::OtherScript => records[record].native.is_some(),
                    _ => true,
                };
                if wanted {
                    break;
                }
                record = rng.below(records.len());
            }
            let (kind, text) = derive(&records[record], kind, &mut rng);
            BenchQuery { text, record, kind }
        })
        .collect()
}

/// The query text for `kind`, or a one-typo query where `kind` does not apply to the record
/// (no accents to drop, no nickname known, no other script).
fn derive(record: &BenchRecord, kind: QueryKind, rng: &mut Rng) -> (QueryKind, String) {
    // What a searcher types: the Latin spelling, except for a name registered in Arabic
    // script only (its Latin spellings are too many to guess: see the README).
    let typed_in_arabic = record.script == Script::Arabic
        && record.full_name != format!("{} {}", record.latin.0, record.latin.1);
    let (given, family) = if typed_in_arabic {
        (record.given_name.clone(), record.family_name.clone())
    } else {
        record.latin.clone()
    };
    let full = format!("{given} {family}");
    let text = match kind {
        QueryKind::Exact => Some(record.full_name.clone()),
        QueryKind::Case => Some(if rng.chance(0.5) {
            full.to_lowercase()
        } else {
            full.to_uppercase()
        }),
        QueryKind::NoAccents => {
            let plain = deunicode::deunicode(&full);
            (plain != full && !typed_in_arabic).then_some(plain)
        }
        QueryKind::Typo => (!typed_in_arabic).then(|| with_typos(&full, 1, rng)),
        QueryKind::TwoTypos => (!typed_in_arabic).then(|| with_typos(&full, 2, rng)),
        QueryKind::Swapped => Some(format!("{family} {given}")),
        QueryKind::Nickname => {
            nickname_for(&given, rng).map(|nickname| format!("{nickname} {family}"))
        }
        QueryKind::Prefix => (!typed_in_arabic).then(|| cut_short(&given, &family, rng)),
        QueryKind::Alternate => (!record.alternate_names.is_empty())
            .then(|| record.alternate_names[rng.below(record.alternate_names.len())].clone()),
        QueryKind::OtherScript => match (&record.native, record.script) {
            (Some(_), Script::Cyrillic | Script::Greek) if record.full_name != full => {
                Some(full.clone())
            }
            (Some((native_given, native_family)), Script::Cyrillic | Script::Greek) => {
                Some(format!("{native_given} {native_family}"))
            }
            _ => None,
        },
        QueryKind::Mixed => (!typed_in_arabic)
            .then(|| with_typos(&deunicode::deunicode(&format!("{family} {given}")), 1, rng)),
    };
    match text {
        Some(text) => (kind, text),
        None if typed_in_arabic => (QueryKind::Exact, record.full_name.clone()),
        None => (QueryKind::Typo, with_typos(&full, 1, rng)),
    }
}

/// `name` with `count` random edits, each in a word of at least four letters, or three when
/// no word is longer (Wei Gao); two edits in one word only if it has eight or more.
fn with_typos(name: &str, count: usize, rng: &mut Rng) -> String {
    let mut words: Vec<Vec<char>> = name.split(' ').map(|word| word.chars().collect()).collect();
    let mut edited = vec![0usize; words.len()];
    let shortest = if words.iter().any(|word| word.len() >= 4) {
        4
    } else {
        3
    };
    for _ in 0..count {
        let eligible: Vec<usize> = (0..words.len())
            .filter(|&i| {
                let letters = words[i].len();
                (letters >= shortest && edited[i] == 0) || (letters >= 8 && edited[i] == 1)
            })
            .collect();
        if eligible.is_empty() {
            break;
        }
        let at = eligible[rng.below(eligible.len())];
        edit(&mut words[at], rng);
        edited[at] += 1;
    }
    words
        .iter()
        .map(|word| word.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

fn edit(word: &mut Vec<char>, rng: &mut Rng) {
    let random_letter = (b'a' + (rng.next() % 26) as u8) as char;
    let len = word.len();
    match rng.below(4) {
        0 => word.insert(rng.below(len + 1), random_letter),
        1 => {
            word.remove(rng.below(len));
        }
        2 => {
            let at = rng.below(len);
            let mut replacement = random_letter;
            while replacement.eq_ignore_ascii_case(&word[at]) {
                replacement = (b'a' + (rng.next() % 26) as u8) as char;
            }
            word[at] = replacement;
        }
        _ => {
            // Swap two neighbours that differ (swapping "ll" would change nothing).
            let pairs: Vec<usize> = (0..len - 1).filter(|&i| word[i] != word[i + 1]).collect();
            if let Some(&at) = pairs.get(rng.below(pairs.len().max(1))) {
                word.swap(at, at + 1);
            } else {
                word.remove(rng.below(len));
            }
        }
    }
}

/// As typed while searching: the given name, then the family name cut short; or every word
/// cut to its first four or five letters.
fn cut_short(given: &str, family: &str, rng: &mut Rng) -> String {
    let cut = |word: &str, keep: usize| word.chars().take(keep).collect::<String>();
    if rng.chance(0.6) {
        let family_len = family.chars().count();
        let keep = 3 + rng.below(family_len.saturating_sub(3).max(1));
        format!("{given} {}", cut(family, keep))
    } else {
        let keep = 4 + rng.below(2);
        format!("{given} {family}")
            .split(' ')
            .map(|word| cut(word, keep))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// An index of `records`, keyed by position.
pub fn index(records: &[BenchRecord]) -> NameIndex<u32> {
    let mut index = NameIndex::new();
    for (position, record) in records.iter().enumerate() {
        index.insert(position as u32, &record.names());
    }
    index
}

/// How often the record a query came from is among the first `k` results.
#[derive(Clone, Debug)]
pub struct Recall {
    pub k: usize,
    pub found: usize,
    /// Queries whose record was not among the first `k`, but each of the first `k` bears the
    /// record's very name (the record's normalised full name is its full name or one of its
    /// alternate names: Rachid Bouzid registered as "رشيد بوزيد" and as "Rachid Bouzid" with
    /// "رشيد بوزيد" as alternate) and scores at least as much: a genuine ambiguity no ranking
    /// by name can resolve (a million people include many Marie Martin). Counted only by [`recall_among`], which knows the records' names; by
    /// [`recall`], a record scoring as high as the `k`-th result, whatever its name.
    pub tied_at_cutoff: usize,
    pub total: usize,
    /// (kind, found, total), in the order of `QueryKind::ALL`, kinds with queries only.
    pub by_kind: Vec<(QueryKind, usize, usize)>,
}

impl Recall {
    pub fn ratio(&self) -> f64 {
        self.found as f64 / self.total.max(1) as f64
    }

    /// Recall counting a query as found when its record is among the first `k`, or when the
    /// first `k` all bear its very name and score at least as much (`tied_at_cutoff`).
    pub fn ratio_with_ties(&self) -> f64 {
        (self.found + self.tied_at_cutoff) as f64 / self.total.max(1) as f64
    }
}

impl fmt::Display for Recall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "recall@{}: {:.4} ({}/{}); counting same-name ties at the cut-off: {:.4} (+{})",
            self.k,
            self.ratio(),
            self.found,
            self.total,
            self.ratio_with_ties(),
            self.tied_at_cutoff
        )?;
        for (kind, found, total) in &self.by_kind {
            let ratio = *found as f64 / (*total).max(1) as f64;
            writeln!(f, "  {:<15} {ratio:.4} ({found}/{total})", kind.label())?;
        }
        Ok(())
    }
}

/// Runs every query on `index` (built by [`index`]) and counts the hits within `k`; a miss
/// scoring as high as the `k`-th result counts in `tied_at_cutoff`, whatever the names.
pub fn recall(index: &NameIndex<u32>, queries: &[BenchQuery], k: usize) -> Recall {
    measure(index, None, queries, k)
}

/// As [`recall`], with the records the index was built from (by [`index`]): a miss counts in
/// `tied_at_cutoff` only when each of the first `k` results bears the record's normalised
/// full name (as its full name or an alternate name) and scores at least as much.
pub fn recall_among(
    index: &NameIndex<u32>,
    records: &[BenchRecord],
    queries: &[BenchQuery],
    k: usize,
) -> Recall {
    measure(index, Some(records), queries, k)
}

fn normalised(name: &str) -> Vec<String> {
    crate::normalize::words(name, true)
}

fn measure(
    index: &NameIndex<u32>,
    records: Option<&[BenchRecord]>,
    queries: &[BenchQuery],
    k: usize,
) -> Recall {
    let mut by_kind: Vec<(QueryKind, usize, usize)> =
        QueryKind::ALL.iter().map(|&kind| (kind, 0, 0)).collect();
    let mut found = 0;
    let mut tied_at_cutoff = 0;
    for query in queries {
        let hits = index.search(&query.text, k);
        let hit = hits.iter().any(|hit| hit.key as usize == query.record);
        if !hit && hits.len() == k {
            let target_score = index.score_of(&query.text, query.record as u32);
            let tied = match records {
                None => target_score == hits.last().map(|last| last.score),
                Some(records) => {
                    let name = normalised(&records[query.record].full_name);
                    hits.iter().all(|hit| {
                        target_score.is_some_and(|target| hit.score >= target)
                            && records[hit.key as usize]
                                .names()
                                .iter()
                                .any(|other| normalised(other) == name)
                    })
                }
            };
            if tied {
                tied_at_cutoff += 1;
            }
        }
        let slot = by_kind
            .iter_mut()
            .find(|(kind, _, _)| *kind == query.kind)
            .expect("every kind is listed");
        slot.2 += 1;
        if hit {
            found += 1;
            slot.1 += 1;
        }
    }
    by_kind.retain(|(_, _, total)| *total > 0);
    Recall {
        k,
        found,
        tied_at_cutoff,
        total: queries.len(),
        by_kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_set() {
        let a = records(7, 500);
        let b = records(7, 500);
        assert!(a.iter().zip(&b).all(|(x, y)| x.names() == y.names()));
        let qa = queries(7, &a, 200);
        let qb = queries(7, &b, 200);
        assert!(
            qa.iter()
                .zip(&qb)
                .all(|(x, y)| x.text == y.text && x.record == y.record)
        );
        let c = records(8, 500);
        assert!(a.iter().zip(&c).any(|(x, y)| x.names() != y.names()));
    }

    #[test]
    fn the_set_has_every_ingredient() {
        let set = records(1, 5000);
        let non_latin = |name: &str| {
            name.chars()
                .any(|c| c.is_alphabetic() && !c.is_ascii() && !matches!(c, 'À'..='ž'))
        };
        let accented = |name: &str| name.chars().any(|c| matches!(c, 'À'..='ž'));
        assert!(set.iter().filter(|r| non_latin(&r.full_name)).count() > 50);
        assert!(
            set.iter()
                .filter(|r| r.alternate_names.iter().any(|a| non_latin(a)))
                .count()
                > 300
        );
        assert!(set.iter().filter(|r| accented(&r.full_name)).count() > 1000);
        assert!(set.iter().filter(|r| r.full_name.contains('-')).count() > 100);
        let distinct: std::collections::HashSet<&str> =
            set.iter().map(|r| r.full_name.as_str()).collect();
        assert!(distinct.len() > 4000, "{} distinct names", distinct.len());
        let asked = queries(1, &set, 2000);
        for kind in QueryKind::ALL {
            let count = asked.iter().filter(|q| q.kind == kind).count();
            assert!(count > 20, "{} queries of kind {kind:?}", count);
        }
        // Only a name of words shorter than three letters (Li Wu) cannot get a typo.
        let typos: Vec<&BenchQuery> = asked.iter().filter(|q| q.kind == QueryKind::Typo).collect();
        let changed = typos
            .iter()
            .filter(|q| q.text != set[q.record].full_name)
            .count();
        assert!(
            changed * 100 >= typos.len() * 98,
            "{changed}/{}",
            typos.len()
        );
    }

    #[test]
    fn edits_change_the_word_by_one() {
        let mut rng = Rng::new(3);
        for _ in 0..500 {
            let mut word: Vec<char> = "dupont".chars().collect();
            edit(&mut word, &mut rng);
            let edited: String = word.iter().collect();
            assert_eq!(
                crate::distance::within(b"dupont", edited.as_bytes(), 1),
                Some(1),
                "{edited}"
            );
        }
    }
}
