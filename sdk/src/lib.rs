//! The Wangge plugin SDK: the one dependency a plugin needs.
//!
//! A plugin is a type implementing [`Plugin`], exported with [`export_plugin!`]. Its pages
//! go through a [`Router`] to handlers that read the request from a [`Ctx`] and answer
//! with HTML built by [`html!`](html::html), which escapes every value put into it. Its
//! data lives in [`store`], typed and kept as JSON. The host's capabilities have typed
//! helpers ([`ResidentQuery`], [`EventQuery`], [`report_event`], [`config_value`],
//! [`http_get`], [`notify_resident`] …); [`prelude`] imports the usual ones at once.
//!
//! ```no_run
//! use serde::{Deserialize, Serialize};
//! use wangge_sdk::prelude::*;
//!
//! /// A subsidy claim, stored as JSON under `claims/{id}`.
//! #[derive(Serialize, Deserialize)]
//! struct Claim {
//!     resident: String,
//!     amount: u32,
//! }
//!
//! const CLAIMS: Collection<Claim> = Collection::new("claims/");
//!
//! struct Claims;
//!
//! impl Plugin for Claims {
//!     fn handle(caller: Caller, request: Request) -> Result<Response, Error> {
//!         Router::new()
//!             .get("/", list)
//!             .post("/claims", create)
//!             .get("/claims/{id}", show)
//!             .handle(caller, request)
//!     }
//! }
//!
//! fn list(_ctx: &Ctx) -> Result<Response, Error> {
//!     let claims = CLAIMS.all()?;
//!     Ok(page("补贴申领", html! {
//!         h1 { "补贴申领" }
//!         ul {
//!             @for (id, claim) in &claims {
//!                 li { a href={ "claims/" (id) } { (claim.resident) "：" (claim.amount) " 元" } }
//!             }
//!         }
//!         form method="post" action="claims" {
//!             input name="resident" required;
//!             input name="amount" type="number" min="1" required;
//!             button { "提交" }
//!         }
//!     }))
//! }
//!
//! fn create(ctx: &Ctx) -> Result<Response, Error> {
//!     // A bad amount is `Error::Invalid("field `amount`: …")`, shown as a 400 page.
//!     let claim: Claim = ctx.form()?;
//!     let id = store::increment("next-claim-id", 1)?.to_string();
//!     CLAIMS.insert(&id, &claim)?;
//!     Ok(redirect(&format!("/claims/{id}")))
//! }
//!
//! fn show(ctx: &Ctx) -> Result<Response, Error> {
//!     let id = ctx.param("id")?;
//!     let claim = CLAIMS
//!         .get(id)?
//!         .ok_or_else(|| Error::not_found(format!("no claim {id}")))?;
//!     Ok(page("申领", html! {
//!         h1 { "申领 " (id) }
//!         p { (claim.resident) "：" (claim.amount) " 元" }
//!     }))
//! }
//!
//! export_plugin!(Claims);
//! # fn main() {}
//! ```
//!
//! The plugin's `Cargo.toml` builds a `cdylib` for `wasm32-wasip2`. `html!` expands to
//! code that names the `maud` crate, and deriving `Serialize`/`Deserialize` needs
//! `serde`, so both sit next to the SDK:
//!
//! ```toml
//! [lib]
//! crate-type = ["cdylib"]
//!
//! [dependencies]
//! # The SDK is not on crates.io: a path to the sdk/ folder of a Wangge checkout
//! # (`wangge plugin new` writes this line for you).
//! wangge-sdk = { path = "../wangge/sdk" }
//! maud = { version = "0.27", default-features = false }
//! serde = { version = "1", features = ["derive"] }
//! ```
//!
//! # Contract versions
//!
//! The bindings in [`bindings`] are of the newest contract, `wangge:plugin@1.1.0`, which
//! hosts that run 1.1 or later accept. A plugin that must also run on hosts that only know
//! 1.0.0 pins the frozen 1.0.0 contract with the `contract-1-0` feature, and declares
//! `contract = "^1.0"` in its manifest:
//!
//! ```toml
//! [dependencies]
//! wangge-sdk = { path = "../wangge/sdk", features = ["contract-1-0"] }
//! ```
//!
//! Everything 1.0 has stays the same under the feature; what 1.1 added (such as
//! [`residents::count`](bindings::wangge::plugin::residents) and
//! `ResidentQuery::count`) is then absent, so using it fails at compile time rather than
//! on an old host. The pinned version is [`CONTRACT_VERSION`]; it is also written into
//! the component's `wangge:contract-version` custom section, so a host can read it before
//! instantiating the plugin.
//!
//! # The raw contract
//!
//! Every capability is also there as the contract spells it: [`residents`], [`houses`],
//! [`events`], [`storage`], [`notify`], [`outbound`], [`log`] and [`config`] are the
//! generated imports, and [`Plugin`] covers the exports. A page can be written without the
//! router, too:
//!
//! ```no_run
//! use wangge_sdk::page::html;
//! use wangge_sdk::{Caller, Error, Plugin, Request, Response};
//!
//! struct Hello;
//!
//! impl Plugin for Hello {
//!     fn handle(_caller: Caller, _request: Request) -> Result<Response, Error> {
//!         Ok(html("你好", "<h1>你好！</h1>".to_owned()))
//!     }
//! }
//!
//! wangge_sdk::export_plugin!(Hello);
//! # fn main() {}
//! ```

#[expect(
    missing_docs,
    reason = "generated code; the WIT carries the documentation"
)]
pub mod bindings {
    #[cfg(not(feature = "contract-1-0"))]
    wit_bindgen::generate!({
        path: "../wit/v1.1.0",
        world: "wangge:plugin/plugin",
        pub_export_macro: true,
        default_bindings_module: "wangge_sdk::bindings",
    });

    #[cfg(feature = "contract-1-0")]
    wit_bindgen::generate!({
        path: "../wit/v1.0.0",
        world: "wangge:plugin/plugin",
        pub_export_macro: true,
        default_bindings_module: "wangge_sdk::bindings",
    });
}

mod contract;
pub mod date;
mod error;
mod event_query;
mod event_report;
mod form;
pub mod html;
mod http;
mod messages;
pub mod page;
pub mod plugin;
pub mod prelude;
mod resident_query;
mod router;
mod settings;
pub mod store;

pub use bindings::exports::wangge::plugin::hooks::ChangeKind;
pub use bindings::exports::wangge::plugin::pages::{Request, Response};
pub use bindings::wangge::plugin::types::{
    Caller, Category, Error, Event, EventState, Gender, House, Household, PopulationType, Resident,
    Role, Timestamp, Unit,
};
pub use bindings::wangge::plugin::{
    config, events, houses, log, notify, outbound, residents, storage,
};
pub use contract::{CONTRACT_SECTION, CONTRACT_VERSION};
pub use event_query::EventQuery;
pub use event_report::{EventReport, report_event};
pub use http::{OutboundResponse, http_get, http_get_json, http_post_json};
pub use messages::{notify_grid_workers, notify_resident};
pub use plugin::Plugin;
pub use resident_query::ResidentQuery;
pub use router::{Ctx, HandlerResult, Router};
pub use settings::{config_or, config_value};
