//! Space-Saving (Metwally, Agrawal, El Abbadi, 2005): the most frequent keys of a stream in a
//! fixed number of counters.
//!
//! With capacity `k` and `N` the total of all weights added:
//! - every key whose true count exceeds `N / k` is in the sketch;
//! - a reported `count` never under-estimates, and over-estimates by at most its `error`, which
//!   is itself at most `N / k` (it is the count of the evicted key the entry took over);
//! - so `count - error` is a guaranteed lower bound of the true count.
//!
//! Keys are small copyable values: the engine counts interned tag ids (see
//! [`crate::intern`]), so an update hashes a `u32`, not a string, and the four areas a post
//! is counted in share one interned copy of each tag. A [`KeyRefs`] passed to each update is
//! told when the sketch starts and stops holding a key, so the interner can recycle ids no
//! sketch holds; `()` ignores it.
//!
//! Entries stay where they were put, so the key → entry index never changes once a key is in;
//! a binary min-heap of entry positions keeps the least counted at its root, the one to evict,
//! and an update costs O(log k) integer moves. A sketch of at most 32 entries (a
//! neighbourhood's minute, the most numerous) keeps no heap: it scans its counts when it
//! evicts, which it seldom does, rather than moving heap slots on every update.

use std::collections::HashMap;
use std::hash::Hash;

/// foldhash: fast on small keys, and seeded per map, so crafted tags cannot aim at collisions
/// across instances; a sketch holds at most `k` keys anyway.
pub(crate) type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Up to this capacity a key is found by scanning the keys held, which is faster than hashing
/// for so few (a neighbourhood's minute, the most numerous sketches), and spares the map.
const SCANNED_UP_TO: usize = 32;

/// Told when a sketch starts or stops holding a key (as a counted key or as a spelling).
pub trait KeyRefs<K> {
    fn hold(&mut self, key: K);
    fn release(&mut self, key: K);
}

/// Keys that need no bookkeeping (plain values, `&'static str`).
impl<K> KeyRefs<K> for () {
    fn hold(&mut self, _: K) {}
    fn release(&mut self, _: K) {}
}

/// One counted key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry<K> {
    pub key: K,
    /// Estimated count: the true count plus at most `error`.
    pub count: u64,
    /// Over-estimation bound for this entry.
    pub error: u64,
    /// The spelling most often seen for this key (see [`SpaceSaving::add`]).
    pub spelling: K,
    /// Majority-vote weight of `spelling`.
    votes: u64,
    /// Where this entry's position is in the heap (of an indexed sketch, see `is_indexed`).
    heap_slot: u32,
}

impl<K> Entry<K> {
    /// A lower bound of the key's true count.
    pub fn guaranteed(&self) -> u64 {
        self.count - self.error
    }
}

/// A Space-Saving sketch of at most `capacity` entries.
#[derive(Clone, Debug)]
pub struct SpaceSaving<K> {
    capacity: usize,
    total: u64,
    /// Whether a key has ever taken over another's counter; until then every count is exact.
    evicted: bool,
    entries: Vec<Entry<K>>,
    /// `entries`' keys, in the same order: scanned in small sketches.
    keys: Vec<K>,
    /// Positions in `entries`, as a min-heap on their count, for sketches of more than
    /// [`SCANNED_UP_TO`] entries.
    heap: Vec<u32>,
    /// Key → position in `entries`, for sketches of more than [`SCANNED_UP_TO`] entries.
    index: Map<K, u32>,
}

