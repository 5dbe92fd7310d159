//! Compiled components cached on disk by content digest, so that each component is compiled
//! once and every later start loads the artifact instead.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use wasmtime::Engine;
use wasmtime::component::Component;

/// Where compiled artifacts live, keyed by component digest and engine configuration.
#[derive(Debug, Clone)]
pub struct CompileCache {
    dir: PathBuf,
    engine_tag: String,
}

/// Whether a load hit the cache; reported by `plugin add` and tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    /// The artifact was on disk.
    Hit,
    /// The component was compiled and the artifact written.
    Compiled,
}

impl CompileCache {
    /// A cache in `dir` for artifacts of `engine`.
    pub fn new(dir: &Path, engine: &Engine) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("cannot create cache directory {}: {e}", dir.display()))?;
        // Artifacts of another wasmtime version or configuration cannot be loaded; keying by
        // the engine's compatibility hash makes them simply miss.
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        Ok(Self {
            dir: dir.to_owned(),
            engine_tag: format!("{:016x}", hasher.finish()),
        })
    }

    /// The path of the artifact for `digest`.
    pub fn artifact_path(&self, digest: &str) -> PathBuf {
        self.dir.join(format!("{digest}-{}.cwasm", self.engine_tag))
    }

    /// Loads the compiled `bytes` (whose sha256 is `digest`), compiling on a miss.
    pub fn load(
        &self,
        engine: &Engine,
        digest: &str,
        bytes: &[u8],
    ) -> wasmtime::Result<(Component, CacheOutcome)> {
        let path = self.artifact_path(digest);
        if path.exists() {
            // SAFETY: the cache directory is the host's own; artifacts are written below by
            // this engine configuration and named by the digest of their source. Anyone who
            // can write there can already replace the host binary.
            #[expect(unsafe_code, reason = "loading our own precompiled artifact")]
            let cached = unsafe { Component::deserialize_file(engine, &path) };
            match cached {
                Ok(component) => return Ok((component, CacheOutcome::Hit)),
                Err(error) => tracing::warn!(
                    artifact = %path.display(),
                    %error,
                    "cached artifact unusable; compiling again"
                ),
            }
        }
        let artifact = engine.precompile_component(bytes)?;
        // Write to a temporary name and rename, so a concurrent reader never sees half a file.
        let partial = path.with_extension("partial");
        std::fs::write(&partial, &artifact)
            .and_then(|()| std::fs::rename(&partial, &path))
            .map_err(|e| wasmtime::format_err!("cannot write {}: {e}", path.display()))?;
        #[expect(unsafe_code, reason = "loading the artifact this engine just produced")]
        // SAFETY: `artifact` was produced by `engine.precompile_component` just above.
        let component = unsafe { Component::deserialize(engine, &artifact)? };
        Ok((component, CacheOutcome::Compiled))
    }
}
