//! Every supported contract version runs: a plugin built against the frozen
//! `wangge:plugin@1.0.0` and one built against 1.1.0 are added to one host and served by
//! one server; 1.1's `residents.count` keeps to scope, filters, permission and the
//! small-cell rule; components of versions the host does not run, and manifests whose
//! `contract` range does not accept the component, are refused by name.

use std::path::{Path, PathBuf};

use wangge_tests::{Server, Workspace, component, manifest};

const STREET: [&str; 4] = ["--unit", "420202001", "--unit-name", "黄石港街道"];

/// The body of `path`, which must answer 200.
async fn body(server: &Server, path: &str) -> String {
    let page = server.get(path).await;
    assert_eq!(page.status, 200, "{path}: {}", page.body);
    page.body
}

/// The text of `<p id="ID">…</p>` in `body`.
fn field(body: &str, id: &str) -> String {
    let open = format!("<p id=\"{id}\">");
    let start = body
        .find(&open)
        .unwrap_or_else(|| panic!("no #{id}: {body}"))
        + open.len();
    let end = start + body[start..].find("</p>").expect("end of field");
    body[start..end].to_owned()
}

async fn count(server: &Server, query: &str) -> String {
    field(
        &body(server, &format!("/p/resident-counter/?{query}")).await,
        "count",
    )
}

fn with_residents() -> Workspace {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.import_demo("residents", "residents.csv");
    workspace
}

