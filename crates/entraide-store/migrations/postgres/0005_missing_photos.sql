-- Photos of missing-person records and of their notes (issue 4): the uploaded image,
-- already resized by the server to a display size and a thumbnail. One photo per record
-- (note_id NULL) and one per note; a new upload replaces the old one.
CREATE TABLE missing_photos (
    id           uuid PRIMARY KEY,
    record_id    uuid NOT NULL REFERENCES missing_records (id) ON DELETE CASCADE,
    note_id      uuid REFERENCES missing_notes (id) ON DELETE CASCADE,
    uploaded_by  uuid NOT NULL,
    content_type text NOT NULL,
    display      bytea NOT NULL,
    thumbnail    bytea NOT NULL,
    uploaded_at  timestamptz NOT NULL
);

CREATE UNIQUE INDEX missing_photos_owner
    ON missing_photos (record_id, coalesce(note_id, '00000000-0000-0000-0000-000000000000'));
