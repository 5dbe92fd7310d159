//! PostgreSQL for the tests: the machine's server on 127.0.0.1:5432, started if stopped.

use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::time::Duration;

use crate::cargo;

const ADDRESS: ([u8; 4], u16) = ([127, 0, 0, 1], 5432);

fn listening() -> bool {
    TcpStream::connect_timeout(&SocketAddr::from(ADDRESS), Duration::from_secs(1)).is_ok()
}

/// Makes sure PostgreSQL answers on 127.0.0.1:5432, starting the local cluster if needed.
pub fn ensure_running() -> anyhow::Result<()> {
    if std::env::var_os("WANGGE_TEST_POSTGRES_URL").is_some() || listening() {
        return Ok(());
    }
    let versions = std::fs::read_dir("/etc/postgresql").map_err(|e| {
        anyhow::anyhow!(
            "PostgreSQL is not listening on 127.0.0.1:5432 and no local cluster was found \
             in /etc/postgresql ({e}); start one, or set WANGGE_TEST_POSTGRES_URL"
        )
    })?;
    for version in versions {
        let version = version?.file_name().to_string_lossy().into_owned();
        let mut start = Command::new("pg_ctlcluster");
        start.args(["--skip-systemctl-redirect", &version, "main", "start"]);
        cargo::status(start, &format!("pg_ctlcluster {version} main start"))?;
    }
    for _ in 0..30 {
        if listening() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    anyhow::bail!("PostgreSQL was started but does not answer on 127.0.0.1:5432")
}
