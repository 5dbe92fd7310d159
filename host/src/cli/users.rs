//! `wangge users …`: create users, grant roles and link users to their resident records
//! from the operator's shell. The operator stands above every unit admin, so the granting
//! rules of the API do not bind here; every act is audited as `cli`.

use std::io::BufRead;

use clap::Subcommand;
use serde_json::json;

use crate::auth::{Grant, Role, password};
use crate::db::audit::AuditEntry;
use crate::state::Host;

/// User commands.
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create a user; the password is read from the first line of standard input.
    Add {
        /// Sign-in name.
        username: String,
        /// Name shown in pages.
        #[arg(long)]
        name: String,
    },
    /// Grant ROLE at UNIT (it reaches the unit's whole subtree).
    Grant {
        /// Sign-in name.
        username: String,
        /// resident, grid-worker, department-staff, leader, registry-reviewer or unit-admin.
        role: Role,
        /// Unit code.
        unit: String,
    },
    /// Link USERNAME to the resident record RESIDENT_ID: with the `resident` role, they read
    /// the messages plugins send to that resident (`/api/inbox`).
    LinkResident {
        /// Sign-in name.
        username: String,
        /// The resident's id (as `/api/residents` shows it).
        resident_id: i64,
    },
}

fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    anyhow::ensure!(!password.is_empty(), "no password on standard input");
    Ok(password)
}

impl UsersCommand {
    /// Runs the command.
    pub async fn run(self, host: &Host) -> anyhow::Result<()> {
        match self {
            Self::Add { username, name } => {
                let valid = !username.is_empty()
                    && username.len() <= 64
                    && username
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
                anyhow::ensure!(
                    valid,
                    "username `{username}`: expected 1 to 64 characters of a-z, 0-9, `.`, `_`, `-`"
                );
                anyhow::ensure!(!name.trim().is_empty(), "--name: must not be empty");
                let hash = password::hash(&read_password()?)?;
                let user = host.db.create_user(&username, &name, &hash).await?;
                host.db
                    .audit(AuditEntry {
                        actor: "cli",
                        action: "user.created",
                        subject: &format!("user:{username}"),
                        unit_code: None,
                        detail: json!({ "id": user.id }),
                    })
                    .await?;
                println!("user {username} created");
                Ok(())
            }
            Self::Grant {
                username,
                role,
                unit,
            } => {
                anyhow::ensure!(
                    host.db.unit(&unit).await?.is_some(),
                    "unit `{unit}` does not exist; import the unit tree first (`wangge units import`)"
                );
                let (user, _) = host
                    .db
                    .user_for_sign_in(&username)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("no user `{username}`"))?;
                let grant = Grant {
                    role,
                    unit_code: unit.clone(),
                };
                host.db.add_grant(user.id, &grant, "cli").await?;
                host.db
                    .audit(AuditEntry {
                        actor: "cli",
                        action: "grant.added",
                        subject: &format!("user:{username}"),
                        unit_code: Some(&unit),
                        detail: json!({ "role": role.name() }),
                    })
                    .await?;
                println!(
                    "{username} is {} ({}) at {unit}",
                    role.name(),
                    role.name_zh()
                );
                Ok(())
            }
            Self::LinkResident {
                username,
                resident_id,
            } => {
                let (user, _) = host
                    .db
                    .user_for_sign_in(&username)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("no user `{username}`"))?;
                let resident = host
                    .db
                    .resident(resident_id)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("no resident {resident_id}"))?;
                host.db.link_user_resident(user.id, resident.id).await?;
                // Who may read whose inbox is an administrative act like a grant.
                host.db
                    .audit(AuditEntry {
                        actor: "cli",
                        action: "user.resident-linked",
                        subject: &format!("user:{username}"),
                        unit_code: Some(&resident.grid_code),
                        detail: json!({ "resident": resident.id }),
                    })
                    .await?;
                println!(
                    "{username} is linked to resident {} ({})",
                    resident.id, resident.name
                );
                Ok(())
            }
        }
    }
}
