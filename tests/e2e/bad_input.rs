//! `wangge plugin add` with bad input: each gets a clear error naming the problem, and
//! nothing is registered.

use std::path::Path;

use wangge_tests::{Workspace, component, manifest};

/// Runs `wangge plugin add COMPONENT --manifest MANIFEST EXTRA…`, expects a refusal and
/// returns its message.
fn refused(workspace: &Workspace, component: &Path, manifest: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "plugin",
        "add",
        component.to_str().expect("utf-8"),
        "--manifest",
        manifest.to_str().expect("utf-8"),
    ];
    args.extend(extra);
    let output = workspace.wangge(&args);
    assert!(!output.status.success(), "expected a refusal");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_nothing_registered(workspace: &Workspace) {
    let list = workspace.wangge(&["plugin", "list"]);
    assert_eq!(
        String::from_utf8_lossy(&list.stdout),
        "no plugins installed\n"
    );
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    path
}

#[test]
fn files_that_are_not_plugin_components_are_refused() {
    let workspace = Workspace::sqlite();
    let dir = workspace.data_dir();
    let hello_manifest = manifest("hello");
    let cases: [(&str, &[u8], &str); 3] = [
        (
            "text.wasm",
            b"this is not wasm",
            "not a WebAssembly component",
        ),
        // The smallest valid core module: magic and version 1.
        (
            "core.wasm",
            b"\0asm\x01\0\0\0",
            "core WebAssembly module, not a component",
        ),
        // The smallest valid component: it exports nothing the contract asks for.
        (
            "empty-component.wasm",
            b"\0asm\x0d\0\x01\0",
            "does not implement the wangge:plugin/plugin world",
        ),
    ];
    for (name, bytes, expected) in cases {
        let error = refused(&workspace, &write(dir, name, bytes), &hello_manifest, &[]);
        assert!(error.contains(expected), "{name}: {error}");
    }
    assert_nothing_registered(&workspace);
}

#[test]
fn bad_manifests_are_refused_with_the_field_named() {
    let workspace = Workspace::sqlite();
    let dir = workspace.data_dir();
    let good = std::fs::read_to_string(manifest("hello")).expect("hello manifest");
    let cases = [
        (
            good.replace("publisher = ", "colour = \"red\"\npublisher = "),
            "unknown field `colour`",
        ),
        (
            good.replace("id = \"hello\"", "id = \"Hello World\""),
            "is not a plugin id",
        ),
        (
            good.replace("version = \"0.1.0\"", "version = \"1.0\""),
            "version",
        ),
        (
            good.replace("contract = \"^1.0\"", "contract = \"^2.0\""),
            "does not accept the contract this host implements",
        ),
        (
            good.replace("permissions = []", "permissions = [\"everything\"]"),
            "unknown permission `everything`",
        ),
    ];
    let hello = component("hello");
    for (i, (text, expected)) in cases.iter().enumerate() {
        let path = write(dir, &format!("bad-{i}.toml"), text.as_bytes());
        let error = refused(&workspace, &hello, &path, &[]);
        assert!(error.contains(expected), "case {i}: {error}");
    }
    let hello_manifest = manifest("hello");
    let error = refused(
        &workspace,
        &hello,
        &hello_manifest,
        &["--config", "colour=red"],
    );
    assert!(error.contains("has no such config key"), "{error}");
    let error = refused(&workspace, &hello, &hello_manifest, &["--unit", "42020"]);
    assert!(error.contains("--unit: unit code `42020`"), "{error}");
    assert_nothing_registered(&workspace);
}

#[test]
fn a_changed_component_under_the_same_version_needs_replace() {
    let workspace = Workspace::sqlite();
    let first = workspace.add_plugin("hello", &[]);
    assert!(first.contains("added (compiled)"), "{first}");
    let again = workspace.add_plugin("hello", &[]);
    assert!(
        again.contains("unchanged (compiled artifact from cache)"),
        "{again}"
    );

    // Another component under hello's id and version.
    let error = refused(
        &workspace,
        &component("fresh-instance-probe"),
        &manifest("hello"),
        &[],
    );
    assert!(
        error.contains("already registered with a different component"),
        "{error}"
    );
    let replaced = workspace.add_plugin_from("fresh-instance-probe", "hello", &["--replace"]);
    assert!(replaced.contains("replaced"), "{replaced}");
}
