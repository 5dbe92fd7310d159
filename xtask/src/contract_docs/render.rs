//! The reference part of the document: one contract version's world, then every interface
//! with its types and functions, signatures in WIT syntax, each followed by its doc comment.

use std::fmt::Write as _;

use anyhow::bail;
use wit_parser::{
    Docs, Function, FunctionKind, Handle, Interface, InterfaceId, Resolve, Type, TypeDef,
    TypeDefKind, TypeOwner, World, WorldItem, WorldKey,
};

use super::{Contract, Direction, interface_anchor};

/// Writes the world(s) and every interface of `contract`.
pub(super) fn reference(out: &mut String, contract: &Contract) -> anyhow::Result<()> {
    let resolve = &contract.resolve;
    for world_id in contract.package().worlds.values() {
        world(out, contract, &resolve.worlds[*world_id])?;
    }
    writeln!(out, "## Interfaces")?;
    writeln!(out)?;
    for (id, direction) in contract.interfaces() {
        interface(out, resolve, id, direction)?;
    }
    Ok(())
}

/// The world: its docs, its WIT text, and what it imports and exports.
fn world(out: &mut String, contract: &Contract, world: &World) -> anyhow::Result<()> {
    let resolve = &contract.resolve;
    let package = &contract.package().name;
    writeln!(out, "## World `{}`", world.name)?;
    writeln!(out)?;
    writeln!(
        out,
        "`{}:{}/{}@{}`",
        package.namespace,
        package.name,
        world.name,
        contract.version()
    )?;
    writeln!(out)?;
    paragraph(out, &world.docs)?;
    writeln!(out, "```wit")?;
    writeln!(out, "package {package};")?;
    writeln!(out)?;
    writeln!(out, "world {} {{", world.name)?;
    for (keyword, items) in [("import", &world.imports), ("export", &world.exports)] {
        // A blank line between the imports and the exports, as the WIT itself is laid out.
        if keyword == "export" && !world.imports.is_empty() && !items.is_empty() {
            writeln!(out)?;
        }
        for (key, item) in items {
            writeln!(
                out,
                "    {keyword} {};",
                world_item(resolve, contract, key, item)?
            )?;
        }
    }
    writeln!(out, "}}")?;
    writeln!(out, "```")?;
    writeln!(out)?;
    for (label, who, items) in [
        (
            "Imports",
            "the host implements them and the plugin may call them",
            &world.imports,
        ),
        (
            "Exports",
            "the plugin implements them and the host calls them",
            &world.exports,
        ),
    ] {
        let names: Vec<String> = items
            .iter()
            .map(|(key, item)| match item {
                WorldItem::Interface { id, .. } => {
                    let name = interface_name(resolve, *id);
                    format!("[`{name}`]({})", interface_anchor(&name))
                }
                _ => format!("`{}`", resolve.name_world_key(key)),
            })
            .collect();
        if !names.is_empty() {
            writeln!(out, "{label} ({who}): {}.", names.join(", "))?;
            writeln!(out)?;
        }
    }
    Ok(())
}

/// What follows `import`/`export` in the world's WIT text.
fn world_item(
    resolve: &Resolve,
    contract: &Contract,
    key: &WorldKey,
    item: &WorldItem,
) -> anyhow::Result<String> {
    Ok(match item {
        // Interfaces of the package itself by their short name, others by their full id.
        WorldItem::Interface { id, .. } => match &resolve.interfaces[*id] {
            Interface {
                name: Some(name),
                package: Some(package),
                ..
            } if *package == contract.package => name.clone(),
            _ => resolve.name_world_key(key),
        },
        WorldItem::Function(function) => signature(resolve, function)?,
        WorldItem::Type { id, .. } => format!("type {}", type_name(resolve, *id)),
    })
}