impl<K: Copy + Eq + Hash + Ord> SpaceSaving<K> {
    /// # Panics
    /// If `capacity` is 0: a sketch that can hold nothing answers nothing.
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "a Space-Saving sketch needs room for one key");
        Self {
            capacity,
            total: 0,
            evicted: false,
            entries: Vec::new(),
            keys: Vec::new(),
            heap: Vec::new(),
            index: Map::default(),
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Number of entries held, never more than the capacity.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sum of all weights added: the `N` of the error bound `N / k`.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The error bound every entry satisfies: `ceil(N / k)`.
    pub fn error_bound(&self) -> u64 {
        self.total.div_ceil(self.capacity as u64)
    }

    /// The error bound of this sketch's counts as it stands: 0 while no key has been evicted
    /// (every count is then exact, and a key not held was never seen), else [`Self::error_bound`].
    pub fn current_error_bound(&self) -> u64 {
        if self.evicted { self.error_bound() } else { 0 }
    }

    /// Empties the sketch for reuse with `capacity`, releasing every key it held; its memory
    /// is kept, so a sketch recycled for a new minute allocates nothing.
    pub fn reset(&mut self, capacity: usize, refs: &mut impl KeyRefs<K>) {
        assert!(capacity > 0, "a Space-Saving sketch needs room for one key");
        for e in &self.entries {
            refs.release(e.key);
            refs.release(e.spelling);
        }
        self.entries.clear();
        self.keys.clear();
        self.heap.clear();
        self.index.clear();
        self.capacity = capacity;
        self.total = 0;
        self.evicted = false;
    }

    /// Counts `weight` more of `key`, seen spelled `spelling`.
    ///
    /// Spellings are kept with a majority vote (Boyer–Moore) rather than a count per spelling,
    /// so memory stays one spelling per entry; when one spelling is used by more than half of
    /// the posts of a key — the usual case — it is the one kept.
    pub fn add(&mut self, key: K, spelling: K, weight: u64, refs: &mut impl KeyRefs<K>) {
        self.total += weight;
        let indexed = self.is_indexed();
        if let Some(at) = self.position(key) {
            let e = &mut self.entries[at];
            e.count += weight;
            vote(e, spelling, weight, refs);
            if indexed {
                let slot = e.heap_slot as usize;
                self.sift_down(slot);
            }
            return;
        }
        refs.hold(key);
        refs.hold(spelling);
        if self.entries.len() < self.capacity {
            let at = self.entries.len() as u32;
            let slot = self.heap.len();
            self.entries.push(Entry {
                key,
                count: weight,
                error: 0,
                spelling,
                votes: weight,
                heap_slot: slot as u32,
            });
            self.keys.push(key);
            if indexed {
                self.heap.push(at);
                self.index.insert(key, at);
                self.sift_up(slot);
            }
            return;
        }
        // Full: the least counted key gives its counter to the new one, whose count may then
        // be over-estimated by what the counter held.
        self.evicted = true;
        let at = if indexed {
            self.heap[0] as usize
        } else {
            (0..self.entries.len())
                .min_by_key(|&at| self.entries[at].count)
                .expect("a full sketch holds entries")
        };
        let e = &mut self.entries[at];
        let min = e.count;
        let (old_key, old_spelling) = (e.key, e.spelling);
        *e = Entry {
            key,
            count: min + weight,
            error: min,
            spelling,
            votes: weight,
            heap_slot: 0,
        };
        self.keys[at] = key;
        refs.release(old_key);
        refs.release(old_spelling);
        if indexed {
            self.index.remove(&old_key);
            self.index.insert(key, at as u32);
            self.sift_down(0);
        }
    }

    /// Whether keys are found through `index` and the least counted through `heap`; a sketch
    /// of at most [`SCANNED_UP_TO`] entries scans its keys instead, and its counts when it
    /// evicts: for so few, that costs less than keeping a heap on every update.
    fn is_indexed(&self) -> bool {
        self.capacity > SCANNED_UP_TO
    }

    /// The entry of `key`, if it is held.
    pub fn get(&self, key: K) -> Option<&Entry<K>> {
        self.position(key).map(|at| &self.entries[at])
    }

    fn position(&self, key: K) -> Option<usize> {
        if self.is_indexed() {
            self.index.get(&key).map(|&at| at as usize)
        } else {
            self.keys.iter().position(|&k| k == key)
        }
    }

    /// Entries in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry<K>> {
        self.entries.iter()
    }

    /// The `n` entries with the highest counts, highest first.
    pub fn top(&self, n: usize) -> Vec<&Entry<K>> {
        let mut all: Vec<&Entry<K>> = self.entries.iter().collect();
        all.sort_unstable_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
        all.truncate(n);
        all
    }

    fn count_at(&self, slot: usize) -> u64 {
        self.entries[self.heap[slot] as usize].count
    }

    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if self.count_at(parent) <= self.count_at(i) {
                break;
            }
            self.swap(i, parent);
            i = parent;
        }
    }

    fn sift_down(&mut self, mut i: usize) {
        let len = self.heap.len();
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut smallest = i;
            if l < len && self.count_at(l) < self.count_at(smallest) {
                smallest = l;
            }
            if r < len && self.count_at(r) < self.count_at(smallest) {
                smallest = r;
            }
            if smallest == i {
                return;
            }
            self.swap(i, smallest);
            i = smallest;
        }
    }

    fn swap(&mut self, a: usize, b: usize) {
        self.heap.swap(a, b);
        self.entries[self.heap[a] as usize].heap_slot = a as u32;
        self.entries[self.heap[b] as usize].heap_slot = b as u32;
    }
}

