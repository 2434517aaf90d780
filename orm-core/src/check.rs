//! Checks that span two models, evaluated at compile time.
//!
//! `#[derive(Model)]` emits `const _: () = match check::relation(...) { ... }`
//! for every relationship field; a failed check panics during constant
//! evaluation with a message written by the derive, so the build fails with
//! the error on the `#[relationship]` attribute. The same functions resolve
//! relationships at run time.

use crate::schema::{Action, ForeignKeyDef, RelationDef, RelationKind, TableDef};

/// The result of looking for the foreign key behind a relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForeignKeyLookup {
    /// The index of the foreign key in the child table's `foreign_keys`.
    Found(usize),
    /// No foreign key of the child table references the parent table.
    Missing,
    /// Several do, and the relationship names none of them.
    Ambiguous,
    /// The relationship names a column that is not a foreign key to the parent.
    NamedMissing,
}

/// What is wrong with a relationship, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationProblem {
    /// The child has no foreign key to the parent.
    NoForeignKey,
    /// The child has several foreign keys to the parent and none is named.
    AmbiguousForeignKey,
    /// `foreign_key = "..."` names no foreign key to the parent.
    NamedForeignKeyMissing,
    /// `cascade_delete` with a child foreign key whose `ondelete` is not `CASCADE`.
    CascadeContradiction,
    /// `passive_deletes` with a child foreign key that declares no `ondelete`.
    PassiveWithoutOnDelete,
    /// No flags and no `ondelete` means SET NULL, but the foreign key is not an `Option`.
    SetNullNotNullable,
    /// `back_populates` names no relationship field of the other model.
    BackPopulatesMissing,
    /// `back_populates` names a relationship of the same kind (both `HasMany` or both `BelongsTo`).
    BackPopulatesSameKind,
    /// `cascade_delete` / `passive_deletes` on a `BelongsTo` field.
    DeleteFlagsOnBelongsTo,
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Finds the foreign key of `child` that references `parent_table`, or the
/// one on column `named` when given.
pub const fn find_foreign_key(
    child: &TableDef,
    parent_table: &str,
    named: Option<&str>,
) -> ForeignKeyLookup {
    let mut found = None;
    let mut count = 0;
    let mut i = 0;
    while i < child.foreign_keys.len() {
        let fk = &child.foreign_keys[i];
        if str_eq(fk.references_table, parent_table) {
            match named {
                Some(name) => {
                    if str_eq(fk.column, name) {
                        return ForeignKeyLookup::Found(i);
                    }
                }
                None => {
                    if found.is_none() {
                        found = Some(i);
                    }
                    count += 1;
                }
            }
        }
        i += 1;
    }
    match (named, found) {
        (Some(_), _) => ForeignKeyLookup::NamedMissing,
        (None, None) => ForeignKeyLookup::Missing,
        (None, Some(i)) => {
            if count > 1 {
                ForeignKeyLookup::Ambiguous
            } else {
                ForeignKeyLookup::Found(i)
            }
        }
    }
}

/// The action the ORM applies to children when a parent is deleted:
/// `cascade_delete` ⇒ CASCADE, else the foreign key's `ondelete`, else SET NULL.
pub const fn delete_action(relation: &RelationDef, fk: &ForeignKeyDef) -> Action {
    if relation.cascade_delete {
        Action::Cascade
    } else {
        match fk.on_delete {
            Some(action) => action,
            None => Action::SetNull,
        }
    }
}

const fn column_nullable(table: &TableDef, column: &str) -> bool {
    let mut i = 0;
    while i < table.columns.len() {
        if str_eq(table.columns[i].name, column) {
            return table.columns[i].nullable;
        }
        i += 1;
    }
    false
}

/// Checks relationship `index` of `owner`, whose target model's table is `target`.
pub const fn relation(
    owner: &TableDef,
    index: usize,
    target: &TableDef,
) -> Result<(), RelationProblem> {
    let rel = &owner.relations[index];
    let (child, parent) = match rel.kind {
        RelationKind::HasMany => (target, owner),
        RelationKind::BelongsTo => (owner, target),
    };
    let fk = match find_foreign_key(child, parent.name, rel.foreign_key) {
        ForeignKeyLookup::Found(i) => &child.foreign_keys[i],
        ForeignKeyLookup::Missing => return Err(RelationProblem::NoForeignKey),
        ForeignKeyLookup::Ambiguous => return Err(RelationProblem::AmbiguousForeignKey),
        ForeignKeyLookup::NamedMissing => return Err(RelationProblem::NamedForeignKeyMissing),
    };
    if let Some(field) = rel.back_populates {
        let mut j = 0;
        let mut found = None;
        while j < target.relations.len() {
            if str_eq(target.relations[j].field, field) {
                found = Some(j);
            }
            j += 1;
        }
        match found {
            None => return Err(RelationProblem::BackPopulatesMissing),
            Some(j) => {
                let same = matches!(
                    (target.relations[j].kind, rel.kind),
                    (RelationKind::HasMany, RelationKind::HasMany)
                        | (RelationKind::BelongsTo, RelationKind::BelongsTo)
                );
                if same {
                    return Err(RelationProblem::BackPopulatesSameKind);
                }
            }
        }
    }
    match rel.kind {
        RelationKind::BelongsTo => {
            if rel.cascade_delete || rel.passive_deletes {
                return Err(RelationProblem::DeleteFlagsOnBelongsTo);
            }
        }
        RelationKind::HasMany => {
            if rel.cascade_delete
                && let Some(action) = fk.on_delete
                && !matches!(action, Action::Cascade)
            {
                return Err(RelationProblem::CascadeContradiction);
            }
            if rel.passive_deletes && fk.on_delete.is_none() {
                return Err(RelationProblem::PassiveWithoutOnDelete);
            }
            if !rel.cascade_delete
                && !rel.passive_deletes
                && fk.on_delete.is_none()
                && !column_nullable(child, fk.column)
            {
                return Err(RelationProblem::SetNullNotNullable);
            }
        }
    }
    Ok(())
}
