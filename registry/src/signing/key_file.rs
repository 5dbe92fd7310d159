//! Secret key files: created only when absent, readable by their owner only (mode 0600 on
//! Unix), and refused when others could read them, as ssh does.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::path::Path;

use super::{KeyError, SigningKey};

/// A key file is one short line; anything longer is not one, and is not read whole.
const MAX_KEY_FILE_BYTES: u64 = 1024;

impl SigningKey {
    /// Writes the key to a new file at `path`, readable by its owner only. An existing file
    /// is never overwritten: a lost secret key cannot be recovered.
    pub fn write_key_file(&self, path: &Path) -> Result<(), KeyError> {
        let io_error = |source| KeyError::Io {
            path: path.to_owned(),
            source,
        };
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            // Set at creation, so the key is never readable by others, even briefly.
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(|source| {
            if source.kind() == ErrorKind::AlreadyExists {
                KeyError::KeyFileExists {
                    path: path.to_owned(),
                }
            } else {
                io_error(source)
            }
        })?;
        file.write_all(self.to_secret_text().as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(io_error)
    }

    /// Reads a key file written by [`SigningKey::write_key_file`].
    pub fn read_key_file(path: &Path) -> Result<Self, KeyError> {
        let io_error = |source| KeyError::Io {
            path: path.to_owned(),
            source,
        };
        let file = File::open(path).map_err(io_error)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = file.metadata().map_err(io_error)?.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(KeyError::InsecureKeyFile {
                    path: path.to_owned(),
                    mode,
                });
            }
        }
        let mut text = String::new();
        file.take(MAX_KEY_FILE_BYTES)
            .read_to_string(&mut text)
            .map_err(io_error)?;
        SigningKey::from_secret_text(&text)
    }
}
