use super::*;

fn index(records: &[(u32, &[&str])]) -> NameIndex<u32> {
    let mut index = NameIndex::new();
    for (key, names) in records {
        index.insert(*key, names);
    }
    index
}

fn keys(hits: &[Hit<u32>]) -> Vec<u32> {
    hits.iter().map(|hit| hit.key).collect()
}

fn first(index: &NameIndex<u32>, query: &str) -> Option<u32> {
    index.search(query, 10).first().map(|hit| hit.key)
}

fn sample() -> NameIndex<u32> {
    index(&[
        (1, &["Marie Dupont", "Marie", "Dupont"]),
        (2, &["Hélène Müller"]),
        (3, &["Jean-Pierre N'Diaye"]),
        (4, &["Maria Ivanova", "Мария Иванова"]),
        (5, &["Robert Smith", "Bob Smith"]),
        (6, &["Γεώργιος Παπαδόπουλος"]),
        (7, &["Marc Durand"]),
        (8, &["Søren Ørsted"]),
        (9, &["François Lefèvre"]),
        (10, &["محمد علي", "Mohamed Ali"]),
        (11, &["Alexandre Martin"]),
        (12, &["Martine Dupond"]),
    ])
}

#[test]
fn case_does_not_matter() {
    let index = sample();
    assert_eq!(first(&index, "MARIE DUPONT"), Some(1));
    assert_eq!(first(&index, "marie dupont"), Some(1));
    assert_eq!(index.search("mArIe DuPoNt", 1)[0].score, 1.0);
}

#[test]
fn accents_do_not_matter_either_way() {
    let index = sample();
    assert_eq!(
        index.search("Helene Muller", 1),
        [Hit { key: 2, score: 1.0 }]
    );
    assert_eq!(first(&index, "Francois Lefevre"), Some(9));
    assert_eq!(first(&index, "Soren Orsted"), Some(8));
    // Accents typed where the record has none are dropped as well.
    assert_eq!(first(&index, "Märíe Düpönt"), Some(1));
    let ligatures = index_of(&[(1, &["Œdipe Straße"]), (2, &["Æsa Gøtze"])]);
    assert_eq!(first(&ligatures, "oedipe strasse"), Some(1));
    assert_eq!(first(&ligatures, "aesa gotze"), Some(2));
}

fn index_of(records: &[(u32, &[&str])]) -> NameIndex<u32> {
    index(records)
}

#[test]
fn typos_are_forgiven_and_rank_below_the_exact_name() {
    let index = sample();
    for query in [
        "Marie Dupnot",
        "Marei Dupont",
        "Mari Dupont",
        "Marie Duppont",
        "Marie Dupomt",
    ] {
        let hits = index.search(query, 10);
        assert_eq!(hits.first().map(|h| h.key), Some(1), "{query}: {hits:?}");
        assert!(
            hits[0].score < 1.0 && hits[0].score > 0.8,
            "{query}: {hits:?}"
        );
    }
    // Two edits in a long word.
    assert_eq!(first(&index, "Alexnadre Matrin"), Some(11));
    // Exact beats one edit: "Dupond" is Martine's name exactly, Marie's with one edit.
    let hits = index.search("Dupond", 10);
    assert_eq!(keys(&hits)[..2], [12, 1]);
    assert!(hits[0].score > hits[1].score);
    // A two-letter word takes no edit: "Lu" is not "Li".
    let short = index_of(&[(1, &["Li Wei"])]);
    assert!(short.search("Lu", 10).is_empty());
}

#[test]
fn word_order_does_not_matter() {
    let index = sample();
    let straight = index.search("Marie Dupont", 1);
    let swapped = index.search("Dupont Marie", 1);
    assert_eq!(straight, swapped);
    assert_eq!(first(&index, "Ivanova Maria"), Some(4));
    assert_eq!(first(&index, "Diaye Jean Pierre"), Some(3));
}

#[test]
fn alternate_names_find_the_record() {
    let index = sample();
    assert_eq!(index.search("Bob Smith", 1)[0], Hit { key: 5, score: 1.0 });
    assert_eq!(first(&index, "Mohamed Ali"), Some(10));
}

