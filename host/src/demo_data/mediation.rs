//! The demo's 矛盾纠纷调处: one open neighbours' dispute of the demo street registered as
//! 房屋漏水渗水, with both parties and a first session adjourned, so the workspace shows a
//! mediation under way and the form for the next session.

use crate::db::Db;
use crate::db::disputes::{NewParty, NewSession};
use crate::db::events::EventQuery;
use crate::grid::calendar::today_in_china;
use crate::grid::dispute::{Outcome, Side};
use crate::rules::events::mediation::timeline_note;

/// Gives the newest open neighbours' dispute under `street` a mediation record; nothing if
/// the demo drew none.
pub async fn seed(db: &Db, street: &str) -> anyhow::Result<()> {
    let subtrees = [street.to_owned()];
    let open = ["reported", "accepted", "dispatched", "handling"];
    let found = db
        .events_matching(&EventQuery {
            subtrees: &subtrees,
            category: Some("dispute.neighbour"),
            states: Some(&open),
            limit: 1,
            ..Default::default()
        })
        .await?;
    let Some(event) = found.into_iter().next() else {
        return Ok(());
    };
    let by = "user:worker";
    db.set_dispute_item(event.id, "dispute.neighbour.02", by)
        .await?;
    for (side, name, phone) in [
        (Side::Applicant, "王秀兰", "13871234567"),
        (Side::Respondent, "赵建国", "13986543210"),
    ] {
        let party = NewParty {
            side,
            name,
            id_number: None,
            phone: Some(phone),
        };
        db.add_dispute_party(event.id, party, by).await?;
    }
    let today = today_in_china().to_string();
    let session = NewSession {
        held_on: &today,
        mediator: "江边社区人民调解委员会 刘调解员",
        place: "江边社区调解室",
        outcome: Outcome::Adjourned,
        agreement_signed: false,
        note: "双方到场陈述，约定请物业查明漏水点后再调",
    };
    let note = timeline_note(&session);
    db.record_mediation_session(&event, session, by, &note)
        .await?;
    Ok(())
}
