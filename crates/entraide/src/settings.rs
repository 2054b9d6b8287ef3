//! Every setting of `entraide`, declared once with its default and its doc. Values come from,
//! in order of precedence: a flag, an `ENTRAIDE_*` environment variable, the TOML file named
//! by `--config`, the default. `entraide config` prints the result, secrets masked.

use anyhow::{Context, bail};
use clap::parser::ValueSource;
use clap::{ArgMatches, Args, FromArgMatches};
use entraide_server::ServerConfig;
use entraide_store::Database;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Where the data lives: shared by every command that opens the store.
#[derive(Args, Clone, Debug, Serialize, Deserialize)]
pub struct StorageArgs {
    /// The data directory of the embedded SQLite database (created if missing).
    #[arg(long, env = "ENTRAIDE_DATA", default_value = "./entraide-data")]
    pub data: PathBuf,

    /// A PostgreSQL URL (postgres://user:password@host/db); when set, it is used instead of --data.
    #[arg(long, env = "ENTRAIDE_DATABASE_URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
}

impl StorageArgs {
    pub fn database(&self) -> anyhow::Result<Database> {
        match &self.database {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(Database::Postgres(url.clone()))
            }
            Some(url) => bail!(
                "--database must be a postgres:// URL (got {}); leave it out to use SQLite under --data",
                redact_url(url)
            ),
            None => Ok(Database::Sqlite(self.data.clone())),
        }
    }
}

#[derive(Args, Clone, Debug, Serialize, Deserialize)]
pub struct ServeSettings {
    /// The address and port to listen on.
    #[arg(long, env = "ENTRAIDE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Log lines as text (for people) or json (for log collectors).
    #[arg(long, env = "ENTRAIDE_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub log_format: String,

    #[command(flatten)]
    #[serde(flatten)]
    pub storage: StorageArgs,

    #[command(flatten)]
    #[serde(flatten)]
    pub server: ServerConfig,

    /// Replay the simulated night of 13 November 2015 into the live trends at 60 times its
    /// pace (one simulated minute a second), so a newcomer sees trends move at once.
    #[arg(long, env = "ENTRAIDE_DEMO", default_value_t = false)]
    #[serde(default)]
    pub demo: bool,
}

impl ServeSettings {
    /// Applies the TOML file under flags and environment: a value from the file replaces
    /// only a default.
    pub fn resolve(matches: &ArgMatches, file: Option<&Path>) -> anyhow::Result<Self> {
        let from_cli = Self::from_arg_matches(matches)?;
        let Some(file) = file else {
            return Ok(from_cli);
        };
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("reading the settings file {}", file.display()))?;
        let in_file: toml::Table = text
            .parse()
            .with_context(|| format!("{} is not valid TOML", file.display()))?;
        let known: Vec<String> = Self::augment_args(clap::Command::new("settings"))
            .get_arguments()
            .map(|a| a.get_id().to_string())
            .collect();
        let mut merged = toml::Table::try_from(&from_cli)?;
        for (key, value) in in_file {
            if !known.contains(&key) {
                bail!(
                    "{}: unknown setting {key:?}; known settings: {}",
                    file.display(),
                    known.join(", ")
                );
            }
            let set_explicitly = matches!(
                matches.value_source(&key),
                Some(ValueSource::CommandLine | ValueSource::EnvVariable)
            );
            if !set_explicitly {
                merged.insert(key, value);
            }
        }
        merged
            .try_into()
            .with_context(|| format!("a value in {} has the wrong type", file.display()))
    }

    /// The settings as TOML, ready to save as a settings file, with secrets masked.
    pub fn to_toml_redacted(&self) -> anyhow::Result<String> {
        let mut shown = self.clone();
        shown.storage.database = shown.storage.database.as_deref().map(redact_url);
        if shown.server.trends_ingest_token.is_some() {
            shown.server.trends_ingest_token = Some("***".into());
        }
        shown.server.smtp_url = shown.server.smtp_url.as_deref().map(redact_url);
        for entry in &mut shown.server.pfif_api_keys {
            let domain = entry.split_once('=').map_or("", |(domain, _)| domain);
            *entry = format!("{domain}=***");
        }
        Ok(toml::to_string(&shown)?)
    }
}

/// A URL with its password replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = rest
        .split_once('/')
        .map_or((rest, None), |(a, t)| (a, Some(t)));
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_string(),
    };
    match tail {
        Some(tail) => format!("{scheme}://{authority}/{tail}"),
        None => format!("{scheme}://{authority}"),
    }
}

/// The top-level command's argument list, for tests of precedence.
#[cfg(test)]
fn parse(args: &[&str]) -> (ArgMatches, ServeSettings) {
    use clap::CommandFactory;
    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        settings: ServeSettings,
    }
    let matches = Cli::command().try_get_matches_from(args).unwrap();
    let settings = ServeSettings::from_arg_matches(&matches).unwrap();
    (matches, settings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn the_file_replaces_defaults_but_not_flags() {
        let f = file("listen = \"0.0.0.0:9000\"\nsession_days = 7\ndata = \"/srv/entraide\"\n");
        let (matches, _) = parse(&["entraide", "--session-days", "3"]);
        let s = ServeSettings::resolve(&matches, Some(f.path())).unwrap();
        assert_eq!(s.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(s.storage.data, PathBuf::from("/srv/entraide"));
        assert_eq!(s.server.session_days, 3, "the flag must win over the file");
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_named() {
        let (matches, _) = parse(&["entraide"]);
        let err = ServeSettings::resolve(&matches, Some(file("lisen = \"x\"").path())).unwrap_err();
        assert!(err.to_string().contains("lisen"), "{err}");
        let err = ServeSettings::resolve(&matches, Some(file("session_days = \"many\"").path()))
            .unwrap_err();
        assert!(format!("{err:#}").contains("wrong type"), "{err:#}");
    }

    #[test]
    fn secrets_are_never_printed() {
        let (_, mut s) = parse(&["entraide"]);
        s.storage.database = Some("postgres://city:s3cret@db.example:5432/entraide".into());
        s.server.trends_ingest_token = Some("feed-s3cret".into());
        s.server.smtp_url = Some("smtps://mailer:s3cret@smtp.example.org:465".into());
        s.server.pfif_api_keys = vec!["partner.example.org=s3cret-partner-key".into()];
        let shown = s.to_toml_redacted().unwrap();
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(
            shown.contains("smtp_url = \"smtps://mailer:***@smtp.example.org:465\""),
            "{shown}"
        );
        assert!(shown.contains("trends_ingest_token = \"***\""), "{shown}");
        assert!(
            shown.contains("pfif_api_keys = [\"partner.example.org=***\"]"),
            "{shown}"
        );
        assert!(
            shown.contains("postgres://city:***@db.example:5432/entraide"),
            "{shown}"
        );
    }

    #[test]
    fn storage_is_chosen_by_url() {
        let (_, mut s) = parse(&["entraide"]);
        assert_eq!(
            s.storage.database().unwrap(),
            Database::Sqlite(PathBuf::from("./entraide-data"))
        );
        s.storage.database = Some("postgres://localhost/city".into());
        assert!(matches!(
            s.storage.database().unwrap(),
            Database::Postgres(_)
        ));
        s.storage.database = Some("mysql://root:pw@localhost/x".into());
        let err = s.storage.database().unwrap_err().to_string();
        assert!(
            err.contains("postgres://") && !err.contains(":pw@"),
            "{err}"
        );
    }
}
