//! Contract versions: reading a component's version from its names, checking manifest
//! ranges, and keeping every released `wit/` folder frozen byte for byte.

use std::path::PathBuf;

use sha2::Digest;

use super::*;
use crate::runtime::bindings::CONTRACT_VERSION;

/// The sha256 of every `.wit` file of each released version. A released contract never
/// changes: plugins built against it must keep running exactly as they were built.
const FROZEN: &[(&str, &[(&str, &str)])] = &[
    (
        "1.0.0",
        &[
            (
                "exports.wit",
                "6bc30480dceacd50adfd9b316ce97cfee606bfec5936ac848f45b0ddb43018c4",
            ),
            (
                "imports.wit",
                "7c7303f705c41d07d0067a72e0c6989669bb65a0148fc00be6ed6f913acc7e86",
            ),
            (
                "types.wit",
                "5c8eb64df69dbcd39a61d2657b3a5606b2c3e19f503e470811648370104b730e",
            ),
            (
                "world.wit",
                "eeea0879fee84b7df63a90aeb0cd6cf3287739f25709aa6ebcd9ce15126e5929",
            ),
        ],
    ),
    (
        "1.1.0",
        &[
            (
                "exports.wit",
                "6bc30480dceacd50adfd9b316ce97cfee606bfec5936ac848f45b0ddb43018c4",
            ),
            (
                "imports.wit",
                "2fccb58df36c69cb697b31b9d5682487cea838243c548883eeeb915386c75715",
            ),
            (
                "types.wit",
                "5c8eb64df69dbcd39a61d2657b3a5606b2c3e19f503e470811648370104b730e",
            ),
            (
                "world.wit",
                "424bde78be9f38da5ee2bb65a54880f9a38bc48d9d316101f26fdcf6e23e2aff",
            ),
        ],
    ),
];

fn wit_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../wit")
}

fn v(text: &str) -> Version {
    Version::parse(text).expect("a version")
}

#[test]
fn released_contract_versions_are_frozen() {
    for (version, files) in FROZEN {
        let dir = wit_dir().join(format!("v{version}"));
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("the version's folder")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|name| name.ends_with(".wit"))
            .collect();
        on_disk.sort();
        let expected: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            on_disk, expected,
            "wit/v{version} is frozen: add a new version instead of adding or removing files"
        );
        for (name, sha256) in *files {
            let bytes = std::fs::read(dir.join(name)).expect("a frozen file");
            assert_eq!(
                hex::encode(sha2::Sha256::digest(&bytes)),
                *sha256,
                "wit/v{version}/{name} changed, but it is frozen: add a new version instead \
                 (copy the newest folder to wit/vX.Y.Z, bump its package line, change that)"
            );
        }
    }
}

#[test]
fn every_supported_contract_has_a_frozen_folder_and_the_newest_has_the_bindings() {
    for version in SUPPORTED_CONTRACTS {
        let world = wit_dir().join(format!("v{version}/world.wit"));
        let text = std::fs::read_to_string(&world).expect("world.wit of a supported version");
        assert!(
            text.starts_with(&format!("package wangge:plugin@{version};")),
            "{}",
            world.display()
        );
        assert!(
            FROZEN.iter().any(|(frozen, _)| v(frozen) == *version),
            "{version} is supported but its files are not frozen in FROZEN"
        );
    }
    assert_eq!(SUPPORTED_CONTRACTS.last(), Some(&CONTRACT_VERSION));
}

