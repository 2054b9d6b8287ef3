//! Forgiving search over person names, for the missing-persons registry.
//!
//! A record is indexed under the words of all its names (full name, given and family names,
//! alternate names), folded to lowercase ASCII: case, accents and scripts stop mattering
//! (`Hélène` = `helene`, `Мария` = `mariia`). A query word is expanded, through a dictionary of
//! every indexed word, to the words it may stand for, each with a score:
//!
//! | match | score |
//! |---|---|
//! | the same word | 1.0 |
//! | the same skeleton (Mariia, Mariya, Maria; Aleksandr, Alexandre) | 0.9 |
//! | one edit (Damerau-Levenshtein: insertion, deletion, substitution, transposition) | 0.8 |
//! | a nickname, short form or the same name in another language (Bob, Robert, Roberto) | 0.75 |
//! | two edits (words of 8 letters or more) | 0.65 |
//! | a completion while typing (`Dup` → `Dupont`; more of the word typed scores more) | 0.45–0.65 |
//!
//! A record's score is the mean over the query words of the best score each finds among the
//! record's words, so word order does not matter and a word that matches nothing costs its
//! share. Among equal scores, a record one of whose names is the query as written comes
//! first (every query word in that one name, in the same order, no other word), then the same
//! order with fewer other words, then the other order ("Marie Martin": Marie Martin, then
//! Marie-Claire Martin, then Martin Marie); so a record keeps its words name by name, in the
//! order written. Edits are found with a deletion neighbourhood (every word of the dictionary is also
//! filed under itself with one or two letters deleted; a query word meets its neighbours at a
//! shared deletion), then confirmed by the bounded distance.
//!
//! Search reads posting lists (word → records) one expansion at a time, best first, from the
//! query word with the fewest postings left, scores each new record completely from its own
//! words, and stops as soon as the `limit`-th best (score, then name rank) is at least what any
//! record not yet seen could reach (the sum of the best expansions still unread, over the
//! number of query words). A common name therefore costs a few hundred postings, not the tens
//! of thousands that carry it.

pub mod benchset;
mod distance;
mod nicknames;
mod normalize;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

/// Words of a query beyond this many are ignored (a name, not a paragraph).
pub const MAX_QUERY_WORDS: usize = 8;

const EXACT: f32 = 1.0;
const SAME_SKELETON: f32 = 0.9;
const ONE_EDIT: f32 = 0.8;
const NICKNAME: f32 = 0.75;
const TWO_EDITS: f32 = 0.65;
const PREFIX_BASE: f32 = 0.45;
const PREFIX_SPAN: f32 = 0.2;
/// Float slack when comparing a score with a bound computed the same way.
const EPSILON: f32 = 1e-5;
/// The name rank of a record one of whose names is the query as written (see `name_rank`).
const BEST_NAME_RANK: u32 = (1 << 16) | 0xFFFF;
/// A result being ranked: (score bits, name rank, earlier found first, slot).
type Ranked = (u32, u32, Reverse<u32>, u32);
/// How many postings to read between two checks of the stopping rule.
const CHECK_EVERY: usize = 128;

/// One search result: the record and how well it matched (1.0 = every query word found as is).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit<K> {
    pub key: K,
    pub score: f32,
}

struct Record<K> {
    key: K,
    words: WordList,
}

/// A record's word ids, name after name in the order written, names apart by `NAME_END`, the
/// part-less form of a compound marked with `JOINED` ("jean pierre jeanpierre|J martin"). Kept
/// inside the record when there are few (nearly always), so that scoring a record reads one
/// cache line rather than following a pointer.
enum WordList {
    Inline(u8, [u32; INLINE_WORDS]),
    Spilled(Box<[u32]>),
}

const INLINE_WORDS: usize = 7;
/// Between two names in a [`WordList`].
const NAME_END: u32 = u32::MAX;
/// On a word id in a [`WordList`]: the part-less form of a compound, not a word of its own
/// when counting a name's words.
const JOINED: u32 = 1 << 31;

