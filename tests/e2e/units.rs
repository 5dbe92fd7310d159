//! `wangge units import` and `units list`: the demo tree imports, bad files are reported row
//! by row and import nothing.

use wangge_tests::Workspace;

fn demo_units() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../host/data/demo/units.csv")
}

#[test]
fn the_demo_tree_imports_and_lists_by_subtree() {
    let workspace = Workspace::sqlite();
    let path = demo_units();
    let output = workspace.wangge(&["units", "import", path.to_str().expect("utf-8")]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("17 units imported (17 new, 0 updated)"),
        "{stdout}"
    );

    let list = workspace.wangge(&["units", "list", "--under", "420202001"]);
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(
        listed.starts_with("      420202001 黄石港街道\n"),
        "{listed}"
    );
    assert!(
        listed.contains("          420202001001001 江边社区第一网格"),
        "{listed}"
    );
    assert!(
        !listed.contains("沈家营"),
        "another street's units stay out: {listed}"
    );
}

#[test]
fn a_file_with_bad_rows_imports_nothing_and_names_each_problem() {
    let workspace = Workspace::sqlite();
    let file = workspace.data_dir().join("bad-units.csv");
    std::fs::write(
        &file,
        "code,name,parent\n42,湖北省,\n4202,,42\n420202,黄石港区,4203\n42020,错,4202\n",
    )
    .expect("write");
    let output = workspace.wangge(&["units", "import", file.to_str().expect("utf-8")]);
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "3 problem(s), nothing imported",
        "row 2, name:",
        "row 3, parent: `4203` is not the parent of `420202`",
        "row 4, code: unit code `42020`",
    ] {
        assert!(error.contains(expected), "{expected}: {error}");
    }
    let list = workspace.wangge(&["units", "list"]);
    assert_eq!(String::from_utf8_lossy(&list.stdout), "no units under 42\n");
}
