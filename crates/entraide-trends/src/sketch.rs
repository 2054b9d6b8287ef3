//! Space-Saving (Metwally, Agrawal, El Abbadi, 2005): the most frequent keys of a stream in a
//! fixed number of counters.
//!
//! With capacity `k` and `N` the total of all weights added:
//! - every key whose true count exceeds `N / k` is in the sketch;
//! - a reported `count` never under-estimates, and over-estimates by at most its `error`, which
//!   is itself at most `N / k` (it is the count of the evicted key the entry took over);
//! - so `count - error` is a guaranteed lower bound of the true count.
//!
//! The entries live in a binary min-heap on `count`, so the key to evict is at the root and an
//! update costs O(log k); a hash map from key to heap slot finds a key in O(1).

use std::collections::HashMap;
use std::sync::Arc;

/// foldhash: several times faster than the default SipHash on short tags, and seeded per map,
/// so crafted tags cannot aim at collisions across instances; a sketch holds at most `k`
/// keys anyway, so collisions could cost at most `k` comparisons.
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// One counted key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Shared with the sketch's index, and with `spelling` when they are the same, so a new
    /// entry costs one allocation, not three.
    pub key: Arc<str>,
    /// Estimated count: the true count plus at most `error`.
    pub count: u64,
    /// Over-estimation bound for this entry.
    pub error: u64,
    /// The spelling most often seen for this key (see [`SpaceSaving::add`]).
    pub spelling: Arc<str>,
    /// Majority-vote weight of `spelling`.
    votes: u64,
}

impl Entry {
    /// A lower bound of the key's true count.
    pub fn guaranteed(&self) -> u64 {
        self.count - self.error
    }
}

/// A Space-Saving sketch of at most `capacity` entries.
#[derive(Clone, Debug)]
pub struct SpaceSaving {
    capacity: usize,
    total: u64,
    /// Whether a key has ever taken over another's counter; until then every count is exact.
    evicted: bool,
    heap: Vec<Entry>,
    slot: Map<Arc<str>, usize>,
}

impl SpaceSaving {
    /// # Panics
    /// If `capacity` is 0: a sketch that can hold nothing answers nothing.
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "a Space-Saving sketch needs room for one key");
        Self {
            capacity,
            total: 0,
            evicted: false,
            heap: Vec::new(),
            slot: Map::default(),
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Number of entries held, never more than the capacity.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
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

    /// Counts `weight` more of `key`, seen spelled `spelling`.
    ///
    /// Spellings are kept with a majority vote (Boyer–Moore) rather than a count per spelling,
    /// so memory stays one spelling per entry; when one spelling is used by more than half of
    /// the posts of a key — the usual case — it is the one kept.
    pub fn add(&mut self, key: &str, spelling: &str, weight: u64) {
        self.total += weight;
        if let Some(&i) = self.slot.get(key) {
            let e = &mut self.heap[i];
            e.count += weight;
            vote(e, spelling, weight);
            self.sift_down(i);
            return;
        }
        let key: Arc<str> = key.into();
        let spelling: Arc<str> = if *spelling == *key {
            key.clone()
        } else {
            spelling.into()
        };
        if self.heap.len() < self.capacity {
            let i = self.heap.len();
            self.heap.push(Entry {
                key: key.clone(),
                count: weight,
                error: 0,
                spelling,
                votes: weight,
            });
            self.slot.insert(key, i);
            self.sift_up(i);
            return;
        }
        // Full: the least counted key gives its counter to the new one, whose count may then
        // be over-estimated by what the counter held.
        self.evicted = true;
        let min = self.heap[0].count;
        let old = std::mem::replace(
            &mut self.heap[0],
            Entry {
                key: key.clone(),
                count: min + weight,
                error: min,
                spelling,
                votes: weight,
            },
        );
        self.slot.remove(&old.key);
        self.slot.insert(key, 0);
        self.sift_down(0);
    }

    /// The entry of `key`, if it is held.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.slot.get(key).map(|&i| &self.heap[i])
    }

    /// Entries in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.heap.iter()
    }

    /// The `n` entries with the highest counts, highest first.
    pub fn top(&self, n: usize) -> Vec<&Entry> {
        let mut all: Vec<&Entry> = self.heap.iter().collect();
        all.sort_unstable_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
        all.truncate(n);
        all
    }

    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if self.heap[parent].count <= self.heap[i].count {
                break;
            }
            self.swap(i, parent);
            i = parent;
        }
    }

    fn sift_down(&mut self, mut i: usize) {
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut smallest = i;
            if l < self.heap.len() && self.heap[l].count < self.heap[smallest].count {
                smallest = l;
            }
            if r < self.heap.len() && self.heap[r].count < self.heap[smallest].count {
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
        *self
            .slot
            .get_mut(&self.heap[a].key)
            .expect("slot of a held key") = a;
        *self
            .slot
            .get_mut(&self.heap[b].key)
            .expect("slot of a held key") = b;
    }
}

