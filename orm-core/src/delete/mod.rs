//! The delete planner: from a table, the rows to delete and the relationship
//! metadata, the set-based statements that carry out every delete action
//! (SPEC §3). Pure: it builds SQL, the executor in `exec` runs it.
//!
//! For each relationship of a table being deleted from, the action is
//! `cascade_delete` ⇒ CASCADE, else the child foreign key's `ondelete`, else
//! SET NULL; the executor is the database with `passive_deletes`, else the ORM.
//! The ORM's statements are one per table per level of the relationship tree,
//! each selecting its rows with a subquery on the level above, so children are
//! never loaded into memory; descendants are deleted leaves-first, and
//! self-referential cascades use one recursive CTE.

mod plan;
mod report;

pub use plan::{DeletePlan, Prepare, RestrictCheck, Step, StepKind, plan_delete, plan_delete_all};
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
    let target = (rel.target)();
    let (parent, child) = match rel.kind {
        RelationKind::HasMany | RelationKind::HasOne => (owner, target),
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
    if parent.column(fk.references_column).is_none() {
        return Err(invalid(format!(
            "`{}.{}` references `{}.{}`, which is not a column",
            child.name, fk.column, parent.name, fk.references_column
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
