//! The demo's users: one per kind of person the platform serves, each with the grants that
//! person would hold in the seeded 黄石市 tree. `wangge demo seed --users`, the plugin test
//! harness and `wangge plugin dev` create the same five.

use crate::auth::{Grant, Role, password};
use crate::db::Db;

/// A demo user: sign-in name, display name, and (role, unit) grants.
pub struct DemoUser {
    /// Sign-in name.
    pub username: &'static str,
    /// Display name.
    pub name: &'static str,
    /// (role, unit code) pairs.
    pub grants: &'static [(Role, &'static str)],
}

/// The grid every demo user lives or works in (江边社区第一网格).
pub const DEMO_GRID: &str = "420202001001001";

/// The street of the demo admin (黄石港街道).
pub const DEMO_STREET: &str = "420202001";

/// The department of the demo's department staff (黄石港区城市管理执法局).
pub const DEMO_DEPARTMENT: &str = "420202.cgj";

/// The demo users: sign in with [`DEMO_PASSWORD`].
pub const DEMO_USERS: [DemoUser; 5] = [
    DemoUser {
        username: "leader",
        name: "黄石市领导",
        grants: &[(Role::Leader, "4202")],
    },
    DemoUser {
        username: "admin",
        name: "黄石港街道管理员",
        grants: &[
            (Role::UnitAdmin, DEMO_STREET),
            (Role::SensitiveData, DEMO_STREET),
        ],
    },
    DemoUser {
        username: "worker",
        name: "江边社区网格员",
        grants: &[(Role::GridWorker, DEMO_GRID)],
    },
    DemoUser {
        username: "department",
        name: "区城管执法局办事员",
        grants: &[(Role::DepartmentStaff, DEMO_DEPARTMENT)],
    },
    DemoUser {
        username: "resident",
        name: "张建国",
        grants: &[(Role::Resident, DEMO_GRID)],
    },
];

/// The demo users' password. A demo only: real users choose their own.
pub const DEMO_PASSWORD: &str = "wangge-demo";

/// Creates the demo users with their grants; users that already exist are left alone, so
/// running it twice changes nothing.
pub async fn create_demo_users(db: &Db) -> anyhow::Result<()> {
    // One hash for all five: Argon2 is slow on purpose, and they share the password.
    let hash = password::hash(DEMO_PASSWORD)?;
    for user in &DEMO_USERS {
        let id = match db.user_for_sign_in(user.username).await? {
            Some((existing, _)) => existing.id,
            None => db.create_user(user.username, user.name, &hash).await?.id,
        };
        for (role, unit) in user.grants {
            let grant = Grant {
                role: *role,
                unit_code: (*unit).to_owned(),
            };
            db.add_grant(id, &grant, "demo").await?;
        }
        if user.username == DEMO_RESIDENT_USER {
            link_demo_resident(db, id, user.name).await?;
        }
    }
    Ok(())
}

/// The demo user who is a resident: 张建国, the first of `host/data/demo/residents.csv`.
const DEMO_RESIDENT_USER: &str = "resident";

/// Links the demo resident user to the fixture resident `name` of [`DEMO_GRID`], so the
/// messages plugins send him reach the demo user's inbox. Found by name and grid because
/// ids depend on the order of seeding; the fixtures are seeded before generated residents,
/// who may share the name, so the first match is him. Without seeded residents
/// (`--residents 0`) there is no one to link and nothing is done; setting the same link
/// again changes nothing.
async fn link_demo_resident(db: &Db, user_id: i64, name: &str) -> anyhow::Result<()> {
    if let Some(resident_id) = db.resident_named_in_grid(name, DEMO_GRID).await? {
        db.link_user_resident(user_id, resident_id).await?;
    }
    Ok(())
}