#[test]
fn other_scripts_meet_their_romanisation() {
    let index = sample();
    // Cyrillic query, record in both scripts.
    assert_eq!(
        index.search("Мария Иванова", 1)[0],
        Hit { key: 4, score: 1.0 }
    );
    // Latin query for a record in Greek only, and Greek for it too.
    assert_eq!(first(&index, "Georgios Papadopoulos"), Some(6));
    assert_eq!(first(&index, "Παπαδόπουλος"), Some(6));
    // Arabic script, with the record's Arabic alternate name.
    assert_eq!(first(&index, "محمد علي"), Some(10));
    // A record only in Latin letters, searched in Cyrillic: Мария → mariia, same skeleton.
    let latin_only = index_of(&[(1, &["Maria Ivanova"]), (2, &["Marina Ivanova"])]);
    let hits = latin_only.search("Мария Иванова", 10);
    assert_eq!(hits[0].key, 1, "{hits:?}");
    assert!(hits[0].score > hits[1].score);
    assert_eq!(first(&latin_only, "Мария"), Some(1));
}

#[test]
fn a_record_in_greek_or_cyrillic_is_found_by_either_romanisation_as_an_exact_word() {
    let index = index_of(&[
        (1, &["Юрий Петров"]),
        (2, &["Ελένη Παππά"]),
        (3, &["Yuri Petrova"]),
    ]);
    // any_ascii's forms (yuriy, eleni) and deunicode's (iurii, elene) both score as exact.
    for (query, key) in [
        ("Yuriy Petrov", 1),
        ("Iurii Petrov", 1),
        ("Eleni Pappa", 2),
        ("Elene Pappa", 2),
    ] {
        assert_eq!(
            index.search(query, 1)[0],
            Hit { key, score: 1.0 },
            "{query}"
        );
    }
}

#[test]
fn prefixes_find_names_while_typing() {
    let index = sample();
    assert_eq!(first(&index, "Mar Dup"), Some(1));
    assert_eq!(first(&index, "Marie Dup"), Some(1));
    assert_eq!(first(&index, "Hél"), Some(2));
    assert_eq!(first(&index, "Papad"), Some(6));
    assert_eq!(first(&index, "Jean-Pi"), Some(3));
    // An initial and a family name.
    assert_eq!(first(&index, "M Durand"), Some(7));
}

#[test]
fn exact_above_typo_above_prefix() {
    let index = index_of(&[
        (1, &["Martin"]),   // the word itself
        (2, &["Martina"]),  // one edit away (and a completion)
        (3, &["Martinez"]), // only a completion
    ]);
    let hits = index.search("Martin", 10);
    assert_eq!(keys(&hits), [1, 2, 3], "{hits:?}");
    assert!(hits[0].score > hits[1].score && hits[1].score > hits[2].score);
}

#[test]
fn nicknames_and_short_forms() {
    let index = index_of(&[
        (1, &["Robert Durand"]),
        (2, &["Roberta Durand"]),
        (3, &["Alexandre Petit"]),
    ]);
    assert_eq!(first(&index, "Bob Durand"), Some(1));
    assert_eq!(first(&index, "Alex Petit"), Some(3));
    assert_eq!(first(&index, "Sacha Petit"), Some(3));
}

#[test]
fn compound_names_match_joined_or_apart() {
    let index = sample();
    assert_eq!(first(&index, "Ndiaye"), Some(3));
    assert_eq!(first(&index, "Jeanpierre Ndiaye"), Some(3));
    assert_eq!(first(&index, "Jean Pierre"), Some(3));
}

#[test]
fn insert_replaces_and_remove_forgets() {
    let mut index = sample();
    assert_eq!(index.len(), 12);
    index.insert(1, &["Paulette Lemoine"]);
    assert_eq!(index.len(), 12);
    assert_eq!(first(&index, "Paulette Lemoine"), Some(1));
    assert!(
        index
            .search("Marie Dupont", 10)
            .iter()
            .all(|hit| hit.key != 1 || hit.score < 0.5)
    );
    assert!(index.remove(1));
    assert!(!index.remove(1));
    assert_eq!(index.len(), 11);
    assert!(index.search("Paulette Lemoine", 10).is_empty());
    // The freed slot is reused by the next record, which is found under its own name only.
    index.insert(99, &["Zoé Lambert"]);
    assert_eq!(first(&index, "Zoe Lambert"), Some(99));
    assert!(index.search("Paulette", 10).is_empty());
    let mut empty = NameIndex::<u32>::default();
    assert!(empty.is_empty());
    empty.insert(1, &["Anne"]);
    assert!(!empty.is_empty());
}

