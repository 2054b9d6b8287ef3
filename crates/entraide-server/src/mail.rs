//! Mail for the people who asked for it (issue 4): a note added to a missing-person record
//! they follow, sent to the address they gave on their page. Only when SMTP is configured
//! (`smtp_url`); without it nothing here runs and nothing else changes.
//!
//! The write that causes a mail only puts it on a bounded queue; one background task sends
//! what is queued, so a slow or dead SMTP server never slows or fails a note. When the queue
//! is full the mail is dropped rather than waited for. Every outcome is logged and counted
//! (`entraide_mails_total{outcome}`).
//!
//! What a mail may carry is decided when it goes, not when it was queued: the task reads
//! the note again, and a note hidden by a responder meanwhile is not sent ("withheld"). The
//! author is named only when the note is not anonymous; the author's contact never is.

use crate::config::ServerConfig;
use crate::metrics::MailOutcome;
use crate::pages::i18n::Lang;
use entraide_core::{AccountId, Invalid, MissingId, MissingNoteId, Rule};
use entraide_store::{DynStore, MissingNote, MissingRecord};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;
use tokio::sync::mpsc;

/// Notes whose mails may wait to be sent; past that, new ones are dropped.
const QUEUE_NOTES: usize = 1_000;
/// How long one SMTP exchange may take before the mail counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest address accepted (RFC 5321's limit on a path).
const ADDRESS_MAX: usize = 254;
/// How much of a note's text a mail quotes; the rest is on the record's page.
const EXCERPT_CHARS: usize = 500;

/// An address typed by a person, checked and trimmed: an `Invalid` for the `email` field
/// says what is wrong.
pub fn parse_address(raw: &str) -> Result<String, Invalid> {
    let address = raw.trim();
    if address.chars().count() > ADDRESS_MAX {
        return Err(Invalid::broke("email", Rule::AtMost { max: ADDRESS_MAX }));
    }
    address
        .parse::<Address>()
        .map(|parsed| parsed.to_string())
        .map_err(|_| Invalid::broke("email", Rule::Email))
}

/// The SMTP settings, checked: `Ok(None)` when no SMTP server is configured. `serve` calls
/// it before starting, so a wrong URL stops the server instead of losing every mail.
pub fn transport(
    config: &ServerConfig,
) -> Result<Option<(AsyncSmtpTransport<Tokio1Executor>, Mailbox)>, String> {
    let Some(url) = &config.smtp_url else {
        return Ok(None);
    };
    let from: Mailbox = config.smtp_from.parse().map_err(|e| {
        format!(
            "smtp_from {:?} is not a mail address: {e}",
            config.smtp_from
        )
    })?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| format!("smtp_url is not a usable SMTP URL: {e}"))?
        .timeout(Some(SMTP_TIMEOUT))
        .build();
    Ok(Some((transport, from)))
}

/// What the background task needs to mail the followers of a record about one note.
struct NoteMail {
    record: MissingId,
    note: MissingNoteId,
    /// The followers to tell, the note's writer already left out.
    followers: Vec<AccountId>,
}

/// The queue to the sending task; `None` when SMTP isn't configured.
pub struct Mailer {
    queue: Option<mpsc::Sender<NoteMail>>,
    outcomes: MailOutcome,
}

impl Mailer {
    /// Starts the sending task when SMTP is configured (within a Tokio runtime). A setting
    /// that `transport` refuses leaves mail off, loudly; `serve` refuses to start on it.
    pub fn start(config: &ServerConfig, store: DynStore, outcomes: MailOutcome) -> Self {
        let configured = match transport(config) {
            Ok(configured) => configured,
            Err(e) => {
                tracing::error!(error = %e, "mail is off");
                None
            }
        };
        let Some((transport, from)) = configured else {
            return Self {
                queue: None,
                outcomes,
            };
        };
        let (queue, waiting) = mpsc::channel(QUEUE_NOTES);
        let sender = Sender {
            store,
            transport,
            from,
            public_url: config.public_url.trim_end_matches('/').to_string(),
            outcomes: outcomes.clone(),
        };
        tokio::spawn(sender.run(waiting));
        Self {
            queue: Some(queue),
            outcomes,
        }
    }

    /// Queues the mails about a new note for its record's followers; never waits.
    pub fn note_added(&self, record: MissingId, note: MissingNoteId, followers: Vec<AccountId>) {
        let Some(queue) = &self.queue else { return };
        if followers.is_empty() {
            return;
        }
        let count = followers.len() as u64;
        if let Err(mpsc::error::TrySendError::Full(_) | mpsc::error::TrySendError::Closed(_)) =
            queue.try_send(NoteMail {
                record,
                note,
                followers,
            })
        {
            tracing::warn!(%record, %note, followers = count, "mail queue full: mails dropped");
            self.outcomes.count("dropped", count);
        }
    }
}

