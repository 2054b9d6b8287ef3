//! twitter-text's conformance cases for hashtags, read from its own file at test time.
//!
//! The expectations stay in twitter-text's `extract.yml` (in `shared/data/twitter-text`, beside the
//! repository) rather than being copied here, so updating that file re-judges the extractor.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

#[derive(Deserialize)]
struct Extract {
    tests: BTreeMap<String, serde_norway::Value>,
}

#[derive(Deserialize)]
struct Case<E> {
    description: String,
    text: String,
    expected: Vec<E>,
}

#[derive(Deserialize, Debug, PartialEq)]
struct WithIndices {
    hashtag: String,
    indices: [usize; 2],
}

fn extract_yml() -> Extract {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/twitter-text");
    let path = dir.join("extract.yml");
    let yaml = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read twitter-text's conformance file {}: {e}. It is expected in \
             shared/data/twitter-text beside the repository (CI always has it).",
            path.display()
        )
    });
    serde_norway::from_str(&yaml).expect("extract.yml is valid YAML with a `tests` map")
}

fn section<E: serde::de::DeserializeOwned>(extract: &Extract, name: &str) -> Vec<Case<E>> {
    let value = extract
        .tests
        .get(name)
        .unwrap_or_else(|| panic!("extract.yml has no `{name}` section"))
        .clone();
    let cases: Vec<Case<E>> =
        serde_norway::from_value(value).unwrap_or_else(|e| panic!("section `{name}`: {e}"));
    assert!(!cases.is_empty(), "section `{name}` is empty");
    cases
}

/// Runs `check` on every case, printing the pass count and failing with every failure listed.
fn run<E>(name: &str, cases: &[Case<E>], check: impl Fn(&Case<E>) -> Result<(), String>) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            check(case)
                .err()
                .map(|why| format!("{}: {:?}: {why}", case.description, case.text))
        })
        .collect();
    println!(
        "{name}: {}/{} passed",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(failures.is_empty(), "{name}:\n{}", failures.join("\n"));
}

/// Every reported tag must be the text between its indices, after its hash sign.
fn indices_match_text(text: &str) -> Result<(), String> {
    let chars: Vec<char> = text.chars().collect();
    for h in entraide_text::hashtags(text) {
        let span: String = chars[h.start..h.end].iter().collect();
        let body = span
            .strip_prefix(['#', '＃'])
            .ok_or_else(|| format!("{span:?} at {}..{} is not a hash sign", h.start, h.end))?;
        if body != h.tag {
            return Err(format!("indices point at {span:?}, tag is {:?}", h.tag));
        }
    }
    Ok(())
}

fn check_tags(case: &Case<String>) -> Result<(), String> {
    let got: Vec<&str> = entraide_text::hashtags(&case.text)
        .iter()
        .map(|h| h.tag)
        .collect();
    if got != case.expected {
        return Err(format!("got {got:?}, want {:?}", case.expected));
    }
    indices_match_text(&case.text)
}

#[test]
fn hashtags() {
    let extract = extract_yml();
    run("hashtags", &section(&extract, "hashtags"), check_tags);
}

#[test]
fn hashtags_from_astral() {
    let extract = extract_yml();
    run(
        "hashtags_from_astral",
        &section(&extract, "hashtags_from_astral"),
        check_tags,
    );
}

#[test]
fn hashtags_with_indices() {
    let extract = extract_yml();
    run(
        "hashtags_with_indices",
        &section(&extract, "hashtags_with_indices"),
        |case: &Case<WithIndices>| {
            let got: Vec<WithIndices> = entraide_text::hashtags(&case.text)
                .iter()
                .map(|h| WithIndices {
                    hashtag: h.tag.to_owned(),
                    indices: [h.start, h.end],
                })
                .collect();
            if got != case.expected {
                return Err(format!("got {got:?}, want {:?}", case.expected));
            }
            Ok(())
        },
    );
}

/// `hashtags_into` and `hashtag_tags_into` must give the same answers as `hashtags` while
/// reusing one vector across texts, as the stream workers do.
#[test]
fn hashtags_into_agrees_on_every_case() {
    let extract = extract_yml();
    let sections = ["hashtags", "hashtags_from_astral", "hashtags_with_indices"]
        .map(|name| section::<serde_norway::Value>(&extract, name));
    let (mut out, mut tags) = (Vec::new(), Vec::new());
    for cases in &sections {
        for case in cases {
            let expected = entraide_text::hashtags(&case.text);
            entraide_text::hashtags_into(&case.text, &mut out);
            assert_eq!(out, expected, "{}", case.description);
            entraide_text::hashtag_tags_into(&case.text, &mut tags);
            let expected_tags: Vec<&str> = expected.iter().map(|h| h.tag).collect();
            assert_eq!(tags, expected_tags, "{}", case.description);
        }
    }
}
