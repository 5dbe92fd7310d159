//! What a contract version changed compared with the one before it. Computed from the two
//! parsed packages rather than copied from `CHANGES.md`, so an addition nobody wrote down
//! still shows; the version's `CHANGES.md` follows as its release notes.

use std::fmt::Write as _;

use wit_parser::{Resolve, WorldItem};

use super::render::{definition, interface_name, signature, used_types};
use super::{Contract, interface_anchor};

/// One named item of an interface as the comparison sees it.
#[derive(Debug, PartialEq, Eq)]
struct Item {
    /// `function`, `record`, `variant`, `enum`, `flags`, `type` or `use`.
    kind: &'static str,
    name: String,
    /// The WIT text without docs: a signature, a type definition, or `use types.{error}`.
    wit: String,
    /// Every doc comment on the item and its members, to notice documentation changes.
    docs: String,
}

/// Writes `### {newer} compared with {older}`: the computed changes, then the release notes.
pub(super) fn section(out: &mut String, older: &Contract, newer: &Contract) -> anyhow::Result<()> {
    writeln!(
        out,
        "### {} compared with {}",
        newer.version(),
        older.version()
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "Computed from [`wit/{}/`](../wit/{}/) and [`wit/{}/`](../wit/{}/):",
        older.dir_name, older.dir_name, newer.dir_name, newer.dir_name
    )?;
    writeln!(out)?;

    let mut unchanged = Vec::new();
    // Whether anything a plugin compiled against `older` relies on went away or changed.
    let mut breaking = false;
    let old_interfaces = snapshot_all(older)?;
    let new_interfaces = snapshot_all(newer)?;
    for (name, new) in &new_interfaces {
        let Some((_, old)) = old_interfaces.iter().find(|(n, _)| n == name) else {
            writeln!(
                out,
                "- Added interface [`{name}`]({}).",
                interface_anchor(name)
            )?;
            continue;
        };
        let lines = compare(old, new, &mut breaking);
        if lines.is_empty() {
            unchanged.push(format!("`{name}`"));
            continue;
        }
        writeln!(out, "- Interface [`{name}`]({}):", interface_anchor(name))?;
        for line in lines {
            writeln!(out, "  - {line}")?;
        }
    }
    for (name, _) in &old_interfaces {
        if !new_interfaces.iter().any(|(n, _)| n == name) {
            breaking = true;
            writeln!(out, "- Removed interface `{name}`.")?;
        }
    }
    for line in world_changes(older, newer, &mut breaking) {
        writeln!(out, "- {line}")?;
    }
    writeln!(out)?;
    if !unchanged.is_empty() {
        writeln!(
            out,
            "Unchanged, doc comments included: {}.",
            unchanged.join(", ")
        )?;
        writeln!(out)?;
    }
    if !breaking {
        writeln!(
            out,
            "Nothing was removed, and no existing signature or type definition changed."
        )?;
        writeln!(out)?;
    }

    if let Some(notes) = &newer.changes {
        writeln!(
            out,
            "#### Release notes: [`wit/{dir}/CHANGES.md`](../wit/{dir}/CHANGES.md)",
            dir = newer.dir_name
        )?;
        writeln!(out)?;
        let notes = demote_headings(&rebase_links(notes, &format!("wit/{}", newer.dir_name)));
        writeln!(out, "{}", notes.trim())?;
        writeln!(out)?;
    }
    Ok(())
}

/// Every interface of the package as (name, items), in the reference's reading order.
fn snapshot_all(contract: &Contract) -> anyhow::Result<Vec<(String, Vec<Item>)>> {
    let resolve = &contract.resolve;
    let mut all = Vec::new();
    for (id, _) in contract.interfaces() {
        let iface = &resolve.interfaces[id];
        let mut items = vec![Item {
            kind: "interface",
            name: String::new(),
            wit: String::new(),
            docs: iface.docs.contents.clone().unwrap_or_default(),
        }];
        let uses = used_types(resolve, id);
        for (name, ty) in &iface.types {
            let ty = &resolve.types[*ty];
            let item = match uses.iter().find(|(local, _)| local == name) {
                Some((_, origin)) => Item {
                    kind: "use",
                    name: name.clone(),
                    wit: format!("use {origin}.{{{name}}}"),
                    docs: String::new(),
                },
                None => {
                    let wit = definition(resolve, ty)?;
                    Item {
                        kind: type_kind(&wit),
                        name: name.clone(),
                        wit,
                        docs: type_docs(ty),
                    }
                }
            };
            items.push(item);
        }
        for function in iface.functions.values() {
            items.push(Item {
                kind: "function",
                name: function.name.clone(),
                wit: signature(resolve, function)?,
                docs: function.docs.contents.clone().unwrap_or_default(),
            });
        }
        all.push((interface_name(resolve, id), items));
    }
    Ok(all)
}

/// The keyword a definition starts with (`record`, `enum` … or `type` for an alias).
fn type_kind(definition: &str) -> &'static str {
    ["record", "variant", "enum", "flags"]
        .into_iter()
        .find(|kind| definition.starts_with(&format!("{kind} ")))
        .unwrap_or("type")
}

