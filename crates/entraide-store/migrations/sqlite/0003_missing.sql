-- Missing persons (issue 4): records, notes on them, records linked as the same person,
-- and who follows which record. Conventions as in 0001.
--
-- The PFIF fields that are only ever read whole are JSON text (`person`, `details`): the
-- queries filter on the columns beside them, never inside the JSON.

CREATE TABLE missing_records (
    id               BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    -- The id the record had in the registry it was imported from; NULL for ours.
    pfif_id          TEXT UNIQUE,
    person           TEXT NOT NULL,
    -- The reporter's email and phone (JSON): responders only.
    reporter         TEXT NOT NULL,
    reporter_account BLOB REFERENCES accounts (id) ON DELETE SET NULL,
    last_seen_place  TEXT,
    last_seen_lat    REAL,
    last_seen_lon    REAL,
    last_seen_at     INTEGER,
    source_date      INTEGER NOT NULL,
    entry_date       INTEGER NOT NULL,
    expiry_date      INTEGER,
    -- Set once the expiry passed (or deletion was asked) and the data was wiped: only the
    -- placeholder (ids and dates) remains, as PFIF requires.
    expired          INTEGER NOT NULL DEFAULT 0 CHECK (expired IN (0, 1)),
    verified         INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
    -- The account of the person the record describes ("this is me", or a mutual contact's
    -- link): their Safety Check answers reach the record.
    linked_account   BLOB REFERENCES accounts (id) ON DELETE SET NULL,
    -- The status of the latest visible note with one, kept by every note write.
    status           TEXT CHECK (status IN ('information_sought', 'is_note_author',
                         'believed_alive', 'believed_missing', 'believed_dead'))
) STRICT;
CREATE INDEX missing_records_entry_date ON missing_records (entry_date);
CREATE INDEX missing_records_expiry_date ON missing_records (expiry_date) WHERE expired = 0;
CREATE INDEX missing_records_linked_account ON missing_records (linked_account)
    WHERE linked_account IS NOT NULL;

CREATE TABLE missing_notes (
    id             BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    pfif_id        TEXT UNIQUE,
    record_id      BLOB NOT NULL REFERENCES missing_records (id) ON DELETE CASCADE,
    details        TEXT NOT NULL,
    status         TEXT CHECK (status IN ('information_sought', 'is_note_author',
                       'believed_alive', 'believed_missing', 'believed_dead')),
    origin         TEXT NOT NULL CHECK (origin IN ('person', 'responder', 'verified_source',
                       'safety_check')),
    -- Kept for anonymous notes too: responders must be able to reach a witness.
    author_account BLOB REFERENCES accounts (id) ON DELETE SET NULL,
    anonymous      INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
    hidden         INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    source_date    INTEGER NOT NULL,
    entry_date     INTEGER NOT NULL
) STRICT;
CREATE INDEX missing_notes_record ON missing_notes (record_id, source_date);
CREATE INDEX missing_notes_entry_date ON missing_notes (entry_date);

-- One flag per account and note, so one person can't make a note look contested.
CREATE TABLE missing_note_flags (
    note_id    BLOB NOT NULL REFERENCES missing_notes (id) ON DELETE CASCADE,
    account_id BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    PRIMARY KEY (note_id, account_id)
) WITHOUT ROWID, STRICT;

-- A link is two directed rows, as contacts are, so either record lists the other.
CREATE TABLE missing_links (
    record_id BLOB NOT NULL REFERENCES missing_records (id) ON DELETE CASCADE,
    other_id  BLOB NOT NULL REFERENCES missing_records (id) ON DELETE CASCADE,
    PRIMARY KEY (record_id, other_id),
    CHECK (record_id <> other_id)
) WITHOUT ROWID, STRICT;

CREATE TABLE missing_subscriptions (
    record_id  BLOB NOT NULL REFERENCES missing_records (id) ON DELETE CASCADE,
    account_id BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    since      INTEGER NOT NULL,
    PRIMARY KEY (record_id, account_id)
) WITHOUT ROWID, STRICT;