/// One interface: heading, full name, direction, docs, uses, types, functions.
fn interface(
    out: &mut String,
    resolve: &Resolve,
    id: InterfaceId,
    direction: Direction,
) -> anyhow::Result<()> {
    let iface = &resolve.interfaces[id];
    let name = interface_name(resolve, id);
    writeln!(out, "### Interface `{name}`")?;
    writeln!(out)?;
    let full = resolve.id_of(id).unwrap_or_else(|| name.clone());
    writeln!(
        out,
        "`{full}`, {}.",
        direction.describe(!iface.functions.is_empty())
    )?;
    writeln!(out)?;
    paragraph(out, &iface.docs)?;

    // `use types.{error, …}` puts aliases into the interface's type map; they are the
    // shared types, documented where they are defined, so only name them here.
    let uses = used_types(resolve, id);
    let mut from: Vec<(String, Vec<String>)> = Vec::new();
    for (local, origin) in &uses {
        match from.iter_mut().find(|(o, _)| o == origin) {
            Some((_, names)) => names.push(format!("`{local}`")),
            None => from.push((origin.clone(), vec![format!("`{local}`")])),
        }
    }
    for (origin, names) in &from {
        writeln!(
            out,
            "Uses {} from [`{origin}`]({}).",
            names.join(", "),
            interface_anchor(origin)
        )?;
        writeln!(out)?;
    }

    let own_types: Vec<&TypeDef> = iface
        .types
        .iter()
        .filter(|(name, _)| !uses.iter().any(|(local, _)| local == *name))
        .map(|(_, ty)| &resolve.types[*ty])
        .collect();
    if !own_types.is_empty() {
        writeln!(out, "#### Types")?;
        writeln!(out)?;
        for ty in own_types {
            type_def(out, resolve, ty)?;
        }
    }
    if !iface.functions.is_empty() {
        writeln!(out, "#### Functions")?;
        writeln!(out)?;
        for function in iface.functions.values() {
            writeln!(out, "##### `{}`", function.name)?;
            writeln!(out)?;
            writeln!(out, "```wit")?;
            writeln!(out, "{}", signature(resolve, function)?)?;
            writeln!(out, "```")?;
            writeln!(out)?;
            paragraph(out, &function.docs)?;
        }
    }
    Ok(())
}

/// One type the interface defines: heading, docs, then its fields or cases with theirs.
fn type_def(out: &mut String, resolve: &Resolve, ty: &TypeDef) -> anyhow::Result<()> {
    let name = ty.name.as_deref().unwrap_or("?");
    match &ty.kind {
        TypeDefKind::Record(record) => {
            writeln!(out, "##### record `{name}`")?;
            writeln!(out)?;
            paragraph(out, &ty.docs)?;
            for field in &record.fields {
                let head = format!("{}: {}", field.name, wit_type(resolve, &field.ty));
                list_item(out, &head, &field.docs)?;
            }
            writeln!(out)?;
        }
        TypeDefKind::Variant(variant) => {
            writeln!(out, "##### variant `{name}`")?;
            writeln!(out)?;
            paragraph(out, &ty.docs)?;
            for case in &variant.cases {
                let head = match &case.ty {
                    Some(payload) => format!("{}({})", case.name, wit_type(resolve, payload)),
                    None => case.name.clone(),
                };
                list_item(out, &head, &case.docs)?;
            }
            writeln!(out)?;
        }
        TypeDefKind::Enum(enumeration) => {
            writeln!(out, "##### enum `{name}`")?;
            writeln!(out)?;
            paragraph(out, &ty.docs)?;
            for case in &enumeration.cases {
                list_item(out, &case.name, &case.docs)?;
            }
            writeln!(out)?;
        }
        TypeDefKind::Flags(flags) => {
            writeln!(out, "##### flags `{name}`")?;
            writeln!(out)?;
            paragraph(out, &ty.docs)?;
            for flag in &flags.flags {
                list_item(out, &flag.name, &flag.docs)?;
            }
            writeln!(out)?;
        }
        _ => {
            writeln!(out, "##### type `{name}`")?;
            writeln!(out)?;
            writeln!(out, "```wit")?;
            writeln!(out, "{}", definition(resolve, ty)?)?;
            writeln!(out, "```")?;
            writeln!(out)?;
            paragraph(out, &ty.docs)?;
        }
    }
    Ok(())
}