#[test]
fn results_are_limited_ranked_and_scored_within_bounds() {
    let mut index = NameIndex::new();
    for key in 0..50u32 {
        index.insert(key, &[&format!("Marie Dupont{key}")]);
    }
    index.insert(100, &["Marie Dupont"]);
    let hits = index.search("Marie Dupont", 5);
    assert_eq!(hits.len(), 5);
    assert_eq!(
        hits[0],
        Hit {
            key: 100,
            score: 1.0
        }
    );
    assert!(hits.windows(2).all(|pair| pair[0].score >= pair[1].score));
    assert!(hits.iter().all(|hit| (0.0..=1.0).contains(&hit.score)));
    assert!(index.search("Marie", 0).is_empty());
    assert!(index.search("  ,; ", 10).is_empty());
    assert!(index.search("Xyzzyq", 10).is_empty());
}

#[test]
fn a_missing_word_costs_its_share() {
    let index = index_of(&[(1, &["Marie Dupont"]), (2, &["Marie Claire Dupont"])]);
    let hits = index.search("Marie Claire Dupont", 10);
    assert_eq!(hits[0], Hit { key: 2, score: 1.0 });
    assert!((hits[1].score - 2.0 / 3.0).abs() < 1e-6, "{hits:?}");
}

#[test]
fn early_stop_returns_the_same_top_as_reading_everything() {
    // Many records share the common words; the rare one must still come first.
    let mut index = NameIndex::new();
    for key in 0..2000u32 {
        index.insert(key, &[&format!("Marie Martin{}", key % 7)]);
    }
    index.insert(5000, &["Marie Zygmuntowicz"]);
    index.insert(5001, &["Marie Martin"]);
    assert_eq!(
        index.search("Zygmuntowicz Marie", 3)[0],
        Hit {
            key: 5000,
            score: 1.0
        }
    );
    assert_eq!(
        index.search("Marie Martin", 3)[0],
        Hit {
            key: 5001,
            score: 1.0
        }
    );
    let hits = index.search("Marie Zygmuntowic", 3);
    assert_eq!(hits[0].key, 5000);
}

#[test]
fn score_of_agrees_with_search() {
    let index = sample();
    for query in [
        "Marie Dupnot",
        "Mar Dup",
        "Мария Иванова",
        "Bob Smith",
        "Dupond",
    ] {
        for hit in index.search(query, 10) {
            assert_eq!(index.score_of(query, hit.key), Some(hit.score), "{query}");
        }
    }
    assert_eq!(index.score_of("Marie Dupont", 7), Some(0.0));
    assert_eq!(index.score_of("Marie Dupont", 1000), None);
}

#[test]
fn among_equal_scores_the_name_as_written_comes_first() {
    let index = index(&[
        (1, &["Martin Marie"]),
        (2, &["Marie-Claire Martin"]),
        (3, &["Marie Martin Dubois"]),
        (4, &["Marie Martin"]),
        (5, &["Marie Durand", "Paul Martin"]),
    ]);
    let hits = index.search("Marie Martin", 10);
    assert!(hits.iter().all(|hit| hit.score == 1.0), "{hits:?}");
    // The whole name as typed; then the same order with one other word (found first, first);
    // then the other order; last, the words spread over two names.
    assert_eq!(keys(&hits), [4, 2, 3, 1, 5]);
    // A typo does not change the order: the scores stay equal among these records.
    assert_eq!(keys(&index.search("Marie Martni", 10)), [4, 2, 3, 1, 5]);
    assert_eq!(first(&index, "Martin Marie"), Some(1));
}

#[test]
fn the_name_as_written_comes_first_among_many_equal_scores() {
    // Thousands of records score as high as the one whose name is the query as typed, and
    // are found before it: the search must not stop at the first ten.
    let mut index = NameIndex::new();
    for key in 0..3000u32 {
        let name = match key % 3 {
            0 => "Marie-Claire Martin",
            1 => "Martin Marie",
            _ => "Marie Martin Dubois",
        };
        index.insert(key, &[name]);
    }
    index.insert(9000, &["Marie Martin"]);
    let hits = index.search("Marie Martin", 10);
    assert_eq!(hits[0].key, 9000, "{hits:?}");
    assert_eq!(hits.len(), 10);
    // The rest: the same order with one other word before the other order.
    assert!(hits[1..].iter().all(|hit| hit.key % 3 != 1), "{hits:?}");
}

#[test]
fn a_name_holds_a_query_word_only_as_well_as_the_record_matches_it() {
    // Record 1's name "Ann Richard" holds both words, but "Ann" only as a typo of "Anne",
    // which its other name matches exactly: it ranks as "Anne-Catherine Richard" does.
    let index = index(&[
        (1, &["Anne-Catherine Richard", "Ann Richard"]),
        (2, &["Anne Richard"]),
    ]);
    assert_eq!(keys(&index.search("Anne Richard", 10)), [2, 1]);
}
