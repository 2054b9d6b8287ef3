//! PFIF interchange of the missing-persons registry: every file of shared/data/pfif (read
//! at test time) imports with the reader's per-record errors reported and its good records
//! kept; exports pass the strict PFIF 1.4 check; export, import, export is stable; the
//! public feeds page and leave private details out.

mod common;

use common::{Client, spawn, spawn_with, test_config};
use entraide_pfif::{CsvReader, Reader, Record, RecordError};
use entraide_server::{AppState, ServerConfig};
use entraide_store::FeedWindow;
use serde_json::json;
use std::collections::BTreeSet;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

fn shared_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pfif");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "too few files in {}", dir.display());
    files
}

/// A Person Finder spreadsheet's ids have no domain: they are this registry's.
fn read(path: &Path) -> Box<dyn Iterator<Item = Result<Record, RecordError>>> {
    let file = File::open(path).unwrap();
    if path.extension().is_some_and(|e| e == "csv") {
        Box::new(CsvReader::new(file).authorized_domain(test_config().pfif_domain))
    } else {
        Box::new(Reader::new(BufReader::new(file)))
    }
}

fn everything() -> FeedWindow {
    FeedWindow {
        min_entry_date: None,
        skip: 0,
        max_results: 100_000,
    }
}

/// The whole registry as PFIF 1.4 XML.
async fn export(state: &AppState) -> String {
    let mut writer = entraide_pfif::Writer::new(Vec::new());
    for person in state.pfif_persons(everything(), true).await.unwrap() {
        writer.write_person(&person).unwrap();
    }
    String::from_utf8(writer.finish().unwrap()).unwrap()
}

