-- Open Doors (#PorteOuverte): hosts' offers of places, requests for them, reports, and the
-- responders' approvals of new hosts.

CREATE TABLE shelter_offers (
    id         uuid PRIMARY KEY,
    host_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    crisis_id  uuid REFERENCES crises (id) ON DELETE SET NULL,
    -- The exact place and address: private to the host and accepted guests.
    lat        double precision NOT NULL,
    lon        double precision NOT NULL,
    address    text NOT NULL,
    contact    text,
    capacity   integer NOT NULL CHECK (capacity > 0),
    -- Places held by accepted and arrived guests. The conditional update that reserves
    -- them keeps taken <= capacity; the CHECK is the last line of defence.
    taken      integer NOT NULL CHECK (taken >= 0 AND taken <= capacity),
    features   text NOT NULL,
    note       text,
    until      timestamptz,
    status     text NOT NULL CHECK (status IN ('open', 'paused', 'closed')),
    hidden     boolean NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX shelter_offers_host ON shelter_offers (host_id, created_at);
CREATE INDEX shelter_offers_searchable ON shelter_offers (status) WHERE status = 'open' AND NOT hidden;

CREATE TABLE shelter_requests (
    id         uuid PRIMARY KEY,
    offer_id   uuid NOT NULL REFERENCES shelter_offers (id) ON DELETE CASCADE,
    guest_id   uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    party      integer NOT NULL CHECK (party > 0),
    message    text,
    status     text NOT NULL CHECK (status IN
                   ('pending', 'accepted', 'declined', 'lapsed', 'cancelled', 'arrived', 'hidden')),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX shelter_requests_offer ON shelter_requests (offer_id, created_at);
CREATE INDEX shelter_requests_guest ON shelter_requests (guest_id, created_at);
CREATE INDEX shelter_requests_pending ON shelter_requests (created_at) WHERE status = 'pending';
CREATE UNIQUE INDEX shelter_requests_live ON shelter_requests (offer_id, guest_id)
    WHERE status IN ('pending', 'accepted', 'arrived');

CREATE TABLE shelter_reports (
    target_kind text NOT NULL CHECK (target_kind IN ('offer', 'account')),
    target_id   uuid NOT NULL,
    reporter_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    reason      text NOT NULL,
    at          timestamptz NOT NULL,
    resolved_at timestamptz,
    PRIMARY KEY (target_kind, target_id, reporter_id)
);
CREATE INDEX shelter_reports_open ON shelter_reports (at) WHERE resolved_at IS NULL;

CREATE TABLE shelter_host_approvals (
    account_id  uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    approved_by uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL
);
