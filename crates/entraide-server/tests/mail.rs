//! Mail to the followers of a missing-person record, through a real SMTP server (Debian's
//! python3-aiosmtpd, run from `fixtures/smtp_sink.py` on a port of its choosing). Runs when
//! `ENTRAIDE_TEST_SMTP` is set; says it is skipped otherwise.

mod common;

use common::{Client, TestServer, spawn_with, test_config};
use entraide_server::ServerConfig;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The SMTP server, killed when the test ends.
struct SmtpSink {
    process: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl SmtpSink {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/smtp_sink.py");
        // Debian's interpreter, where python3-aiosmtpd is installed.
        let python = std::env::var("ENTRAIDE_TEST_PYTHON").unwrap_or("/usr/bin/python3".into());
        let mut process = Command::new(&python)
            .arg(script)
            .arg(dir.path())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {python} {script}: {e}"));
        let mut first_line = String::new();
        BufReader::new(process.stdout.take().unwrap())
            .read_line(&mut first_line)
            .unwrap();
        let port = first_line.trim().parse().unwrap_or_else(|_| {
            panic!("the SMTP sink did not start (is python3-aiosmtpd installed?): {first_line:?}")
        });
        Self { process, port, dir }
    }

    /// The messages received so far, oldest first: recipients, a blank line, then the
    /// decoded subject and text.
    fn messages(&self) -> Vec<String> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        names.sort();
        names.iter().map(|p| read(p)).collect()
    }

    /// Waits (a bounded while) until `count` messages have arrived.
    async fn wait_for(&self, count: usize) -> Vec<String> {
        for _ in 0..300 {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "expected {count} mails, got {}: {:?}",
            self.messages().len(),
            self.messages()
        );
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn smtp_tests_on() -> bool {
    if std::env::var_os("ENTRAIDE_TEST_SMTP").is_some() {
        return true;
    }
    eprintln!("skipped: set ENTRAIDE_TEST_SMTP=1 to run the mail tests (needs python3-aiosmtpd)");
    false
}

fn mail_config(sink: &SmtpSink) -> ServerConfig {
    ServerConfig {
        smtp_url: Some(format!("smtp://127.0.0.1:{}", sink.port)),
        smtp_from: "entraide <noreply@entraide.test>".into(),
        public_url: "http://entraide.test".into(),
        ..test_config()
    }
}

async fn set_email(client: &Client, email: &str) {
    let r = client
        .put("/api/v1/me/email", json!({"email": email}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["email"], email);
}

async fn follow(client: &Client, record: &str) {
    let r = client
        .post(&format!("/api/v1/missing/{record}/subscription"), json!({}))
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
}

async fn mails_counted(server: &TestServer, outcome: &str) -> u64 {
    let text = server.metrics().await;
    let series = format!("entraide_mails_total{{outcome=\"{outcome}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&series))
        .map_or(0, |v| v.trim().parse().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_follower_with_an_address_gets_one_mail_per_note_and_no_author_is_revealed() {
    if !smtp_tests_on() {
        return;
    }
    let sink = SmtpSink::start();
    let server = spawn_with(mail_config(&sink)).await;
    let reporter = Client::sign_up(&server, "reporter").await;
    let alice = Client::sign_up(&server, "alice").await;
    let bernard = Client::sign_up(&server, "bernard").await;
    let chloe = Client::sign_up(&server, "chloe").await;

    let r = reporter
        .post(
            "/api/v1/missing",
            json!({"full_name": "Hélène Fournier", "age": "34"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let record = r.body["id"].as_str().unwrap().to_string();
    set_email(&alice, "alice@example.org").await;
    set_email(&bernard, "bernard@example.org").await;
    for follower in [&alice, &bernard, &chloe] {
        follow(follower, &record).await;
    }

    // Bernard, who follows the record and has an address, writes: Alice is mailed; he is
    // not (he wrote it); Chloé follows without an address, so she is told only on the site.
    let r = bernard
        .post(
            &format!("/api/v1/missing/{record}/notes"),
            json!({"status": "believed_alive", "text": "Vue gare de l'Est vers 23 h, elle allait bien.", "author_name": "Bernard Témoin"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    // Then anonymously, giving his name all the same: the mail must not carry it.
    let r = bernard
        .post(
            &format!("/api/v1/missing/{record}/notes"),
            json!({"text": "Elle a pris le métro ligne 5.", "author_name": "Bernard Témoin", "anonymous": true}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);

    // One task sends in order: once the second note's mail is in, the first's are all sent.
    sink.wait_for(2).await;
    // A moment more, for a mail that should not exist to show up if it does.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mails = sink.messages();
    assert_eq!(mails.len(), 2, "exactly one mail per note: {mails:?}");
    for mail in &mails {
        let (recipients, _) = mail.split_once("\n\n").unwrap();
        assert_eq!(recipients, "alice@example.org", "{mail}");
        assert!(mail.contains("Hélène Fournier"), "{mail}");
        assert!(
            mail.contains(&format!("http://entraide.test/missing/{record}")),
            "the mail links to the record's page: {mail}"
        );
    }
    let first = &mails[0];
    assert!(
        first.contains("Subject: Nouvelle note sur Hélène Fournier / New note on Hélène Fournier"),
        "{first}"
    );
    assert!(
        first.contains("believed alive") && first.contains("présumée en vie"),
        "{first}"
    );
    assert!(first.contains("Vue gare de l'Est vers 23 h"), "{first}");
    assert!(
        first.contains("Bernard Témoin"),
        "a signed note names its author: {first}"
    );
    let anonymous = &mails[1];
    assert!(anonymous.contains("ligne 5"), "{anonymous}");
    assert!(
        !anonymous.contains("Bernard") && !anonymous.contains("bernard"),
        "an anonymous note's mail names no author: {anonymous}"
    );
    assert_eq!(mails_counted(&server, "sent").await, 2);
    assert_eq!(mails_counted(&server, "failed").await, 0);

    // The address is its account's alone: not another account's to read, not in the
    // record as the public or a responder sees it.
    let r = chloe.get("/api/v1/me/email").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["email"], serde_json::Value::Null);
    let r = alice.get("/api/v1/me/email").await;
    assert_eq!(r.body["email"], "alice@example.org");
    let responder = Client::responder(&server, "prefecture").await;
    for viewer in [&responder, &chloe, &Client::anonymous(&server)] {
        let r = viewer.get(&format!("/api/v1/missing/{record}")).await;
        assert_eq!(r.status, 200);
        assert!(!r.body.to_string().contains("example.org"), "{}", r.body);
        let page = reqwest::get(format!("{}/missing/{record}", server.url))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!page.contains("example.org"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_smtp_server_never_fails_a_note_and_the_failure_is_counted() {
    if !smtp_tests_on() {
        return;
    }
    // A port that was free a moment ago: nothing answers there.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = dead.local_addr().unwrap().port();
    drop(dead);
    let server = spawn_with(ServerConfig {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        ..test_config()
    })
    .await;
    let reporter = Client::sign_up(&server, "reporter").await;
    let alice = Client::sign_up(&server, "alice").await;
    let r = reporter
        .post("/api/v1/missing", json!({"full_name": "Hélène Fournier"}))
        .await;
    let record = r.body["id"].as_str().unwrap().to_string();
    set_email(&alice, "alice@example.org").await;
    follow(&alice, &record).await;
    let r = reporter
        .post(
            &format!("/api/v1/missing/{record}/notes"),
            json!({"text": "Toujours aucune nouvelle."}),
        )
        .await;
    assert_eq!(
        r.status, 201,
        "the note is written whatever the mail: {}",
        r.body
    );
    for _ in 0..300 {
        if mails_counted(&server, "failed").await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(mails_counted(&server, "failed").await, 1);
    assert_eq!(mails_counted(&server, "sent").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_is_checked_and_only_its_account_sets_or_reads_it() {
    // No SMTP needed: the address is kept whether or not this server sends mail.
    let server = spawn_with(test_config()).await;
    let alice = Client::sign_up(&server, "alice").await;
    for bad in ["alice", "alice@", "@example.org", "alice @example.org"] {
        let r = alice.put("/api/v1/me/email", json!({"email": bad})).await;
        assert_eq!(r.status, 422, "{bad:?}: {}", r.body);
        assert_eq!(r.error_fields(), ["email"], "{}", r.body);
    }
    let r = alice.get("/api/v1/me/email").await;
    assert_eq!(
        r.body["email"],
        serde_json::Value::Null,
        "a refused address is not kept"
    );
    let r = alice
        .put("/api/v1/me/email", json!({"email": "  alice@example.org "}))
        .await;
    assert_eq!(r.body["email"], "alice@example.org", "trimmed");
    let r = alice.put("/api/v1/me/email", json!({"email": 3})).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.error_fields(), ["body"]);
    assert_eq!(
        alice.get("/api/v1/me/email").await.body["email"],
        "alice@example.org",
        "a refused change keeps the address"
    );

    let anonymous = Client::anonymous(&server);
    assert_eq!(anonymous.get("/api/v1/me/email").await.status, 401);
    assert_eq!(
        anonymous
            .put("/api/v1/me/email", json!({"email": "mallory@example.org"}))
            .await
            .status,
        401
    );
    let r = alice.get("/api/v1/me").await;
    assert!(!r.body.to_string().contains("example.org"), "{}", r.body);

    let r = alice.put("/api/v1/me/email", json!({"email": null})).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        alice.get("/api/v1/me/email").await.body["email"],
        serde_json::Value::Null
    );
}
