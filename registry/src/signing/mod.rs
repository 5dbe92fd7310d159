//! Publisher signatures over package digests (ed25519).
//!
//! A publisher signs the text `wangge-package-v1\n` + `sha256:<hex>`, not the bare digest
//! bytes: the domain separator means a signature made for a package can never be replayed
//! as a signature over anything else the same key may sign later (a key rotation, an API
//! request), its `v1` lets the scheme change without ambiguity, and signing the digest's
//! text binds the hash algorithm's name into what is signed.

mod key_file;
mod publisher_key;
mod signature;
mod signing_key;

use std::path::PathBuf;

use crate::PackageDigest;

pub use publisher_key::PublisherKey;
pub use signature::PackageSignature;
pub use signing_key::SigningKey;

/// What precedes the digest's text in every signed message.
pub const DOMAIN_SEPARATOR: &str = "wangge-package-v1\n";

/// The prefix of public keys and signatures in text: the algorithm, so another can follow.
const ALGORITHM_PREFIX: &str = "ed25519:";

/// The exact bytes a publisher signs for a package.
pub fn signed_message(digest: &PackageDigest) -> Vec<u8> {
    format!("{DOMAIN_SEPARATOR}{digest}").into_bytes()
}

/// Checks that `signature` is `key`'s signature of the package with `digest`.
pub fn verify(
    key: &PublisherKey,
    digest: &PackageDigest,
    signature: &PackageSignature,
) -> Result<(), SignatureError> {
    key.verify(digest, signature)
}

/// Why a key or a key file was refused.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The public key's text does not parse.
    #[error(
        "`{text}` is not a publisher key: {problem}; expected `ed25519:` and the base64 of \
         32 bytes"
    )]
    MalformedPublicKey {
        /// The text (cut to 80 characters).
        text: String,
        /// What is wrong.
        problem: String,
    },
    /// A small-order key, under which forged signatures could verify.
    #[error(
        "`{text}` is a weak ed25519 key that would accept forged signatures: generate a new key"
    )]
    WeakPublicKey {
        /// The key's text.
        text: String,
    },
    /// The secret key's text does not parse. The text itself is never repeated.
    #[error(
        "the secret key is malformed: {problem}; expected one line `wangge-secret-key-v1 \
         <base64 of 32 bytes>`"
    )]
    MalformedSecretKey {
        /// What is wrong.
        problem: String,
    },
    /// Refusing to overwrite a key file: a lost secret key cannot be recovered.
    #[error("{} already exists: choose another path or remove it first", path.display())]
    KeyFileExists {
        /// The file.
        path: PathBuf,
    },
    /// A secret key file others may read (as ssh does, such a key is not used).
    #[error(
        "{} is readable by other users (mode {mode:o}): run `chmod 600` on it, and consider \
         the key exposed",
        path.display()
    )]
    InsecureKeyFile {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// A key file could not be read or written.
    #[error("key file {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The reason.
        source: std::io::Error,
    },
    /// The operating system's random source failed.
    #[error("cannot generate a key: the system random source failed: {0}")]
    Random(String),
}

/// Why a signature was refused.
#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    /// The signature's text does not parse.
    #[error(
        "`{text}` is not a package signature: {problem}; expected `ed25519:` and the base64 \
         of 64 bytes"
    )]
    Malformed {
        /// The text (cut to 120 characters).
        text: String,
        /// What is wrong.
        problem: String,
    },
    /// The signature is well formed but does not verify. Ed25519 cannot tell a changed
    /// package from another signer, so the message names both.
    #[error(
        "the signature does not verify for package {digest} with publisher key {key}: the \
         package was changed after it was signed, or it was signed with another key"
    )]
    Mismatch {
        /// The publisher key it was checked against.
        key: String,
        /// The digest it was checked for.
        digest: String,
    },
}

/// Decodes `ed25519:<base64>` into exactly `N` bytes, or says what is wrong.
fn decode_prefixed<const N: usize>(text: &str) -> Result<[u8; N], String> {
    use base64::Engine as _;
    let encoded = text
        .strip_prefix(ALGORITHM_PREFIX)
        .ok_or_else(|| "it does not start with `ed25519:`".to_owned())?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|error| format!("the base64 does not decode ({error})"))?;
    let length = bytes.len();
    bytes
        .try_into()
        .map_err(|_| format!("it holds {length} bytes, not {N}"))
}

/// Encodes bytes as `ed25519:<base64>`.
fn encode_prefixed(bytes: &[u8]) -> String {
    use base64::Engine as _;
    format!(
        "{ALGORITHM_PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// Cuts user-supplied text for an error message.
fn shorten(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

#[cfg(test)]
mod tests;
