-- An account's email address, for the mails of what it follows (a missing-person record's
-- new notes). Kept apart from `accounts`, so no query that reads an account for someone
-- else ever carries it: only the account itself reads it, and the mailer.
CREATE TABLE account_emails (
    account_id BLOB PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email      TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    set_at     INTEGER NOT NULL
) STRICT;
