//! Test plugin: reads residents, houses and households through the contract so the tests
//! can see exactly what crosses into a plugin: masked lists, an unmasked read with a reason,
//! tags, and what happens outside the installation's scope.

use wangge_sdk::houses;
use wangge_sdk::page::{escape_html, html, query_param};
use wangge_sdk::residents::{self, ResidentFilter};
use wangge_sdk::{Caller, Error, Plugin, Request, Response};

struct ResidentReader;

fn number(query: &str, name: &str) -> Option<u32> {
    query_param(query, name).and_then(|v| v.parse().ok())
}

fn answer(result: Result<String, Error>) -> Response {
    let text = match result {
        Ok(text) => text,
        Err(error) => format!("error: {error:?}"),
    };
    html(
        "居民查询",
        format!("<pre id=\"answer\">{}</pre>", escape_html(&text)),
    )
}

impl Plugin for ResidentReader {
    fn handle(_caller: Caller, request: Request) -> Result<Response, Error> {
        let query = request.query.as_str();
        let id = query_param(query, "id").unwrap_or_default();
        Ok(match request.path.as_str() {
            "/list" => answer(
                residents::query(&ResidentFilter {
                    grid_prefix: query_param(query, "prefix"),
                    population_type: None,
                    min_age: number(query, "min_age"),
                    max_age: number(query, "max_age"),
                    tag: query_param(query, "tag"),
                    after: None,
                    limit: 100,
                })
                .map(|found| {
                    found
                        .iter()
                        .map(|r| {
                            format!(
                                "{} {} {}",
                                r.name,
                                r.id_number,
                                r.phone.clone().unwrap_or_default()
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                }),
            ),
            // One page of the street, resuming after the resident `after` (the contract's
            // cursor: the last id of the previous page).
            "/page" => answer(
                residents::query(&ResidentFilter {
                    grid_prefix: None,
                    population_type: None,
                    min_age: None,
                    max_age: None,
                    tag: None,
                    after: query_param(query, "after"),
                    limit: number(query, "limit").unwrap_or(100),
                })
                .map(|found| {
                    found
                        .iter()
                        .map(|r| format!("{} {}", r.id, r.name))
                        .collect::<Vec<_>>()
                        .join("\n")
                }),
            ),
            // Who the host says the caller is among the residents.
            "/me" => answer(Ok(request
                .headers
                .iter()
                .find(|(name, _)| name == "x-wangge-resident-id")
                .map_or_else(|| "none".to_owned(), |(_, id)| id.clone()))),
            "/get" => answer(residents::get(&id).map(|r| format!("{} {}", r.name, r.id_number))),
            "/sensitive" => answer(
                residents::get_sensitive(&id, "核实高龄津贴资格")
                    .map(|r| format!("{} {}", r.name, r.id_number)),
            ),
            "/tag" => answer(residents::add_tag(&id, "visited").map(|()| "tagged".to_owned())),
            "/houses" => answer(
                houses::query(&query_param(query, "prefix").unwrap_or_default(), None, 100).map(
                    |found| {
                        found
                            .iter()
                            .map(|h| format!("{} {} {}", h.id, h.address, h.grid_code))
                            .collect::<Vec<_>>()
                            .join("\n")
                    },
                ),
            ),
            "/house" => answer(houses::get(&id).map(|h| format!("{} {}", h.address, h.usage))),
            "/household" => answer(houses::get_household(&id).map(|h| {
                format!(
                    "{} head={} members={}",
                    h.number,
                    h.head_resident_id.unwrap_or_default(),
                    h.member_ids.join(",")
                )
            })),
            other => return Err(Error::NotFound(format!("no page {other}"))),
        })
    }
}

wangge_sdk::export_plugin!(ResidentReader);