fn vote<K: Copy + Eq>(e: &mut Entry<K>, spelling: K, weight: u64, refs: &mut impl KeyRefs<K>) {
    if e.spelling == spelling {
        e.votes += weight;
    } else if e.votes > weight {
        e.votes -= weight;
    } else {
        e.votes = weight - e.votes;
        refs.hold(spelling);
        refs.release(std::mem::replace(&mut e.spelling, spelling));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn exact_while_under_capacity() {
        let mut s = SpaceSaving::new(4);
        for k in ["a", "b", "a", "c", "a", "b"] {
            s.add(k, k, 1, &mut ());
        }
        assert_eq!(s.get("a").map(|e| (e.count, e.error)), Some((3, 0)));
        assert_eq!(s.get("b").map(|e| e.count), Some(2));
        assert_eq!(s.top(1)[0].key, "a");
        assert_eq!(s.total(), 6);
    }

    #[test]
    fn keeps_the_majority_spelling() {
        let mut s = SpaceSaving::new(2);
        for sp in [
            "porteouverte",
            "PorteOuverte",
            "PorteOuverte",
            "PORTEOUVERTE",
            "PorteOuverte",
        ] {
            s.add("porteouverte", sp, 1, &mut ());
        }
        assert_eq!(s.get("porteouverte").unwrap().spelling, "PorteOuverte");
    }

    /// A Zipf-like head of 50 tags (weight ∝ 1/rank) mixed with a million random distinct
    /// tags: the bound holds for every entry, memory never exceeds k, and the true top is found.
    /// Keys are numbers, as the engine's interned tags are: head tags 0 to 49, noise above.
    /// Both kinds of sketch: indexed with a heap (200), and scanned (32).
    #[test]
    fn error_bound_on_zipf_with_a_million_distinct_tags() {
        // The top keys surely held: those above N / k, 5 of the head at k = 200, 2 at k = 32.
        for (k, sure_top) in [(200, 5), (SCANNED_UP_TO, 2)] {
            error_bound_on_zipf(k, sure_top);
        }
    }

    fn error_bound_on_zipf(k: usize, sure_top: usize) {
        let mut s = SpaceSaving::new(k);
        let mut exact: HashMap<u64, u64> = HashMap::new();
        let mut refs = Held::default();
        let mut rng = Rng(42);
        // Cumulative weights of 1/(rank+1) over the head.
        let weights: Vec<f64> = (0..50).map(|r| 1.0 / (r as f64 + 1.0)).collect();
        let sum: f64 = weights.iter().sum();
        let mut distinct_noise = 0;
        for _ in 0..2_000_000 {
            let key = if rng.next().is_multiple_of(2) {
                distinct_noise += 1;
                50 + rng.next() % (u64::MAX - 50)
            } else {
                let mut x = rng.unit() * sum;
                let mut r = 0;
                while r < 49 && x >= weights[r] {
                    x -= weights[r];
                    r += 1;
                }
                r as u64
            };
            s.add(key, key, 1, &mut refs);
            *exact.entry(key).or_default() += 1;
            assert!(s.len() <= k);
        }
        assert!(distinct_noise > 900_000);
        // Exactly the keys held are held by the sketch, once as a key and once as a spelling.
        assert_eq!(refs.0.len(), s.len());
        assert!(refs.0.values().all(|&n| n == 2));
        let bound = s.error_bound();
        for e in s.entries() {
            let truth = exact.get(&e.key).copied().unwrap_or(0);
            assert!(e.count >= truth, "{} under-estimated", e.key);
            assert!(e.count - truth <= e.error && e.error <= bound, "{}", e.key);
            assert!(e.guaranteed() <= truth);
        }
        // Every key above N/k must be held, and the true top 10 are the sketch's top 10.
        for (&key, &c) in &exact {
            if c > bound {
                assert!(s.get(key).is_some(), "{key} ({c} > {bound}) missing");
            }
        }
        let mut truth: Vec<(&u64, &u64)> = exact.iter().collect();
        truth.sort_by(|a, b| b.1.cmp(a.1));
        let got: Vec<u64> = s.top(10).iter().map(|e| e.key).collect();
        // Lower ranks are close enough that the N/k over-estimate may reorder them.
        for (key, _) in &truth[..sure_top] {
            assert!(got.contains(key), "{key} not in {got:?}");
        }
        s.reset(k, &mut refs);
        assert!(s.is_empty() && s.total() == 0);
        assert!(refs.0.is_empty(), "a reset releases every key");
    }

    /// How many times each key is held, as an interner counts it.
    #[derive(Default)]
    struct Held(HashMap<u64, u64>);

    impl KeyRefs<u64> for Held {
        fn hold(&mut self, key: u64) {
            *self.0.entry(key).or_default() += 1;
        }

        fn release(&mut self, key: u64) {
            let n = self.0.get_mut(&key).expect("released a key not held");
            *n -= 1;
            if *n == 0 {
                self.0.remove(&key);
            }
        }
    }

    /// Spellings changing hands by majority vote are held and released in step.
    #[test]
    fn a_spelling_taking_over_is_held_and_the_old_one_released() {
        let mut s = SpaceSaving::new(1);
        let mut refs = Held::default();
        s.add(1, 10, 1, &mut refs);
        s.add(1, 11, 2, &mut refs);
        assert_eq!(s.get(1).unwrap().spelling, 11);
        assert_eq!(refs.0.get(&10), None);
        assert_eq!(refs.0.get(&11), Some(&1));
        // Evicted with its spelling when the only counter goes to another key.
        s.add(2, 2, 1, &mut refs);
        assert_eq!(s.get(2).map(|e| (e.count, e.error)), Some((4, 3)));
        assert_eq!(refs.0.len(), 1);
        assert_eq!(refs.0.get(&2), Some(&2));
    }
}
