//! `houses`: houses and households in the installation's scope (its unit's subtree). An
//! out-of-scope record is answered exactly like a missing one.

use wangge_registry::Permission;

use crate::db::residents::parse_cursor;
use crate::grid::unit_code::is_within;
use crate::runtime::bindings::PluginError;
use crate::runtime::bindings::wangge::plugin::houses::Host;
use crate::runtime::bindings::wangge::plugin::types::{House, Household};
use crate::runtime::call_state::CallState;
use crate::runtime::conversions::house::to_contract;

type Answer<T> = wasmtime::Result<Result<T, PluginError>>;

/// Rows one query may return; plugins page with `after`.
const MAX_ROWS: u32 = 500;

fn host_fault(error: sqlx::Error) -> wasmtime::Error {
    wasmtime::format_err!("house records: {error}")
}

fn not_found(what: &str, id: &str) -> PluginError {
    PluginError::NotFound(format!("no {what} `{id}` in scope"))
}

impl Host for CallState {
    async fn get(&mut self, id: String) -> Answer<House> {
        if let Err(e) = self.gate(Permission::HousesRead, "houses.get").await? {
            return Ok(Err(e));
        }
        let Ok(numeric) = id.parse::<i64>() else {
            return Ok(Err(not_found("house", &id)));
        };
        let found = self
            .installation
            .db()
            .house(numeric)
            .await
            .map_err(host_fault)?;
        Ok(match found {
            Some(house) if is_within(&house.grid_code, &self.installation.unit.code) => {
                Ok(to_contract(house))
            }
            _ => Err(not_found("house", &id)),
        })
    }

    async fn query(
        &mut self,
        grid_prefix: String,
        after: Option<String>,
        limit: u32,
    ) -> Answer<Vec<House>> {
        if let Err(e) = self.gate(Permission::HousesRead, "houses.query").await? {
            return Ok(Err(e));
        }
        let unit = match self.clip_to_scope(Some(grid_prefix.as_str()).filter(|p| !p.is_empty())) {
            Ok(unit) => unit,
            Err(e) => return Ok(Err(e)),
        };
        // The contract's `after` is the last house's id; the host's own `GRID_CODE:ID`
        // form is accepted too. The keyset is (grid, id).
        let cursor = match after.as_deref() {
            None => None,
            Some(text) => match parse_cursor(text) {
                Some((grid, id)) => Some((grid.to_owned(), id)),
                None => match text.parse::<i64>() {
                    Ok(id) => self
                        .installation
                        .db()
                        .house(id)
                        .await
                        .map_err(host_fault)?
                        .map(|house| (house.grid_code, id)),
                    Err(_) => None,
                },
            },
        };
        if let (Some(text), None) = (after.as_deref(), &cursor) {
            return Ok(Err(PluginError::Invalid(format!(
                "after: `{text}` is not the id of a house (the last one of the previous page)"
            ))));
        }
        let after = cursor.as_ref().map(|(grid, id)| (grid.as_str(), *id));
        let rows = self
            .installation
            .db()
            .houses_under(&unit, after, i64::from(limit.clamp(1, MAX_ROWS)))
            .await
            .map_err(host_fault)?;
        Ok(Ok(rows.into_iter().map(to_contract).collect()))
    }

    async fn get_household(&mut self, id: String) -> Answer<Household> {
        if let Err(e) = self
            .gate(Permission::HousesRead, "houses.get-household")
            .await?
        {
            return Ok(Err(e));
        }
        let Ok(numeric) = id.parse::<i64>() else {
            return Ok(Err(not_found("household", &id)));
        };
        let found = self
            .installation
            .db()
            .household(numeric)
            .await
            .map_err(host_fault)?;
        Ok(match found {
            Some(household) if is_within(&household.grid_code, &self.installation.unit.code) => {
                Ok(Household {
                    id: household.id.to_string(),
                    number: household.number,
                    head_resident_id: household.head_resident_id.map(|id| id.to_string()),
                    house_id: household.house_id.map(|id| id.to_string()),
                    member_ids: household.member_ids.iter().map(i64::to_string).collect(),
                    grid_code: household.grid_code,
                })
            }
            _ => Err(not_found("household", &id)),
        })
    }
}
