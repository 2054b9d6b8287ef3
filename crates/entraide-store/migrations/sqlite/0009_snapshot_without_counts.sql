-- Since 0008 every read of statuses answers from the marks held in memory: the counts of a
-- crisis, the need-help list, contacts' statuses. `safety_marks` is only read back at a
-- start. What kept it readable on its own is upkeep the writer pays for nothing: three
-- triggers that moved the counts of `crisis_counts` on each row written to the snapshot,
-- and the index of who needs help, a random leaf more for each such row.
--
-- `crisis_counts` keeps `asked`, which `prompts` still keeps up to date and is read from
-- here.

DROP TRIGGER crisis_counts_mark_insert;
DROP TRIGGER crisis_counts_mark_update;
DROP TRIGGER crisis_counts_mark_delete;
DROP INDEX safety_marks_need_help;
ALTER TABLE crisis_counts DROP COLUMN safe;
ALTER TABLE crisis_counts DROP COLUMN need_help;
ALTER TABLE crisis_counts DROP COLUMN not_in_area;
