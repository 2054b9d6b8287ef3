-- Open Doors (#PorteOuverte): hosts' offers of places, requests for them, reports, and the
-- responders' approvals of new hosts. Conventions as in 0001.

CREATE TABLE shelter_offers (
    id         BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    host_id    BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    crisis_id  BLOB REFERENCES crises (id) ON DELETE SET NULL,
    -- The exact place and address: private to the host and accepted guests.
    lat        REAL NOT NULL,
    lon        REAL NOT NULL,
    address    TEXT NOT NULL,
    contact    TEXT,
    capacity   INTEGER NOT NULL CHECK (capacity > 0),
    -- Places held by accepted and arrived guests. The conditional update that reserves
    -- them keeps taken <= capacity; the CHECK is the last line of defence.
    taken      INTEGER NOT NULL CHECK (taken >= 0 AND taken <= capacity),
    features   TEXT NOT NULL,
    note       TEXT,
    until      INTEGER,
    status     TEXT NOT NULL CHECK (status IN ('open', 'paused', 'closed')),
    hidden     INTEGER NOT NULL CHECK (hidden IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID, STRICT;
CREATE INDEX shelter_offers_host ON shelter_offers (host_id, created_at);
-- What the search index loads at start.
CREATE INDEX shelter_offers_searchable ON shelter_offers (status) WHERE status = 'open' AND hidden = 0;

CREATE TABLE shelter_requests (
    id         BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    offer_id   BLOB NOT NULL REFERENCES shelter_offers (id) ON DELETE CASCADE,
    guest_id   BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    party      INTEGER NOT NULL CHECK (party > 0),
    message    TEXT,
    status     TEXT NOT NULL CHECK (status IN
                   ('pending', 'accepted', 'declined', 'lapsed', 'cancelled', 'arrived', 'hidden')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID, STRICT;
CREATE INDEX shelter_requests_offer ON shelter_requests (offer_id, created_at);
CREATE INDEX shelter_requests_guest ON shelter_requests (guest_id, created_at);
-- The lapse sweep reads only what is waiting.
CREATE INDEX shelter_requests_pending ON shelter_requests (created_at) WHERE status = 'pending';
-- One live request per guest and offer: asking again is not a way to jump the queue.
CREATE UNIQUE INDEX shelter_requests_live ON shelter_requests (offer_id, guest_id)
    WHERE status IN ('pending', 'accepted', 'arrived');

-- One report per reporter and target, so no one hides an offer alone.
CREATE TABLE shelter_reports (
    target_kind TEXT NOT NULL CHECK (target_kind IN ('offer', 'account')),
    target_id   BLOB NOT NULL CHECK (length(target_id) = 16),
    reporter_id BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    at          INTEGER NOT NULL,
    resolved_at INTEGER,
    PRIMARY KEY (target_kind, target_id, reporter_id)
) WITHOUT ROWID, STRICT;
CREATE INDEX shelter_reports_open ON shelter_reports (at) WHERE resolved_at IS NULL;

-- New accounts publish offers only once vouched for: a mutual contact, or this.
CREATE TABLE shelter_host_approvals (
    account_id  BLOB PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    approved_by BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL
) WITHOUT ROWID, STRICT;
