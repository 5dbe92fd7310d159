//! What a report's photo may be: at most [`MAX_PHOTO_BYTES`], and a JPEG, PNG or WebP as
//! its first bytes say. The file name and the content type the client sent are never
//! consulted: both are the uploader's word, and the type is what the host later serves the
//! bytes as.

/// The largest photo kept: a phone camera's JPEG is 2–4 MB, and every photo is held in
/// memory while it is checked and stored.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;

/// A photo type the host stores and serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoType {
    /// `FF D8 FF`.
    Jpeg,
    /// `89 50 4E 47 0D 0A 1A 0A`.
    Png,
    /// `RIFF`, four size bytes, `WEBP`.
    Webp,
}

impl PhotoType {
    /// The media type it is stored and served as.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }

    /// The type a stored content type names, if it is one of ours.
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        [Self::Jpeg, Self::Png, Self::Webp]
            .into_iter()
            .find(|t| t.content_type() == content_type)
    }
}

/// Why a photo was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    /// Over [`MAX_PHOTO_BYTES`].
    #[error("the photo is larger than {MAX_PHOTO_BYTES} bytes")]
    TooLarge,
    /// Not a JPEG, PNG or WebP by its magic bytes (an empty file included).
    #[error("the photo is not a JPEG, PNG or WebP image")]
    UnknownType,
}

/// The type of `bytes` by their magic numbers, or `None`.
pub fn sniff(bytes: &[u8]) -> Option<PhotoType> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(PhotoType::Jpeg)
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(PhotoType::Png)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(PhotoType::Webp)
    } else {
        None
    }
}

/// Whether a photo of `size` bytes is too large; for checking as the bytes arrive.
pub fn exceeds_limit(size: usize) -> bool {
    size > MAX_PHOTO_BYTES
}

/// The type of a complete photo, if the host takes it.
pub fn check_photo(bytes: &[u8]) -> Result<PhotoType, PhotoError> {
    if exceeds_limit(bytes.len()) {
        return Err(PhotoError::TooLarge);
    }
    sniff(bytes).ok_or(PhotoError::UnknownType)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG_HEADER: &[u8] = &[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];

    #[test]
    fn the_three_types_are_known_by_their_magic_bytes() {
        assert_eq!(
            check_photo(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16]),
            Ok(PhotoType::Jpeg)
        );
        assert_eq!(check_photo(PNG_HEADER), Ok(PhotoType::Png));
        assert_eq!(check_photo(b"RIFF\x24\0\0\0WEBPVP8 "), Ok(PhotoType::Webp));
    }

    #[test]
    fn anything_else_is_refused() {
        for bytes in [
            &b""[..],
            b"\xFF\xD8",
            b"plain text named photo.jpg",
            b"GIF89a\x01\0\x01\0",
            b"RIFF\x24\0\0\0WAVEfmt ",
            b"RIFF\0\0\0WEBP",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            b"%PDF-1.7",
            &PNG_HEADER[..7],
        ] {
            assert_eq!(
                check_photo(bytes),
                Err(PhotoError::UnknownType),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn five_mebibytes_is_the_most() {
        let mut at_limit = vec![0u8; MAX_PHOTO_BYTES];
        at_limit[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
        assert_eq!(check_photo(&at_limit), Ok(PhotoType::Jpeg));
        at_limit.push(0);
        assert_eq!(check_photo(&at_limit), Err(PhotoError::TooLarge));
        assert!(!exceeds_limit(MAX_PHOTO_BYTES));
        assert!(exceeds_limit(MAX_PHOTO_BYTES + 1));
    }

    #[test]
    fn stored_content_types_map_back() {
        for t in [PhotoType::Jpeg, PhotoType::Png, PhotoType::Webp] {
            assert_eq!(PhotoType::from_content_type(t.content_type()), Some(t));
        }
        assert_eq!(PhotoType::from_content_type("text/html"), None);
    }
}