impl WordList {
    fn new(words: Vec<u32>) -> Self {
        if words.len() <= INLINE_WORDS {
            let mut inline = [0; INLINE_WORDS];
            inline[..words.len()].copy_from_slice(&words);
            WordList::Inline(words.len() as u8, inline)
        } else {
            WordList::Spilled(words.into_boxed_slice())
        }
    }

    fn as_slice(&self) -> &[u32] {
        match self {
            WordList::Inline(len, words) => &words[..*len as usize],
            WordList::Spilled(words) => words,
        }
    }

    /// Every word id (with repeats when two names share a word).
    fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.as_slice()
            .iter()
            .filter(|&&entry| entry != NAME_END)
            .map(|&entry| entry & !JOINED)
    }

    /// Each name's entries, in order.
    fn names(&self) -> impl Iterator<Item = &[u32]> {
        self.as_slice().split(|&entry| entry == NAME_END)
    }
}

/// The records a search has already scored: a small hash set at first, a bit per slot once
/// many are seen (a common name reads tens of thousands of postings in a million records).
enum Seen {
    Few(FxHashSet<u32>),
    Many(Vec<u64>),
}

const FEW_SEEN: usize = 1024;

impl Seen {
    /// True if `slot` was not seen before.
    fn insert(&mut self, slot: u32, slots: usize) -> bool {
        match self {
            Seen::Few(set) => {
                let new = set.insert(slot);
                if set.len() > FEW_SEEN {
                    let mut bits = vec![0u64; slots.div_ceil(64)];
                    for &seen in set.iter() {
                        bits[seen as usize / 64] |= 1 << (seen % 64);
                    }
                    *self = Seen::Many(bits);
                }
                new
            }
            Seen::Many(bits) => {
                let word = &mut bits[slot as usize / 64];
                let mask = 1 << (slot % 64);
                let new = *word & mask == 0;
                *word |= mask;
                new
            }
        }
    }
}

/// An in-memory index of person names, keyed by record id. Cheap to update (a record's words
/// are appended to, or swapped out of, their posting lists) and searched through `&self`, so a
/// server keeps one behind a `RwLock`.
pub struct NameIndex<K> {
    records: Vec<Option<Record<K>>>,
    free_slots: Vec<u32>,
    slot_of: FxHashMap<K, u32>,
    dictionary: Dictionary,
    /// By word id: the slots of the records that carry the word.
    postings: Vec<Vec<u32>>,
}

impl<K> Default for NameIndex<K>
where
    K: Copy + Eq + Hash + Send + Sync,
{
    fn default() -> Self {
        Self::new()
    }
}

