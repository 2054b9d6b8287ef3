//! The ids of the posts counted lately, so a post sent again (an HTTP retry, a bus
//! redelivery, two archives that overlap) is counted once.
//!
//! Memory is bounded: two generations of at most `size` ids each. New ids go into the
//! current generation; when it is full it becomes the previous one and the older is dropped.
//! A post is repeated if its id is in either, so duplicates within at least the last `size`
//! ids (at most `2 × size`) are dropped, at 8 bytes and one hash table slot per id held.

use std::collections::HashSet;
use std::hash::BuildHasher;

/// Ids are held as 64-bit hashes under a seed drawn per engine: a crafted id cannot aim at
/// another post's hash, and two distinct ids share one with odds of about
/// `2 × size / 2⁶⁴` per post (10⁻¹⁴ with the default size).
type Set = HashSet<u64, foldhash::fast::FixedState>;

#[derive(Debug)]
pub struct RecentIds {
    size: usize,
    seed: foldhash::fast::RandomState,
    current: Set,
    previous: Set,
}

impl RecentIds {
    /// Remembers at least the last `size` ids; 0 remembers none (every post is new).
    pub fn new(size: usize) -> Self {
        Self {
            size,
            seed: foldhash::fast::RandomState::default(),
            current: Set::default(),
            previous: Set::default(),
        }
    }

    /// Whether `id` was seen among the recent ids, remembering it if not.
    pub fn seen(&mut self, id: &str) -> bool {
        if self.size == 0 {
            return false;
        }
        let hash = self.seed.hash_one(id);
        if self.previous.contains(&hash) || !self.current.insert(hash) {
            return true;
        }
        if self.current.len() >= self.size {
            // The old generation's table is reused, so rotating allocates nothing.
            std::mem::swap(&mut self.previous, &mut self.current);
            self.current.clear();
        }
        false
    }

    /// Ids held now (at most `2 × size`).
    pub fn len(&self) -> usize {
        self.current.len() + self.previous.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeat_within_the_size_is_seen_and_memory_stays_bounded() {
        let mut recent = RecentIds::new(1000);
        for i in 0..1000 {
            assert!(!recent.seen(&format!("post-{i}")));
        }
        // Every one of the last 1000 is still known, after a rotation.
        for i in 0..1000 {
            assert!(recent.seen(&format!("post-{i}")), "post-{i}");
        }
        for i in 1000..100_000 {
            assert!(!recent.seen(&format!("post-{i}")));
            assert!(recent.len() <= 2000);
        }
        for i in 99_000..100_000 {
            assert!(recent.seen(&format!("post-{i}")), "post-{i}");
        }
        // Long gone: counted again, which the size documents.
        assert!(!recent.seen("post-5"));
    }

    #[test]
    fn size_zero_remembers_nothing() {
        let mut recent = RecentIds::new(0);
        assert!(!recent.seen("a"));
        assert!(!recent.seen("a"));
        assert!(recent.is_empty());
    }
}
