//! `entraide pfif import` and `entraide pfif export` as an operator runs them: the real binary
//! on a data directory, a file of shared/data/pfif read at test time. Expectations come from
//! the PFIF reader's pass over the same file, never from copies of its contents.

mod common;

use common::entraide;
use entraide_pfif::{Reader, Record};
use std::collections::BTreeSet;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The shared file holding a record of another domain than its first record's.
fn file_with_a_foreign_record() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/pfif/test.pfif-1.2-badrecord.xml")
}

fn reader(
    path: &Path,
    domain: &str,
) -> impl Iterator<Item = Result<Record, entraide_pfif::RecordError>> {
    Reader::new(BufReader::new(File::open(path).unwrap())).authorized_domain(domain)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The counts of an import's summary line: added, replaced, unchanged, reported.
fn summary(out: &Output) -> [u64; 4] {
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let counts: Vec<u64> = stdout
        .split([' ', ','])
        .filter_map(|word| word.parse().ok())
        .collect();
    counts
        .try_into()
        .unwrap_or_else(|_| panic!("not a summary: {stdout}"))
}

fn person_ids(
    records: impl Iterator<Item = Result<Record, entraide_pfif::RecordError>>,
) -> BTreeSet<String> {
    records
        .filter_map(|r| match r {
            Ok(Record::Person(p)) => Some(p.person_record_id),
            _ => None,
        })
        .collect()
}

#[test]
fn a_file_imported_twice_is_stored_once_and_exported_with_its_ids() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let path = file_with_a_foreign_record();
    let first_id = person_ids(Reader::new(BufReader::new(File::open(&path).unwrap())))
        .into_iter()
        .next()
        .expect("the file has a person");
    let domain = first_id.split('/').next().unwrap();
    let refused: Vec<String> = reader(&path, domain)
        .filter_map(Result::err)
        .map(|e| e.to_string())
        .collect();
    assert!(
        !refused.is_empty(),
        "the file has a record of another domain"
    );
    let expected_ids = person_ids(reader(&path, domain));

    let import = || {
        entraide(&data, &["pfif", "import", "--authorized-domain", domain])
            .arg(&path)
            .output()
            .unwrap()
    };
    let first = import();
    let [added, replaced, unchanged, reported] = summary(&first);
    assert!(added > 0, "{}", text(&first.stdout));
    assert_eq!((replaced, unchanged), (0, 0));
    assert_eq!(reported, refused.len() as u64);
    let stderr = text(&first.stderr);
    for why in &refused {
        assert!(
            stderr.contains(&format!("reported: {why}")),
            "{why} not in\n{stderr}"
        );
    }

    // Run again, as after an interruption: nothing is added twice.
    assert_eq!(summary(&import()), [0, 0, added, reported]);

    let exported = dir.path().join("export.xml");
    let out_arg = format!("--out={}", exported.display());
    let out = entraide(&data, &["pfif", "export", &out_arg])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ids = person_ids(Reader::new(BufReader::new(File::open(&exported).unwrap())));
    assert_eq!(ids, expected_ids);

    // Standard output by default; --since leaves out what was entered before it.
    let out = entraide(&data, &["pfif", "export"]).output().unwrap();
    assert_eq!(person_ids(Reader::new(&out.stdout[..])), expected_ids);
    let out = entraide(
        &data,
        &["pfif", "export", "--since", "2999-01-01T00:00:00Z"],
    )
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(person_ids(Reader::new(&out.stdout[..])).is_empty());
}

#[test]
fn bad_arguments_are_refused_with_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = entraide(&data, &["pfif", "export", "--since", "yesterday"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--since \"yesterday\" is not a time"),
        "{}",
        text(&out.stderr)
    );

    let missing = dir.path().join("no-such-file.xml");
    let out = entraide(&data, &["pfif", "import"])
        .arg(&missing)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("opening"),
        "{}",
        text(&out.stderr)
    );
}