impl<K> NameIndex<K>
where
    K: Copy + Eq + Hash + Send + Sync,
{
    pub fn new() -> Self {
        Self {
            records: Vec::new(),
            free_slots: Vec::new(),
            slot_of: FxHashMap::default(),
            dictionary: Dictionary::default(),
            postings: Vec::new(),
        }
    }

    /// Indexes a record under all its names (full name, given + family, alternate names);
    /// replaces whatever was indexed for `key` before.
    pub fn insert(&mut self, key: K, names: &[&str]) {
        self.remove(key);
        let mut entries: Vec<u32> = Vec::new();
        for name in names {
            let name_words = normalize::marked_words(name, true);
            if name_words.is_empty() {
                continue;
            }
            if !entries.is_empty() {
                entries.push(NAME_END);
            }
            for (word, joined) in name_words {
                let id = self.dictionary.intern(&word);
                assert!(id < JOINED, "fewer than 2^31 words");
                if id as usize == self.postings.len() {
                    self.postings.push(Vec::new());
                }
                entries.push(if joined { id | JOINED } else { id });
            }
        }
        let mut words: Vec<u32> = entries
            .iter()
            .filter(|&&entry| entry != NAME_END)
            .map(|&entry| entry & !JOINED)
            .collect();
        words.sort_unstable();
        words.dedup();
        let slot = match self.free_slots.pop() {
            Some(slot) => slot,
            None => {
                self.records.push(None);
                u32::try_from(self.records.len() - 1).expect("fewer than 2^32 records")
            }
        };
        for &word in &words {
            self.postings[word as usize].push(slot);
        }
        self.records[slot as usize] = Some(Record {
            key,
            words: WordList::new(entries),
        });
        self.slot_of.insert(key, slot);
    }

    /// Forgets a record; false if it was not indexed.
    pub fn remove(&mut self, key: K) -> bool {
        let Some(slot) = self.slot_of.remove(&key) else {
            return false;
        };
        let record = self.records[slot as usize]
            .take()
            .expect("an indexed key has a record");
        for word in record.words.ids() {
            let posting = &mut self.postings[word as usize];
            if let Some(at) = posting.iter().position(|&s| s == slot) {
                posting.swap_remove(at);
            }
        }
        self.free_slots.push(slot);
        true
    }

    /// Best first, at most `limit`; score in 0.0..=1.0. Records that match no query word at
    /// all are never returned.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit<K>> {
        let mut words = normalize::words(query, false);
        words.truncate(MAX_QUERY_WORDS);
        if limit == 0 || words.is_empty() {
            return Vec::new();
        }
        let mut plan = Plan::new(&self.dictionary, &self.postings, &words);
        let query_words = words.len();
        let mut next_unit = vec![0usize; query_words];
        let mut seen = Seen::Few(FxHashSet::default());
        let slots = self.records.len();
        // A min-heap of the best so far: (score bits, name rank, earlier first), so the top is
        // the worst.
        let mut best: BinaryHeap<Reverse<Ranked>> = BinaryHeap::new();
        let mut found_order = 0u32;
        // Done when no record not seen yet can rank above the worst kept: it scores less, or
        // it cannot score more and its name rank cannot be higher.
        let done = |best: &BinaryHeap<Reverse<Ranked>>, reachable: f32, rank_bound: u32| {
            if best.len() < limit {
                return false;
            }
            best.peek().is_some_and(|Reverse((bits, rank, _, _))| {
                let worst = f32::from_bits(*bits);
                worst >= reachable + EPSILON
                    || (worst >= reachable - EPSILON && *rank >= rank_bound)
            })
        };
        'units: loop {
            // What a record not seen yet could still score: each query word at its best
            // unread expansion.
            let reachable: f32 = (0..query_words)
                .map(|i| {
                    plan.units[i]
                        .get(next_unit[i])
                        .map_or(0.0, |unit| unit.score)
                })
                .sum::<f32>()
                / query_words as f32;
            // Once a query word's expansions are all read, every record matching it has been
            // seen: a record not seen yet lacks that word, so no name of its holds every query
            // word (name rank 0).
            let rank_bound = if (0..query_words).any(|i| next_unit[i] >= plan.units[i].len()) {
                0
            } else {
                BEST_NAME_RANK
            };
            if done(&best, reachable, rank_bound) {
                break;
            }
            let Some(word_index) = plan.cheapest_to_exhaust(&next_unit) else {
                break;
            };
            let unit = plan.units[word_index][next_unit[word_index]];
            let posting = &self.postings[unit.word as usize];
            for (read, &slot) in posting.iter().enumerate() {
                if seen.insert(slot, slots) {
                    let bits = self.score(slot, &plan, query_words).to_bits();
                    // The name rank only breaks ties: worked out for records that may be kept.
                    let may_keep = best.len() < limit
                        || best
                            .peek()
                            .is_some_and(|Reverse((worst, _, _, _))| bits >= *worst);
                    if may_keep {
                        let rank = self.name_rank(slot, &plan, query_words);
                        let entry = Reverse((bits, rank, Reverse(found_order), slot));
                        if best.len() < limit {
                            best.push(entry);
                        } else if best.peek().is_some_and(|worst| entry < *worst) {
                            best.pop();
                            best.push(entry);
                        }
                    }
                    found_order += 1;
                }
                if read % CHECK_EVERY == CHECK_EVERY - 1 && done(&best, reachable, rank_bound) {
                    break 'units;
                }
            }
            plan.remaining[word_index] -= u64::from(unit.postings);
            next_unit[word_index] += 1;
        }
        let mut ranked: Vec<_> = best.into_iter().map(|Reverse(entry)| entry).collect();
        ranked.sort_unstable_by(|a, b| b.cmp(a));
        ranked
            .into_iter()
            .map(|(bits, _, _, slot)| Hit {
                key: self.records[slot as usize]
                    .as_ref()
                    .expect("a posting points at a live record")
                    .key,
                score: f32::from_bits(bits).min(1.0),
            })
            .collect()
    }

    /// The score `search` gives the record `key` for `query` (0.0 if it matches no word), or
    /// None if `key` is not indexed. For explaining a ranking, and for measuring: a record
    /// missing from the first results with the same score as the last of them is tied with it.
    pub fn score_of(&self, query: &str, key: K) -> Option<f32> {
        let slot = *self.slot_of.get(&key)?;
        let mut words = normalize::words(query, false);
        words.truncate(MAX_QUERY_WORDS);
        if words.is_empty() {
            return Some(0.0);
        }
        let plan = Plan::new(&self.dictionary, &self.postings, &words);
        Some(self.score(slot, &plan, words.len()).min(1.0))
    }

    /// The mean, over the query words, of the best score each finds among the record's words.
    fn score(&self, slot: u32, plan: &Plan, query_words: usize) -> f32 {
        let record = self.records[slot as usize]
            .as_ref()
            .expect("a posting points at a live record");
        let mut best = [0f32; MAX_QUERY_WORDS];
        for word in record.words.ids() {
            if let Some(row) = plan.scores.get(&word) {
                for (b, s) in best.iter_mut().zip(row).take(query_words) {
                    *b = b.max(*s);
                }
            }
        }
        best[..query_words].iter().sum::<f32>() / query_words as f32
    }

    /// How closely one of the record's names matches the query as written, to order records
    /// of equal score: a name holding every query word in the same order and nothing else
    /// (`BEST_NAME_RANK`), then every query word in the same order, then fewer other words in
    /// that name. 0 when no single name holds every query word as well as the whole record
    /// does.
    fn name_rank(&self, slot: u32, plan: &Plan, query_words: usize) -> u32 {
        let record = self.records[slot as usize]
            .as_ref()
            .expect("a posting points at a live record");
        // What the record scores on each query word, over all its names: a name holds a query
        // word only if it matches it that well ("Ann Richard" does not hold "Anne" for a record
        // also named "Anne-Catherine Richard").
        let mut record_best = [0f32; MAX_QUERY_WORDS];
        for word in record.words.ids() {
            if let Some(row) = plan.scores.get(&word) {
                for (b, s) in record_best.iter_mut().zip(row).take(query_words) {
                    *b = b.max(*s);
                }
            }
        }
        let mut rank = 0;
        for name in record.words.names() {
            let mut best = [0f32; MAX_QUERY_WORDS];
            let mut position = [0usize; MAX_QUERY_WORDS];
            let mut own_words = 0usize;
            for (at, &entry) in name.iter().enumerate() {
                if entry & JOINED == 0 {
                    own_words += 1;
                }
                if let Some(row) = plan.scores.get(&(entry & !JOINED)) {
                    for i in 0..query_words {
                        if row[i] > best[i] {
                            best[i] = row[i];
                            position[i] = at;
                        }
                    }
                }
            }
            let holds_every_word = best[..query_words]
                .iter()
                .zip(&record_best)
                .all(|(&in_name, &in_record)| in_name > 0.0 && in_name >= in_record);
            if !holds_every_word {
                continue;
            }
            let in_order = position[..query_words]
                .windows(2)
                .all(|pair| pair[0] < pair[1]);
            let others = own_words.saturating_sub(query_words).min(0xFFFF) as u32;
            rank = rank.max((u32::from(in_order) << 16) | (0xFFFF - others));
        }
        rank
    }

    pub fn len(&self) -> usize {
        self.slot_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slot_of.is_empty()
    }

    /// How many distinct words the dictionary holds (words of removed records included).
    pub fn dictionary_len(&self) -> usize {
        self.dictionary.text.len()
    }
}