/// The WIT text of a type definition without its docs, e.g. `type timestamp = s64` or a
/// whole `record … { … }`. The change list compares these to spot changed types.
pub(super) fn definition(resolve: &Resolve, ty: &TypeDef) -> anyhow::Result<String> {
    let name = ty.name.as_deref().unwrap_or("?");
    let block = |keyword: &str, members: Vec<String>| {
        let mut text = format!("{keyword} {name} {{\n");
        for member in members {
            text.push_str("    ");
            text.push_str(&member);
            text.push_str(",\n");
        }
        text.push('}');
        text
    };
    Ok(match &ty.kind {
        TypeDefKind::Record(record) => block(
            "record",
            record
                .fields
                .iter()
                .map(|f| format!("{}: {}", f.name, wit_type(resolve, &f.ty)))
                .collect(),
        ),
        TypeDefKind::Variant(variant) => block(
            "variant",
            variant
                .cases
                .iter()
                .map(|c| match &c.ty {
                    Some(payload) => format!("{}({})", c.name, wit_type(resolve, payload)),
                    None => c.name.clone(),
                })
                .collect(),
        ),
        TypeDefKind::Enum(enumeration) => block(
            "enum",
            enumeration.cases.iter().map(|c| c.name.clone()).collect(),
        ),
        TypeDefKind::Flags(flags) => block(
            "flags",
            flags.flags.iter().map(|f| f.name.clone()).collect(),
        ),
        // A resource's methods live in the interface's function map under mangled names;
        // the contract has none, so fail loudly rather than publish half a description.
        TypeDefKind::Resource => {
            bail!("resource `{name}`: resources are not rendered yet (extend contract_docs)")
        }
        TypeDefKind::Unknown => bail!("type `{name}` is unresolved"),
        // Aliases, and the anonymous kinds (`list<…>`, `tuple<…>` …) given a name.
        TypeDefKind::Type(target) => format!("type {name} = {}", wit_type(resolve, target)),
        _ => format!("type {name} = {}", anonymous(resolve, &ty.kind)),
    })
}

/// A function's signature in WIT syntax, e.g.
/// `get: func(id: string) -> result<resident, error>`.
pub(super) fn signature(resolve: &Resolve, function: &Function) -> anyhow::Result<String> {
    let keyword = match function.kind {
        FunctionKind::Freestanding => "func",
        FunctionKind::AsyncFreestanding => "async func",
        // Same reason as for resources in `definition`.
        _ => bail!(
            "`{}`: resource functions are not rendered yet (extend contract_docs)",
            function.name
        ),
    };
    let params: Vec<String> = function
        .params
        .iter()
        .map(|p| format!("{}: {}", p.name, wit_type(resolve, &p.ty)))
        .collect();
    let mut text = format!("{}: {keyword}({})", function.name, params.join(", "));
    if let Some(result) = &function.result {
        text.push_str(" -> ");
        text.push_str(&wit_type(resolve, result));
    }
    Ok(text)
}

/// A type as WIT writes it where it is used: its name if it has one, else its structure.
pub(super) fn wit_type(resolve: &Resolve, ty: &Type) -> String {
    match ty {
        Type::Bool => "bool".into(),
        Type::U8 => "u8".into(),
        Type::U16 => "u16".into(),
        Type::U32 => "u32".into(),
        Type::U64 => "u64".into(),
        Type::S8 => "s8".into(),
        Type::S16 => "s16".into(),
        Type::S32 => "s32".into(),
        Type::S64 => "s64".into(),
        Type::F32 => "f32".into(),
        Type::F64 => "f64".into(),
        Type::Char => "char".into(),
        Type::String => "string".into(),
        Type::ErrorContext => "error-context".into(),
        Type::Id(id) => type_name(resolve, *id),
    }
}

