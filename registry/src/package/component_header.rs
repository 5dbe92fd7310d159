//! Checks that `component.wasm` is a WebAssembly component by its 8-byte header, so a core
//! module or a stray file is refused at upload with a message saying what it is, instead of
//! failing later at compilation. The full check (it implements the `wangge:plugin` world)
//! needs wasmtime and happens at install.

use super::error::PackageError;

/// Every WebAssembly binary starts with these bytes.
const WASM_MAGIC: [u8; 4] = *b"\0asm";
/// The component-model binary version this host (wasmtime 48) reads.
const COMPONENT_VERSION: u16 = 0x000d;
/// The layer field: 0 for a core module, 1 for a component.
const CORE_LAYER: u16 = 0;
const COMPONENT_LAYER: u16 = 1;

/// The header of a component this host reads: magic, version 0x0d, layer 1.
pub const COMPONENT_HEADER: [u8; 8] = *b"\0asm\x0d\0\x01\0";

/// Refuses anything but a component of the version this host reads.
pub(crate) fn check_component_header(bytes: &[u8]) -> Result<(), PackageError> {
    let Some(header) = bytes.get(..8) else {
        return Err(PackageError::NotWasm);
    };
    if header[..4] != WASM_MAGIC {
        return Err(PackageError::NotWasm);
    }
    let version = u16::from_le_bytes([header[4], header[5]]);
    let layer = u16::from_le_bytes([header[6], header[7]]);
    match (version, layer) {
        (COMPONENT_VERSION, COMPONENT_LAYER) => Ok(()),
        (_, CORE_LAYER) => Err(PackageError::CoreModule),
        _ => Err(PackageError::UnsupportedWasmVersion { version, layer }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_component_header_passes() {
        assert!(check_component_header(&COMPONENT_HEADER).is_ok());
    }

    #[test]
    fn a_core_module_is_named_as_such() {
        let error = check_component_header(b"\0asm\x01\0\0\0").err();
        assert!(matches!(error, Some(PackageError::CoreModule)), "{error:?}");
        let message = error.map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("core WebAssembly module"), "{message}");
    }

    #[test]
    fn other_files_and_versions_are_refused() {
        assert!(matches!(
            check_component_header(b""),
            Err(PackageError::NotWasm)
        ));
        assert!(matches!(
            check_component_header(b"\0asm"),
            Err(PackageError::NotWasm)
        ));
        assert!(matches!(
            check_component_header(b"\x7fELF\x02\x01\x01\0"),
            Err(PackageError::NotWasm)
        ));
        assert!(matches!(
            check_component_header(b"\0asm\x0e\0\x01\0"),
            Err(PackageError::UnsupportedWasmVersion {
                version: 0x0e,
                layer: 1
            })
        ));
    }
}