/// Every word ever indexed, with the structures that find it from a query word.
#[derive(Default)]
struct Dictionary {
    ids: FxHashMap<Box<str>, u32>,
    text: Vec<Box<str>>,
    /// In order, for completions of a prefix.
    sorted: BTreeMap<Box<str>, u32>,
    /// By hash of a deletion variant (the word with up to `allowed_edits` letters deleted,
    /// itself included): the words that have it. A hash collision only adds a candidate that
    /// the distance check then rejects.
    deletions: FxHashMap<u64, WordIds>,
    skeletons: FxHashMap<Box<str>, Vec<u32>>,
}

impl Dictionary {
    fn intern(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = u32::try_from(self.text.len()).expect("fewer than 2^32 words");
        self.ids.insert(word.into(), id);
        self.text.push(word.into());
        self.sorted.insert(word.into(), id);
        for variant in deletion_variants(word.as_bytes(), distance::allowed_edits(word.len())) {
            self.deletions
                .entry(variant)
                .and_modify(|ids| ids.push(id))
                .or_insert(WordIds::One(id));
        }
        self.skeletons
            .entry(normalize::skeleton(word).into())
            .or_default()
            .push(id);
        id
    }
}

/// The words filed under one deletion variant: nearly always one, kept without an allocation
/// (the deletion neighbourhood is most of the dictionary's memory).
enum WordIds {
    One(u32),
    Many(Vec<u32>),
}

