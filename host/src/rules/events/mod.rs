//! The event workflow (事件): reporting, reading within one's scope, moving through the
//! workflow (dispatch routing to a department's or lower unit's queue; the reporter's
//! evaluation and reopening; 吹哨报到; a dispute's mediation record), the queue, the hand-downs a unit follows (交办),
//! urging and the supervision sweep. The workflow itself (states, transitions, roles) is
//! data in `grid::workflow`; these are the rules that apply it to an actor.

pub mod act;
pub mod categories;
pub mod dispatch;
pub mod evaluate;
pub mod handed_down;
pub mod locate;
pub mod mediation;
pub mod public;
pub mod queue;
pub mod read;
pub mod report;
pub mod summons;
pub mod supervise;
pub mod urge;

pub use act::{Action, act, may_take, possible};
pub use read::{Search, in_scope, search, with_timeline, work_list};
pub use report::{NewReport, Reported, report};
