//! Base data that grid workers keep (基础数据维护, the "9+X" of 一标三实): residents,
//! households, houses, organizations and special populations, read within one's units
//! (sensitive fields masked), registered, edited, moved and closed by those who keep a
//! grid's records. Every change is checked as the import checks it, saved only at the
//! version it was read (a second save of the same version is refused, nothing overwritten),
//! written to the record's history with its fields before and after (`history`), and
//! announced to the plugins that subscribed. Department data pushed in is matched to the
//! records it is about (`imports`), which counts toward each grid's 关联核录 rate
//! (`verification`).

pub mod history;
pub mod households;
pub mod houses;
pub mod imports;
pub mod organizations;
pub mod residents;
pub mod special_populations;
pub mod verification;
pub mod visits;

/// What a save did: done (the record as it stands now), or refused because someone changed
/// the record since it was read (the record as it stands now, for the caller to show and
/// start again from). Nothing is written in the second case.
#[derive(Debug, Clone)]
pub enum Saved<T> {
    /// Saved.
    Done(T),
    /// Changed by someone else first; not saved.
    Stale(T),
}
