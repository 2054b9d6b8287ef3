-- The inbox reads where a person's contacts stand (their rows of `safety_marks`) instead of
-- every step of their history, as on SQLite, where that spares each mark a random leaf of
-- an index by person. The history is no longer read by person.
DROP INDEX safety_history_account_at;
CREATE INDEX safety_marks_account ON safety_marks (account_id);
