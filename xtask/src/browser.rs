//! The browser tests' browser: Debian's `chromium` and `chromium-driver` packages, installed
//! with apt-get when missing (as root, else through `sudo -n`), plus a font with Chinese
//! glyphs so the tests' screenshots of the pages are legible.

use std::path::Path;
use std::process::Command;

use crate::cargo;

/// The headless browser the tests drive.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// The WebDriver server that drives it.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// A small font with Chinese glyphs; without one the pages' text is drawn as boxes.
const CJK_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
/// What provides the three files above.
const PACKAGES: [&str; 3] = ["chromium", "chromium-driver", "fonts-wqy-microhei"];

/// Installs Chromium, chromedriver and the font unless all are there.
pub fn ensure_chromium() -> anyhow::Result<()> {
    if [CHROMIUM, CHROMEDRIVER, CJK_FONT]
        .iter()
        .all(|path| Path::new(path).exists())
    {
        return Ok(());
    }
    install().map_err(|error| {
        anyhow::anyhow!(
            "the browser tests need the Debian packages {} and could not install them: \
             {error:#}\ninstall them with `sudo apt-get install {}`",
            PACKAGES.join(", "),
            PACKAGES.join(" ")
        )
    })
}

fn install() -> anyhow::Result<()> {
    let mut install = vec!["install", "-y", "--no-install-recommends"];
    install.extend(PACKAGES);
    cargo::status(apt_get(&["update"]), "apt-get update")?;
    cargo::status(apt_get(&install), &format!("apt-get {}", install.join(" ")))
}

/// `apt-get ARGS`, through `sudo -n` (never asking for a password) unless we are root.
fn apt_get(args: &[&str]) -> Command {
    let mut command = if is_root() {
        Command::new("env")
    } else {
        let mut sudo = Command::new("sudo");
        sudo.args(["-n", "env"]);
        sudo
    };
    // Through `env`, since sudo does not pass the environment on.
    command
        .args(["DEBIAN_FRONTEND=noninteractive", "apt-get"])
        .args(args);
    command
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}
