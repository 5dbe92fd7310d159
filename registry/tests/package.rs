//! The `.wgp` package end to end: what builds and opens, what is reproducible, and a
//! hand-crafted hostile archive for every refusal, each naming its rule.

use std::path::PathBuf;

use wangge_registry::package::COMPONENT_HEADER;
use wangge_registry::package::layout::{
    MAX_ASSET_BYTES, MAX_ASSETS, MAX_COMPONENT_BYTES, MAX_MANIFEST_BYTES, MAX_PACKAGE_BYTES,
};
use wangge_registry::{
    BuildError, Package, PackageDigest, PackageError, SigningKey, digest, verify,
};

const MANIFEST: &str = r#"
id = "elder-care"
name = "养老服务"
version = "1.0.0"
contract = "^1.0"
publisher = "huangshigang"
levels = ["community"]
"#;

const README: &str = "# 养老服务\n\nVisits to elderly residents living alone.\n";

/// A component as far as the header check goes; the body is never compiled here.
fn component() -> Vec<u8> {
    let mut bytes = COMPONENT_HEADER.to_vec();
    bytes.extend_from_slice(b"\x00\x04body");
    bytes
}

// ---------------------------------------------------------------------------------------
// Building from files

struct Inputs {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Inputs {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let root = dir.path().to_owned();
        let inputs = Inputs { _dir: dir, root };
        inputs.write("plugin.toml", MANIFEST.as_bytes());
        inputs.write("component.wasm", &component());
        inputs.write("README.md", README.as_bytes());
        inputs
    }

    fn write(&self, relative: &str, data: &[u8]) {
        let path = self.root.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create the folder");
        }
        std::fs::write(path, data).expect("write an input");
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    fn build(&self, with_assets: bool) -> Result<Vec<u8>, BuildError> {
        let assets = self.path("assets");
        Package::build(
            &self.path("plugin.toml"),
            &self.path("component.wasm"),
            &self.path("README.md"),
            with_assets.then_some(assets.as_path()),
        )
    }
}

fn with_assets(order: &[(&str, &[u8])]) -> Inputs {
    let inputs = Inputs::new();
    for (path, data) in order {
        inputs.write(&format!("assets/{path}"), data);
    }
    inputs
}

#[test]
fn a_built_package_opens_with_everything_in_it() {
    let inputs = with_assets(&[
        ("css/site.css", b"body { color: #333 }"),
        ("logo.png", b"\x89PNG fake"),
    ]);
    let bytes = inputs.build(true).expect("the package builds");
    let opened = Package::open(&bytes).expect("the package opens");
    assert_eq!(opened.manifest.id.as_str(), "elder-care");
    assert_eq!(opened.manifest_text, MANIFEST);
    assert_eq!(opened.component, component());
    assert_eq!(opened.readme, README);
    assert_eq!(
        opened.assets.keys().map(String::as_str).collect::<Vec<_>>(),
        ["css/site.css", "logo.png"]
    );
    assert_eq!(opened.assets["logo.png"], b"\x89PNG fake");
    assert_eq!(opened.digest, digest(&bytes));
}

#[test]
fn a_package_without_assets_builds() {
    let bytes = Inputs::new().build(false).expect("the package builds");
    assert!(Package::open(&bytes).expect("opens").assets.is_empty());
}

#[test]
fn the_same_inputs_give_the_same_bytes_wherever_and_whenever_they_are_built() {
    let first = with_assets(&[("b.css", b"b"), ("a/x.png", b"x"), ("a.css", b"a")]);
    let bytes = first.build(true).expect("builds");
    // Other folder, other creation order, other times.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = with_assets(&[("a.css", b"a"), ("a/x.png", b"x"), ("b.css", b"b")]);
    let again = second.build(true).expect("builds");
    assert_eq!(digest(&bytes), digest(&again));
    assert_eq!(bytes, again);

    let third = with_assets(&[("a.css", b"a"), ("a/x.png", b"x"), ("b.css", b"B")]);
    assert_ne!(digest(&bytes), digest(&third.build(true).expect("builds")));
}

#[test]
fn the_digest_text_parses_back() {
    let bytes = Inputs::new().build(false).expect("builds");
    let text = digest(&bytes).to_string();
    assert!(
        text.starts_with("sha256:") && text.len() == 7 + 64,
        "{text}"
    );
    assert_eq!(text.parse::<PackageDigest>().ok(), Some(digest(&bytes)));
}

