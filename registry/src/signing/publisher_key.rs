//! A publisher's public key, as the registry stores it and as text: `ed25519:<base64>`.

use std::fmt;
use std::str::FromStr;

use super::{KeyError, PackageSignature, SignatureError, decode_prefixed, encode_prefixed};
use crate::PackageDigest;

/// A publisher's ed25519 public key, which verifies their package signatures.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublisherKey(ed25519_dalek::VerifyingKey);

impl PublisherKey {
    pub(super) fn from_verifying_key(key: ed25519_dalek::VerifyingKey) -> Self {
        Self(key)
    }

    /// Checks that `signature` is this key's signature of the package with `digest`.
    ///
    /// Strict verification: non-canonical signatures, which a third party could derive
    /// from a valid one, are refused too.
    pub fn verify(
        &self,
        digest: &PackageDigest,
        signature: &PackageSignature,
    ) -> Result<(), SignatureError> {
        self.0
            .verify_strict(&super::signed_message(digest), signature.as_dalek())
            .map_err(|_| SignatureError::Mismatch {
                key: self.to_string(),
                digest: digest.to_string(),
            })
    }
}

impl fmt::Display for PublisherKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&encode_prefixed(self.0.as_bytes()))
    }
}

impl fmt::Debug for PublisherKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublisherKey({self})")
    }
}

impl FromStr for PublisherKey {
    type Err = KeyError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let malformed = |problem: String| KeyError::MalformedPublicKey {
            text: super::shorten(text, 80),
            problem,
        };
        let bytes = decode_prefixed::<32>(text).map_err(malformed)?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map_err(|_| malformed("it is not a point on the ed25519 curve".to_owned()))?;
        if key.is_weak() {
            return Err(KeyError::WeakPublicKey {
                text: super::shorten(text, 80),
            });
        }
        Ok(Self(key))
    }
}
