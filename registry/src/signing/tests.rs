//! Signing and verifying: what verifies, and how each refusal is named.

use super::*;
use crate::{PackageDigest, digest};

fn key() -> SigningKey {
    SigningKey::generate().expect("the system random source works")
}

#[test]
fn a_signature_verifies_with_the_signers_public_key() {
    let key = key();
    let digest = digest(b"a package");
    let signature = key.sign(&digest);
    assert!(verify(&key.public_key(), &digest, &signature).is_ok());
}

#[test]
fn another_key_is_refused() {
    let digest = digest(b"a package");
    let signature = key().sign(&digest);
    let error = verify(&key().public_key(), &digest, &signature).err();
    assert!(
        matches!(error, Some(SignatureError::Mismatch { .. })),
        "{error:?}"
    );
    let message = error.map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("signed with another key"), "{message}");
}

#[test]
fn a_flipped_digest_bit_is_refused() {
    let key = key();
    let digest = digest(b"a package");
    let signature = key.sign(&digest);
    let mut bytes = *digest.as_bytes();
    bytes[31] ^= 1;
    let tampered: PackageDigest = format!("sha256:{}", hex::encode(bytes))
        .parse()
        .expect("a digest");
    let error = verify(&key.public_key(), &tampered, &signature).err();
    assert!(
        matches!(error, Some(SignatureError::Mismatch { .. })),
        "{error:?}"
    );
}

#[test]
fn a_flipped_signature_bit_is_refused() {
    use base64::Engine as _;
    let key = key();
    let digest = digest(b"a package");
    let text = key.sign(&digest).to_string();
    let mut bytes = base64::engine::general_purpose::STANDARD
        .decode(&text["ed25519:".len()..])
        .expect("own signature decodes");
    bytes[5] ^= 0x10;
    let flipped: PackageSignature = encode_prefixed(&bytes).parse().expect("still well formed");
    assert!(matches!(
        verify(&key.public_key(), &digest, &flipped),
        Err(SignatureError::Mismatch { .. })
    ));
}

#[test]
fn the_signed_message_is_domain_separated() {
    let digest = digest(b"a package");
    let message = signed_message(&digest);
    assert_eq!(message, format!("wangge-package-v1\n{digest}").into_bytes());
    // A signature over the bare digest text (some other protocol's message) does not pass.
    use base64::Engine as _;
    let key = key();
    let secret = key.to_secret_text();
    let seed: [u8; 32] = base64::engine::general_purpose::STANDARD
        .decode(
            secret
                .trim_end()
                .trim_start_matches("wangge-secret-key-v1 "),
        )
        .expect("own secret decodes")
        .try_into()
        .expect("32 bytes");
    let dalek = ed25519_dalek::SigningKey::from_bytes(&seed);
    let bare = PackageSignature::from_dalek(ed25519_dalek::Signer::sign(
        &dalek,
        digest.to_string().as_bytes(),
    ));
    assert!(verify(&key.public_key(), &digest, &bare).is_err());
}

#[test]
fn keys_and_signatures_round_trip_through_text() {
    let key = key();
    let public = key.public_key();
    let text = public.to_string();
    assert!(text.starts_with("ed25519:"), "{text}");
    assert_eq!(text.parse::<PublisherKey>().ok(), Some(public));

    let digest = digest(b"a package");
    let signature = key.sign(&digest);
    let parsed: PackageSignature = signature.to_string().parse().expect("own text parses");
    assert_eq!(parsed, signature);

    let secret = key.to_secret_text();
    assert!(secret.starts_with("wangge-secret-key-v1 ") && secret.ends_with('\n'));
    let restored = SigningKey::from_secret_text(&secret).expect("own text parses");
    assert_eq!(restored.public_key(), public);
}

#[test]
fn malformed_public_keys_are_refused() {
    let good = key().public_key().to_string();
    for bad in [
        good.replace("ed25519:", ""),
        good.replace("ed25519:", "rsa:"),
        format!("{good}AAAA"),
        good[..good.len() - 4].to_owned(),
        "ed25519:!!!!".to_owned(),
        String::new(),
    ] {
        let error = bad.parse::<PublisherKey>().err();
        assert!(
            matches!(error, Some(KeyError::MalformedPublicKey { .. })),
            "{bad}: {error:?}"
        );
    }
}

#[test]
fn a_weak_public_key_is_refused() {
    // The identity point: every signature with R = identity, s = 0 would verify under it.
    let identity = encode_prefixed(&{
        let mut bytes = [0u8; 32];
        bytes[0] = 1;
        bytes
    });
    assert!(matches!(
        identity.parse::<PublisherKey>(),
        Err(KeyError::WeakPublicKey { .. })
    ));
}

#[test]
fn malformed_signatures_are_refused() {
    let good = key().sign(&digest(b"x")).to_string();
    for bad in [
        good.replace("ed25519:", ""),
        good[..good.len() - 8].to_owned(),
        format!("{good}="),
        key().public_key().to_string(),
        "ed25519:".to_owned(),
    ] {
        let error = bad.parse::<PackageSignature>().err();
        assert!(
            matches!(error, Some(SignatureError::Malformed { .. })),
            "{bad}: {error:?}"
        );
    }
}

#[test]
fn malformed_secret_keys_are_refused_without_repeating_them() {
    let good = key().to_secret_text();
    for bad in [
        good.replace("wangge-secret-key-v1 ", ""),
        good.replace("v1", "v2"),
        good.replace(' ', "  "),
        format!("{good}\n"),
        "wangge-secret-key-v1 AAAA\n".to_owned(),
    ] {
        let error = SigningKey::from_secret_text(&bad).err();
        let message = error.as_ref().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            matches!(error, Some(KeyError::MalformedSecretKey { .. })),
            "{message}"
        );
        let encoded = good.split(' ').nth(1).unwrap_or_default().trim();
        assert!(
            !message.contains(encoded),
            "the secret leaked into: {message}"
        );
    }
}

#[test]
fn debug_shows_only_the_public_key() {
    let key = key();
    let debug = format!("{key:?}");
    let secret = key.to_secret_text();
    let encoded = secret.split(' ').nth(1).unwrap_or_default().trim();
    assert!(!debug.contains(encoded), "{debug}");
    assert!(debug.contains(&key.public_key().to_string()), "{debug}");
}

#[test]
fn a_key_file_is_private_and_never_overwritten() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("publisher.key");
    let key = key();
    key.write_key_file(&path).expect("a new key file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path)
            .expect("written")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }
    let read = SigningKey::read_key_file(&path).expect("own file reads");
    assert_eq!(read.public_key(), key.public_key());
    assert!(matches!(
        SigningKey::generate().expect("a key").write_key_file(&path),
        Err(KeyError::KeyFileExists { .. })
    ));
    assert_eq!(
        SigningKey::read_key_file(&path)
            .map(|k| k.public_key())
            .ok(),
        Some(key.public_key()),
        "the first key is still there"
    );
}

#[cfg(unix)]
#[test]
fn a_key_file_others_can_read_is_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("publisher.key");
    key().write_key_file(&path).expect("a new key file");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let error = SigningKey::read_key_file(&path).err();
    assert!(
        matches!(error, Some(KeyError::InsecureKeyFile { mode: 0o644, .. })),
        "{error:?}"
    );
}
