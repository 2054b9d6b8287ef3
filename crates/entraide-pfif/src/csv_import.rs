//! Person Finder's CSV import format.

use std::collections::VecDeque;
use std::io::Read;

use chrono::{NaiveDate, TimeDelta};

use crate::draft::{
    Item, NoteDraft, NoteField, PersonDraft, PersonField, note_field, person_field,
};
use crate::error::{Reason, RecordError, RecordKind};
use crate::model::{Record, Version, format_time, parse_time};

/// Reads Person Finder's CSV import format into the same records as the XML reader.
///
/// As in Person Finder, the first row that has a `person_record_id` cell is the header,
/// named with PFIF 1.4 field names; rows above it are a preamble, where a
/// `time_zone_offset` cell gives the hours to subtract from the local times found in
/// `*_date` columns (`YYYY-MM-DD hh:mm` or `YYYY/MM/DD hh:mm`; PFIF times are kept as
/// they are). Each row holds a person when its `full_name` is filled, and a note when its
/// `note_record_id` is; a note on a person's row is nested in that person and shares its
/// `person_record_id`, author and source date columns.
///
/// Each row gives its records, or errors naming the row; reading goes on after a bad row.
/// Cells are matched to columns by position: a short row leaves the last fields empty, and
/// a row with filled cells past the last column is reported ([`Reason::ExtraCells`]) before
/// its records, read from the cells that have a column.
pub struct CsvReader<R: Read> {
    csv: csv::Reader<R>,
    columns: Option<Vec<Column>>,
    domain: Option<String>,
    offset: TimeDelta,
    row: csv::StringRecord,
    rows_read: u64,
    pending: VecDeque<Item>,
    finished: bool,
}

enum RowRead {
    Row,
    /// The row could not be read and has been reported.
    Refused,
    End,
}

/// Where a column's cells go. Author, source date and record id columns feed both the
/// person and the note of a row.
#[derive(Debug, Clone, Copy)]
struct Column {
    person: Option<PersonField>,
    note: Option<NoteField>,
    is_time: bool,
}

impl<R: Read> CsvReader<R> {
    pub fn new(input: R) -> CsvReader<R> {
        let csv = csv::ReaderBuilder::new()
            // The preamble and header rows are found by content, not position, and the
            // preamble's rows need not have as many cells as the header.
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        CsvReader {
            csv,
            columns: None,
            domain: None,
            offset: TimeDelta::zero(),
            row: csv::StringRecord::new(),
            rows_read: 0,
            pending: VecDeque::new(),
            finished: false,
        }
    }

    /// Completes record ids that have no domain with `domain/`, as Person Finder does for
    /// the ids of a spreadsheet, then refuses records whose id is under another domain.
    pub fn authorized_domain(mut self, domain: impl Into<String>) -> CsvReader<R> {
        self.domain = Some(domain.into());
        self
    }

    /// Reads one CSV row into `self.row`.
    fn read_row(&mut self) -> RowRead {
        match self.csv.read_record(&mut self.row) {
            Ok(true) => RowRead::Row,
            Ok(false) => RowRead::End,
            Err(error) => {
                let line = error
                    .position()
                    .map_or_else(|| self.csv.position().line(), csv::Position::line);
                if matches!(error.kind(), csv::ErrorKind::Io(_)) {
                    self.fatal(Reason::Io(error.to_string()), line);
                    return RowRead::End;
                }
                // A row that is not valid UTF-8 is refused alone.
                let ordinal = if self.columns.is_some() {
                    self.rows_read
                } else {
                    0
                };
                self.pending.push_back(Err(RecordError {
                    kind: RecordKind::Row,
                    record_id: None,
                    ordinal,
                    line,
                    reason: Reason::Csv(error.to_string()),
                }));
                RowRead::Refused
            }
        }
    }

    /// Reads up to the header row, taking settings from the preamble on the way.
    fn read_header(&mut self) {
        let mut setting_names: Vec<String> = Vec::new();
        loop {
            match self.read_row() {
                RowRead::Row => {}
                RowRead::Refused => continue,
                RowRead::End => break,
            }
            let cells: Vec<String> = self.row.iter().map(header_name).collect();
            if cells.iter().any(|cell| cell == "person_record_id") {
                self.columns = Some(cells.iter().map(|name| column(name)).collect());
                return;
            }
            // Person Finder's preamble puts each setting's value below its name.
            if let Some(index) = setting_names
                .iter()
                .position(|name| name == "time_zone_offset")
            {
                let value = self.row.get(index).unwrap_or("").trim();
                match value.parse::<f64>() {
                    Ok(hours) if hours.is_finite() && hours.abs() <= 24.0 => {
                        self.offset = TimeDelta::seconds((hours * 3600.0).round() as i64);
                    }
                    _ => {
                        let line = self.row.position().map_or(0, csv::Position::line);
                        self.fatal(
                            Reason::Csv(format!("invalid time_zone_offset {value:?}")),
                            line,
                        );
                        return;
                    }
                }
            }
            setting_names = cells;
        }
        if !self.finished {
            let line = self.csv.position().line();
            self.fatal(
                Reason::Csv("no header row with a person_record_id column".into()),
                line,
            );
        }
    }