#[test]
fn build_refuses_what_open_would_refuse() {
    let svg = with_assets(&[("icon.svg", b"<svg onload=alert(1)>")]);
    assert!(matches!(
        svg.build(true),
        Err(BuildError::Invalid(
            PackageError::AssetTypeNotAllowed { .. }
        ))
    ));

    let core = Inputs::new();
    core.write("component.wasm", b"\0asm\x01\0\0\0");
    assert!(matches!(
        core.build(false),
        Err(BuildError::Invalid(PackageError::CoreModule))
    ));

    let bad_manifest = Inputs::new();
    bad_manifest.write(
        "plugin.toml",
        MANIFEST.replace("[\"community\"]", "[]").as_bytes(),
    );
    match bad_manifest.build(false) {
        Err(BuildError::Invalid(error)) => assert_eq!(error.manifest_field(), Some("levels")),
        other => panic!("expected a manifest error, got {other:?}"),
    }

    let big = Inputs::new();
    big.write("README.md", &vec![b'a'; 256 * 1024 + 1]);
    assert!(matches!(
        big.build(false),
        Err(BuildError::Invalid(PackageError::EntryTooLarge { .. }))
    ));

    let missing = Inputs::new();
    std::fs::remove_file(missing.path("README.md")).expect("remove");
    assert!(matches!(missing.build(false), Err(BuildError::Read { .. })));
}

#[cfg(unix)]
#[test]
fn build_does_not_follow_links_in_the_assets_folder() {
    let inputs = with_assets(&[("site.css", b"a")]);
    std::os::unix::fs::symlink("/etc/passwd", inputs.path("assets/passwd.css")).expect("link");
    assert!(matches!(
        inputs.build(true),
        Err(BuildError::NotAFile { .. })
    ));
}

// ---------------------------------------------------------------------------------------
// Hostile archives, written header by header so that nothing checks what they say

/// One raw tar entry: a header as written, followed by `data` (padded to 512 bytes).
struct Raw {
    header: tar::Header,
    data: Vec<u8>,
}

fn raw_header(name: &[u8], entry_type: tar::EntryType, declared_size: u64) -> tar::Header {
    let mut header = tar::Header::new_ustar();
    header.as_old_mut().name[..name.len()].copy_from_slice(name);
    header.set_entry_type(entry_type);
    header.set_size(declared_size);
    header.set_mode(0o644);
    header.set_mtime(0);
    header.set_cksum();
    header
}

fn file(name: &str, data: &[u8]) -> Raw {
    Raw {
        header: raw_header(name.as_bytes(), tar::EntryType::Regular, data.len() as u64),
        data: data.to_vec(),
    }
}

fn typed(name: &str, entry_type: tar::EntryType) -> Raw {
    Raw {
        header: raw_header(name.as_bytes(), entry_type, 0),
        data: Vec::new(),
    }
}

fn link(name: &str, entry_type: tar::EntryType, target: &str) -> Raw {
    let mut header = raw_header(name.as_bytes(), entry_type, 0);
    header
        .set_link_name_literal(target)
        .expect("a short target");
    header.set_cksum();
    Raw {
        header,
        data: Vec::new(),
    }
}

/// A header announcing `declared` bytes, followed by `data` whatever its length.
fn lying(name: &str, declared: u64, data: &[u8]) -> Raw {
    Raw {
        header: raw_header(name.as_bytes(), tar::EntryType::Regular, declared),
        data: data.to_vec(),
    }
}

/// A pax extended header whose records apply to the next entry.
fn pax(records: &[(&str, &str)]) -> Raw {
    let mut data = Vec::new();
    for (key, value) in records {
        let body = format!(" {key}={value}\n");
        // The length prefix counts itself.
        let mut length = body.len() + 1;
        while format!("{length}{body}").len() != length {
            length += 1;
        }
        data.extend_from_slice(format!("{length}{body}").as_bytes());
    }
    Raw {
        header: raw_header(
            b"PaxHeaders/next",
            tar::EntryType::XHeader,
            data.len() as u64,
        ),
        data,
    }
}

fn archive(entries: Vec<Raw>) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in entries {
        bytes.extend_from_slice(entry.header.as_bytes());
        bytes.extend_from_slice(&entry.data);
        bytes.resize(bytes.len().div_ceil(512) * 512, 0);
    }
    bytes.extend_from_slice(&[0; 1024]);
    bytes
}

/// The three required entries, then `extra`.
fn package_with(extra: Vec<Raw>) -> Vec<u8> {
    let mut entries = vec![
        file("README.md", README.as_bytes()),
        file("component.wasm", &component()),
        file("plugin.toml", MANIFEST.as_bytes()),
    ];
    entries.extend(extra);
    archive(entries)
}

