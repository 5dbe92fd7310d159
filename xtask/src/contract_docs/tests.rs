//! The committed reference matches the WIT, and the change list finds what a version added,
//! removed and changed.

use wit_parser::Resolve;

use super::changes::{demote_headings, rebase_links};
use super::{COMMAND, Contract, OUTPUT, generate, render_document};
use crate::cargo;

/// The committed file is what `cargo xtask contract-docs` would write today: whoever changes
/// the WIT (or this generator) is told to regenerate it.
#[test]
fn contract_reference_is_up_to_date() {
    let root = cargo::root();
    let generated = generate(&root).expect("the WIT in wit/ parses and renders");
    let committed = std::fs::read_to_string(root.join(OUTPUT)).unwrap_or_default();
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()))
            + 1;
        panic!("{OUTPUT} is stale: run `{COMMAND}` (first difference at line {line})");
    }
}

/// A contract parsed from one in-memory WIT file, as if it were `wit/v{version}/`.
fn contract(version: &str, wit: &str) -> Contract {
    let mut resolve = Resolve::default();
    let package = resolve
        .push_str(format!("v{version}/world.wit"), wit)
        .expect("the test WIT parses");
    Contract {
        dir_name: format!("v{version}"),
        files: vec!["world.wit".into()],
        changes: Some(format!(
            "# t:p@{version}\n\nSee [the previous version](../v1.0.0/).\n"
        )),
        resolve,
        package,
    }
}

#[test]
fn changes_list_additions_removals_and_changed_signatures() {
    let old = contract(
        "1.0.0",
        "package t:p@1.0.0;
         interface shared { /// An error.
             variant error { denied(string) } }
         interface data {
             use shared.{error};
             /// A row.
             record row { id: string }
             get: func(id: string) -> result<row, error>;
             gone: func();
             bump: func(by: u32) -> u32;
         }
         world w { import data; export shared; }",
    );
    let new = contract(
        "1.1.0",
        "package t:p@1.1.0;
         interface shared { /// An error, reworded.
             variant error { denied(string) } }
         interface data {
             use shared.{error};
             /// A row.
             record row { id: string }
             /// How many rows.
             count: func() -> result<u64, error>;
             get: func(id: string) -> result<row, error>;
             bump: func(by: u64) -> u64;
         }
         interface extra { ping: func(); }
         world w { import data; import extra; export shared; }",
    );
    let text = render_document(&[old, new]).expect("renders");
    for expected in [
        "## Changes since 1.0.0",
        "### 1.1.0 compared with 1.0.0",
        "- Interface [`data`](#interface-data):",
        "  - Added function `count: func() -> result<u64, error>`.",
        "  - Changed function `bump`: was `bump: func(by: u32) -> u32`, now \
         `bump: func(by: u64) -> u64`.",
        "  - Removed function `gone: func()`.",
        "  - Doc comments changed: variant `error`.",
        "- Added interface [`extra`](#interface-extra).",
        "- World `w` now imports `extra`.",
        // The release notes: own title dropped, link rebased from `wit/v1.1.0/`.
        "See [the previous version](../wit/v1.0.0/).",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(
        !text.contains("Nothing was removed"),
        "a removal was listed, so the summary must not claim none:\n{text}"
    );
    assert!(
        !text.contains("# t:p@1.1.0"),
        "the notes' own title stays out"
    );
}

#[test]
fn relative_links_are_rebased_onto_docs() {
    let text = "[a](../v1.0.0/) [b](CHANGES.md#x) [c](https://example.org/) [d](#here)";
    assert_eq!(
        rebase_links(text, "wit/v1.1.0"),
        "[a](../wit/v1.0.0/) [b](../wit/v1.1.0/CHANGES.md#x) [c](https://example.org/) \
         [d](#here)"
    );
}

#[test]
fn notes_headings_sit_below_the_section() {
    let notes = "# Title\n\n## Detail\n\n```\n# not a heading\n```\n";
    assert_eq!(
        demote_headings(notes),
        "\n##### Detail\n\n```\n# not a heading\n```\n"
    );
}