impl WordIds {
    fn push(&mut self, id: u32) {
        match self {
            WordIds::One(first) => *self = WordIds::Many(vec![*first, id]),
            WordIds::Many(ids) => ids.push(id),
        }
    }

    fn as_slice(&self) -> &[u32] {
        match self {
            WordIds::One(id) => std::slice::from_ref(id),
            WordIds::Many(ids) => ids,
        }
    }
}

/// Hashes of `word` with every choice of up to `depth` letters deleted (`word` itself too).
fn deletion_variants(word: &[u8], depth: usize) -> FxHashSet<u64> {
    let mut hashes = FxHashSet::default();
    let mut level: FxHashSet<Vec<u8>> = FxHashSet::default();
    level.insert(word.to_vec());
    for remaining in (0..=depth).rev() {
        let mut next = FxHashSet::default();
        for variant in &level {
            hashes.insert(hash_bytes(variant));
            if remaining > 0 && variant.len() > 1 {
                for skip in 0..variant.len() {
                    let mut shorter = variant.clone();
                    shorter.remove(skip);
                    next.insert(shorter);
                }
            }
        }
        level = next;
    }
    hashes
}

fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = FxHasher::default();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// Nickname groups by member word.
static NICKNAME_GROUPS: LazyLock<FxHashMap<&'static str, Vec<usize>>> = LazyLock::new(|| {
    let mut by_word: FxHashMap<&'static str, Vec<usize>> = FxHashMap::default();
    for (index, group) in nicknames::GROUPS.iter().enumerate() {
        for word in *group {
            by_word.entry(word).or_default().push(index);
        }
    }
    by_word
});

/// One posting list to read for one query word.
#[derive(Clone, Copy)]
struct Unit {
    word: u32,
    score: f32,
    postings: u32,
}

/// What a query's words expand to.
struct Plan {
    /// By dictionary word: its score for each query word (0 where it does not match).
    scores: FxHashMap<u32, [f32; MAX_QUERY_WORDS]>,
    /// By query word: its expansions, best score first (fewest postings first among equals).
    units: Vec<Vec<Unit>>,
    /// By query word: the postings of its expansions not read yet.
    remaining: Vec<u64>,
}

