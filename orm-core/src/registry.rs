//! The schema registry: every model of an application, so that deletes see
//! every foreign key into a table, not only the ones a relationship on the
//! parent declares.
//!
//! Without a registry a delete follows the relationships declared on the
//! model being deleted (and, recursively, on the models it cascades into):
//! a foreign key with no `HasMany` on the parent side is left to the
//! database, which does nothing with it where foreign keys are not
//! enforced (SQLite with `foreign_keys` off). With a [`Schema`] attached to
//! the pool ([`Db::with_schema`](crate::Db::with_schema)), the delete
//! planner applies every foreign key's action, from whichever side it is
//! declared:
//!
//! | the foreign key has | the delete action | carried out by |
//! |---|---|---|
//! | a relationship on the parent (`HasMany`) | `cascade_delete` ⇒ CASCADE, else its `ondelete`, else SET NULL | the ORM, or the database with `passive_deletes` |
//! | only a `BelongsTo` with `passive_deletes` on the child | its `ondelete` | the database |
//! | no relationship at all, or a plain `BelongsTo` | its `ondelete`, else `NO ACTION` | the ORM |
//!
//! so the end state is the database's own whether or not it enforces
//! foreign keys.

use std::collections::HashMap;

use crate::check::{self, ForeignKeyLookup};
use crate::delete::{ResolvedRelation, resolve_relation};
use crate::error::{Error, Result};
use crate::schema::{Action, ForeignKeyDef, RelationDef, RelationKind, TableDef};

