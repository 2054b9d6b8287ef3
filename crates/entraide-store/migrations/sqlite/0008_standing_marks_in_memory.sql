-- Safety marks are durable once their row is appended to `safety_history`; the marks that
-- stand live in memory (`sqlite::standing`), and `safety_marks` becomes their snapshot,
-- written in batches by the writer.
--
-- Each mark used to dirty two random B-tree leaves before it was acknowledged: the
-- history's index by person and the standing mark's row. One such leaf per mark held marks
-- over HTTP under 50,000/s on two cores (README, Performance, session 17). Nothing reads
-- the history by person any more: the inbox reads where contacts stand. The history keeps
-- an index by crisis, whose new entries all land on the last leaf of their crisis.

DROP INDEX safety_history_account_at;
CREATE INDEX safety_history_crisis ON safety_history (crisis_id);

-- Each row of the snapshot names the last history row it reflects, and every history row
-- up to `safety_marks_applied.history_id` is reflected: a start replays the history after
-- it, skipping what a row reflects already. Until now the table was always up to date.
ALTER TABLE safety_marks ADD COLUMN history_id INTEGER NOT NULL DEFAULT 0;
CREATE TABLE safety_marks_applied (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    history_id INTEGER NOT NULL
) STRICT;
INSERT INTO safety_marks_applied (id, history_id)
SELECT 1, coalesce(max(id), 0) FROM safety_history;