fn refusal(bytes: &[u8]) -> PackageError {
    match Package::open(bytes) {
        Err(error) => error,
        Ok(opened) => panic!("a hostile package opened: {opened:?}"),
    }
}

/// Asserts the refusal and that its message names `entry`.
fn assert_refused(bytes: &[u8], matches: impl Fn(&PackageError) -> bool, entry: &str) {
    let error = refusal(bytes);
    assert!(matches(&error), "unexpected refusal: {error:?}");
    let message = error.to_string();
    assert!(
        message.contains(entry),
        "`{message}` does not name `{entry}`"
    );
}

#[test]
fn a_hand_written_valid_archive_opens() {
    let bytes = package_with(vec![
        typed("assets/", tar::EntryType::Directory),
        typed("assets/css/", tar::EntryType::Directory),
        file("assets/css/site.css", b"p{}"),
    ]);
    let opened = Package::open(&bytes).expect("opens");
    assert!(opened.assets.contains_key("css/site.css"));
}

#[test]
fn absolute_paths_are_refused() {
    assert_refused(
        &package_with(vec![file("/etc/passwd", b"root")]),
        |e| matches!(e, PackageError::AbsolutePath { .. }),
        "/etc/passwd",
    );
}

#[test]
fn parent_components_are_refused() {
    for name in ["../x", "assets/../../x.png", "assets/css/../../../x.css"] {
        assert_refused(
            &package_with(vec![file(name, b"x")]),
            |e| matches!(e, PackageError::ParentComponent { .. }),
            name,
        );
    }
}

#[test]
fn a_pax_path_that_climbs_out_is_refused() {
    // The ustar name is harmless; the pax record, which readers honour, is not.
    assert_refused(
        &package_with(vec![
            pax(&[("path", "../../home/x.png")]),
            file("assets/ok.png", b"x"),
        ]),
        |e| matches!(e, PackageError::ParentComponent { .. }),
        "../../home/x.png",
    );
}

#[test]
fn symbolic_links_are_refused() {
    assert_refused(
        &package_with(vec![link(
            "assets/logo.png",
            tar::EntryType::Symlink,
            "/etc/passwd",
        )]),
        |e| {
            matches!(
                e,
                PackageError::Link {
                    kind: "symbolic",
                    ..
                }
            )
        },
        "assets/logo.png",
    );
}

#[test]
fn hard_links_are_refused() {
    let bytes = archive(vec![
        file("README.md", README.as_bytes()),
        file("component.wasm", &component()),
        link("plugin.toml", tar::EntryType::Link, "/etc/shadow"),
    ]);
    assert_refused(
        &bytes,
        |e| matches!(e, PackageError::Link { kind: "hard", .. }),
        "plugin.toml",
    );
}

#[test]
fn devices_and_fifos_are_refused() {
    for entry_type in [
        tar::EntryType::Char,
        tar::EntryType::Block,
        tar::EntryType::Fifo,
    ] {
        assert_refused(
            &package_with(vec![typed("assets/x.png", entry_type)]),
            |e| matches!(e, PackageError::SpecialEntry { .. }),
            "assets/x.png",
        );
    }
}

#[test]
fn a_pax_global_header_is_refused() {
    assert_refused(
        &package_with(vec![typed(
            "pax_global_header",
            tar::EntryType::XGlobalHeader,
        )]),
        |e| matches!(e, PackageError::SpecialEntry { .. }),
        "pax_global_header",
    );
}

#[test]
fn directories_outside_assets_are_refused() {
    assert_refused(
        &package_with(vec![typed("src/", tar::EntryType::Directory)]),
        |e| matches!(e, PackageError::DirectoryOutsideAssets { .. }),
        "src/",
    );
}

#[test]
fn a_directory_carrying_data_is_refused() {
    let mut hidden = typed("assets/", tar::EntryType::Directory);
    hidden.header.set_size(5);
    hidden.header.set_cksum();
    hidden.data = b"hello".to_vec();
    assert_refused(
        &package_with(vec![hidden]),
        |e| matches!(e, PackageError::BadName { .. }),
        "assets/",
    );
}

#[test]
fn unknown_entries_are_refused() {
    for name in ["Cargo.toml", "readme.md", "plugin.wasm", "src/lib.rs"] {
        assert_refused(
            &package_with(vec![file(name, b"x")]),
            |e| matches!(e, PackageError::UnknownEntry { .. }),
            name,
        );
    }
}

