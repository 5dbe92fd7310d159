//! Which `wangge:plugin` contract this build targets, and the custom section that tells a
//! host so before it instantiates anything.

/// The `wangge:plugin` version this build of the SDK targets (`major.minor.patch`).
#[cfg(not(feature = "contract-1-0"))]
pub const CONTRACT_VERSION: &str = "1.1.0";

/// The `wangge:plugin` version this build of the SDK targets (`major.minor.patch`).
#[cfg(feature = "contract-1-0")]
pub const CONTRACT_VERSION: &str = "1.0.0";

/// The name of the wasm custom section that carries [`CONTRACT_VERSION`] as UTF-8 text.
pub const CONTRACT_SECTION: &str = "wangge:contract-version";

/// [`CONTRACT_VERSION`] as a fixed-size array, the only shape a `link_section` static takes.
#[cfg(any(target_family = "wasm", test))]
const fn version_bytes<const N: usize>(version: &str) -> [u8; N] {
    let bytes = version.as_bytes();
    let mut out = [0; N];
    let mut i = 0;
    while i < N {
        out[i] = bytes[i];
        i += 1;
    }
    out
}

// The section's name must match CONTRACT_SECTION; an attribute cannot take a constant.
#[cfg(target_family = "wasm")]
#[expect(
    unsafe_code,
    reason = "link_section is unsafe because the linker, not Rust, places the bytes; they \
              are plain data in a custom section that nothing reads at run time"
)]
#[unsafe(link_section = "wangge:contract-version")]
#[used]
static CONTRACT_VERSION_SECTION: [u8; CONTRACT_VERSION.len()] = version_bytes(CONTRACT_VERSION);

/// Keeps the section in the final module. The linker takes an object file out of the SDK's
/// rlib only if something in it is referenced, and `#[used]` does not count; the custom
/// section travels with the object file. The exports call this function, which rustc puts
/// in the same object file as the static (same module, so same codegen unit).
/// `inline(never)` so that the call, and with it the reference, survives optimisation.
#[inline(never)]
pub(crate) fn link_contract_section() {
    #[cfg(target_family = "wasm")]
    core::hint::black_box(CONTRACT_VERSION_SECTION.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_holds_the_version_text() {
        let bytes: [u8; CONTRACT_VERSION.len()] = version_bytes(CONTRACT_VERSION);
        assert_eq!(&bytes, CONTRACT_VERSION.as_bytes());
    }
}
