//! The registry's operations on both engines: publish with its refusals, review, yank,
//! search and download, and the audit rows they leave.

use sqlx::Row;
use wangge_registry::{Package, SigningKey, digest};

use super::*;
use crate::db::Db;
use crate::db::test_engines::on_both_engines;

/// A package of plugin `id` at `version` by publisher `acme`, with a fake component (the
/// registry checks its header, not its body).
fn package(id: &str, version: &str, readme: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = dir.path().join("plugin.toml");
    std::fs::write(
        &manifest,
        format!(
            "id = \"{id}\"\nname = \"养老服务\"\nversion = \"{version}\"\ncontract = \"^1.0\"\n\
             publisher = \"acme\"\nlevels = [\"street\"]\n"
        ),
    )
    .expect("manifest");
    let component = dir.path().join("component.wasm");
    let mut wasm = wangge_registry::package::COMPONENT_HEADER.to_vec();
    wasm.extend_from_slice(b"body");
    std::fs::write(&component, wasm).expect("component");
    let readme_path = dir.path().join("README.md");
    std::fs::write(&readme_path, readme).expect("readme");
    Package::build(&manifest, &component, &readme_path, None).expect("a package")
}

fn key() -> SigningKey {
    SigningKey::generate().expect("a key")
}

fn sign(key: &SigningKey, bytes: &[u8]) -> String {
    key.sign(&digest(bytes)).to_string()
}

async fn audit_count(db: &Db, action: &str) -> i64 {
    sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(db.pool())
        .await
        .expect("count")
        .try_get("n")
        .expect("n")
}

async fn stored_packages(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM registry_packages")
        .fetch_one(db.pool())
        .await
        .expect("count")
}

async fn publish_review_download(db: Db) {
    let acme = key();
    let operator = Actor::cli(None);
    add_publisher(&db, "acme", &acme.public_key().to_string(), &operator)
        .await
        .expect("publisher");
    let bytes = package("elder-care", "1.0.0", "# 养老\n");
    let published = publish(&db, &bytes, &sign(&acme, &bytes), "cli")
        .await
        .expect("published");
    assert_eq!(published.state, PackageState::Submitted);
    assert!(published.created);
    assert_eq!(published.digest, digest(&bytes).to_string());

    // The same bytes again: the same answer, nothing written.
    let again = publish(&db, &bytes, &sign(&acme, &bytes), "cli")
        .await
        .expect("idempotent");
    assert!(!again.created);
    assert_eq!(audit_count(&db, "registry.published").await, 1);

    // Not approved: the public sees nothing, a reviewer sees it.
    assert!(
        plugin(&db, "elder-care", Visibility::Public)
            .await
            .expect("read")
            .is_none()
    );
    assert!(matches!(
        download(&db, "elder-care", "1.0.0", Visibility::Public).await,
        Err(RegistryError::NotFound { .. })
    ));
    let listed = search(&db, "ELDER", Visibility::Reviewer)
        .await
        .expect("search");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].latest_approved, None);

    // A rejection needs a note; an approval moves it once.
    let reviewer = Actor::cli(Some("li"));
    assert!(matches!(
        review(&db, "elder-care", "1.0.0", Decision::Reject, " ", &reviewer).await,
        Err(RegistryError::Invalid { field: "note", .. })
    ));
    let state = review(&db, "elder-care", "1.0.0", Decision::Approve, "", &reviewer)
        .await
        .expect("approved");
    assert_eq!(state, PackageState::Approved);
    assert!(matches!(
        review(
            &db,
            "elder-care",
            "1.0.0",
            Decision::Reject,
            "late",
            &reviewer
        )
        .await,
        Err(RegistryError::WrongState { .. })
    ));

    // A newer version under review does not hide the approved one.
    let newer = package("elder-care", "1.1.0-beta.1", "# 养老 beta\n");
    publish(&db, &newer, &sign(&acme, &newer), "cli")
        .await
        .expect("newer");
    let public = search(&db, "养老", Visibility::Public)
        .await
        .expect("search by name");
    assert_eq!(public.len(), 1);
    assert_eq!(public[0].latest_approved.as_deref(), Some("1.0.0"));
    assert_eq!(public[0].versions.len(), 1, "the beta is not public");
    let all = plugin(&db, "elder-care", Visibility::Reviewer)
        .await
        .expect("read")
        .expect("listed");
    let versions: Vec<&str> = all.versions.iter().map(|v| v.version.as_str()).collect();
    assert_eq!(versions, ["1.1.0-beta.1", "1.0.0"]);

    let fetched = download(&db, "elder-care", "1.0.0", Visibility::Public)
        .await
        .expect("download");
    assert_eq!(fetched.bytes, bytes);
    assert_eq!(fetched.record.digest, published.digest);
    assert!(
        acme.public_key()
            .verify(
                &fetched.record.digest.parse().expect("digest"),
                &fetched.signature.parse().expect("signature")
            )
            .is_ok()
    );

    // Yanked: listed with its reason, not downloadable.
    assert!(matches!(
        yank(&db, "elder-care", "1.0.0", "", &operator).await,
        Err(RegistryError::Invalid {
            field: "reason",
            ..
        })
    ));
    yank(&db, "elder-care", "1.0.0", "leaks phone numbers", &operator)
        .await
        .expect("yanked");
    assert!(matches!(
        download(&db, "elder-care", "1.0.0", Visibility::Public).await,
        Err(RegistryError::NotFound { .. })
    ));
    let listed = plugin(&db, "elder-care", Visibility::Public)
        .await
        .expect("read")
        .expect("still listed");
    assert_eq!(listed.latest_approved, None);
    assert_eq!(
        listed.versions[0].yank_reason.as_deref(),
        Some("leaks phone numbers")
    );
    assert_eq!(audit_count(&db, "registry.reviewed").await, 1);
    assert_eq!(audit_count(&db, "registry.yanked").await, 1);
}
on_both_engines!(
    publish_review_download,
    publish_review_download_sqlite,
    publish_review_download_postgres
);

