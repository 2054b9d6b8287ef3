-- The Safety Check foundation: accounts, contacts, locations, crises and marks.
-- Identifiers are v7 UUIDs made by the application; times are timestamptz (UTC in, UTC out).

CREATE TABLE accounts (
    id            uuid PRIMARY KEY,
    handle        text NOT NULL CONSTRAINT accounts_handle_key UNIQUE,
    display_name  text NOT NULL,
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('person', 'responder', 'admin')),
    created_at    timestamptz NOT NULL
);

CREATE TABLE sessions (
    -- SHA-256 of the token: a stolen database holds no usable token.
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- A link is two directed rows, one per side, so that "my contacts" is one index range.
-- Both rows change in the same transaction.
CREATE TABLE contacts (
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    contact_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    state      text NOT NULL CHECK (state IN ('outgoing', 'incoming', 'mutual')),
    since      timestamptz NOT NULL,
    PRIMARY KEY (account_id, contact_id),
    CHECK (account_id <> contact_id)
);
-- Deleting an account cascades through contact_id too; without this, each deletion scans.
CREATE INDEX contacts_contact ON contacts (contact_id);

-- Every reported position, for later features (calls for witnesses near a place and time).
CREATE TABLE locations (
    id         bigserial PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    lat        double precision NOT NULL,
    lon        double precision NOT NULL,
    accuracy_m double precision NOT NULL,
    at         timestamptz NOT NULL
);
CREATE INDEX locations_account_at ON locations (account_id, at);

-- The one position per person that decides who is asked.
CREATE TABLE latest_locations (
    account_id uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    lat        double precision NOT NULL,
    lon        double precision NOT NULL,
    accuracy_m double precision NOT NULL,
    at         timestamptz NOT NULL
);
-- A crisis zone is a few kilometres across: the latitude range is selective enough, and
-- the longitude filter runs on the index entries.
CREATE INDEX latest_locations_lat_lon ON latest_locations (lat, lon);

CREATE TABLE homes (
    account_id uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    zone       jsonb NOT NULL,
    min_lon    double precision NOT NULL,
    min_lat    double precision NOT NULL,
    max_lon    double precision NOT NULL,
    max_lat    double precision NOT NULL
);
-- Homes are areas, not points: finding those that overlap a zone is a box-overlap query,
-- which a GiST index on the built-in box type answers without any extension.
CREATE INDEX homes_bbox ON homes USING gist (box(point(min_lon, min_lat), point(max_lon, max_lat)));

CREATE TABLE crises (
    id          uuid PRIMARY KEY,
    title       text NOT NULL,
    description text NOT NULL,
    kind        text NOT NULL,
    zone        jsonb NOT NULL,
    status      text NOT NULL CHECK (status IN ('proposed', 'active', 'closed', 'retracted')),
    starts_at   timestamptz NOT NULL,
    expires_at  timestamptz,
    created_by  uuid REFERENCES accounts (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX crises_created_at ON crises (created_at DESC, id DESC);
CREATE INDEX crises_status_created_at ON crises (status, created_at DESC, id DESC);

CREATE TABLE prompts (
    crisis_id  uuid NOT NULL REFERENCES crises (id) ON DELETE CASCADE,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    asked_at   timestamptz NOT NULL,
    PRIMARY KEY (crisis_id, account_id)
);
CREATE INDEX prompts_account ON prompts (account_id, asked_at DESC);

-- The mark that stands now, one per person and crisis.
CREATE TABLE safety_marks (
    crisis_id  uuid NOT NULL REFERENCES crises (id) ON DELETE CASCADE,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status     text NOT NULL CHECK (status IN ('safe', 'need_help', 'not_in_area')),
    message    text,
    origin     text NOT NULL CHECK (origin IN ('own', 'on_behalf')),
    marked_by  uuid REFERENCES accounts (id) ON DELETE CASCADE,
    at         timestamptz NOT NULL,
    PRIMARY KEY (crisis_id, account_id),
    CHECK ((origin = 'on_behalf') = (marked_by IS NOT NULL))
);
-- Counts per status, and the list of people who need help.
CREATE INDEX safety_marks_crisis_status ON safety_marks (crisis_id, status);

-- Every safety action, never updated: the latest mark is derived, this is what happened.
CREATE TABLE safety_history (
    id         bigserial PRIMARY KEY,
    crisis_id  uuid NOT NULL REFERENCES crises (id) ON DELETE CASCADE,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    action     text NOT NULL CHECK (action IN ('own', 'on_behalf', 'confirm', 'reject')),
    -- NULL for a rejection, which leaves no status.
    status     text CHECK (status IN ('safe', 'need_help', 'not_in_area')),
    message    text,
    -- Who acted, when not the person themselves ("by" is reserved in SQL).
    actor      uuid REFERENCES accounts (id) ON DELETE CASCADE,
    at         timestamptz NOT NULL,
    CHECK ((action = 'reject') = (status IS NULL))
);
CREATE INDEX safety_history_person ON safety_history (crisis_id, account_id, at);
-- The inbox reads contacts' changes newest first.
CREATE INDEX safety_history_account_at ON safety_history (account_id, at DESC);

CREATE TABLE notifications (
    id         bigserial PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    event      jsonb NOT NULL,
    at         timestamptz NOT NULL
);
CREATE INDEX notifications_account_at ON notifications (account_id, at DESC);

CREATE TABLE idempotency (
    scope        text NOT NULL,
    key          text NOT NULL,
    fingerprint  bytea NOT NULL,
    state        text NOT NULL CHECK (state IN ('in_progress', 'completed')),
    status       integer,
    content_type text,
    body         bytea,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (scope, key),
    CHECK ((state = 'completed') = (status IS NOT NULL))
);
CREATE INDEX idempotency_created_at ON idempotency (created_at);