/// Where the delete behaviour of one foreign key is declared.
#[derive(Debug, Clone, Copy)]
pub enum Declared {
    /// A relationship field on the parent (referenced) model.
    Parent(&'static RelationDef),
    /// A `BelongsTo` field on the child (referencing) model, with
    /// `passive_deletes`.
    Child(&'static RelationDef),
    /// Only the foreign key: `#[field(foreign_key = "...", ondelete = "...")]`.
    ForeignKey,
}

/// One foreign key into a table with its delete action decided: what
/// happens to the referencing rows when referenced rows are deleted.
#[derive(Debug, Clone, Copy)]
pub struct Edge {
    /// The referenced table (the "one" side).
    pub parent: &'static TableDef,
    /// The table holding the foreign key (the "many" side).
    pub child: &'static TableDef,
    /// The foreign key.
    pub fk: &'static ForeignKeyDef,
    /// What happens to the referencing rows.
    pub action: Action,
    /// `true` when the database applies the action (`passive_deletes`).
    pub passive: bool,
    /// Where the behaviour comes from.
    pub declared: Declared,
}

impl Edge {
    /// The edge of a relationship declared on the parent (`HasMany`,
    /// `HasOne`, `ManyToMany`), its foreign key resolved.
    pub fn of_parent_relation(resolved: ResolvedRelation) -> Edge {
        Edge {
            parent: resolved.parent,
            child: resolved.child,
            fk: resolved.fk,
            action: resolved.action,
            passive: resolved.passive,
            declared: Declared::Parent(resolved.relation),
        }
    }

    /// The model and field that declare the behaviour, for messages: the
    /// relationship field, or the child's foreign-key field.
    pub fn origin(&self) -> (&'static str, &'static str) {
        match self.declared {
            Declared::Parent(rel) => (self.parent.model, rel.field),
            Declared::Child(rel) => (self.child.model, rel.field),
            Declared::ForeignKey => (
                self.child.model,
                self.child
                    .column(self.fk.column())
                    .map_or(self.fk.column(), |c| c.field),
            ),
        }
    }
}

/// Every model of an application, checked together once: the registry the
/// delete planner reads every foreign key from.
///
/// ```
/// # use orm_core::{BelongsTo, HasMany, Model, Schema};
/// #[derive(Model, Debug, Clone)]
/// pub struct Team {
///     #[field(primary_key)]
///     pub id: Option<i64>,
///     #[relationship(back_populates = "team", cascade_delete)]
///     pub heroes: HasMany<Hero>,
/// }
///
/// #[derive(Model, Debug, Clone)]
/// pub struct Hero {
///     #[field(primary_key)]
///     pub id: Option<i64>,
///     #[field(foreign_key = "team.id", ondelete = "CASCADE")]
///     pub team_id: Option<i64>,
///     #[relationship(back_populates = "heroes")]
///     pub team: BelongsTo<Team>,
/// }
///
/// // An audit row per hero, with no relationship on either side: without
/// // the registry a delete would not see this foreign key at all.
/// #[derive(Model, Debug, Clone)]
/// pub struct Audit {
///     #[field(primary_key)]
///     pub id: Option<i64>,
///     #[field(foreign_key = "hero.id", ondelete = "CASCADE")]
///     pub hero_id: i64,
/// }
///
/// let schema = Schema::new(&[Team::TABLE, Hero::TABLE, Audit::TABLE])?;
/// let into_hero: Vec<&str> = schema.edges_into("hero").iter().map(|e| e.child.name).collect();
/// assert_eq!(into_hero, ["audit"]);
///
/// // A foreign key to a table that is not registered is refused.
/// assert!(Schema::new(&[Hero::TABLE, Audit::TABLE]).is_err());
/// # Ok::<(), orm_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Schema {
    tables: Vec<&'static TableDef>,
    /// Every foreign key into each table (by table name), parent-side
    /// relationships first (in field order), then the other foreign keys in
    /// table and field order.
    edges: HashMap<&'static str, Vec<Edge>>,
}

impl Schema {
    /// Registers `tables` (each model's [`Model::TABLE`](crate::Model::TABLE))
    /// and checks them together:
    ///
    /// * names: no two tables the database would confuse
    ///   ([`Error::NameCollision`]);
    /// * every foreign key and every relationship points at a registered
    ///   table ([`Error::NotInSchema`]) and an existing column;
    /// * a composite foreign key (`#[model(foreign_key(...))]`) names
    ///   columns of its table and references the whole primary key of the
    ///   other ([`Error::InvalidSchema`]): the only columns the database
    ///   knows to be unique together there;
    /// * two declarations of one foreign key agree: a `BelongsTo` with
    ///   `passive_deletes` whose foreign key a parent-side relationship
    ///   covers without it is refused ([`Error::InvalidRelation`]).
    ///
    /// Cascades may run in cycles through several tables (`user` → `post`
    /// → `user`): the planner collects such a cycle's rows round after
    /// round until none is added.
    ///
    /// A table listed twice counts once.
    pub fn new(tables: &[&'static TableDef]) -> Result<Schema> {
        let mut unique: Vec<&'static TableDef> = Vec::with_capacity(tables.len());
        for &table in tables {
            if !unique.iter().any(|t| same_table(t, table)) {
                unique.push(table);
            }
        }
        crate::exec::check_names(&unique)?;
        let find = |name: &str| unique.iter().copied().find(|t| t.name == name);
        for &table in &unique {
            for fk in table.foreign_keys {
                let Some(parent) = find(fk.references_table) else {
                    return Err(Error::NotInSchema {
                        table: fk.references_table,
                        needed_by: format!("the foreign key {}.{}", table.name, fk.columns_text()),
                    });
                };
                check_composite_foreign_key(table, fk, parent)?;
                if let Some(missing) = fk
                    .references_columns
                    .iter()
                    .find(|c| parent.column(c).is_none())
                {
                    return Err(Error::InvalidSchema {
                        table: table.name,
                        column: fk.column(),
                        reason: format!(
                            "the foreign key references `{}.{missing}`, which is not a column",
                            parent.name,
                        ),
                    });
                }
            }
            for rel in table.relations {
                let target = (rel.target)();
                if find(target.name).is_none() {
                    return Err(Error::NotInSchema {
                        table: target.name,
                        needed_by: format!("the relationship {}::{}", table.model, rel.field),
                    });
                }
                if let Some(link) = rel.through.map(|through| through())
                    && find(link.name).is_none()
                {
                    return Err(Error::NotInSchema {
                        table: link.name,
                        needed_by: format!(
                            "the link model of {}::{} (`through`)",
                            table.model, rel.field
                        ),
                    });
                }
                resolve_relation(table, rel)?;
            }
        }
        let mut edges = HashMap::new();
        for &parent in &unique {
            edges.insert(parent.name, edges_into(parent, &unique)?);
        }
        Ok(Schema {
            tables: unique,
            edges,
        })
    }

    /// The registered tables, in the order given (for
    /// [`create_all`](crate::Executor::create_all), which orders them by
    /// foreign key itself).
    pub fn tables(&self) -> &[&'static TableDef] {
        &self.tables
    }

    /// The registered table with this name.
    pub fn table(&self, name: &str) -> Option<&'static TableDef> {
        self.tables.iter().copied().find(|t| t.name == name)
    }

