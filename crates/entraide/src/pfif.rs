//! `entraide pfif import` and `entraide pfif export`: the missing-persons registry's PFIF
//! interchange from the command line, on the same storage as `serve`.

use crate::settings::StorageArgs;
use anyhow::Context;
use entraide_bus::Bus;
use entraide_server::PfifFormat;
use entraide_server::{AppState, ServerConfig};
use entraide_store::FeedWindow;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Records read from the store per page of an export.
const EXPORT_PAGE: u32 = 1_000;

#[derive(clap::Args)]
pub struct ImportArgs {
    /// A PFIF 1.1–1.4 XML document, or Person Finder's CSV (a name ending in .csv).
    pub file: PathBuf,
    /// Refuse records whose id is outside this domain (a source may write only its own
    /// records). A CSV's ids without a domain get the registry's --pfif-domain.
    #[arg(long)]
    pub authorized_domain: Option<String>,
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(flatten)]
    pub server: ServerConfig,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    /// Only records entered at or after this time (YYYY-MM-DDThh:mm:ssZ).
    #[arg(long)]
    pub since: Option<String>,
    /// Where to write the PFIF 1.4 XML (standard output by default).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(flatten)]
    pub server: ServerConfig,
}

async fn state(storage: &StorageArgs, server: ServerConfig) -> anyhow::Result<AppState> {
    let store = entraide_store::open(&storage.database()?)
        .await
        .context("opening the store")?;
    Ok(AppState::new(store, Bus::local(), server))
}

fn is_csv(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

pub async fn import(args: ImportArgs) -> anyhow::Result<()> {
    let file =
        File::open(&args.file).with_context(|| format!("opening {}", args.file.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = indicatif::ProgressBar::new(size).with_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {bytes}/{total_bytes} {msg} ({elapsed}, {eta} left)",
        )
        .expect("the template is valid"),
    );
    // The bar follows the bytes read: the reader streams, so that is how far it got.
    let input = bar.wrap_read(file);
    let format = if is_csv(&args.file) {
        PfifFormat::Csv
    } else {
        PfifFormat::Xml
    };
    let state = state(&args.storage, args.server).await?;
    let summary = state
        .import_pfif_document(
            BufReader::new(input),
            format,
            args.authorized_domain,
            |records| bar.set_message(format!("{records} records")),
        )
        .await
        .map_err(|e| anyhow::anyhow!("import stopped: {e}"))?;
    bar.finish_and_clear();
    for error in &summary.errors {
        eprintln!("reported: {error}");
    }
    println!(
        "{}: {} added, {} replaced by a newer version, {} unchanged, {} reported",
        args.file.display(),
        summary.added,
        summary.replaced,
        summary.unchanged,
        summary.errors.len()
    );
    Ok(())
}

pub async fn export(args: ExportArgs) -> anyhow::Result<()> {
    let since = args
        .since
        .as_deref()
        .map(|text| {
            entraide_pfif::parse_time(text)
                .with_context(|| format!("--since {text:?} is not a time as YYYY-MM-DDThh:mm:ssZ"))
        })
        .transpose()?;
    let out: Box<dyn Write> = match &args.out {
        Some(path) => {
            Box::new(File::create(path).with_context(|| format!("creating {}", path.display()))?)
        }
        None => Box::new(std::io::stdout().lock()),
    };
    let state = state(&args.storage, args.server).await?;
    let mut writer = entraide_pfif::Writer::new(BufWriter::new(out));
    let mut skip = 0;
    loop {
        let window = FeedWindow {
            min_entry_date: since,
            skip,
            max_results: EXPORT_PAGE,
        };
        let persons = state
            .pfif_persons(window, true)
            .await
            .map_err(|e| anyhow::anyhow!("reading the registry: {e}"))?;
        for person in &persons {
            writer.write_person(person)?;
        }
        if persons.len() < EXPORT_PAGE as usize {
            break;
        }
        skip += EXPORT_PAGE;
    }
    writer.finish()?.flush()?;
    Ok(())
}
