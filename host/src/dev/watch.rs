//! Noticing that a plugin's sources changed: a snapshot of every file's size and modified
//! time under the plugin folder (skipping `target/` and hidden folders), compared with the
//! last one. Polling a few hundred files twice a second costs nothing measurable, and
//! unlike change notifications it sees editors that save by renaming over the file and
//! works the same on every platform and file system.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What was seen of each file.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Snapshot(BTreeMap<PathBuf, (u64, Option<SystemTime>)>);

/// Folders never watched: build output and tools' state.
fn skipped(name: &str) -> bool {
    name == "target" || name.starts_with('.')
}

/// Files never watched: cargo rewrites the lockfile itself during a build, which would
/// otherwise trigger a second build after every first one.
fn ignored_file(name: &str) -> bool {
    name == "Cargo.lock"
}

impl Snapshot {
    /// Reads the sizes and times of every file under `dir`.
    pub fn take(dir: &Path) -> Self {
        let mut files = BTreeMap::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(folder) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name();
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                if kind.is_dir() {
                    if !skipped(&name.to_string_lossy()) {
                        pending.push(entry.path());
                    }
                } else if ignored_file(&name.to_string_lossy()) {
                    continue;
                } else if let Ok(meta) = entry.metadata() {
                    files.insert(entry.path(), (meta.len(), meta.modified().ok()));
                }
            }
        }
        Self(files)
    }

    /// Files added, removed or changed since `earlier`, for the log line.
    pub fn changed_since(&self, earlier: &Snapshot) -> Vec<PathBuf> {
        let mut changed: Vec<PathBuf> = self
            .0
            .iter()
            .filter(|(path, seen)| earlier.0.get(*path) != Some(seen))
            .map(|(path, _)| path.clone())
            .collect();
        changed.extend(
            earlier
                .0
                .keys()
                .filter(|path| !self.0.contains_key(*path))
                .cloned(),
        );
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_additions_and_removals_are_seen_but_target_is_not() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let src = dir.path().join("src");
        std::fs::create_dir_all(&src).expect("src");
        std::fs::create_dir_all(dir.path().join("target")).expect("target");
        std::fs::write(src.join("lib.rs"), "fn a() {}").expect("write");
        let first = Snapshot::take(dir.path());
        assert!(Snapshot::take(dir.path()).changed_since(&first).is_empty());

        std::fs::write(dir.path().join("target/out.wasm"), "x").expect("write");
        assert!(Snapshot::take(dir.path()).changed_since(&first).is_empty());

        std::fs::write(src.join("lib.rs"), "fn a() { b() }").expect("write");
        std::fs::write(src.join("new.rs"), "").expect("write");
        let second = Snapshot::take(dir.path());
        let changed = second.changed_since(&first);
        assert_eq!(changed, vec![src.join("lib.rs"), src.join("new.rs")]);

        std::fs::remove_file(src.join("new.rs")).expect("remove");
        assert_eq!(
            Snapshot::take(dir.path()).changed_since(&second),
            vec![src.join("new.rs")]
        );
    }
}
