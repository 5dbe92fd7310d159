//! A publisher's secret key: generated from the system's random source, kept in a one-line
//! text form `wangge-secret-key-v1 <base64 of the 32-byte seed>`.

use std::fmt;

use base64::Engine as _;
use ed25519_dalek::Signer as _;

use super::{KeyError, PackageSignature, PublisherKey};
use crate::PackageDigest;

/// The first word of a secret key's text; versioned so the format can change.
const SECRET_KEY_TAG: &str = "wangge-secret-key-v1";

/// A publisher's ed25519 secret key. Its memory is wiped when dropped, and `Debug` shows
/// only the public half.
pub struct SigningKey(ed25519_dalek::SigningKey);

impl SigningKey {
    /// Generates a new key from the operating system's random source.
    pub fn generate() -> Result<Self, KeyError> {
        let mut seed = [0u8; ed25519_dalek::SECRET_KEY_LENGTH];
        getrandom::fill(&mut seed).map_err(|error| KeyError::Random(error.to_string()))?;
        Ok(Self(ed25519_dalek::SigningKey::from_bytes(&seed)))
    }

    /// The public key that verifies this key's signatures.
    pub fn public_key(&self) -> PublisherKey {
        PublisherKey::from_verifying_key(self.0.verifying_key())
    }

    /// Signs the package with `digest`.
    pub fn sign(&self, digest: &PackageDigest) -> PackageSignature {
        PackageSignature::from_dalek(self.0.sign(&super::signed_message(digest)))
    }

    /// The secret key as one line of text, for a key file. Treat it as the key itself.
    pub fn to_secret_text(&self) -> String {
        format!(
            "{SECRET_KEY_TAG} {}\n",
            base64::engine::general_purpose::STANDARD.encode(self.0.as_bytes())
        )
    }

    /// Reads the text written by [`SigningKey::to_secret_text`] (one trailing newline is
    /// accepted). Error messages never repeat the text.
    pub fn from_secret_text(text: &str) -> Result<Self, KeyError> {
        let malformed = |problem: &str| KeyError::MalformedSecretKey {
            problem: problem.to_owned(),
        };
        let line = text
            .strip_suffix('\n')
            .map(|line| line.strip_suffix('\r').unwrap_or(line))
            .unwrap_or(text);
        let encoded = line
            .strip_prefix(SECRET_KEY_TAG)
            .and_then(|rest| rest.strip_prefix(' '))
            .ok_or_else(|| malformed("it does not start with `wangge-secret-key-v1 `"))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| malformed("the base64 does not decode"))?;
        let seed: [u8; ed25519_dalek::SECRET_KEY_LENGTH] = bytes
            .try_into()
            .map_err(|_| malformed("it does not hold 32 bytes"))?;
        Ok(Self(ed25519_dalek::SigningKey::from_bytes(&seed)))
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey(public: {})", self.public_key())
    }
}