impl Plan {
    fn new(dictionary: &Dictionary, postings: &[Vec<u32>], words: &[String]) -> Self {
        let mut scores: FxHashMap<u32, [f32; MAX_QUERY_WORDS]> = FxHashMap::default();
        let mut units = Vec::with_capacity(words.len());
        let mut remaining = Vec::with_capacity(words.len());
        for (index, word) in words.iter().enumerate() {
            let expansions = expand(dictionary, word);
            let mut word_units: Vec<Unit> = expansions
                .into_iter()
                .filter_map(|(id, score)| {
                    let count = postings[id as usize].len();
                    (count > 0).then(|| Unit {
                        word: id,
                        score,
                        postings: u32::try_from(count).unwrap_or(u32::MAX),
                    })
                })
                .collect();
            word_units.sort_unstable_by(|a, b| {
                b.score
                    .total_cmp(&a.score)
                    .then(a.postings.cmp(&b.postings))
                    .then(a.word.cmp(&b.word))
            });
            for unit in &word_units {
                scores.entry(unit.word).or_insert([0.0; MAX_QUERY_WORDS])[index] = unit.score;
            }
            remaining.push(word_units.iter().map(|unit| u64::from(unit.postings)).sum());
            units.push(word_units);
        }
        Self {
            scores,
            units,
            remaining,
        }
    }

    /// The query word with the fewest postings left to read. A record that beats those
    /// already found usually matches every query word, so the cheapest way to rule out the
    /// rest is to read one word's expansions to the end: the word that costs least.
    fn cheapest_to_exhaust(&self, next_unit: &[usize]) -> Option<usize> {
        (0..self.units.len())
            .filter(|&index| next_unit[index] < self.units[index].len())
            .min_by_key(|&index| self.remaining[index])
    }
}

/// The dictionary words `word` may stand for, each with its best score.
fn expand(dictionary: &Dictionary, word: &str) -> FxHashMap<u32, f32> {
    let mut found: FxHashMap<u32, f32> = FxHashMap::default();
    let mut offer = |id: u32, score: f32| {
        let entry = found.entry(id).or_insert(0.0);
        *entry = entry.max(score);
    };
    if let Some(&id) = dictionary.ids.get(word) {
        offer(id, EXACT);
    }
    if let Some(ids) = dictionary.skeletons.get(normalize::skeleton(word).as_str()) {
        for &id in ids {
            offer(id, SAME_SKELETON);
        }
    }
    let edits = distance::allowed_edits(word.len());
    if edits > 0 {
        let mut checked: FxHashSet<u32> = FxHashSet::default();
        for variant in deletion_variants(word.as_bytes(), edits) {
            let ids = dictionary
                .deletions
                .get(&variant)
                .map_or(&[][..], WordIds::as_slice);
            for &id in ids {
                if !checked.insert(id) {
                    continue;
                }
                let candidate = dictionary.text[id as usize].as_bytes();
                let bound = distance::allowed_edits(word.len().min(candidate.len()));
                match distance::within(word.as_bytes(), candidate, bound) {
                    Some(1) => offer(id, ONE_EDIT),
                    Some(2) => offer(id, TWO_EDITS),
                    _ => {}
                }
            }
        }
    }
    if let Some(groups) = NICKNAME_GROUPS.get(word) {
        for &group in groups {
            for member in nicknames::GROUPS[group] {
                if let Some(&id) = dictionary.ids.get(*member) {
                    offer(id, NICKNAME);
                }
            }
        }
    }
    for (completion, &id) in dictionary
        .sorted
        .range::<str, _>((std::ops::Bound::Included(word), std::ops::Bound::Unbounded))
    {
        if !completion.starts_with(word) {
            break;
        }
        if completion.len() > word.len() {
            let typed = word.len() as f32 / completion.len() as f32;
            offer(id, PREFIX_BASE + PREFIX_SPAN * typed);
        }
    }
    found
}

#[cfg(test)]
mod tests;
