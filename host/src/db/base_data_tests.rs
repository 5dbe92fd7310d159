//! Households, organizations and special populations on both engines: residents linked to
//! households created with their first member, one organization per credit code, one
//! special-population record per resident and category, and every read scoped by subtree.

use jiff::civil::date;

use super::Db;
use super::organizations::{NewOrganization, OrganizationError};
use super::residents::ResidentLinks;
use super::special_populations::{NewSpecialPopulation, SpecialPopulationError};
use super::test_engines::{on_both_engines, with_units};
use crate::grid::resident::{ResidentFields, validate_resident};

const GRID: &str = "420202001001001";
const OTHER_STREET_GRID: &str = "420202002001001";

async fn scenarios(db: Db) {
    with_units(
        &db,
        &[
            "42",
            "4202",
            "420202",
            "420202001",
            "420202001001",
            GRID,
            "420202002",
            "420202002001",
            OTHER_STREET_GRID,
        ],
    )
    .await;
    let person = |id: &str, gender: &str, birth: &str, grid: &'static str| {
        let fields = ResidentFields {
            name: "测试",
            gender,
            birth_date: birth,
            id_number: id,
            population_type: "户籍",
            grid_code: grid,
            ..ResidentFields::default()
        };
        validate_resident(1, &fields, date(2026, 11, 28)).expect("valid")
    };
    let in_household = |relation: &str| ResidentLinks {
        household: Some(("H-1".to_owned(), relation.to_owned())),
        house_id: None,
    };
    db.insert_linked_residents(&[
        (
            person("420202198001010111", "男", "1980-01-01", GRID),
            in_household("head"),
        ),
        (
            person("420202198202020228", "女", "1982-02-02", GRID),
            in_household("配偶"),
        ),
        (
            person("420202194612250861", "女", "1946-12-25", OTHER_STREET_GRID),
            ResidentLinks::default(),
        ),
    ])
    .await
    .expect("insert");
    let residents = db.residents_under("42", None, 10).await.expect("list");
    let head = &residents[0];
    let household_id = head.household_id.expect("linked");
    let household = db
        .household(household_id)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(household.number, "H-1");
    assert_eq!(household.head_resident_id, Some(head.id));
    assert_eq!(household.member_ids.len(), 2);
    assert_eq!(residents[1].household_relation.as_deref(), Some("配偶"));

    let organization = |credit_code: Option<&str>, grid: &str| NewOrganization {
        name: "便民超市".into(),
        kind: "individual-business",
        credit_code: credit_code.map(str::to_owned),
        address: "江边路1号".into(),
        house_id: None,
        contact_name: None,
        contact_phone: Some("13800001111".into()),
        grid_code: grid.into(),
    };
    db.insert_organization(&organization(Some("91350100M000100Y43"), GRID))
        .await
        .expect("stored");
    let duplicate = db
        .insert_organization(&organization(Some("91350100M000100Y43"), GRID))
        .await;
    assert!(matches!(
        duplicate,
        Err(OrganizationError::DuplicateCreditCode)
    ));
    db.insert_organization(&organization(None, OTHER_STREET_GRID))
        .await
        .expect("no credit code is fine");
    let street = db
        .organizations_under("420202001", None, 10)
        .await
        .expect("list");
    assert_eq!(street.len(), 1, "the other street's organization left out");

    let record = |resident_id: i64, grid: &'static str| NewSpecialPopulation {
        resident_id,
        category: "community-correction",
        control_level: "2",
        responsible_user: None,
        grid_code: grid,
        note: "",
    };
    db.insert_special_population(&record(head.id, GRID))
        .await
        .expect("stored");
    let again = db.insert_special_population(&record(head.id, GRID)).await;
    assert!(matches!(again, Err(SpecialPopulationError::Duplicate)));
    db.insert_special_population(&record(residents[2].id, OTHER_STREET_GRID))
        .await
        .expect("stored");
    let street = db
        .special_populations_under("420202001", None, None, 10)
        .await
        .expect("list");
    assert_eq!(street.len(), 1);
    assert_eq!(street[0].resident_name, "测试");
    let none = db
        .special_populations_under("420202001", Some("drug-user"), None, 10)
        .await
        .expect("list");
    assert!(none.is_empty(), "filtered by category");
    let counts = db.special_population_counts("42").await.expect("counts");
    assert_eq!(counts.len(), 1);
    assert_eq!(counts[0].count, 2);
}

on_both_engines!(scenarios, base_data_on_sqlite, base_data_on_postgres);
