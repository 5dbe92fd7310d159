//! The plugin runtime: one wasmtime engine, components compiled once and cached by digest,
//! and a fresh, limited, deny-by-default instance for every call.

pub mod bindings;
pub mod breaker;
pub mod call_state;
pub mod compile_cache;
pub mod engine;
pub mod fault;
mod imports;
pub mod installation;
pub mod limits;
pub mod loaded_plugin;

use std::path::Path;

use wasmtime::Engine;
use wasmtime::component::{HasSelf, Linker};

use self::bindings::{Plugin, PluginPre};
use self::call_state::CallState;
use self::compile_cache::{CacheOutcome, CompileCache};
use self::engine::{EpochTicker, build_engine};
use self::limits::Limits;

/// Why a component cannot be run as a plugin.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Not WebAssembly at all.
    #[error("not a WebAssembly component: the file does not start with the `\\0asm` header")]
    NotWasm,
    /// A core module, not a component.
    #[error(
        "this is a core WebAssembly module, not a component: build the plugin for the \
         `wasm32-wasip2` target (`cargo xtask plugins` or `cargo build --target wasm32-wasip2`)"
    )]
    CoreModule,
    /// It does not compile.
    #[error("the component does not compile: {0}")]
    Compile(String),
    /// It compiles but does not implement the contract world.
    #[error("the component does not implement the wangge:plugin/plugin@{version} world: {0}", version = bindings::CONTRACT_VERSION)]
    Contract(String),
}

/// The engine, the linker with every host import, and the compile cache.
pub struct Runtime {
    engine: Engine,
    linker: Linker<CallState>,
    cache: CompileCache,
    limits: Limits,
    _ticker: EpochTicker,
}

impl Runtime {
    /// A runtime with `limits`, caching compiled components in `cache_dir`.
    pub fn new(limits: Limits, cache_dir: &Path) -> anyhow::Result<Self> {
        let engine = build_engine(&limits)?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .map_err(|e| anyhow::anyhow!("cannot link WASI: {e}"))?;
        Plugin::add_to_linker::<CallState, HasSelf<CallState>>(&mut linker, |state| state)
            .map_err(|e| anyhow::anyhow!("cannot link the host imports: {e}"))?;
        let cache = CompileCache::new(cache_dir, &engine)?;
        let ticker = EpochTicker::start(engine.clone());
        Ok(Self {
            engine,
            linker,
            cache,
            limits,
            _ticker: ticker,
        })
    }

    /// Compiles (or loads from the cache) the component `bytes` whose sha256 is `digest`,
    /// and checks that it implements the contract world.
    pub fn prepare(
        &self,
        digest: &str,
        bytes: &[u8],
    ) -> Result<(PluginPre<CallState>, CacheOutcome), LoadError> {
        if !bytes.starts_with(b"\0asm") {
            return Err(LoadError::NotWasm);
        }
        if !wasmtime::wasmparser::Parser::is_component(bytes) {
            return Err(LoadError::CoreModule);
        }
        let (component, outcome) = self
            .cache
            .load(&self.engine, digest, bytes)
            .map_err(|e| LoadError::Compile(format!("{e:#}")))?;
        let instance_pre = self
            .linker
            .instantiate_pre(&component)
            .map_err(|e| LoadError::Contract(format!("{e:#}")))?;
        let pre =
            PluginPre::new(instance_pre).map_err(|e| LoadError::Contract(format!("{e:#}")))?;
        Ok((pre, outcome))
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
}

/// The sha256 of `bytes`, lowercase hex: a component's identity.
pub fn digest_of(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
