-- The Safety Check foundation: accounts, contacts, locations, crises and marks.
--
-- Conventions, kept in every later migration:
-- * identifiers are v7 UUIDs made by the application, stored as 16-byte BLOBs;
-- * times are INTEGER microseconds since the Unix epoch, UTC: they compare and index as
--   numbers, and match PostgreSQL's timestamptz precision, so both backends hand back
--   the same instants;
-- * tables are STRICT, so a wrongly typed value is an error, not a silent conversion;
-- * enumerations are lowercase TEXT with a CHECK listing the values the Rust types write;
-- * a foreign key is indexed on the child side only where a query needs it: every index on
--   the tables a safety mark writes is paid on each mark, while deleting an account or a
--   crisis (and scanning for its rows) is rare.

CREATE TABLE accounts (
    id            BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    handle        TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('person', 'responder', 'admin')),
    created_at    INTEGER NOT NULL
) WITHOUT ROWID, STRICT;

CREATE TABLE sessions (
    -- SHA-256 of the token: a stolen database holds no usable token.
    token_hash BLOB PRIMARY KEY NOT NULL CHECK (length(token_hash) = 32),
    account_id BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID, STRICT;
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- A link is two directed rows, one per side, so that "my contacts" is one index range
-- whichever side asked. Both rows change in the same transaction.
CREATE TABLE contacts (
    account_id BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    contact_id BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    state      TEXT NOT NULL CHECK (state IN ('outgoing', 'incoming', 'mutual')),
    since      INTEGER NOT NULL,
    PRIMARY KEY (account_id, contact_id),
    CHECK (account_id <> contact_id)
) WITHOUT ROWID, STRICT;
-- Deleting an account cascades through contact_id too; without this, each deletion scans.
CREATE INDEX contacts_contact ON contacts (contact_id);

-- Every reported position, for later features (calls for witnesses near a place and time).
CREATE TABLE locations (
    id         INTEGER PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    lat        REAL NOT NULL,
    lon        REAL NOT NULL,
    accuracy_m REAL NOT NULL,
    at         INTEGER NOT NULL
) STRICT;
CREATE INDEX locations_account_at ON locations (account_id, at);

-- The one position per person that decides who is asked. A rowid table: the R*Tree below
-- refers to its rows by rowid.
CREATE TABLE latest_locations (
    account_id BLOB NOT NULL UNIQUE REFERENCES accounts (id) ON DELETE CASCADE,
    lat        REAL NOT NULL,
    lon        REAL NOT NULL,
    accuracy_m REAL NOT NULL,
    at         INTEGER NOT NULL
) STRICT;

-- "Who is in this box" must not scan everyone in a country when a crisis hits one district.
-- The R*Tree stores 32-bit floats rounded outwards, so it yields a superset; queries filter
-- again on the exact columns. Triggers keep it in step with every write path.
CREATE VIRTUAL TABLE latest_locations_rtree USING rtree (id, min_lat, max_lat, min_lon, max_lon);
CREATE TRIGGER latest_locations_rtree_insert AFTER INSERT ON latest_locations BEGIN
    INSERT INTO latest_locations_rtree VALUES (new.rowid, new.lat, new.lat, new.lon, new.lon);
END;
CREATE TRIGGER latest_locations_rtree_update AFTER UPDATE OF lat, lon ON latest_locations BEGIN
    UPDATE latest_locations_rtree
    SET min_lat = new.lat, max_lat = new.lat, min_lon = new.lon, max_lon = new.lon
    WHERE id = new.rowid;
END;
CREATE TRIGGER latest_locations_rtree_delete AFTER DELETE ON latest_locations BEGIN
    DELETE FROM latest_locations_rtree WHERE id = old.rowid;
END;

-- A home area, as Zone::to_json writes it, with its bounding box for the overlap query.
CREATE TABLE homes (
    account_id BLOB NOT NULL UNIQUE REFERENCES accounts (id) ON DELETE CASCADE,
    zone       TEXT NOT NULL CHECK (json_valid(zone)),
    min_lon    REAL NOT NULL,
    min_lat    REAL NOT NULL,
    max_lon    REAL NOT NULL,
    max_lat    REAL NOT NULL
) STRICT;
CREATE VIRTUAL TABLE homes_rtree USING rtree (id, min_lat, max_lat, min_lon, max_lon);
CREATE TRIGGER homes_rtree_insert AFTER INSERT ON homes BEGIN
    INSERT INTO homes_rtree VALUES (new.rowid, new.min_lat, new.max_lat, new.min_lon, new.max_lon);
END;
CREATE TRIGGER homes_rtree_update AFTER UPDATE OF min_lon, min_lat, max_lon, max_lat ON homes BEGIN
    UPDATE homes_rtree
    SET min_lat = new.min_lat, max_lat = new.max_lat, min_lon = new.min_lon, max_lon = new.max_lon
    WHERE id = new.rowid;
END;
CREATE TRIGGER homes_rtree_delete AFTER DELETE ON homes BEGIN
    DELETE FROM homes_rtree WHERE id = old.rowid;
END;

CREATE TABLE crises (
    id          BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    kind        TEXT NOT NULL,
    zone        TEXT NOT NULL CHECK (json_valid(zone)),
    status      TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'closed', 'retracted')),
    starts_at   INTEGER NOT NULL,
    expires_at  INTEGER,
    created_by  BLOB REFERENCES accounts (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX crises_created_at ON crises (created_at, id);
CREATE INDEX crises_status_created_at ON crises (status, created_at, id);

CREATE TABLE prompts (
    crisis_id  BLOB NOT NULL REFERENCES crises (id) ON DELETE CASCADE,
    account_id BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    asked_at   INTEGER NOT NULL,
    PRIMARY KEY (crisis_id, account_id)
) WITHOUT ROWID, STRICT;
CREATE INDEX prompts_account ON prompts (account_id, asked_at);

-- The mark that stands now, one per person and crisis.
CREATE TABLE safety_marks (
    crisis_id  BLOB NOT NULL REFERENCES crises (id) ON DELETE CASCADE,
    account_id BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status     TEXT NOT NULL CHECK (status IN ('safe', 'need_help', 'not_in_area')),
    message    TEXT,
    origin     TEXT NOT NULL CHECK (origin IN ('own', 'on_behalf')),
    marked_by  BLOB REFERENCES accounts (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    PRIMARY KEY (crisis_id, account_id),
    CHECK ((origin = 'on_behalf') = (marked_by IS NOT NULL))
) WITHOUT ROWID, STRICT;
-- The list of people who need help, without indexing everyone who is safe.
CREATE INDEX safety_marks_need_help ON safety_marks (crisis_id, at) WHERE status = 'need_help';

-- Counts per crisis, kept by triggers in the transaction of each change: a crisis page
-- that anyone may load must not count millions of rows, and one row per crisis that every
-- mark updates costs nothing here, where a single writer commits marks in batches.
CREATE TABLE crisis_counts (
    crisis_id   BLOB PRIMARY KEY NOT NULL REFERENCES crises (id) ON DELETE CASCADE,
    safe        INTEGER NOT NULL DEFAULT 0,
    need_help   INTEGER NOT NULL DEFAULT 0,
    not_in_area INTEGER NOT NULL DEFAULT 0,
    asked       INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID, STRICT;
CREATE TRIGGER crisis_counts_create AFTER INSERT ON crises BEGIN
    INSERT INTO crisis_counts (crisis_id) VALUES (new.id);
END;
CREATE TRIGGER crisis_counts_mark_insert AFTER INSERT ON safety_marks BEGIN
    UPDATE crisis_counts
    SET safe = safe + (new.status = 'safe'),
        need_help = need_help + (new.status = 'need_help'),
        not_in_area = not_in_area + (new.status = 'not_in_area')
    WHERE crisis_id = new.crisis_id;
END;
CREATE TRIGGER crisis_counts_mark_update AFTER UPDATE OF status ON safety_marks BEGIN
    UPDATE crisis_counts
    SET safe = safe + (new.status = 'safe') - (old.status = 'safe'),
        need_help = need_help + (new.status = 'need_help') - (old.status = 'need_help'),
        not_in_area = not_in_area + (new.status = 'not_in_area') - (old.status = 'not_in_area')
    WHERE crisis_id = new.crisis_id;
END;
CREATE TRIGGER crisis_counts_mark_delete AFTER DELETE ON safety_marks BEGIN
    UPDATE crisis_counts
    SET safe = safe - (old.status = 'safe'),
        need_help = need_help - (old.status = 'need_help'),
        not_in_area = not_in_area - (old.status = 'not_in_area')
    WHERE crisis_id = old.crisis_id;
END;

CREATE TRIGGER crisis_counts_prompt_insert AFTER INSERT ON prompts BEGIN
    UPDATE crisis_counts SET asked = asked + 1 WHERE crisis_id = new.crisis_id;
END;
CREATE TRIGGER crisis_counts_prompt_delete AFTER DELETE ON prompts BEGIN
    UPDATE crisis_counts SET asked = asked - 1 WHERE crisis_id = old.crisis_id;
END;

-- Every safety action, never updated: the current mark is derived, this is what happened.
CREATE TABLE safety_history (
    id         INTEGER PRIMARY KEY,
    crisis_id  BLOB NOT NULL REFERENCES crises (id) ON DELETE CASCADE,
    account_id BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    action     TEXT NOT NULL CHECK (action IN ('own', 'on_behalf', 'confirm', 'reject')),
    -- NULL for a rejection, which leaves no status.
    status     TEXT CHECK (status IN ('safe', 'need_help', 'not_in_area')),
    message    TEXT,
    -- Who acted, when not the person themselves ("by" is reserved in SQL).
    actor      BLOB REFERENCES accounts (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    CHECK ((action = 'reject') = (status IS NULL))
) STRICT;
-- One index serves both readers: a person's history in a crisis (a few rows among their
-- own) and the inbox, which reads each contact's changes newest first. Every index here
-- is paid on each mark.
CREATE INDEX safety_history_account_at ON safety_history (account_id, at);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    event      TEXT NOT NULL CHECK (json_valid(event)),
    at         INTEGER NOT NULL
) STRICT;
CREATE INDEX notifications_account_at ON notifications (account_id, at);

-- Responses kept for replay to retried requests. A rowid table: bodies may be kilobytes.
CREATE TABLE idempotency (
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  BLOB NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('in_progress', 'completed')),
    status       INTEGER,
    content_type TEXT,
    body         BLOB,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (scope, key),
    CHECK ((state = 'completed') = (status IS NOT NULL))
) STRICT;
CREATE INDEX idempotency_created_at ON idempotency (created_at);
