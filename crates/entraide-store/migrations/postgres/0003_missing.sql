-- Missing persons (issue 4): records, notes on them, records linked as the same person,
-- and who follows which record. The same shape as the SQLite migration.
--
-- The PFIF fields that are only ever read whole are JSON text (`person`, `details`): the
-- queries filter on the columns beside them, never inside the JSON.

CREATE TABLE missing_records (
    id               uuid PRIMARY KEY,
    -- The id the record had in the registry it was imported from; NULL for ours.
    pfif_id          text UNIQUE,
    person           text NOT NULL,
    -- The reporter's email and phone (JSON): responders only.
    reporter         text NOT NULL,
    reporter_account uuid REFERENCES accounts (id) ON DELETE SET NULL,
    last_seen_place  text,
    last_seen_lat    double precision,
    last_seen_lon    double precision,
    last_seen_at     timestamptz,
    source_date      timestamptz NOT NULL,
    entry_date       timestamptz NOT NULL,
    expiry_date      timestamptz,
    -- Set once the expiry passed (or deletion was asked) and the data was wiped: only the
    -- placeholder (ids and dates) remains, as PFIF requires.
    expired          boolean NOT NULL DEFAULT false,
    verified         boolean NOT NULL DEFAULT false,
    -- The account of the person the record describes ("this is me", or a mutual contact's
    -- link): their Safety Check answers reach the record.
    linked_account   uuid REFERENCES accounts (id) ON DELETE SET NULL,
    -- The status of the latest visible note with one, kept by every note write.
    status           text CHECK (status IN ('information_sought', 'is_note_author',
                         'believed_alive', 'believed_missing', 'believed_dead'))
);
CREATE INDEX missing_records_entry_date ON missing_records (entry_date);
CREATE INDEX missing_records_expiry_date ON missing_records (expiry_date) WHERE NOT expired;
CREATE INDEX missing_records_linked_account ON missing_records (linked_account)
    WHERE linked_account IS NOT NULL;

CREATE TABLE missing_notes (
    id             uuid PRIMARY KEY,
    pfif_id        text UNIQUE,
    record_id      uuid NOT NULL REFERENCES missing_records (id) ON DELETE CASCADE,
    details        text NOT NULL,
    status         text CHECK (status IN ('information_sought', 'is_note_author',
                       'believed_alive', 'believed_missing', 'believed_dead')),
    origin         text NOT NULL CHECK (origin IN ('person', 'responder', 'verified_source',
                       'safety_check')),
    -- Kept for anonymous notes too: responders must be able to reach a witness.
    author_account uuid REFERENCES accounts (id) ON DELETE SET NULL,
    anonymous      boolean NOT NULL,
    hidden         boolean NOT NULL DEFAULT false,
    source_date    timestamptz NOT NULL,
    entry_date     timestamptz NOT NULL
);
CREATE INDEX missing_notes_record ON missing_notes (record_id, source_date);
CREATE INDEX missing_notes_entry_date ON missing_notes (entry_date);

-- One flag per account and note, so one person can't make a note look contested.
CREATE TABLE missing_note_flags (
    note_id    uuid NOT NULL REFERENCES missing_notes (id) ON DELETE CASCADE,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    at         timestamptz NOT NULL,
    PRIMARY KEY (note_id, account_id)
);

-- A link is two directed rows, as contacts are, so either record lists the other.
CREATE TABLE missing_links (
    record_id uuid NOT NULL REFERENCES missing_records (id) ON DELETE CASCADE,
    other_id  uuid NOT NULL REFERENCES missing_records (id) ON DELETE CASCADE,
    PRIMARY KEY (record_id, other_id),
    CHECK (record_id <> other_id)
);

CREATE TABLE missing_subscriptions (
    record_id  uuid NOT NULL REFERENCES missing_records (id) ON DELETE CASCADE,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    since      timestamptz NOT NULL,
    PRIMARY KEY (record_id, account_id)
);