async fn refused_publishes_store_nothing(db: Db) {
    let acme = key();
    let operator = Actor::cli(None);
    let bytes = package("elder-care", "1.0.0", "# 养老\n");

    // Unknown publisher.
    assert!(matches!(
        publish(&db, &bytes, &sign(&acme, &bytes), "cli").await,
        Err(RegistryError::UnknownPublisher { .. })
    ));
    add_publisher(&db, "acme", &acme.public_key().to_string(), &operator)
        .await
        .expect("publisher");
    assert!(matches!(
        add_publisher(&db, "acme", &key().public_key().to_string(), &operator).await,
        Err(RegistryError::PublisherExists { .. })
    ));
    assert!(matches!(
        add_publisher(&db, "other", "ed25519:AAAA", &operator).await,
        Err(RegistryError::Invalid {
            field: "public_key",
            ..
        })
    ));

    // Another key's signature; a malformed one; tampered bytes; not a package.
    assert!(matches!(
        publish(&db, &bytes, &sign(&key(), &bytes), "cli").await,
        Err(RegistryError::Signature(_))
    ));
    assert!(matches!(
        publish(&db, &bytes, "ed25519:nope", "cli").await,
        Err(RegistryError::Signature(_))
    ));
    let signature = sign(&acme, &bytes);
    let mut tampered = bytes.clone();
    let readme_at = tampered
        .windows("# 养".len())
        .position(|w| w == "# 养".as_bytes())
        .expect("the readme in the archive");
    tampered[readme_at] = b'=';
    assert!(matches!(
        publish(&db, &tampered, &signature, "cli").await,
        Err(RegistryError::Signature(_) | RegistryError::Package(_))
    ));
    assert!(matches!(
        publish(&db, b"not a tar", &sign(&acme, b"not a tar"), "cli").await,
        Err(RegistryError::Package(_))
    ));
    assert_eq!(stored_packages(&db).await, 0);
    assert_eq!(audit_count(&db, "registry.publish_refused").await, 5);

    // A version never changes.
    publish(&db, &bytes, &signature, "cli")
        .await
        .expect("published");
    let changed = package("elder-care", "1.0.0", "# 养老 changed\n");
    assert!(matches!(
        publish(&db, &changed, &sign(&acme, &changed), "cli").await,
        Err(RegistryError::VersionTaken { .. })
    ));
    assert_eq!(stored_packages(&db).await, 1);
    assert_eq!(audit_count(&db, "registry.publish_refused").await, 6);
    assert!(matches!(
        review(&db, "elder-care", "9.9.9", Decision::Approve, "", &operator).await,
        Err(RegistryError::NotFound { .. })
    ));
    assert!(matches!(
        yank(&db, "elder-care", "1.0.0", "why", &operator).await,
        Err(RegistryError::WrongState { .. })
    ));
}
on_both_engines!(
    refused_publishes_store_nothing,
    refused_publishes_store_nothing_sqlite,
    refused_publishes_store_nothing_postgres
);
