//! The package digest: the sha256 of the `.wgp` bytes, which identifies a package and is
//! what its publisher signs. Its text form `sha256:<64 lowercase hex>` is canonical — parse
//! accepts exactly what display writes — because signatures are made over that text.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest as _, Sha256};

/// The text before the hex digits; it names the algorithm so another can follow.
const PREFIX: &str = "sha256:";

/// The sha256 of a package's bytes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PackageDigest([u8; 32]);

/// Hashes a package's bytes.
pub fn digest(bytes: &[u8]) -> PackageDigest {
    PackageDigest(Sha256::digest(bytes).into())
}

impl PackageDigest {
    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for PackageDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{}", hex::encode(self.0))
    }
}

impl fmt::Debug for PackageDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Why a digest's text was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a package digest: expected `sha256:` and 64 lowercase hex digits")]
pub struct DigestParseError {
    /// The text (cut to 80 characters).
    pub text: String,
}

impl FromStr for PackageDigest {
    type Err = DigestParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let refuse = || DigestParseError {
            text: text.chars().take(80).collect(),
        };
        let hex_digits = text.strip_prefix(PREFIX).ok_or_else(refuse)?;
        // Uppercase hex would decode to the same bytes under a different text, and the
        // signature covers the text.
        let canonical = hex_digits.len() == 64
            && hex_digits
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !canonical {
            return Err(refuse());
        }
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(hex_digits, &mut bytes).map_err(|_| refuse())?;
        Ok(Self(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_of_nothing_is_the_known_sha256() {
        assert_eq!(
            digest(b"").to_string(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn the_text_parses_back() {
        let original = digest(b"wangge");
        let parsed: PackageDigest = original.to_string().parse().expect("own text parses");
        assert_eq!(parsed, original);
    }

    #[test]
    fn non_canonical_text_is_refused() {
        let text = digest(b"wangge").to_string();
        for bad in [
            text.to_uppercase(),
            text.replace("sha256:", "sha512:"),
            text.replace("sha256:", ""),
            text[..text.len() - 1].to_owned(),
            format!("{text}0"),
            format!(" {text}"),
            text.replace(&text[7..9], "zz"),
        ] {
            assert!(bad.parse::<PackageDigest>().is_err(), "{bad}");
        }
    }
}