fn vote(e: &mut Entry, spelling: &str, weight: u64) {
    if *e.spelling == *spelling {
        e.votes += weight;
    } else if e.votes > weight {
        e.votes -= weight;
    } else {
        e.votes = weight - e.votes;
        e.spelling = spelling.into();
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
            s.add(k, k, 1);
        }
        assert_eq!(s.get("a").map(|e| (e.count, e.error)), Some((3, 0)));
        assert_eq!(s.get("b").map(|e| e.count), Some(2));
        assert_eq!(s.top(1)[0].key.as_ref(), "a");
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
            s.add("porteouverte", sp, 1);
        }
        assert_eq!(&*s.get("porteouverte").unwrap().spelling, "PorteOuverte");
    }

    /// A Zipf-like head of 50 tags (weight ∝ 1/rank) mixed with a million random distinct
    /// tags: the bound holds for every entry, memory never exceeds k, and the true top is found.
    #[test]
    fn error_bound_on_zipf_with_a_million_distinct_tags() {
        let k = 200;
        let mut s = SpaceSaving::new(k);
        let mut exact: HashMap<String, u64> = HashMap::new();
        let mut rng = Rng(42);
        let head: Vec<String> = (0..50).map(|r| format!("head{r}")).collect();
        // Cumulative weights of 1/(rank+1) over the head.
        let weights: Vec<f64> = (0..50).map(|r| 1.0 / (r as f64 + 1.0)).collect();
        let sum: f64 = weights.iter().sum();
        let mut distinct_noise = 0;
        for _ in 0..2_000_000 {
            let key = if rng.next().is_multiple_of(2) {
                distinct_noise += 1;
                format!("noise{}", rng.next())
            } else {
                let mut x = rng.unit() * sum;
                let mut r = 0;
                while r < 49 && x >= weights[r] {
                    x -= weights[r];
                    r += 1;
                }
                head[r].clone()
            };
            s.add(&key, &key, 1);
            *exact.entry(key).or_default() += 1;
            assert!(s.len() <= k);
        }
        assert!(distinct_noise > 900_000);
        let bound = s.error_bound();
        for e in s.entries() {
            let truth = exact.get(&*e.key).copied().unwrap_or(0);
            assert!(e.count >= truth, "{} under-estimated", e.key);
            assert!(e.count - truth <= e.error && e.error <= bound, "{}", e.key);
            assert!(e.guaranteed() <= truth);
        }
        // Every key above N/k must be held, and the true top 10 are the sketch's top 10.
        for (key, &c) in &exact {
            if c > bound {
                assert!(s.get(key).is_some(), "{key} ({c} > {bound}) missing");
            }
        }
        let mut truth: Vec<(&String, &u64)> = exact.iter().collect();
        truth.sort_by(|a, b| b.1.cmp(a.1));
        let got: Vec<&str> = s.top(10).iter().map(|e| &*e.key).collect();
        // Ranks 6-10 are close enough that the N/k over-estimate may reorder them; the top 5 are not.
        for (key, _) in &truth[..5] {
            assert!(got.contains(&key.as_str()), "{key} not in {got:?}");
        }
    }
}
