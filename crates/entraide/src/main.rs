//! `entraide`: one binary for the night something terrible happens. `entraide serve` runs
//! the whole platform on an embedded database; the other commands administer it.

mod bench;
mod hashtags;
mod pfif;
mod settings;
mod trends;

use anyhow::{Context, bail};
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};
use entraide_bus::Bus;
use entraide_core::Role;
use entraide_server::{AppState, ServerConfig};
use settings::{ServeSettings, StorageArgs};
use std::path::PathBuf;

/// jemalloc rather than glibc's malloc: a request allocates and frees dozens of small
/// blocks, often on another worker thread than the one that allocated them, and glibc's
/// arenas then contend on their locks (6% of the request path in futex wakes alone). With
/// jemalloc the request path serves about 124,000 requests/s instead of 81,000, and the
/// contacts' statuses read keeps its p99 (1.1-1.5 ms); mimalloc gave the same throughput
/// but a p99 of 5.5 ms on that read, over its 5 ms target (README, Performance).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// entraide: Safety Check, Open Doors, missing persons and live trends for a crisis.
///
/// Start with `entraide serve`: it creates ./entraide-data (SQLite) and listens on
/// http://127.0.0.1:8080. Create a responder with `entraide admin create`, who can then
/// activate a crisis from the web pages or the API.
#[derive(Parser)]
#[command(name = "entraide", version, about, long_about)]
struct Cli {
    /// A TOML file of settings (keys as the long flags, with '_' for '-'); flags and
    /// ENTRAIDE_* variables take precedence over it.
    #[arg(long, global = true, env = "ENTRAIDE_CONFIG")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server: API, web pages and live events.
    Serve(ServeSettings),
    /// Print the effective settings (flags, environment, file, defaults) as TOML, secrets masked.
    Config(ServeSettings),
    /// Administer accounts.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Extract hashtags as Twitter does: one text per line on standard input, one JSON array
    /// per line out ([{"tag", "start", "end"}], indices in code points, end exclusive).
    Hashtags {
        /// Each input line is a JSON string, so a text may hold newlines.
        #[arg(long)]
        json: bool,
    },
    /// Write a synthetic stream of posts (JSON lines), e.g. the night of 13 November 2015.
    Simulate(trends::SimulateArgs),
    /// Read posts (JSON lines) into the trend engine; prints a summary, and each malformed
    /// line's number on standard error, without stopping.
    Ingest(trends::IngestArgs),
    /// What is rising near a place (or globally) in an archive of posts, as JSON.
    Trends(trends::TrendsArgs),
    /// Measure the performance targets on this machine.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Exchange missing-person records with other registries (PFIF).
    #[command(subcommand)]
    Pfif(PfifCommand),
}

#[derive(Subcommand)]
enum PfifCommand {
    /// Import PFIF 1.1-1.4 XML or Person Finder CSV, streaming: bad records are reported and
    /// skipped, the good ones kept; of two versions of a record the newest source_date wins.
    Import(pfif::ImportArgs),
    /// Export the registry as PFIF 1.4 XML (expired records as placeholders).
    Export(pfif::ExportArgs),
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Durable safety marks per second over HTTP, with p50/p99 latency, on SQLite or PostgreSQL.
    Safety(bench::safety::SafetyBench),
    /// Posts per second through the trend engine on one thread, peak memory, and the ratio
    /// against counting with a Redis pipeline of ZINCRBY.
    Trends(bench::trends::TrendsBench),
    /// Nearest open doors for a party among a million offers: the in-memory index, p50/p99,
    /// and the same searches on PostGIS (KNN over a GiST index) for the ratio.
    Shelter(bench::shelter::ShelterBench),
    /// The missing-persons registry: import rate, search latency p50/p99 and recall@10 on
    /// generated records (1,000,000 by default), on SQLite or PostgreSQL.
    Missing(bench::missing::MissingBench),
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account with a role, e.g. the first responder. Works while a server runs on
    /// the same data.
    Create {
        #[arg(long)]
        handle: String,
        /// A file holding the password (its first line): passwords on the command line
        /// end up in shell histories and process lists.
        #[arg(long)]
        password_file: PathBuf,
        #[arg(long, value_parser = ["person", "responder", "admin"])]
        role: String,
        /// The name shown to others (defaults to the handle).
        #[arg(long)]
        display_name: Option<String>,
        #[command(flatten)]
        storage: StorageArgs,
    },
}