#[test]
fn duplicate_entries_are_refused() {
    assert_refused(
        &package_with(vec![file("plugin.toml", b"id = \"other\"")]),
        |e| matches!(e, PackageError::DuplicateEntry { .. }),
        "plugin.toml",
    );
    assert_refused(
        &package_with(vec![
            file("assets/Logo.png", b"a"),
            file("assets/logo.PNG", b"b"),
        ]),
        |e| matches!(e, PackageError::DuplicateEntry { .. }),
        "assets/logo.PNG",
    );
}

#[test]
fn non_utf8_names_are_refused() {
    let bytes = package_with(vec![Raw {
        header: raw_header(b"assets/\xff\xfe.png", tar::EntryType::Regular, 1),
        data: b"x".to_vec(),
    }]);
    assert!(matches!(refusal(&bytes), PackageError::NonUtf8Name { .. }));
}

#[test]
fn script_capable_assets_are_refused() {
    for name in [
        "assets/icon.svg",
        "assets/app.js",
        "assets/page.html",
        "assets/noext",
    ] {
        let error = refusal(&package_with(vec![file(name, b"<script>")]));
        assert!(
            matches!(error, PackageError::AssetTypeNotAllowed { .. }),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(
            message.contains(name) && message.contains("woff2"),
            "{message}"
        );
    }
}

#[test]
fn an_oversized_entry_is_refused() {
    let manifest = format!("{MANIFEST}#{}", "x".repeat(MAX_MANIFEST_BYTES as usize));
    let bytes = archive(vec![
        file("README.md", README.as_bytes()),
        file("component.wasm", &component()),
        file("plugin.toml", manifest.as_bytes()),
    ]);
    assert_refused(
        &bytes,
        |e| matches!(e, PackageError::EntryTooLarge { .. }),
        "plugin.toml",
    );
    assert_refused(
        &package_with(vec![file(
            "assets/big.png",
            &vec![0; MAX_ASSET_BYTES as usize + 1],
        )]),
        |e| matches!(e, PackageError::EntryTooLarge { .. }),
        "assets/big.png",
    );
}

#[test]
fn a_header_claiming_a_huge_entry_is_refused_before_reading() {
    // 100 bytes follow a header that claims more than the component limit.
    let bytes = archive(vec![
        file("README.md", README.as_bytes()),
        lying("component.wasm", MAX_COMPONENT_BYTES + 1, &[0; 100]),
    ]);
    assert_refused(
        &bytes,
        |e| matches!(e, PackageError::EntryTooLarge { .. }),
        "component.wasm",
    );
}

#[test]
fn a_pax_size_larger_than_the_ustar_size_is_capped() {
    // The ustar header says 16 bytes; the pax record, which the reader follows, says more
    // than the manifest limit, and that much data is there.
    let data = vec![b'#'; MAX_MANIFEST_BYTES as usize + 1];
    let size = data.len().to_string();
    let bytes = archive(vec![
        file("README.md", README.as_bytes()),
        file("component.wasm", &component()),
        pax(&[("size", &size)]),
        lying("plugin.toml", 16, &data),
    ]);
    assert_refused(
        &bytes,
        |e| matches!(e, PackageError::EntryTooLarge { .. }),
        "plugin.toml",
    );
}

#[test]
fn an_entry_shorter_than_its_header_is_refused() {
    let mut bytes = archive(vec![
        file("component.wasm", &component()),
        file("plugin.toml", MANIFEST.as_bytes()),
        lying("README.md", 4000, README.as_bytes()),
    ]);
    // Drop the end marker too, so the archive really ends inside the README.
    bytes.truncate(bytes.len() - 1024);
    let error = refusal(&bytes);
    assert!(
        matches!(error, PackageError::Truncated { declared: 4000, .. }),
        "{error:?}"
    );
}

#[test]
fn assets_over_the_total_or_count_are_refused() {
    let chunk = vec![0; MAX_ASSET_BYTES as usize];
    let many_large: Vec<Raw> = (0..9)
        .map(|i| file(&format!("assets/{i}.png"), &chunk))
        .collect();
    assert_refused(
        &package_with(many_large),
        |e| matches!(e, PackageError::AssetsTooLarge { .. }),
        "assets/8.png",
    );
    let many_small: Vec<Raw> = (0..=MAX_ASSETS)
        .map(|i| file(&format!("assets/{i:03}.css"), b"p{}"))
        .collect();
    assert_refused(
        &package_with(many_small),
        |e| matches!(e, PackageError::TooManyAssets { .. }),
        "assets/256.css",
    );
}

#[test]
fn a_package_over_the_total_limit_is_refused_unread() {
    let bytes = vec![0; MAX_PACKAGE_BYTES as usize + 1];
    assert!(matches!(
        refusal(&bytes),
        PackageError::PackageTooLarge { .. }
    ));
}

#[test]
fn missing_required_entries_are_named() {
    for (missing, kept) in [
        ("plugin.toml", ["README.md", "component.wasm"]),
        ("component.wasm", ["README.md", "plugin.toml"]),
        ("README.md", ["component.wasm", "plugin.toml"]),
    ] {
        let entries = kept
            .iter()
            .map(|name| match *name {
                "README.md" => file(name, README.as_bytes()),
                "component.wasm" => file(name, &component()),
                _ => file(name, MANIFEST.as_bytes()),
            })
            .collect();
        assert_refused(
            &archive(entries),
            |e| matches!(e, PackageError::MissingEntry { .. }),
            missing,
        );
    }
}

#[test]
fn an_invalid_manifest_carries_its_field() {
    let bytes = archive(vec![
        file("README.md", README.as_bytes()),
        file("component.wasm", &component()),
        file("plugin.toml", MANIFEST.replace("1.0.0", "one").as_bytes()),
    ]);
    assert!(matches!(refusal(&bytes), PackageError::InvalidManifest(_)));

    let bytes = archive(vec![
        file("README.md", README.as_bytes()),
        file("component.wasm", &component()),
        file("plugin.toml", MANIFEST.replace("养老服务", " ").as_bytes()),
    ]);
    let error = refusal(&bytes);
    assert_eq!(error.manifest_field(), Some("name"), "{error}");
    assert!(error.to_string().contains("plugin.toml"), "{error}");
}

#[test]
fn a_core_module_is_refused_as_such() {
    let bytes = archive(vec![
        file("README.md", README.as_bytes()),
        file("component.wasm", b"\0asm\x01\0\0\0\x01\x04\x01\x60\0\0"),
        file("plugin.toml", MANIFEST.as_bytes()),
    ]);
    let error = refusal(&bytes);
    assert!(matches!(error, PackageError::CoreModule), "{error:?}");
    assert!(
        error.to_string().contains("core WebAssembly module"),
        "{error}"
    );

    let bytes = archive(vec![
        file("README.md", README.as_bytes()),
        file("component.wasm", b"MZ not wasm"),
        file("plugin.toml", MANIFEST.as_bytes()),
    ]);
    assert!(matches!(refusal(&bytes), PackageError::NotWasm));
}

#[test]
fn an_empty_or_binary_readme_is_refused() {
    let with_readme = |readme: &[u8]| {
        archive(vec![
            file("README.md", readme),
            file("component.wasm", &component()),
            file("plugin.toml", MANIFEST.as_bytes()),
        ])
    };
    assert!(matches!(
        refusal(&with_readme(b" \n\n")),
        PackageError::EmptyReadme
    ));
    assert!(matches!(
        refusal(&with_readme(b"\xff\xfe")),
        PackageError::NotUtf8 { entry: "README.md" }
    ));
}

#[test]
fn garbage_and_trailing_data_are_refused() {
    let error = refusal(&[0x42; 1024]);
    assert!(matches!(error, PackageError::NotTar { .. }), "{error:?}");

    let mut bytes = package_with(Vec::new());
    assert!(Package::open(&bytes).is_ok());
    bytes.extend_from_slice(b"hidden payload");
    assert!(matches!(refusal(&bytes), PackageError::TrailingData));
}

#[test]
fn a_bad_name_in_the_archive_is_refused() {
    for name in [
        "./plugin.toml",
        "assets//x.png",
        "assets/.x.png",
        "assets/a b.png",
    ] {
        assert_refused(
            &package_with(vec![file(name, b"x")]),
            |e| matches!(e, PackageError::BadName { .. }),
            name,
        );
    }
}

// ---------------------------------------------------------------------------------------
// Signing a built package

#[test]
fn a_built_package_is_signed_and_verified_by_its_digest() {
    let bytes = Inputs::new().build(false).expect("builds");
    let key = SigningKey::generate().expect("a key");
    let signature = key.sign(&digest(&bytes));
    let opened = Package::open(&bytes).expect("opens");
    assert!(verify(&key.public_key(), &opened.digest, &signature).is_ok());

    let mut tampered = bytes.clone();
    let last_byte_of_readme = tampered
        .windows(README.len())
        .position(|window| window == README.as_bytes())
        .map(|at| at + README.len() - 2)
        .expect("the README is in the archive");
    tampered[last_byte_of_readme] ^= 0x01;
    assert!(
        Package::open(&tampered).is_ok(),
        "still a well-formed package"
    );
    assert!(verify(&key.public_key(), &digest(&tampered), &signature).is_err());
}