/// The name of a type definition, or its structure when it is anonymous.
fn type_name(resolve: &Resolve, id: wit_parser::TypeId) -> String {
    let ty = &resolve.types[id];
    match &ty.name {
        Some(name) => name.clone(),
        None => anonymous(resolve, &ty.kind),
    }
}

/// The structural spelling of an anonymous type: `list<u8>`, `result<_, error>` …
fn anonymous(resolve: &Resolve, kind: &TypeDefKind) -> String {
    let t = |ty: &Type| wit_type(resolve, ty);
    match kind {
        TypeDefKind::Option(inner) => format!("option<{}>", t(inner)),
        TypeDefKind::Result(result) => match (&result.ok, &result.err) {
            (None, None) => "result".into(),
            (Some(ok), None) => format!("result<{}>", t(ok)),
            (None, Some(err)) => format!("result<_, {}>", t(err)),
            (Some(ok), Some(err)) => format!("result<{}, {}>", t(ok), t(err)),
        },
        TypeDefKind::List(inner) => format!("list<{}>", t(inner)),
        TypeDefKind::FixedLengthList(inner, len) => format!("list<{}, {len}>", t(inner)),
        TypeDefKind::Map(key, value) => format!("map<{}, {}>", t(key), t(value)),
        TypeDefKind::Tuple(tuple) => {
            let types: Vec<String> = tuple.types.iter().map(t).collect();
            format!("tuple<{}>", types.join(", "))
        }
        // `own<r>` is spelled as the bare resource name in WIT.
        TypeDefKind::Handle(Handle::Own(resource)) => type_name(resolve, *resource),
        TypeDefKind::Handle(Handle::Borrow(resource)) => {
            format!("borrow<{}>", type_name(resolve, *resource))
        }
        TypeDefKind::Future(None) => "future".into(),
        TypeDefKind::Future(Some(inner)) => format!("future<{}>", t(inner)),
        TypeDefKind::Stream(None) => "stream".into(),
        TypeDefKind::Stream(Some(inner)) => format!("stream<{}>", t(inner)),
        TypeDefKind::Type(inner) => t(inner),
        other => other.as_str().into(),
    }
}

/// The types an interface brings in with `use`, as (local name, interface defined in), in
/// source order. A `use` is an alias whose target is a named type owned by another
/// interface; `type header = tuple<…>` is an alias too, but of an anonymous type.
pub(super) fn used_types(resolve: &Resolve, id: InterfaceId) -> Vec<(String, String)> {
    resolve.interfaces[id]
        .types
        .iter()
        .filter_map(|(local, ty)| {
            let TypeDefKind::Type(Type::Id(target)) = resolve.types[*ty].kind else {
                return None;
            };
            match resolve.types[target].owner {
                TypeOwner::Interface(owner) if owner != id => {
                    Some((local.clone(), interface_name(resolve, owner)))
                }
                _ => None,
            }
        })
        .collect()
}

/// An interface's name (`?` for an anonymous one inlined in a world, which the contract
/// does not use).
pub(super) fn interface_name(resolve: &Resolve, id: InterfaceId) -> String {
    resolve.interfaces[id]
        .name
        .clone()
        .unwrap_or_else(|| "?".into())
}

/// A doc comment as a Markdown paragraph, followed by a blank line; nothing if empty.
fn paragraph(out: &mut String, docs: &Docs) -> anyhow::Result<()> {
    if let Some(text) = docs.contents.as_deref() {
        writeln!(out, "{}", text.trim_end())?;
        writeln!(out)?;
    }
    Ok(())
}

/// `- `head`: docs`, the docs' further lines indented so they stay in the list item.
fn list_item(out: &mut String, head: &str, docs: &Docs) -> anyhow::Result<()> {
    let text = docs.contents.as_deref().unwrap_or("").trim_end();
    let mut lines = text.lines();
    match lines.next() {
        Some(first) => writeln!(out, "- `{head}`: {first}")?,
        None => writeln!(out, "- `{head}`")?,
    }
    for line in lines {
        if line.is_empty() {
            writeln!(out)?;
        } else {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(())
}
