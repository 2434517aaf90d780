//! The delete planner: from a table, the rows to delete and the relationship
//! metadata, the set-based statements that carry out every delete action
//! (SPEC §3). Pure: it builds SQL, the executor in `exec` runs it.
//!
//! For each relationship of a table being deleted from, the action is
//! `cascade_delete` ⇒ CASCADE, else the child foreign key's `ondelete`, else
//! SET NULL; the executor is the database with `passive_deletes`, else the ORM
//! (or, where the database's foreign key declares the same action and the
//! executor can count what it writes, the database: [`carry`]).
//! The ORM's statements are one per table per level of the relationship tree,
//! each selecting its rows with a subquery on the level above, so children are
//! never loaded into memory; descendants are deleted leaves-first, and
//! self-referential cascades use one recursive CTE.

pub mod carry;
mod plan;
mod report;

pub use plan::{
    DeletePlan, Prepare, Purpose, RestrictCheck, SoftMode, Step, StepKind, plan_delete,
    plan_delete_all, plan_delete_all_for, plan_delete_for,
};
pub use report::{DatabaseAction, DeleteReport, Effect, EffectKind};

use crate::check::{self, ForeignKeyLookup};
use crate::error::{Error, Result};
use crate::schema::{Action, ForeignKeyDef, RelationDef, RelationKind, TableDef};

/// A relationship with its foreign key found and its delete action decided.
#[derive(Debug, Clone, Copy)]
pub struct ResolvedRelation {
    /// The relationship field.
    pub relation: &'static RelationDef,
    /// The table referenced by the foreign key (the "one" side).
    pub parent: &'static TableDef,
    /// The table holding the foreign key (the "many" side).
    pub child: &'static TableDef,
    /// The foreign key.
    pub fk: &'static ForeignKeyDef,
    /// What happens to children when a parent is deleted.
    pub action: Action,
    /// `true` when the database applies the action (`passive_deletes`).
    pub passive: bool,
}

/// Finds the foreign key behind relationship `rel` of `owner` and decides its
/// delete action. The derive has already checked all of this at compile time;
/// the errors here cover metadata built by hand.
pub fn resolve_relation(
    owner: &'static TableDef,
    rel: &'static RelationDef,
) -> Result<ResolvedRelation> {
    if rel.kind == RelationKind::ManyToMany {
        let through = resolve_through(owner, rel)?;
        return Ok(ResolvedRelation {
            relation: rel,
            parent: owner,
            child: through.link,
            fk: through.owner_fk,
            // The link rows go with either side.
            action: Action::Cascade,
            passive: rel.passive_deletes,
        });
    }
    let target = (rel.target)();
    let (parent, child) = match rel.kind {
        RelationKind::HasMany | RelationKind::HasOne | RelationKind::ManyToMany => (owner, target),
        RelationKind::BelongsTo => (target, owner),
    };
    let invalid = |reason: String| Error::InvalidRelation {
        model: owner.model,
        relation: rel.field,
        reason,
    };
    let fk = match check::find_foreign_key(child, parent.name, rel.foreign_key) {
        ForeignKeyLookup::Found(i) => &child.foreign_keys[i],
        ForeignKeyLookup::Missing => {
            return Err(invalid(format!(
                "`{}` has no foreign key to `{}`",
                child.name, parent.name
            )));
        }
        ForeignKeyLookup::Ambiguous => {
            return Err(invalid(format!(
                "`{}` has several foreign keys to `{}`; name one with `foreign_key`",
                child.name, parent.name
            )));
        }
        ForeignKeyLookup::NamedMissing => {
            return Err(invalid(format!(
                "`{}` has no foreign key named by `foreign_key` to `{}`",
                child.name, parent.name
            )));
        }
    };
    crate::registry::check_composite_foreign_key(child, fk, parent)?;
    if let Some(missing) = fk
        .references_columns
        .iter()
        .find(|c| parent.column(c).is_none())
    {
        return Err(invalid(format!(
            "`{}.{}` references `{}.{missing}`, which is not a column",
            child.name,
            fk.columns_text(),
            parent.name,
        )));
    }
    Ok(ResolvedRelation {
        relation: rel,
        parent,
        child,
        fk,
        action: check::delete_action(rel, fk),
        passive: rel.passive_deletes,
    })
}

/// The link table of a `ManyToMany` relationship and its two foreign keys.
#[derive(Debug, Clone, Copy)]
pub struct Through {
    /// The link model's table.
    pub link: &'static TableDef,
    /// The link's foreign key to the model declaring the relationship.
    pub owner_fk: &'static ForeignKeyDef,
    /// The link's foreign key to the other side.
    pub target_fk: &'static ForeignKeyDef,
}

/// Finds the link table of the `ManyToMany` relationship `rel` of `owner`
/// and its foreign keys: to `owner` (the one `foreign_key = "..."` names,
/// when the link has several, as a link between rows of one table does),
/// and to the target (another one).
pub fn resolve_through(owner: &'static TableDef, rel: &'static RelationDef) -> Result<Through> {
    let invalid = |reason: String| Error::InvalidRelation {
        model: owner.model,
        relation: rel.field,
        reason,
    };
    let Some(link) = rel.through.map(|through| through()) else {
        return Err(invalid(
            "a `ManyToMany` relationship needs `through = \"LinkModel\"`".into(),
        ));
    };
    let target = (rel.target)();
    let owner_fk = match check::find_single_foreign_key(link, owner.name, rel.foreign_key) {
        ForeignKeyLookup::Found(i) => &link.foreign_keys[i],
        _ => {
            return Err(invalid(format!(
                "the link table `{}` has no single foreign key to `{}` (name it with `foreign_key = \"column\"`)",
                link.name, owner.name
            )));
        }
    };
    let mut to_target = link.foreign_keys.iter().filter(|fk| {
        !fk.is_composite() && fk.references_table == target.name && fk.column() != owner_fk.column()
    });
    let (Some(target_fk), None) = (to_target.next(), to_target.next()) else {
        return Err(invalid(format!(
            "the link table `{}` needs exactly one foreign key to `{}` besides `{}`",
            link.name,
            target.name,
            owner_fk.column()
        )));
    };
    Ok(Through {
        link,
        owner_fk,
        target_fk,
    })
}
