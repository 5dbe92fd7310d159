//! Upgrading stored data from earlier releases. Release 1.0.0 stored claims with `amount`
//! as a float of yuan and `status` as Chinese text; 1.1.0 stores `amount_fen`, a status
//! enum and the claim's history, and indexes claims by resident and by grid. Running the
//! migration again changes nothing.

use serde_json::Value;
use wangge_sdk::prelude::*;
use wangge_sdk::{log, storage};

use crate::claims::{self, PREFIX};
use crate::model::{Claim, ClaimV1};

/// What a migration did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Migrated {
    /// Claims rewritten into 1.1.0's shape.
    pub rewritten: usize,
    /// Claims already in it.
    pub current: usize,
}

/// The claim stored as `value` under `key` in 1.1.0's shape, and whether it must be
/// rewritten (it was in 1.0.0's). Anything in neither shape is an error naming the key.
pub fn upgrade_value(key: &str, value: Value) -> Result<(Claim, bool), Error> {
    if value.get("amount_fen").is_some() {
        let claim = serde_json::from_value::<Claim>(value)
            .map_err(|e| Error::invalid(format!("`{key}` is not a claim: {e}")))?;
        return Ok((claim, false));
    }
    let old: ClaimV1 = serde_json::from_value(value)
        .map_err(|e| Error::invalid(format!("`{key}` is not a 1.0.0 claim: {e}")))?;
    let status = old.status.clone();
    old.upgrade().map(|claim| (claim, true)).ok_or_else(|| {
        Error::invalid(format!(
            "`{key}` has the status `{status}`, which 1.0.0 never wrote"
        ))
    })
}

/// Rewrites every claim still in 1.0.0's shape and indexes every claim by resident and
/// grid. A claim in neither shape is an error, naming its key, so the host keeps the old
/// version and its data untouched. About four host calls per claim: one migration handles
/// some 2 400 claims within the host's limit of 10 000 calls.
pub fn claims_to_1_1() -> Result<Migrated, Error> {
    let mut migrated = Migrated::default();
    for key in store::keys(PREFIX)? {
        let Some(bytes) = storage::get(&key)? else {
            continue;
        };
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| Error::invalid(format!("`{key}` is not JSON: {e}")))?;
        let (claim, rewrite) = upgrade_value(&key, value)?;
        if rewrite {
            store::set(&key, &claim)?;
            migrated.rewritten += 1;
        } else {
            migrated.current += 1;
        }
        // 1.0.0 kept no index; writing an entry that exists changes nothing.
        claims::index(key.strip_prefix(PREFIX).unwrap_or(&key), &claim)?;
    }
    Ok(migrated)
}

/// The `migrate` hook: from any 1.0.x release, rewrites the claims.
pub fn run(from_version: &str) -> Result<(), Error> {
    let migrated = claims_to_1_1()?;
    log::write(
        log::Level::Info,
        "migrated",
        &[
            ("from".to_owned(), from_version.to_owned()),
            (
                "claims_rewritten".to_owned(),
                migrated.rewritten.to_string(),
            ),
            ("claims_current".to_owned(), migrated.current.to_string()),
        ],
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::ClaimStatus;

    fn old() -> Value {
        json!({
            "resident_id": "1", "resident_name": "张建国", "grid_code": "420202001001001",
            "hospital_code": "H42020200001", "hospital_name": "黄石市中心医院",
            "visit_date": "2026-11-01", "amount": 1234.56, "description": "门诊",
            "status": "审核中", "note": null, "updated_by": "网格员", "updated_at": 9,
            "submitted_at": 5
        })
    }

    #[test]
    fn a_1_0_0_claim_is_rewritten_once() {
        let (claim, rewrite) = upgrade_value("claims/000001", old()).expect("a 1.0.0 claim");
        assert!(rewrite);
        assert_eq!(claim.amount_fen, 123_456);
        assert_eq!(claim.status, ClaimStatus::Reviewing);
        assert_eq!(claim.history.len(), 2);
        assert_eq!(claim.history[1].by, "网格员");
        // Run again over what it wrote: nothing to do.
        let written = serde_json::to_value(&claim).expect("JSON");
        let (again, rewrite) = upgrade_value("claims/000001", written).expect("a claim");
        assert!(!rewrite);
        assert_eq!(again, claim);
    }

    #[test]
    fn what_is_in_neither_shape_is_refused_by_key() {
        let mut odd = old();
        odd["status"] = json!("作废");
        let error = upgrade_value("claims/000007", odd).expect_err("unknown status");
        assert!(error.message().contains("claims/000007"), "{error:?}");
        let error = upgrade_value("claims/000008", json!({"amount_fen": "x"})).expect_err("bad");
        assert!(error.message().contains("claims/000008"), "{error:?}");
    }
}