    /// `true` when `table` is registered.
    pub fn contains(&self, table: &TableDef) -> bool {
        self.tables.iter().any(|t| same_table(t, table))
    }

    /// Every foreign key into the table `name`, with its delete action:
    /// parent-side relationships first, in field order, then the other
    /// foreign keys in table and field order. Empty for an unknown table.
    pub fn edges_into(&self, name: &str) -> &[Edge] {
        self.edges.get(name).map_or(&[], Vec::as_slice)
    }
}

/// A composite foreign key must name columns of its table and reference
/// the whole primary key of `parent` (the only set of several columns the
/// database knows is unique there), with as many columns.
pub(crate) fn check_composite_foreign_key(
    table: &'static TableDef,
    fk: &ForeignKeyDef,
    parent: &'static TableDef,
) -> Result<()> {
    if !fk.is_composite() {
        return Ok(());
    }
    let invalid = |reason: String| Error::InvalidSchema {
        table: table.name,
        column: fk.column(),
        reason,
    };
    if let Some(missing) = fk.columns.iter().find(|c| table.column(c).is_none()) {
        return Err(invalid(format!(
            "the foreign key {} names `{missing}`, which is not a column of `{}`",
            fk.columns_text(),
            table.name
        )));
    }
    let key: Vec<&str> = parent.key_columns().iter().map(|c| c.name).collect();
    let mut referenced: Vec<&str> = fk.references_columns.to_vec();
    let mut sorted_key = key.clone();
    referenced.sort_unstable();
    sorted_key.sort_unstable();
    if fk.columns.len() != fk.references_columns.len() || referenced != sorted_key {
        return Err(invalid(format!(
            "the foreign key {} references {}, but a composite foreign key must reference the whole primary key of `{}`, ({})",
            fk.columns_text(),
            fk.references_text(),
            parent.name,
            key.join(", ")
        )));
    }
    Ok(())
}

/// Two definitions of the same model's table (a constant may be
/// duplicated in memory, so addresses do not tell).
fn same_table(a: &TableDef, b: &TableDef) -> bool {
    std::ptr::eq(a, b) || (a.name == b.name && a.model == b.model)
}

/// Every foreign key of `tables` into `parent`, with its action decided.
fn edges_into(parent: &'static TableDef, tables: &[&'static TableDef]) -> Result<Vec<Edge>> {
    let mut edges: Vec<Edge> = Vec::new();
    let covered = |edges: &[Edge], child: &TableDef, fk: &ForeignKeyDef| {
        edges
            .iter()
            .find(|e| e.child.name == child.name && e.fk.columns == fk.columns)
            .copied()
    };
    // 1. Relationships on the parent.
    for rel in parent.relations {
        if rel.kind == RelationKind::BelongsTo {
            continue;
        }
        let edge = Edge::of_parent_relation(resolve_relation(parent, rel)?);
        match covered(&edges, edge.child, edge.fk) {
            None => edges.push(edge),
            Some(other) if (other.action, other.passive) == (edge.action, edge.passive) => {}
            Some(other) => {
                return Err(Error::InvalidRelation {
                    model: parent.model,
                    relation: rel.field,
                    reason: format!(
                        "`{}` covers the foreign key {}.{} too, with another delete behaviour ({}{} here, {}{} there); give both the same flags",
                        other.origin().1,
                        edge.child.name,
                        edge.fk.column(),
                        edge.action,
                        if edge.passive { ", passive" } else { "" },
                        other.action,
                        if other.passive { ", passive" } else { "" },
                    ),
                });
            }
        }
    }
    // 2. Every other foreign key into the parent.
    for &child in tables {
        for (i, fk) in child.foreign_keys.iter().enumerate() {
            if fk.references_table != parent.name {
                continue;
            }
            let passive_side = child.relations.iter().find(|rel| {
                rel.kind == RelationKind::BelongsTo
                    && rel.passive_deletes
                    && (rel.target)().name == parent.name
                    && check::find_foreign_key(child, parent.name, rel.foreign_key)
                        == ForeignKeyLookup::Found(i)
            });
            if let Some(edge) = covered(&edges, child, fk) {
                if let Some(rel) = passive_side
                    && !edge.passive
                {
                    return Err(Error::InvalidRelation {
                        model: child.model,
                        relation: rel.field,
                        reason: format!(
                            "`passive_deletes` here, but `{}::{}` covers the same foreign key without it; declare `passive_deletes` on `{}::{}` instead",
                            parent.model,
                            edge.origin().1,
                            parent.model,
                            edge.origin().1,
                        ),
                    });
                }
                continue;
            }
            let edge = match passive_side {
                Some(rel) => {
                    let Some(action) = fk.on_delete else {
                        return Err(Error::InvalidRelation {
                            model: child.model,
                            relation: rel.field,
                            reason: format!(
                                "`passive_deletes` leaves the delete to the database, but {}.{} declares no `ondelete`",
                                child.name,
                                fk.column()
                            ),
                        });
                    };
                    Edge {
                        parent,
                        child,
                        fk,
                        action,
                        passive: true,
                        declared: Declared::Child(rel),
                    }
                }
                None => Edge {
                    parent,
                    child,
                    fk,
                    action: fk.on_delete.unwrap_or(Action::NoAction),
                    passive: false,
                    declared: Declared::ForeignKey,
                },
            };
            edges.push(edge);
        }
    }
    Ok(edges)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::ColumnDef;
    use crate::value::ValueType;

    const fn column(name: &'static str, primary_key: bool, nullable: bool) -> ColumnDef {
        ColumnDef {
            name,
            field: name,
            ty: ValueType::I64,
            sql_type: None,
            nullable,
            primary_key,
            auto_increment: primary_key,
            unique: false,
            index: false,
            default: None,
        }
    }

    const fn fk(
        columns: &'static [&'static str],
        table: &'static str,
        on_delete: Option<Action>,
    ) -> ForeignKeyDef {
        ForeignKeyDef {
            columns,
            references_table: table,
            references_columns: &["id"],
            on_delete,
            on_update: None,
        }
    }

    static A: TableDef = TableDef {
        name: "a",
        model: "A",
        columns: &[column("id", true, false), column("b_id", false, true)],
        primary_key: 0,
        foreign_keys: &[fk(&["b_id"], "b", Some(Action::Cascade))],
        relations: &[],
        soft_delete: None,
    };
    static B: TableDef = TableDef {
        name: "b",
        model: "B",
        columns: &[column("id", true, false), column("a_id", false, true)],
        primary_key: 0,
        foreign_keys: &[fk(&["a_id"], "a", None)],
        relations: &[],
        soft_delete: None,
    };

    #[test]
    fn foreign_keys_without_relationships_get_their_action() {
        let schema = Schema::new(&[&A, &B]).map_err(|e| e.to_string());
        let Ok(schema) = schema else {
            panic!("{schema:?}");
        };
        let into_a: Vec<_> = schema
            .edges_into("a")
            .iter()
            .map(|e| (e.child.name, e.fk.column(), e.action, e.passive))
            .collect();
        assert_eq!(into_a, [("b", "a_id", Action::NoAction, false)]);
        let into_b: Vec<_> = schema
            .edges_into("b")
            .iter()
            .map(|e| (e.child.name, e.action, e.origin()))
            .collect();
        assert_eq!(into_b, [("a", Action::Cascade, ("A", "b_id"))]);
    }

    #[test]
    fn missing_tables_are_refused() {
        let result = Schema::new(&[&A]);
        assert!(
            matches!(result, Err(Error::NotInSchema { table: "b", .. })),
            "{result:?}"
        );
    }
}
