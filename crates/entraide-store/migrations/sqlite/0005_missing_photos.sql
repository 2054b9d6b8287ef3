-- Photos of missing-person records and of their notes (issue 4): the uploaded image,
-- already resized by the server to a display size and a thumbnail. One photo per record
-- (note_id NULL) and one per note; a new upload replaces the old one.
CREATE TABLE missing_photos (
    id           BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    record_id    BLOB NOT NULL REFERENCES missing_records (id) ON DELETE CASCADE,
    note_id      BLOB REFERENCES missing_notes (id) ON DELETE CASCADE,
    uploaded_by  BLOB NOT NULL,
    content_type TEXT NOT NULL,
    display      BLOB NOT NULL,
    thumbnail    BLOB NOT NULL,
    uploaded_at  INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX missing_photos_owner ON missing_photos (record_id, coalesce(note_id, x''));