/// The background task: sends the queued mails one by one.
struct Sender {
    store: DynStore,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
    outcomes: MailOutcome,
}

impl Sender {
    async fn run(self, mut waiting: mpsc::Receiver<NoteMail>) {
        while let Some(mail) = waiting.recv().await {
            if let Err(e) = self.send(&mail).await {
                tracing::warn!(error = %e, record = %mail.record, note = %mail.note, "mailing the followers failed");
                self.outcomes.count("failed", mail.followers.len() as u64);
            }
        }
    }

    async fn send(&self, mail: &NoteMail) -> Result<(), entraide_store::StoreError> {
        let addresses = self.store.account_emails(&mail.followers).await?;
        if addresses.is_empty() {
            return Ok(());
        }
        let record = self
            .store
            .missing_records(&[mail.record])
            .await?
            .into_iter()
            .find(|r| !r.expired);
        let notes = match &record {
            Some(_) => self.store.missing_notes(mail.record).await?,
            None => Vec::new(),
        };
        let note = notes.iter().find(|n| n.id == mail.note && !n.hidden);
        let (Some(record), Some(note)) = (record, note) else {
            // Hidden by a responder, or the record deleted, before the mail went.
            self.outcomes.count("withheld", addresses.len() as u64);
            return Ok(());
        };
        let (subject, body) = self.compose(&record, note);
        for (account, address) in addresses {
            let outcome = match self.send_one(&address, &subject, &body).await {
                Ok(()) => "sent",
                Err(e) => {
                    tracing::warn!(error = %e, %account, record = %record.id, "a mail could not be sent");
                    "failed"
                }
            };
            self.outcomes.count(outcome, 1);
        }
        Ok(())
    }

    async fn send_one(&self, address: &str, subject: &str, body: &str) -> Result<(), String> {
        let to: Mailbox = address
            .parse()
            .map_err(|e| format!("stored address refused: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// The subject and the text: French then English (the account has no language of its
    /// own; the pages follow the browser's).
    fn compose(&self, record: &MissingRecord, note: &MissingNote) -> (String, String) {
        let name = record.person.full_name.as_str();
        let subject = [Lang::Fr, Lang::En]
            .map(|lang| lang.tf("mail.note_subject", &[("name", name)]))
            .join(" / ");
        let link = format!("{}/missing/{}", self.public_url, record.id);
        let excerpt = note.details.text.as_deref().map(excerpt);
        let author = note
            .details
            .author_name
            .as_deref()
            .filter(|_| !note.author.anonymous);
        let mut body = String::new();
        for lang in [Lang::Fr, Lang::En] {
            body.push_str(&lang.tf("mail.note_intro", &[("name", name)]));
            body.push_str("\n\n");
            let status = crate::pages::missing::status_key(note.details.status);
            body.push_str(&format!("{} {}\n", lang.t("mail.status"), lang.t(status)));
            if let Some(author) = author {
                body.push_str(&format!("{} {author}\n", lang.t("mail.author")));
            }
            if let Some(excerpt) = &excerpt {
                body.push_str(&format!("\n{excerpt}\n"));
            }
            body.push_str(&format!(
                "\n{}\n{link}\n\n",
                lang.t("mail.read_on_the_page")
            ));
            body.push_str(lang.t("mail.why"));
            body.push_str("\n\n-- \n\n");
        }
        (subject, body)
    }
}

/// The first `EXCERPT_CHARS` characters of a note's text, cut at a word where one is near.
fn excerpt(text: &str) -> String {
    if text.chars().count() <= EXCERPT_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(EXCERPT_CHARS).collect();
    let at_word = cut.rfind(char::is_whitespace).unwrap_or(cut.len());
    format!("{}…", cut[..at_word].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_and_trimmed() {
        assert_eq!(
            parse_address("  marie@example.org ").unwrap(),
            "marie@example.org"
        );
        for bad in [
            "",
            "marie",
            "marie@",
            "@example.org",
            "a b@example.org",
            "marie@@x.org",
        ] {
            let err = parse_address(bad).unwrap_err();
            assert_eq!(err.field, "email", "{bad:?}");
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert!(parse_address(&long).unwrap_err().message.contains("254"));
    }

    #[test]
    fn a_long_text_is_cut_at_a_word() {
        let text = "word ".repeat(200);
        let cut = excerpt(&text);
        assert!(cut.chars().count() <= EXCERPT_CHARS + 1, "{}", cut.len());
        assert!(cut.ends_with("word…"), "{cut}");
        assert_eq!(excerpt("short"), "short");
    }
}
