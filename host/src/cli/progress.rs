//! Step-by-step progress of long commands (install, upgrade, publish) on stderr: on a
//! terminal a spinner shows the running step with its elapsed time and ticks each finished
//! step off above it; piped into a log or a test, each step is one plain `… step` line.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// How often the spinner redraws: smooth enough to show it is alive, cheap enough to
/// cost nothing next to a compile.
const TICK: Duration = Duration::from_millis(120);

/// The steps of one command.
pub struct Steps {
    spinner: Option<ProgressBar>,
}

impl Steps {
    /// A spinner if stderr is a terminal, plain lines otherwise.
    pub fn new() -> Self {
        let spinner = std::io::stderr().is_terminal().then(|| {
            let spinner = ProgressBar::new_spinner();
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
                spinner.set_style(style);
            }
            spinner.enable_steady_tick(TICK);
            spinner
        });
        Self { spinner }
    }

    /// Starts `text`, ticking off the step before it.
    pub fn step(&self, text: &str) {
        match &self.spinner {
            Some(spinner) => {
                let previous = spinner.message();
                if !previous.is_empty() {
                    spinner.println(format!("✓ {previous}"));
                }
                spinner.set_message(text.to_owned());
            }
            None => eprintln!("… {text}"),
        }
    }
}

impl Default for Steps {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Steps {
    fn drop(&mut self) {
        if let Some(spinner) = &self.spinner {
            let last = spinner.message();
            if !last.is_empty() {
                spinner.println(format!("✓ {last}"));
            }
            spinner.finish_and_clear();
        }
    }
}
