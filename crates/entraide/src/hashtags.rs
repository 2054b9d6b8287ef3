//! `entraide hashtags`: the extractor as a filter, for journalists and researchers checking
//! what entraide counts, and for comparing with other tools line by line.

use serde::Serialize;
use std::io::{BufRead, IsTerminal, Write};

#[derive(Serialize)]
struct Found<'a> {
    tag: &'a str,
    start: usize,
    end: usize,
}

/// Writes one line out per line in, so outputs stay aligned with inputs: a line that is not
/// a JSON string (with `--json`) gives `null` and a message naming it, and the command
/// goes on, then exits with an error status.
pub fn run(json: bool) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut bad_lines = 0u64;
    for (number, line) in stdin.lock().lines().enumerate() {
        let line = line?;
        let text = if json {
            match serde_json::from_str::<String>(&line) {
                Ok(text) => text,
                Err(e) => {
                    eprintln!("line {}: not a JSON string: {e}", number + 1);
                    bad_lines += 1;
                    writeln!(out, "null")?;
                    continue;
                }
            }
        } else {
            line
        };
        let found: Vec<Found> = entraide_text::hashtags(&text)
            .iter()
            .map(|h| Found {
                tag: h.tag,
                start: h.start,
                end: h.end,
            })
            .collect();
        serde_json::to_writer(&mut out, &found)?;
        writeln!(out)?;
        if interactive {
            out.flush()?;
        }
    }
    out.flush()?;
    anyhow::ensure!(bad_lines == 0, "{bad_lines} line(s) were not JSON strings");
    Ok(())
}