    fn read_record_row(&mut self) {
        self.rows_read += 1;
        match self.read_row() {
            RowRead::Row => {}
            RowRead::Refused => return,
            RowRead::End => {
                self.finished = true;
                return;
            }
        }
        let Some(columns) = &self.columns else { return };
        let ordinal = self.rows_read;
        let line = self.row.position().map_or(0, csv::Position::line);
        if self.row.iter().all(|cell| cell.trim().is_empty()) {
            return;
        }
        // Cells are matched to columns by position, as Person Finder does: a row may stop
        // short (spreadsheets drop trailing empty cells), but cells past the last column
        // belong to none, and a filled one means the row and header disagree.
        if self
            .row
            .iter()
            .skip(columns.len())
            .any(|cell| !cell.trim().is_empty())
        {
            self.pending.push_back(Err(RecordError {
                kind: RecordKind::Row,
                record_id: None,
                ordinal,
                line,
                reason: Reason::ExtraCells {
                    cells: self.row.len(),
                    columns: columns.len(),
                },
            }));
        }
        let mut person = PersonDraft::new(ordinal, line);
        let mut note = NoteDraft::new(ordinal, line);
        for (cell, column) in self.row.iter().zip(columns) {
            let local;
            let mut value = cell;
            if column.is_time {
                local = local_time_to_pfif(cell, self.offset);
                value = local.as_deref().unwrap_or(cell);
            }
            if let Some(field) = column.person {
                person.set(field, value);
            }
            if let Some(field) = column.note {
                note.set(field, value);
            }
        }
        if let Some(domain) = &self.domain {
            complete_id(&mut person.person.person_record_id, domain);
            complete_id(&mut note.note.person_record_id, domain);
            complete_id(&mut note.note.note_record_id, domain);
        }

        let has_person = person.person.full_name.is_some();
        let has_note = !note.note.note_record_id.is_empty();
        let domain = self.domain.as_deref();
        match (has_person, has_note) {
            (true, _) => {
                if has_note {
                    person.notes.push(note);
                }
                person.finish(Version::V1_4, domain, &mut self.pending);
            }
            (false, true) => self
                .pending
                .push_back(note.finish(domain).map(Record::Note)),
            (false, false) => self.pending.push_back(Err(RecordError {
                kind: RecordKind::Row,
                record_id: None,
                ordinal,
                line,
                reason: Reason::NothingInRow,
            })),
        }
    }

    fn fatal(&mut self, reason: Reason, line: u64) {
        self.pending
            .push_back(Err(RecordError::document(reason, line)));
        self.finished = true;
    }
}

impl<R: Read> Iterator for CsvReader<R> {
    type Item = Result<Record, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if self.finished {
                return None;
            }
            if self.columns.is_none() {
                self.read_header();
            } else {
                self.read_record_row();
            }
        }
    }
}

/// Header cells are matched like Person Finder does, ignoring case and spaces (and the
/// byte order mark spreadsheets put before the first one).
fn header_name(cell: &str) -> String {
    cell.trim_start_matches('\u{FEFF}').trim().to_lowercase()
}

fn column(name: &str) -> Column {
    let person = person_field(Version::V1_4, name);
    let note = match name {
        // The photo of a person's row is the person's.
        "photo_url" => None,
        _ => note_field(Version::V1_4, name),
    };
    Column {
        person,
        note,
        is_time: name.ends_with("_date"),
    }
}

fn complete_id(id: &mut String, domain: &str) {
    if !id.is_empty() && !id.contains('/') {
        *id = format!("{domain}/{id}");
    }
}

/// A spreadsheet's local `YYYY-MM-DD hh:mm` (or with slashes) as a PFIF UTC time, given
/// the local offset from UTC. `None` for PFIF times, which are UTC already, and for text
/// that is no time at all, which stays as it is for the strict check to report.
fn local_time_to_pfif(text: &str, offset: TimeDelta) -> Option<String> {
    let text = text.trim();
    if text.is_empty() || parse_time(text).is_some() {
        return None;
    }
    let (date, time) = text.split_once([' ', 'T'])?;
    let mut date_parts = date.split(['-', '/']);
    let year: i32 = date_parts.next()?.parse().ok()?;
    let month: u32 = date_parts.next()?.parse().ok()?;
    let day: u32 = date_parts.next()?.parse().ok()?;
    let (hour, minute) = time.trim().split_once(':')?;
    let local = NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(
        hour.parse().ok()?,
        minute.get(..2).unwrap_or(minute).parse().ok()?,
        0,
    )?;
    Some(format_time((local - offset).and_utc()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_become_utc() {
        let paris = TimeDelta::hours(1);
        assert_eq!(
            local_time_to_pfif("2015-11-13 21:40", paris).as_deref(),
            Some("2015-11-13T20:40:00Z")
        );
        assert_eq!(
            local_time_to_pfif("2015/11/14 00:30", paris).as_deref(),
            Some("2015-11-13T23:30:00Z")
        );
        assert_eq!(local_time_to_pfif("2015-11-13T21:40:00Z", paris), None);
        assert_eq!(local_time_to_pfif("last friday", paris), None);
    }
}
