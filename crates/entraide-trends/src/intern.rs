//! Tags as small integer ids, so a post's tags are hashed and folded to their counting key
//! once, and its four areas' sketches count `u32`s instead of hashing and copying strings.
//!
//! Memory stays bounded whatever the number of distinct tags: every id is reference counted
//! (by the sketch entries holding it as a key or a spelling, by the spellings whose key it is,
//! and by the post being counted), and an id nobody holds is freed and its slot, string buffer
//! included, recycled for the next new tag. So the interner holds at most about twice as many
//! strings as the sketches hold entries.

use crate::sketch::KeyRefs;
use entraide_text::tag_key;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// A tag spelling, or a counting key (see [`entraide_text::tag_key`]): both are strings, and a
/// spelling already in key form (`porteouverte`) is the same id as its key.
pub type TagId = u32;

/// The key of a slot not yet asked for as a spelling.
const UNKNOWN: TagId = TagId::MAX;

#[derive(Debug)]
struct Slot {
    text: String,
    hash: u64,
    refs: u32,
    /// The id of `tag_key(text)`; the slot itself when the text is its own key.
    key: TagId,
}

#[derive(Debug, Default)]
pub struct Interner {
    /// Seeded per engine: crafted tags cannot aim at collisions.
    hasher: foldhash::fast::RandomState,
    table: HashTable<TagId>,
    slots: Vec<Slot>,
    free: Vec<TagId>,
}

impl Interner {
    /// The id of `text` if some sketch or post holds it.
    pub fn find(&self, text: &str) -> Option<TagId> {
        let hash = self.hasher.hash_one(text);
        self.table
            .find(hash, |&id| self.slots[id as usize].text == text)
            .copied()
    }

    pub fn text(&self, id: TagId) -> &str {
        &self.slots[id as usize].text
    }

    /// Strings held now.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// The ids of a tag as written (without its hash sign) and of its counting key, the
    /// spelling held once for the caller, who releases it when done.
    pub fn spelling(&mut self, raw: &str) -> (TagId, TagId) {
        let id = self.intern(raw);
        let key = match self.slots[id as usize].key {
            UNKNOWN => {
                let key = if raw.bytes().all(|b| !b.is_ascii_uppercase() && b.is_ascii()) {
                    id
                } else {
                    let folded = tag_key(raw);
                    if folded == raw {
                        id
                    } else {
                        // Held by the spelling until the spelling is freed.
                        self.intern(&folded)
                    }
                };
                self.slots[id as usize].key = key;
                key
            }
            key => key,
        };
        (id, key)
    }

    /// The id of `text`, held once more.
    fn intern(&mut self, text: &str) -> TagId {
        let hash = self.hasher.hash_one(text);
        let slots = &mut self.slots;
        if let Some(&id) = self.table.find(hash, |&id| slots[id as usize].text == text) {
            slots[id as usize].refs += 1;
            return id;
        }
        let id = match self.free.pop() {
            Some(id) => {
                let slot = &mut slots[id as usize];
                slot.text.clear();
                slot.text.push_str(text);
                (slot.hash, slot.refs, slot.key) = (hash, 1, UNKNOWN);
                id
            }
            None => {
                let id = TagId::try_from(slots.len()).expect("fewer tags held than u32::MAX");
                slots.push(Slot {
                    text: text.to_owned(),
                    hash,
                    refs: 1,
                    key: UNKNOWN,
                });
                id
            }
        };
        self.table
            .insert_unique(hash, id, |&id| slots[id as usize].hash);
        id
    }
}

impl KeyRefs<TagId> for Interner {
    fn hold(&mut self, id: TagId) {
        self.slots[id as usize].refs += 1;
    }

    fn release(&mut self, mut id: TagId) {
        // A freed spelling releases its key in turn.
        loop {
            let slot = &mut self.slots[id as usize];
            slot.refs -= 1;
            if slot.refs > 0 {
                return;
            }
            let (hash, key) = (slot.hash, slot.key);
            if let Ok(found) = self.table.find_entry(hash, |&held| held == id) {
                found.remove();
            }
            self.free.push(id);
            if key == UNKNOWN || key == id {
                return;
            }
            id = key;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_share_their_key_and_freed_ids_are_recycled() {
        let mut tags = Interner::default();
        let (a, key) = tags.spelling("PorteOuverte");
        let (b, same_key) = tags.spelling("PORTEOUVERTE");
        let (c, c_key) = tags.spelling("porteouverte");
        assert_eq!((key, same_key, c, c_key), (c, c, c, c));
        assert_ne!(a, b);
        assert_eq!(tags.text(key), "porteouverte");
        assert_eq!(tags.text(a), "PorteOuverte");
        assert_eq!(tags.len(), 3);
        // The key is held by the two other spellings and by the caller.
        tags.release(a);
        tags.release(b);
        assert_eq!(tags.len(), 1);
        assert_eq!(tags.find("PorteOuverte"), None);
        tags.release(c);
        assert_eq!(tags.len(), 0);
        // A full-width spelling folds to the same key text.
        let (_, wide_key) = tags.spelling("ＰｏｒｔｅＯｕｖｅｒｔｅ");
        assert_eq!(tags.text(wide_key), "porteouverte");
        // Slots are reused, not added.
        assert_eq!(tags.slots.len(), 3);
    }

    /// A million distinct tags, each released after use: the table never holds more than the
    /// live ones.
    #[test]
    fn memory_stays_bounded_with_a_million_distinct_tags() {
        let mut tags = Interner::default();
        let mut live = std::collections::VecDeque::new();
        for i in 0..1_000_000u32 {
            let (id, _) = tags.spelling(&format!("Tag{i:x}"));
            live.push_back(id);
            if live.len() > 100 {
                tags.release(live.pop_front().unwrap());
            }
            assert!(tags.len() <= 2 * 101);
        }
        assert!(tags.slots.len() <= 2 * 102);
    }
}
