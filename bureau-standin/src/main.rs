//! The insurance bureau stand-in (docs/bureau-api.md): the bureau's API over records derived
//! from the ID numbers themselves, for the demo and the tests.

mod id_number;
mod records;
mod routes;
mod state;

use std::io::Write;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use tracing_subscriber::EnvFilter;

/// A stand-in for the insurance bureau's API (社保/医保经办机构接口).
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// The address to listen on; port 0 picks a free port. Prints `listening on
    /// http://ADDR` once bound.
    #[arg(long, default_value = "127.0.0.1:9300")]
    listen: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let listener = tokio::net::TcpListener::bind(&cli.listen)
        .await
        .with_context(|| format!("listening on {}", cli.listen))?;
    let address = listener.local_addr().context("the bound address")?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "listening on http://{address}").context("writing to stdout")?;
    stdout.flush().context("writing to stdout")?;
    let app = routes::router(Arc::new(state::Bureau::new()));
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await
        .context("serving")?;
    Ok(())
}

/// Resolves on Ctrl-C (or SIGTERM on Unix).
async fn shutdown() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("stopping");
}
