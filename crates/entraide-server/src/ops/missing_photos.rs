//! Photos of missing-person records (issue 4): an upload (JPEG, PNG or WebP, at most
//! [`PHOTO_MAX_BYTES`]) is decoded, resized to a display size and a thumbnail, re-encoded as
//! JPEG (which also drops whatever metadata the original carried, GPS position included),
//! and stored.

use crate::error::{AppError, AppResult, Denial};
use crate::state::AppState;
use entraide_core::{Invalid, Invalids, MissingId, MissingNoteId, Rule};
use entraide_store::{Account, MissingPhoto};
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use std::collections::HashMap;
use std::io::Cursor;
use uuid::Uuid;

/// The largest upload accepted, in bytes.
pub const PHOTO_MAX_BYTES: usize = 5 * 1024 * 1024;
/// The longest side of the display size, in pixels.
pub const DISPLAY_MAX_SIDE: u32 = 640;
/// The longest side of the thumbnail, in pixels.
pub const THUMBNAIL_MAX_SIDE: u32 = 160;
/// Both sizes are stored as JPEG.
pub const PHOTO_CONTENT_TYPE: &str = "image/jpeg";
/// A decoded image may not exceed this many pixels a side: a small file can claim a huge
/// canvas, and decoding it would take the memory of the server.
const DECODE_MAX_SIDE: u32 = 12_000;
const JPEG_QUALITY: u8 = 85;

fn refused(rule: Rule) -> AppError {
    AppError::Invalid(Invalids(vec![Invalid::broke("photo", rule)]))
}

/// The refusal of an upload over [`PHOTO_MAX_BYTES`], wherever it is noticed.
pub fn too_large() -> AppError {
    refused(Rule::PhotoTooLarge {
        megabytes: PHOTO_MAX_BYTES / (1024 * 1024),
    })
}

/// The two sizes of a photo, JPEG-encoded.
pub struct Resized {
    pub display: Vec<u8>,
    pub thumbnail: Vec<u8>,
}

/// Decodes an upload and makes its two sizes; a refusal says why, for the `photo` field.
pub fn resize_photo(upload: &[u8]) -> AppResult<Resized> {
    if upload.len() > PHOTO_MAX_BYTES {
        return Err(too_large());
    }
    let mut reader = ImageReader::new(Cursor::new(upload))
        .with_guessed_format()
        .map_err(|_| refused(Rule::NotAnImage))?;
    match reader.format() {
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) => {}
        _ => return Err(refused(Rule::PhotoFormat)),
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(DECODE_MAX_SIDE);
    limits.max_image_height = Some(DECODE_MAX_SIDE);
    reader.limits(limits);
    let image = reader
        .decode()
        .map_err(|_| refused(Rule::PhotoUnreadable))?;
    Ok(Resized {
        display: jpeg(&fit(&image, DISPLAY_MAX_SIDE))?,
        thumbnail: jpeg(&fit(&image, THUMBNAIL_MAX_SIDE))?,
    })
}

/// Shrinks to fit `side` × `side`, keeping the proportions; a smaller image is kept as is.
fn fit(image: &DynamicImage, side: u32) -> DynamicImage {
    if image.width() <= side && image.height() <= side {
        image.clone()
    } else {
        image.thumbnail(side, side)
    }
}

fn jpeg(image: &DynamicImage) -> AppResult<Vec<u8>> {
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
    DynamicImage::ImageRgb8(image.to_rgb8())
        .write_with_encoder(encoder)
        .map_err(|e| AppError::Internal(format!("encoding a photo: {e}")))?;
    Ok(out)
}

impl AppState {
    /// Sets (or replaces) the photo of a record (`note` None: the reporter or a responder)
    /// or of one of its notes (the note's author or a responder). Returns the photo's id.
    pub async fn set_missing_photo(
        &self,
        me: &Account,
        record: MissingId,
        note: Option<MissingNoteId>,
        upload: Vec<u8>,
    ) -> AppResult<Uuid> {
        let stored = self.live_missing(record).await?;
        let entitled = match note {
            None => stored.reporter_account == Some(me.id),
            Some(note) => {
                let notes = self.store.missing_notes(record).await?;
                let note = notes
                    .iter()
                    .find(|n| n.id == note)
                    .ok_or_else(|| AppError::not_found("missing-person note"))?;
                note.author.account == Some(me.id)
            }
        };
        if !entitled && !me.role.is_responder() {
            return Err(AppError::Forbidden(Denial::SetPhoto));
        }
        let resized = tokio::task::spawn_blocking(move || resize_photo(&upload))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
        let photo = MissingPhoto {
            id: Uuid::new_v4(),
            record,
            note,
            uploaded_by: me.id,
            content_type: PHOTO_CONTENT_TYPE.into(),
            display: resized.display,
            thumbnail: resized.thumbnail,
            uploaded_at: chrono::Utc::now(),
        };
        self.store.put_missing_photo(&photo).await?;
        Ok(photo.id)
    }

    /// The photo ids of a record (`None`) and of its notes.
    pub async fn missing_photos_of(
        &self,
        record: MissingId,
    ) -> AppResult<HashMap<Option<MissingNoteId>, Uuid>> {
        Ok(self
            .store
            .missing_photo_ids(record)
            .await?
            .into_iter()
            .collect())
    }
}
