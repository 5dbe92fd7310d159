//! The services covering a person's units: of every plugin installed at or above one of
//! them, the nearest installation (as `catalog.resolve` picks it), enabled, with pages for
//! the audience asked for. The resident start page lists the resident pages, the worker's
//! plugin page the worker pages, in the same markup.

use maud::{Markup, html};
use wangge_registry::Audience;

use crate::grid::unit_code::is_within;
use crate::plugins::catalog::Served;
use crate::state::AppState;

/// One service.
pub struct Service {
    /// The plugin's id.
    pub plugin_id: String,
    /// Its name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// (path below `/p/ID`, Chinese title) of its pages for the audience asked for.
    pub pages: Vec<(String, String)>,
    /// Whether its circuit breaker has suspended it.
    pub suspended: bool,
}

/// The services with `audience` pages covering `units`.
pub fn services_for(state: &AppState, units: &[String], audience: Audience) -> Vec<Service> {
    let catalog = state.catalog();
    let ids: Vec<String> = catalog
        .iter()
        .map(|p| p.installation.manifest.id.to_string())
        .collect();
    ids.iter()
        .filter_map(|id| match catalog.resolve(id, units)? {
            Served::Enabled(plugin) => {
                let code = &plugin.installation.unit.code;
                // `resolve` falls back to the highest installation; only those covering
                // one of the user's units are theirs.
                if !units.iter().any(|unit| is_within(unit, code)) {
                    return None;
                }
                let manifest = &plugin.installation.manifest;
                Some(Service {
                    plugin_id: manifest.id.to_string(),
                    name: manifest.name.to_string(),
                    description: manifest.description.to_string(),
                    pages: manifest
                        .pages
                        .iter()
                        .filter(|p| p.audience == audience)
                        .map(|p| (p.path.clone(), p.title.clone()))
                        .collect(),
                    suspended: plugin.installation.breaker.is_suspended(),
                })
            }
            Served::Disabled { .. } => None,
        })
        .filter(|s| !s.pages.is_empty())
        .collect()
}

/// The list of `services` with links to their pages, each marked （已暂停） while its
/// plugin is suspended.
pub fn services_list(services: &[Service]) -> Markup {
    html! {
        ul.plugins {
            @for service in services {
                li {
                    strong { (service.name) }
                    @if service.suspended { " " strong { "（已暂停）" } }
                    br;
                    small.muted { (service.description) }
                    ul {
                        @for (path, title) in &service.pages {
                            li { a href={ "/p/" (service.plugin_id) (path) } { (title) } }
                        }
                    }
                }
            }
        }
    }
}