/// A type's docs and its members' docs, one after another.
fn type_docs(ty: &wit_parser::TypeDef) -> String {
    use wit_parser::TypeDefKind;
    let mut docs = vec![ty.docs.contents.clone().unwrap_or_default()];
    let member_docs: Vec<Option<String>> = match &ty.kind {
        TypeDefKind::Record(r) => r.fields.iter().map(|m| m.docs.contents.clone()).collect(),
        TypeDefKind::Variant(v) => v.cases.iter().map(|m| m.docs.contents.clone()).collect(),
        TypeDefKind::Enum(e) => e.cases.iter().map(|m| m.docs.contents.clone()).collect(),
        TypeDefKind::Flags(f) => f.flags.iter().map(|m| m.docs.contents.clone()).collect(),
        _ => Vec::new(),
    };
    docs.extend(member_docs.into_iter().map(Option::unwrap_or_default));
    docs.join("\n\u{1f}\n")
}

/// The differences between two versions of one interface, one line each.
fn compare(old: &[Item], new: &[Item], breaking: &mut bool) -> Vec<String> {
    let mut lines = Vec::new();
    let mut doc_changes = Vec::new();
    let describe = |item: &Item| match item.kind {
        "function" => format!("function `{}`", item.wit),
        "use" => format!("`{}`", item.wit),
        kind => format!("{kind} `{}`", item.name),
    };
    for item in new {
        let previous = old
            .iter()
            .find(|o| o.name == item.name && (o.kind == "function") == (item.kind == "function"));
        match previous {
            None => lines.push(format!("Added {}.", describe(item))),
            Some(previous) if previous.wit != item.wit => {
                *breaking = true;
                lines.push(match item.kind {
                    "function" => format!(
                        "Changed function `{}`: was `{}`, now `{}`.",
                        item.name, previous.wit, item.wit
                    ),
                    _ => format!(
                        "Changed {} (was a {} with a different definition).",
                        describe(item),
                        previous.kind
                    ),
                });
            }
            Some(previous) if previous.docs != item.docs => doc_changes.push(match item.kind {
                "interface" => "the interface itself".to_owned(),
                kind => format!("{kind} `{}`", item.name),
            }),
            Some(_) => {}
        }
    }
    for item in old {
        let kept = new
            .iter()
            .any(|n| n.name == item.name && (n.kind == "function") == (item.kind == "function"));
        if !kept {
            *breaking = true;
            lines.push(format!("Removed {}.", describe(item)));
        }
    }
    if !doc_changes.is_empty() {
        lines.push(format!("Doc comments changed: {}.", doc_changes.join(", ")));
    }
    lines
}

/// Imports and exports a world gained or lost, by name.
fn world_changes(older: &Contract, newer: &Contract, breaking: &mut bool) -> Vec<String> {
    let items = |contract: &Contract| -> Vec<(String, String, &'static str)> {
        let resolve: &Resolve = &contract.resolve;
        let mut items = Vec::new();
        for world_id in contract.package().worlds.values() {
            let world = &resolve.worlds[*world_id];
            for (direction, map) in [("import", &world.imports), ("export", &world.exports)] {
                for (key, item) in map {
                    let name = match item {
                        WorldItem::Interface { id, .. } => interface_name(resolve, *id),
                        _ => resolve.name_world_key(key),
                    };
                    items.push((world.name.clone(), name, direction));
                }
            }
        }
        items
    };
    let (old, new) = (items(older), items(newer));
    let mut lines = Vec::new();
    for item in new.iter().filter(|i| !old.contains(i)) {
        lines.push(format!("World `{}` now {}s `{}`.", item.0, item.2, item.1));
    }
    for item in old.iter().filter(|i| !new.contains(i)) {
        *breaking = true;
        lines.push(format!(
            "World `{}` no longer {}s `{}`.",
            item.0, item.2, item.1
        ));
    }
    lines
}

/// Rewrites the relative Markdown links of a file in `dir` (relative to the workspace root)
/// so they still resolve from `docs/`: `(../v1.0.0/)` in `wit/v1.1.0/CHANGES.md` becomes
/// `(../wit/v1.0.0/)`.
pub(super) fn rebase_links(text: &str, dir: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("](") {
        let (before, after) = rest.split_at(at + 2);
        out.push_str(before);
        let end = after.find(')').unwrap_or(after.len());
        out.push_str(&rebase(&after[..end], dir));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// One link target, see `rebase_links`. Absolute URLs and anchors stay as they are.
fn rebase(target: &str, dir: &str) -> String {
    if target.contains("://")
        || target.starts_with('#')
        || target.starts_with('/')
        || target.starts_with("mailto:")
    {
        return target.to_owned();
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in target.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let mut rebased = format!("../{}", parts.join("/"));
    if target.ends_with('/') {
        rebased.push('/');
    }
    rebased
}

/// Drops the notes' own title (the section heading replaces it) and pushes their other
/// headings below the section's `####`, leaving code blocks alone.
pub(super) fn demote_headings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    let mut first_line = true;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        let is_heading = !in_code && line.starts_with('#');
        if first_line && is_heading && line.starts_with("# ") {
            first_line = false;
            continue;
        }
        first_line = false;
        if is_heading && line.chars().take_while(|c| *c == '#').count() <= 3 {
            out.push_str("###");
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}
