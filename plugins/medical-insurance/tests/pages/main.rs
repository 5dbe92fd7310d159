//! The plugin in a real in-process host (`wangge-harness`) against the bureau stand-in
//! (`bureau-standin`, started per test on a free port): the campaign list, follow-ups and
//! reminders, claims with every refusal, the workers' review, hospitals per county, and a
//! bureau that cannot be reached.

mod campaign;
mod claims;
mod hospitals;
mod support;
