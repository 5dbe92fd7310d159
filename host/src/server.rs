//! Serving the platform over HTTP, with the background tasks a server runs beside it: the
//! supervision sweep, the catalog reload, the plugins' schedules and the retries of
//! faulted hook deliveries.

use std::net::SocketAddr;

use crate::db::Db;
use crate::http::app;
use crate::state::AppState;

/// Serves `state` on `listen` until Ctrl-C, reading the catalog's change marker every
/// `catalog_poll` (see `plugins::reload`). Prints the bound address on stdout first, so a
/// caller that asked for port 0 learns the port.
pub async fn serve(listen: SocketAddr, state: AppState) -> anyhow::Result<()> {
    let catalog_poll = state.settings().catalog_poll;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr()?;
    tokio::spawn(supervise_periodically(state.db().clone()));
    tokio::spawn(crate::plugins::reload::watch(state.clone(), catalog_poll));
    tokio::spawn(crate::plugins::hooks::schedules::run(state.clone()));
    tokio::spawn(crate::plugins::hooks::retries::run(state.clone()));
    println!("listening on http://{addr}");
    tracing::info!(%addr, "serving");
    axum::serve(listener, app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// How often the server sweeps for overdue events. Deadlines are whole days, so a few
/// minutes' delay in marking one supervised is of no consequence.
const SUPERVISION_INTERVAL: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Marks overdue events supervised (督办) now and then every [`SUPERVISION_INTERVAL`].
async fn supervise_periodically(db: Db) {
    let mut ticks = tokio::time::interval(SUPERVISION_INTERVAL);
    loop {
        ticks.tick().await;
        let today = crate::grid::calendar::today_in_china().to_string();
        match db.supervise_overdue(&today).await {
            Ok(marked) if !marked.is_empty() => {
                tracing::info!(events = ?marked, "overdue events supervised");
            }
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "supervision sweep failed"),
        }
    }
}