fn without_entry_dates(xml: &str) -> String {
    xml.lines()
        .filter(|line| !line.contains("entry_date>"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The shared file holding a record of another domain than its first person's: its path,
/// that domain (a source may write only its own records), and what the reader refuses for it.
struct ForeignRecordFile {
    path: PathBuf,
    domain: String,
    refused: Vec<String>,
}

impl ForeignRecordFile {
    fn find() -> Self {
        let path = shared_files()
            .into_iter()
            .find(|p| p.to_string_lossy().contains("badrecord"))
            .expect("the shared data has a file with a record of another domain");
        let first = read(&path)
            .find_map(|r| match r {
                Ok(Record::Person(p)) => Some(p.person_record_id),
                _ => None,
            })
            .unwrap();
        let domain = first.split('/').next().unwrap().to_string();
        let refused: Vec<String> = authorized(&path, &domain)
            .filter_map(Result::err)
            .map(|e| e.to_string())
            .collect();
        assert!(
            !refused.is_empty(),
            "the file has a record of another domain"
        );
        Self {
            path,
            domain,
            refused,
        }
    }

    fn authorized(&self) -> Reader<BufReader<File>> {
        authorized(&self.path, &self.domain)
    }
}

/// The file's records, those outside `domain` refused.
fn authorized(path: &Path, domain: &str) -> Reader<BufReader<File>> {
    Reader::new(BufReader::new(File::open(path).unwrap())).authorized_domain(domain)
}

/// The registry holds records, all under `domain/`.
async fn assert_all_under(state: &AppState, domain: &str) {
    let stored = state.pfif_persons(everything(), true).await.unwrap();
    assert!(!stored.is_empty());
    for person in &stored {
        assert!(
            person.person_record_id.starts_with(&format!("{domain}/")),
            "{}",
            person.person_record_id
        );
    }
}

#[tokio::test]
async fn every_shared_file_imports_with_its_per_record_errors() {
    for path in shared_files() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let server = spawn().await;
        let read_errors: Vec<String> = read(&path)
            .filter_map(Result::err)
            .map(|e| e.to_string())
            .collect();
        let good_persons: BTreeSet<String> = read(&path)
            .filter_map(|r| match r {
                Ok(Record::Person(p)) => Some(p.person_record_id),
                _ => None,
            })
            .collect();
        let summary = server
            .state
            .import_pfif(read(&path), |_| {})
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for error in &read_errors {
            assert!(
                summary.errors.contains(error),
                "{name}: the reader's error {error:?} was not reported: {:?}",
                summary.errors
            );
        }
        let persons = server.state.pfif_persons(everything(), true).await.unwrap();
        let stored: BTreeSet<String> = persons.iter().map(|p| p.person_record_id.clone()).collect();
        // Each good record is kept, or refused with its id named.
        for id in &good_persons {
            assert!(
                stored.contains(id) || summary.errors.iter().any(|e| e.contains(id.as_str())),
                "{name}: person {id} neither stored nor reported: {:?}",
                summary.errors
            );
        }
        for person in &persons {
            let problems = entraide_pfif::validate_strict(person);
            assert!(problems.is_empty(), "{name}: {problems:?}");
        }
        println!(
            "{name}: {} added, {} replaced, {} unchanged, {} errors",
            summary.added,
            summary.replaced,
            summary.unchanged,
            summary.errors.len()
        );
    }
}

#[tokio::test]
async fn a_broken_record_is_reported_and_the_good_ones_kept() {
    let server = spawn().await;
    let file = ForeignRecordFile::find();
    let summary = server
        .state
        .import_pfif(file.authorized(), |_| {})
        .await
        .unwrap();
    assert_eq!(summary.errors, file.refused);
    assert!(summary.added > 0, "{summary:?}");
    assert_all_under(&server.state, &file.domain).await;
}

#[tokio::test]
async fn export_import_export_is_stable() {
    let source = spawn().await;
    for path in shared_files() {
        source.state.import_pfif(read(&path), |_| {}).await.unwrap();
    }
    let sister = Client::sign_up(&source, "sister").await;
    let r = sister
        .post(
            "/api/v1/missing",
            json!({"full_name": "Hélène Dupont", "sex": "female", "home_country": "FR", "reporter_email": "s@example.org"}),
        )
        .await;
    let id = r.body["id"].as_str().unwrap().to_string();
    sister
        .post(
            &format!("/api/v1/missing/{id}/notes"),
            json!({"text": "Seen at République", "status": "believed_alive", "anonymous": true, "author_name": "Karim"}),
        )
        .await;
    let first = export(&source.state).await;
    assert!(first.contains(&format!("{}/person.{id}", source.state.config.pfif_domain)));
    assert!(
        !first.contains("Karim"),
        "an anonymous author stays anonymous"
    );

    // Into the same registry: nothing changes.
    let again = source
        .state
        .import_pfif(Reader::new(first.as_bytes()), |_| {})
        .await
        .unwrap();
    assert_eq!(again.added, 0, "{again:?}");
    assert_eq!(again.replaced, 0, "{again:?}");
    assert_eq!(export(&source.state).await, first);

    // Into another registry of the same deployment: the same records, entered anew.
    let copy = spawn_with(ServerConfig {
        pfif_domain: source.state.config.pfif_domain.clone(),
        ..test_config()
    })
    .await;
    let summary = copy
        .state
        .import_pfif(Reader::new(first.as_bytes()), |_| {})
        .await
        .unwrap();
    assert!(summary.errors.is_empty(), "{:?}", summary.errors);
    let second = export(&copy.state).await;
    assert_eq!(without_entry_dates(&second), without_entry_dates(&first));
    let third = export(&copy.state).await;
    assert_eq!(third, second);
}

#[tokio::test]
async fn the_public_feeds_page_and_keep_private_details_out() {
    let server = spawn().await;
    let sister = Client::sign_up(&server, "sister").await;
    for name in ["Alice Martin", "Bruno Petit", "Chloé Durand"] {
        let r = sister
            .post(
                "/api/v1/missing",
                json!({"full_name": name, "reporter_email": "family@example.org", "reporter_phone": "+33 6 00"}),
            )
            .await;
        assert_eq!(r.status, 201);
    }
    let http = reqwest::Client::new();
    let get = |path: String| {
        let http = http.clone();
        let url = format!("{}{path}", server.url);
        async move {
            let r = http.get(url).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (status, all) = get("/feeds/person".into()).await;
    assert_eq!(status, 200);
    let persons: Vec<_> = Reader::new(all.as_bytes()).map(Result::unwrap).collect();
    assert_eq!(persons.len(), 3);
    assert!(!all.contains("family@example.org") && !all.contains("+33 6 00"));
    let (_, page) = get("/feeds/person?skip=1&max_results=1".into()).await;
    assert!(page.contains("Bruno Petit") && !page.contains("Alice") && !page.contains("Chlo"));
    let (_, later) = get("/feeds/person?min_entry_date=2100-01-01T00:00:00Z".into()).await;
    assert_eq!(Reader::new(later.as_bytes()).count(), 0);
    let (status, _) = get("/feeds/person?min_entry_date=yesterday".into()).await;
    assert_eq!(status, 422);
    let (status, notes) = get("/feeds/note".into()).await;
    assert_eq!(status, 200);
    assert_eq!(Reader::new(notes.as_bytes()).count(), 0);
}

#[tokio::test]
async fn responders_import_over_http_and_people_cannot() {
    let path = shared_files()
        .into_iter()
        .find(|p| p.to_string_lossy().ends_with("test.pfif-1.4.xml"))
        .unwrap();
    let body = std::fs::read(&path).unwrap();
    // A document over pfif_max_body_bytes is refused whole.
    let small = spawn_with(ServerConfig {
        pfif_max_body_bytes: body.len() - 1,
        ..test_config()
    })
    .await;
    let responder = Client::responder(&small, "medic").await;
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/pfif", small.url))
        .bearer_auth(responder.token.clone().unwrap())
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(small.state.store.missing_names().await.unwrap().is_empty());

    // Under its own limit, not the JSON bodies' one.
    let server = spawn_with(ServerConfig {
        max_body_bytes: body.len() / 2,
        ..test_config()
    })
    .await;
    let http = reqwest::Client::new();
    let post = |token: Option<String>| {
        let mut req = http
            .post(format!("{}/api/v1/pfif", server.url))
            .header("content-type", "application/xml")
            .body(body.clone());
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send()
    };
    let person = Client::sign_up(&server, "person").await;
    assert_eq!(post(None).await.unwrap().status().as_u16(), 401);
    assert_eq!(
        post(person.token.clone()).await.unwrap().status().as_u16(),
        403
    );
    assert!(server.state.store.missing_names().await.unwrap().is_empty());
    let responder = Client::responder(&server, "medic").await;
    let r = post(responder.token.clone()).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let summary: serde_json::Value = r.json().await.unwrap();
    // Each person and each note, nested or not, is one record added.
    let expected: usize = read(&path)
        .map(|r| match r {
            Ok(Record::Person(p)) => 1 + p.notes.len(),
            Ok(Record::Note(_)) => 1,
            Err(_) => 0,
        })
        .sum();
    assert_eq!(summary["added"], expected as u64, "{summary}");
    let r = post(responder.token.clone()).await.unwrap();
    let again: serde_json::Value = r.json().await.unwrap();
    assert_eq!(again["added"], 0, "{again}");
}

/// A partner's key (`pfif_api_keys`) imports without an account, and only its own domain's
/// records: the others are reported, as the reader reports them for that domain. A wrong key
/// is nobody.
#[tokio::test]
async fn a_partner_key_imports_its_own_domain_only() {
    let file = ForeignRecordFile::find();
    let domain = &file.domain;
    let partner_key = "a-partner-key-of-some-length";
    let server = spawn_with(ServerConfig {
        pfif_api_keys: vec![
            format!("{domain}={partner_key}"),
            "elsewhere.example.org=another-partner-key".into(),
        ],
        ..test_config()
    })
    .await;
    let body = std::fs::read(&file.path).unwrap();
    let post = |key: &str| {
        reqwest::Client::new()
            .post(format!("{}/api/v1/pfif", server.url))
            .header("content-type", "application/xml")
            .bearer_auth(key)
            .body(body.clone())
            .send()
    };
    assert_eq!(
        post("not-a-partner-key-at-all").await.unwrap().status(),
        401
    );
    assert!(server.state.store.missing_names().await.unwrap().is_empty());

    // Another partner's key imports nothing of this domain.
    let r = post("another-partner-key").await.unwrap();
    assert_eq!(r.status(), 200);
    let summary: serde_json::Value = r.json().await.unwrap();
    assert_eq!(summary["added"], 0, "{summary}");
    assert!(server.state.store.missing_names().await.unwrap().is_empty());

    let r = post(partner_key).await.unwrap();
    assert_eq!(r.status(), 200);
    let summary: serde_json::Value = r.json().await.unwrap();
    assert_eq!(summary["errors"], json!(file.refused), "{summary}");
    assert!(summary["added"].as_u64().unwrap() > 0, "{summary}");
    assert_all_under(&server.state, domain).await;
}