fn main() -> anyhow::Result<()> {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches)?;
    let runtime = tokio::runtime::Runtime::new()?;
    let sub = |name: &str| -> &ArgMatches {
        matches
            .subcommand_matches(name)
            .expect("clap matched this subcommand")
    };
    match cli.command {
        Command::Serve(_) => {
            let settings = ServeSettings::resolve(sub("serve"), cli.config.as_deref())?;
            init_logs(&settings.log_format);
            runtime.block_on(serve(settings))
        }
        Command::Config(_) => {
            let settings = ServeSettings::resolve(sub("config"), cli.config.as_deref())?;
            print!("{}", settings.to_toml_redacted()?);
            Ok(())
        }
        Command::Hashtags { json } => hashtags::run(json),
        Command::Simulate(args) => trends::simulate(args),
        Command::Ingest(args) => trends::ingest(args),
        Command::Trends(args) => trends::trends(args),
        Command::Pfif(PfifCommand::Import(args)) => {
            init_logs("text");
            runtime.block_on(pfif::import(args))
        }
        Command::Pfif(PfifCommand::Export(args)) => {
            init_logs("text");
            runtime.block_on(pfif::export(args))
        }
        Command::Bench(BenchCommand::Safety(args)) => runtime.block_on(bench::safety::run(args)),
        Command::Bench(BenchCommand::Trends(args)) => bench::trends::run(args),
        Command::Bench(BenchCommand::Shelter(args)) => runtime.block_on(bench::shelter::run(args)),
        Command::Bench(BenchCommand::Missing(args)) => runtime.block_on(bench::missing::run(args)),
        Command::Admin(AdminCommand::Create {
            handle,
            password_file,
            role,
            display_name,
            storage,
        }) => {
            init_logs("text");
            runtime.block_on(admin_create(
                &handle,
                &password_file,
                &role,
                display_name.as_deref(),
                &storage,
            ))
        }
    }
}

fn init_logs(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,tower_http=warn".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn serve(settings: ServeSettings) -> anyhow::Result<()> {
    // A broken lexicon file is a configuration error to fix before starting, not a fallback.
    entraide_server::trends::load_lexicon(&settings.server).map_err(anyhow::Error::msg)?;
    if settings.server.trends_nats_subject.is_some() && settings.server.nats_url.is_none() {
        bail!("trends_nats_subject needs nats_url: the NATS server to subscribe on");
    }
    // So is an SMTP URL that can't be used: every mail would be lost.
    entraide_server::mail::transport(&settings.server).map_err(anyhow::Error::msg)?;
    settings
        .server
        .pfif_partners()
        .map_err(anyhow::Error::msg)?;
    let database = settings.storage.database()?;
    let store = entraide_store::open(&database)
        .await
        .context("opening the store")?;
    tracing::info!(backend = store.backend(), "store open, migrations applied");
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("listening on {}", settings.listen))?;
    tracing::info!("entraide listening on http://{}", listener.local_addr()?);
    let state = AppState::with_configured_bus(store, settings.server).await?;
    if settings.demo {
        tracing::info!("demo: replaying the night of 13 November 2015 into the trends, 60× faster");
        tokio::spawn(trends::replay_demo(state.clone()));
    }
    entraide_server::serve(listener, state, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM (what service managers send).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

async fn admin_create(
    handle: &str,
    password_file: &std::path::Path,
    role: &str,
    display_name: Option<&str>,
    storage: &StorageArgs,
) -> anyhow::Result<()> {
    let role: Role = role.parse()?;
    let password = std::fs::read_to_string(password_file)
        .with_context(|| format!("reading {}", password_file.display()))?;
    let password = password.lines().next().unwrap_or_default();
    let store = entraide_store::open(&storage.database()?)
        .await
        .context("opening the store")?;
    let state = AppState::new(store, Bus::local(), ServerConfig::default());
    let account = state
        .sign_up(handle, password, display_name.unwrap_or(handle), role)
        .await
        .map_err(|e| anyhow::anyhow!("could not create @{handle}: {e}"))?;
    println!(
        "created @{} ({}), id {}",
        account.handle,
        account.role.as_str(),
        account.id
    );
    Ok(())
}
