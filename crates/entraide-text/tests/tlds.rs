//! The committed TLD list (`data/tlds.txt`) must be exactly twitter-text's (`tlds.yml`).
//!
//! The library embeds its own copy so that it builds and runs without `shared/` beside the
//! repository; this test catches the copy drifting from the conformance data.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Deserialize;

#[derive(Deserialize)]
struct TldsYml {
    tests: BTreeMap<String, Vec<Case>>,
}

#[derive(Deserialize)]
struct Case {
    text: String,
}

#[test]
fn committed_list_matches_twitter_text() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/twitter-text/tlds.yml");
    let Ok(yaml) = std::fs::read_to_string(&path) else {
        // A clone without shared/ beside it can still build and test the rest; CI has the file.
        eprintln!("skipped: {} is not there", path.display());
        return;
    };
    let yml: TldsYml = serde_norway::from_str(&yaml).expect("tlds.yml parses");
    // Each case is `https://twitter.<tld>`, in the `country` and `generic` groups.
    let want: BTreeSet<String> = yml
        .tests
        .values()
        .flatten()
        .map(|case| {
            case.text
                .strip_prefix("https://twitter.")
                .unwrap_or_else(|| panic!("unexpected case text {:?}", case.text))
                .to_owned()
        })
        .collect();
    let committed = include_str!("../data/tlds.txt");
    let got: BTreeSet<String> = committed.lines().map(str::to_owned).collect();
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "data/tlds.txt differs from tlds.yml (regenerate it as the crate README says): \
         missing {missing:?}, extra {extra:?}"
    );
    // The library compares against lowercased text.
    assert!(
        got.iter().all(|t| t.to_lowercase() == *t),
        "data/tlds.txt must be lowercase"
    );
    assert_eq!(
        committed.lines().count(),
        got.len(),
        "data/tlds.txt has duplicates"
    );
}