/// Runs `wangge plugin add COMPONENT --manifest MANIFEST` at the street, expects a refusal
/// and returns its message.
fn refused(workspace: &Workspace, component: &Path, manifest: &Path) -> String {
    let mut args = vec![
        "plugin",
        "add",
        component.to_str().expect("utf-8"),
        "--manifest",
        manifest.to_str().expect("utf-8"),
    ];
    args.extend(STREET);
    let output = workspace.wangge(&args);
    assert!(!output.status.success(), "expected a refusal");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `package`'s manifest with `from` replaced by `to`, written into the workspace.
fn edited_manifest(workspace: &Workspace, package: &str, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(manifest(package)).expect("manifest");
    assert!(text.contains(from), "{package}'s manifest has `{from}`");
    let path = workspace
        .data_dir()
        .join(format!("{package}-{}.toml", to.len()));
    std::fs::write(&path, text.replace(from, to)).expect("write manifest");
    path
}

#[tokio::test]
async fn a_1_0_plugin_and_a_1_1_plugin_run_side_by_side() {
    let workspace = with_residents();
    workspace.add_plugin("contract-1-0-probe", &STREET);
    workspace.add_plugin("resident-counter", &STREET);
    let server = workspace.serve(&[]);

    // The 1.0 plugin: its exports are found and its imports (storage, residents) answer,
    // though the host's newest contract is 1.1.
    let probe = "/p/contract-1-0-probe/";
    let page = body(&server, probe).await;
    assert_eq!(field(&page, "contract"), "1.0.0");
    assert_eq!(field(&page, "residents"), "7");
    assert_eq!(field(&page, "visits"), "1");
    let elders = body(&server, &format!("{probe}?min_age=80")).await;
    assert_eq!(field(&elders, "residents"), "2");
    assert_eq!(field(&elders, "visits"), "2");

    // The 1.1 plugin in the same server, calling what 1.1 added.
    let counter = "/p/resident-counter/";
    let page = body(&server, counter).await;
    assert_eq!(field(&page, "contract"), "1.1.0");
    assert_eq!(field(&page, "count"), "7", "the street's residents");

    // Interleaved calls keep each plugin on its own contract.
    for _ in 0..3 {
        assert_eq!(field(&body(&server, probe).await, "contract"), "1.0.0");
        assert_eq!(field(&body(&server, counter).await, "contract"), "1.1.0");
    }
}

#[tokio::test]
async fn count_keeps_to_scope_and_filters_and_hides_small_cells_above_community() {
    let workspace = with_residents();
    workspace.add_plugin("resident-counter", &STREET);
    let server = workspace.serve(&[]);

    // Street-wide counts of 1 to 4 are small cells: `<5`, as /api/stats shows them.
    assert_eq!(count(&server, "min_age=80").await, "&lt;5");
    assert_eq!(count(&server, "type=floating").await, "&lt;5");
    // Zero singles no one out.
    assert_eq!(count(&server, "min_age=120").await, "0");
    // Within one community or grid the count is exact.
    assert_eq!(count(&server, "prefix=420202001001&min_age=80").await, "2");
    assert_eq!(
        count(&server, "prefix=420202001001001&tag=living-alone").await,
        "1"
    );
    assert_eq!(count(&server, "prefix=420202001001&max_age=18").await, "1");
    // A prefix wider than the scope is clipped to it; one beside it is denied.
    assert_eq!(count(&server, "prefix=4202").await, "7");
    let outside = count(&server, "prefix=420202002").await;
    assert!(
        outside.starts_with("error: ") && outside.contains("Denied"),
        "{outside}"
    );
    let bad_tag = count(&server, "tag=Not%20A%20Tag").await;
    assert!(
        bad_tag.starts_with("error: ") && bad_tag.contains("Invalid"),
        "{bad_tag}"
    );
}

#[tokio::test]
async fn a_community_installation_counts_exactly() {
    let workspace = with_residents();
    workspace.add_plugin(
        "resident-counter",
        &["--unit", "420202001001", "--unit-name", "社区"],
    );
    let server = workspace.serve(&[]);
    assert_eq!(count(&server, "").await, "5");
    assert_eq!(count(&server, "min_age=80").await, "2");
}

#[tokio::test]
async fn count_needs_residents_read() {
    let workspace = with_residents();
    let ungranted = edited_manifest(
        &workspace,
        "resident-counter",
        "permissions = [\"residents:read\"]",
        "permissions = []",
    );
    let component = component("resident-counter");
    let mut args = vec![
        "plugin",
        "add",
        component.to_str().expect("utf-8"),
        "--manifest",
        ungranted.to_str().expect("utf-8"),
    ];
    args.extend(STREET);
    workspace.run(&args);
    let server = workspace.serve(&[]);
    let denied = count(&server, "").await;
    assert!(
        denied.contains("Denied") && denied.contains("residents:read"),
        "{denied}"
    );

    let mut db = workspace.database().await;
    let subjects: Vec<String> =
        sqlx::query_scalar("SELECT subject FROM audit_log WHERE action = 'permission.denied'")
            .fetch_all(&mut db)
            .await
            .expect("audit rows");
    assert_eq!(subjects, ["residents.count"]);
}

#[test]
fn manifest_ranges_must_accept_the_components_version() {
    let workspace = Workspace::sqlite();
    let error = refused(
        &workspace,
        &component("resident-counter"),
        &edited_manifest(
            &workspace,
            "resident-counter",
            "contract = \"^1.1\"",
            "contract = \"~1.0\"",
        ),
    );
    assert!(
        error.contains("`~1.0` does not accept the contract")
            && error.contains("wangge:plugin@1.1.0"),
        "{error}"
    );
    let error = refused(
        &workspace,
        &component("contract-1-0-probe"),
        &edited_manifest(
            &workspace,
            "contract-1-0-probe",
            "contract = \"~1.0\"",
            "contract = \"^1.1\"",
        ),
    );
    assert!(
        error.contains("`^1.1` does not accept the contract")
            && error.contains("wangge:plugin@1.0.0"),
        "{error}"
    );
    let list = workspace.run(&["plugin", "list"]);
    assert!(!list.contains("resident-counter") && !list.contains("contract-1-0-probe"));
}

/// The 1.0 probe with every `wangge:plugin` name moved to `version`: the same length, so
/// the component stays valid and only its contract version changes.
fn probe_claiming(workspace: &Workspace, version: &str) -> PathBuf {
    assert_eq!(version.len(), "1.0.0".len());
    let bytes = std::fs::read(component("contract-1-0-probe")).expect("probe component");
    let from = b"@1.0.0";
    let to = format!("@{version}");
    let mut patched = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(from) {
            patched.extend_from_slice(to.as_bytes());
            i += from.len();
        } else {
            patched.push(bytes[i]);
            i += 1;
        }
    }
    assert_ne!(patched, bytes, "the probe names its contract version");
    let path = workspace.data_dir().join(format!("probe-{version}.wasm"));
    std::fs::write(&path, patched).expect("write component");
    path
}

#[test]
fn components_of_unsupported_contract_versions_are_refused() {
    let workspace = Workspace::sqlite();
    // 2.0.0 is another major; 1.2.0 is newer than the host, which wasmtime's semver
    // matching alone would have linked against 1.1.0.
    for version in ["2.0.0", "1.2.0"] {
        let any_range = edited_manifest(
            &workspace,
            "contract-1-0-probe",
            "contract = \"~1.0\"",
            "contract = \">=1.0\"",
        );
        let error = refused(&workspace, &probe_claiming(&workspace, version), &any_range);
        assert!(
            error.contains(&format!(
                "built against wangge:plugin@{version}, which this host does not support \
                 (it supports wangge:plugin 1.0.0, 1.1.0)"
            )),
            "{version}: {error}"
        );
    }
    let list = workspace.run(&["plugin", "list"]);
    assert!(!list.contains("contract-1-0-probe"), "{list}");
}
