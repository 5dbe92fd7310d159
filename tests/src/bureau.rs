//! The insurance bureau stand-in (`bureau-standin`, docs/bureau-api.md) for end-to-end and
//! plugin harness tests.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running stand-in bureau on a free port, stopped when dropped.
pub struct Bureau {
    child: Child,
    url: String,
}

impl Bureau {
    /// Starts `bureau-standin --listen 127.0.0.1:0` (the binary from `WANGGE_BUREAU_BIN`,
    /// else `target/debug/bureau-standin`) and reads the address it prints.
    pub fn start() -> Self {
        let bin = crate::from_env_or(
            "WANGGE_BUREAU_BIN",
            crate::shared_target_dir().join("debug/bureau-standin"),
            "build it with `cargo build -p bureau-standin`",
        );
        let mut child = Command::new(&bin)
            .args(["--listen", "127.0.0.1:0"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", bin.display()));
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the listening line");
        let Some(url) = line.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("bureau-standin did not start: {line:?}");
        };
        Self {
            url: url.to_owned(),
            child,
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for Bureau {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::Bureau;

    #[tokio::test]
    async fn starts_answers_and_stops() {
        let bureau = Bureau::start();
        assert!(
            bureau.url().starts_with("http://127.0.0.1:"),
            "{}",
            bureau.url()
        );
        let health = reqwest::get(format!("{}/healthz", bureau.url()))
            .await
            .expect("GET /healthz");
        assert_eq!(health.status(), 200);
        let record: serde_json::Value = reqwest::get(format!(
            "{}/api/v1/pension/420202194405120116",
            bureau.url()
        ))
        .await
        .expect("GET a pension record")
        .json()
        .await
        .expect("JSON");
        assert_eq!(record["id_number"], "420202194405120116");
        let url = bureau.url().to_owned();
        drop(bureau);
        assert!(reqwest::get(format!("{url}/healthz")).await.is_err());
    }
}
