//! A package signature as text: `ed25519:<base64 of 64 bytes>`.

use std::fmt;
use std::str::FromStr;

use super::{SignatureError, decode_prefixed, encode_prefixed};

/// A publisher's ed25519 signature of a package digest (see [`super::signed_message`]).
#[derive(Clone, PartialEq, Eq)]
pub struct PackageSignature(ed25519_dalek::Signature);

impl PackageSignature {
    pub(super) fn from_dalek(signature: ed25519_dalek::Signature) -> Self {
        Self(signature)
    }

    pub(super) fn as_dalek(&self) -> &ed25519_dalek::Signature {
        &self.0
    }
}

impl fmt::Display for PackageSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&encode_prefixed(&self.0.to_bytes()))
    }
}

impl fmt::Debug for PackageSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PackageSignature({self})")
    }
}

impl FromStr for PackageSignature {
    type Err = SignatureError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bytes = decode_prefixed::<64>(text).map_err(|problem| SignatureError::Malformed {
            text: super::shorten(text, 120),
            problem,
        })?;
        Ok(Self(ed25519_dalek::Signature::from_bytes(&bytes)))
    }
}
