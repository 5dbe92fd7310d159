//! The plugin runtime: one wasmtime engine, components of every supported contract version
//! (`contract`) compiled once and cached by digest, and a fresh, limited, deny-by-default
//! instance for every call.

pub mod bindings;
pub mod breaker;
pub mod call_state;
pub mod compile_cache;
pub mod contract;
pub mod conversions;
pub mod engine;
pub mod fault;
mod imports;
pub mod installation;
pub mod limits;
pub mod loaded_plugin;

use std::path::Path;

use semver::{Version, VersionReq};
use wasmtime::Engine;
use wasmtime::component::{HasSelf, Linker};

use self::bindings::{Plugin, PluginPre};
use self::call_state::CallState;
use self::compile_cache::{CacheOutcome, CompileCache};
use self::contract::ContractError;
use self::engine::{EpochTicker, build_engine};
pub use self::imports::hook_payloads::{contract_event_state, event_payload, resident_payload};
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
    /// Its contract version is not one this host runs, or not the manifest's.
    #[error(transparent)]
    Version(#[from] ContractError),
    /// It names a supported version but does not implement that version's world.
    #[error("the component does not implement the wangge:plugin/plugin@{version} world: {detail}")]
    Contract {
        /// The version its names carry.
        version: Version,
        /// What the linker found missing or mistyped.
        detail: String,
    },
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
    /// and checks that it implements the world of a supported contract version.
    pub fn prepare(
        &self,
        digest: &str,
        bytes: &[u8],
    ) -> Result<(PluginPre<CallState>, CacheOutcome), LoadError> {
        self.prepare_versioned(digest, bytes)
            .map(|(pre, outcome, _)| (pre, outcome))
    }

    /// [`Runtime::prepare`], also checking that the manifest's `contract` range accepts the
    /// version the component was built against.
    pub fn prepare_for(
        &self,
        contract: &VersionReq,
        digest: &str,
        bytes: &[u8],
    ) -> Result<(PluginPre<CallState>, CacheOutcome), LoadError> {
        let (pre, outcome, version) = self.prepare_versioned(digest, bytes)?;
        contract::check_range(contract, &version)?;
        Ok((pre, outcome))
    }

    /// [`Runtime::prepare`] with the contract version the component was built against.
    pub fn prepare_versioned(
        &self,
        digest: &str,
        bytes: &[u8],
    ) -> Result<(PluginPre<CallState>, CacheOutcome, Version), LoadError> {
        if !bytes.starts_with(b"\0asm") {
            return Err(LoadError::NotWasm);
        }
        if !wasmtime::wasmparser::Parser::is_component(bytes) {
            return Err(LoadError::CoreModule);
        }
        // A declared version this host does not run is refused before the compile.
        let declared = contract::declared_version(bytes)?;
        if let Some(version) = &declared
            && !contract::SUPPORTED_CONTRACTS.contains(version)
        {
            return Err(ContractError::Unsupported(version.clone()).into());
        }
        let (component, outcome) = self
            .cache
            .load(&self.engine, digest, bytes)
            .map_err(|e| LoadError::Compile(format!("{e:#}")))?;
        // Before linking: wasmtime's semver matching would resolve a 1.2.0 import against
        // the 1.1.0 definitions, so an unsupported version must be refused by its name.
        let version = contract::version_of(&component)?;
        if let Some(declared) = &declared {
            contract::check_declared(declared, &version)?;
        }
        let not_implemented = |e: wasmtime::Error| LoadError::Contract {
            version: version.clone(),
            detail: format!("{e:#}"),
        };
        let instance_pre = self
            .linker
            .instantiate_pre(&component)
            .map_err(not_implemented)?;
        let pre = PluginPre::new(instance_pre).map_err(not_implemented)?;
        Ok((pre, outcome, version))
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
