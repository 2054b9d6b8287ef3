//! The People Finder Interchange Format (PFIF), as entraide exchanges missing-person
//! records with other registries: PFIF 1.1, 1.2, 1.3 and 1.4 XML and Person Finder's CSV
//! in, PFIF 1.4 XML out. A pure library: no storage, no network.
//!
//! - [`Reader`] streams an XML document record by record; [`CsvReader`] does the same for
//!   a CSV import. Both yield `Result<Record, RecordError>` and carry on after a bad record.
//! - [`validate_strict`] and [`validate_note_strict`] say what would keep a record from
//!   passing a strict PFIF 1.4 check.
//! - [`Writer`] and [`write_document`] write PFIF 1.4, with expired records reduced to
//!   their placeholder.
//!
//! Every record is read into the PFIF 1.4 model whatever its version:
//!
//! | PFIF 1.4 field | 1.1 | 1.2 | 1.3 |
//! |---|---|---|---|
//! | `given_name` | `first_name` | `first_name` | `first_name` |
//! | `family_name` | `last_name` | `last_name` | `last_name` |
//! | `full_name` | given + family names | given + family names | `full_name` |
//! | `description` | `other` | `other` | `other` |
//! | `home_postal_code` | `home_zip` | `home_postal_code` | `home_postal_code` |
//! | `sex`, `date_of_birth`, `age`, `home_country` | - | same | same |
//! | `expiry_date` | - | - | same |
//! | `alternate_names`, `profile_urls` | - | - | - |
//! | note `author_made_contact` | `found` | `found` | `found` |
//! | note `person_record_id` | enclosing person | same, or enclosing person | same, or enclosing person |
//! | note `linked_person_record_id`, `status` | - | same | same |
//! | note `photo_url` | - | - | - |
//!
//! An `other` holding only a `description:` label is unwrapped; any other `other` becomes
//! the description whole. Notes may stand at the top level from 1.2 on.

mod csv_import;
mod draft;
mod error;
mod model;
mod validate;
mod writer;
mod xml;

pub use csv_import::CsvReader;
pub use error::{Reason, RecordError, RecordKind};
pub use model::{Note, Person, Record, Status, UnknownStatus, Version, format_time, parse_time};
pub use validate::{FieldError, Problem, validate_note_strict, validate_strict};
pub use writer::{Writer, write_document};
pub use xml::Reader;
