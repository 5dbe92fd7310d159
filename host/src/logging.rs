//! How the host writes its log to stderr: human-readable text (the default) or one JSON
//! object a line for a log collector (`--log-format json`), filtered by `RUST_LOG`.

/// The log's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// One line a record for a person reading it, coloured on a terminal.
    #[default]
    Text,
    /// One JSON object a line, with the fields of every span it happened in (a request's
    /// `request_id` above all), for a collector to index.
    Json,
}

/// Starts logging to stderr in `format`, filtered by `RUST_LOG` (default: info).
pub fn init(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(false)
            .with_span_list(true)
            .init(),
    }
}