#[test]
fn contract_version_is_read_from_names() {
    let wasi = ["wasi:cli/environment@0.2.6", "wasi:io/streams@0.2.6"];
    let of = |version: &str| {
        let names: Vec<String> = ["types", "residents", "pages", "hooks", "lifecycle"]
            .iter()
            .map(|i| format!("wangge:plugin/{i}@{version}"))
            .chain(wasi.iter().map(|n| (*n).to_owned()))
            .collect();
        version_from_names(names.iter().map(String::as_str))
    };
    assert_eq!(of("1.0.0"), Ok(v("1.0.0")));
    assert_eq!(of("1.1.0"), Ok(v("1.1.0")));
    assert_eq!(of("2.0.0"), Err(ContractError::Unsupported(v("2.0.0"))));
    // Newer than the host: wasmtime's semver matching would link it against 1.1.0, so it
    // must be refused here, by name.
    assert_eq!(of("1.2.0"), Err(ContractError::Unsupported(v("1.2.0"))));
    assert_eq!(of("1.0.1"), Err(ContractError::Unsupported(v("1.0.1"))));
    assert_eq!(
        version_from_names(wasi),
        Err(ContractError::NotAPlugin),
        "WASI alone is not a plugin"
    );
    assert_eq!(
        version_from_names(["wangge:plugin/pages@1.1.0", "wangge:plugin/types@1.0.0"]),
        Err(ContractError::Mixed(vec![v("1.0.0"), v("1.1.0")]))
    );
    assert_eq!(
        version_from_names(["wangge:plugin/pages"]),
        Err(ContractError::Unversioned("wangge:plugin/pages".into()))
    );
    assert_eq!(
        version_from_names(["wangge:plugin/pages@one"]),
        Err(ContractError::Unversioned("wangge:plugin/pages@one".into()))
    );
}

#[test]
fn contract_errors_name_the_supported_versions() {
    let error = ContractError::Unsupported(v("2.0.0")).to_string();
    assert!(
        error.contains("wangge:plugin@2.0.0") && error.contains("1.0.0, 1.1.0"),
        "{error}"
    );
    assert!(
        ContractError::NotAPlugin
            .to_string()
            .contains("1.0.0, 1.1.0")
    );
}

#[test]
fn manifest_contract_ranges_are_checked_against_the_component() {
    let req = |text: &str| VersionReq::parse(text).expect("a range");
    assert_eq!(check_range(&req("^1.0"), &v("1.0.0")), Ok(()));
    assert_eq!(check_range(&req("^1.0"), &v("1.1.0")), Ok(()));
    let error = check_range(&req("^1.1"), &v("1.0.0")).expect_err("1.0 is older than ^1.1");
    assert!(
        error
            .to_string()
            .contains("`^1.1` does not accept the contract this host implements"),
        "{error}"
    );
    assert!(check_range(&req("=1.0.0"), &v("1.1.0")).is_err());
    assert!(supports_range(&req("^1.0")));
    assert!(supports_range(&req("~1.1")));
    assert!(!supports_range(&req("^1.2")));
    assert!(!supports_range(&req("^2")));
}

/// An empty component carrying the custom sections `sections` (name, data).
fn component_with_sections(sections: &[(&str, &[u8])]) -> Vec<u8> {
    // The component preamble: magic, version 0x0d, layer 1.
    let mut bytes = b"\0asm\x0d\x00\x01\x00".to_vec();
    for (name, data) in sections {
        let mut body = vec![u8::try_from(name.len()).expect("a short name")];
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(data);
        bytes.push(0); // custom section id
        bytes.push(u8::try_from(body.len()).expect("a short section"));
        bytes.extend(body);
    }
    bytes
}

#[test]
fn the_declared_contract_version_is_read_from_its_custom_section() {
    let none = component_with_sections(&[("name", b"x")]);
    assert_eq!(declared_version(&none), Ok(None));
    let declared = component_with_sections(&[(SECTION_NAME, b"1.1.0")]);
    assert_eq!(declared_version(&declared), Ok(Some(v("1.1.0"))));
    let garbage = component_with_sections(&[(SECTION_NAME, b"one point one")]);
    let error = declared_version(&garbage).expect_err("not a version");
    assert!(error.to_string().contains("one point one"), "{error}");
    let twice = component_with_sections(&[(SECTION_NAME, b"1.0.0"), (SECTION_NAME, b"1.1.0")]);
    assert!(matches!(
        declared_version(&twice),
        Err(ContractError::Mixed(_))
    ));
    // Truncated bytes are the compiler's to report, not a declaration problem.
    assert_eq!(declared_version(&declared[..declared.len() - 2]), Ok(None));
}

#[test]
fn a_declaration_must_agree_with_the_interfaces() {
    assert_eq!(check_declared(&v("1.1.0"), &v("1.1.0")), Ok(()));
    let error = check_declared(&v("1.0.0"), &v("1.1.0")).expect_err("they differ");
    assert!(
        error.to_string().contains("declares wangge:plugin@1.0.0"),
        "{error}"
    );
}
