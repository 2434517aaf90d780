//! Checks that span two models, evaluated at compile time.
//!
//! `#[derive(Model)]` emits `const _: () = match check::relation(...) { ... }`
//! for every relationship field; a failed check panics during constant
//! evaluation with a message written by the derive, so the build fails with
//! the error on the `#[relationship]` attribute. The same functions resolve
//! relationships at run time.

use crate::schema::{Action, ColumnKind, ForeignKeyDef, RelationDef, RelationKind, TableDef};

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
    /// `back_populates` names a relationship of the same kind (both
    /// `HasMany`, both `HasOne` or both `BelongsTo`).
    BackPopulatesSameKind,
    /// `back_populates` pairs a `HasMany` with a `HasOne`: both are parent
    /// sides; the other side of either is a `BelongsTo`.
    BackPopulatesBothParents,
    /// `cascade_delete` on a `BelongsTo` field.
    DeleteFlagsOnBelongsTo,
    /// `passive_deletes` on a `BelongsTo` field whose `back_populates`
    /// relationship on the parent covers the same foreign key without it.
    PassiveDisagrees,
    /// A `HasOne` whose child foreign key is neither `#[field(unique)]` nor
    /// the child's primary key: a parent could have several children.
    HasOneNotUnique,
    /// A `ManyToMany` without `through = "Link"`.
    ThroughMissing,
    /// `through` on a relationship that is not a `ManyToMany`.
    ThroughNotManyToMany,
    /// The link model has no foreign key to the model declaring the
    /// `ManyToMany` (or several, none named by `foreign_key`).
    ThroughNoOwnerKey,
    /// The link model has no foreign key to the other side (besides the
    /// owner's), or several.
    ThroughNoTargetKey,
    /// The link's foreign key to the owner declares an `ondelete` other
    /// than CASCADE, but deleting the owner deletes its link rows.
    ThroughContradiction,
    /// `cascade_delete` on a `ManyToMany`: the link rows always go; the
    /// rows on the other side are not the owner's to delete.
    CascadeOnManyToMany,
    /// `back_populates` pairs a `ManyToMany` with another kind.
    BackPopulatesNotManyToMany,
    /// A cascade from a soft-delete model (`#[model(soft_delete = ...)]`)
    /// into a model without a `soft_delete` column, with no
    /// `on_soft_delete = "keep" | "delete"` to say what soft-deleting does
    /// to those rows.
    SoftDeleteIntoHardDelete,
    /// `on_soft_delete` where it means nothing: the model has no
    /// `soft_delete` column, the relationship does not cascade, or the
    /// related model is soft-deleted too.
    OnSoftDeleteUnused,
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

/// Finds the foreign key of `child` that references `parent_table` (one
/// column or several), or the single-column one on column `named` when
/// given: what a `HasMany`, `HasOne` or `BelongsTo` follows.
pub const fn find_foreign_key(
    child: &TableDef,
    parent_table: &str,
    named: Option<&str>,
) -> ForeignKeyLookup {
    find(child, parent_table, named, true)
}

/// [`find_foreign_key`] among single-column foreign keys only: the two
/// sides of a link table (`ManyToMany`).
pub const fn find_single_foreign_key(
    child: &TableDef,
    parent_table: &str,
    named: Option<&str>,
) -> ForeignKeyLookup {
    find(child, parent_table, named, false)
}

const fn find(
    child: &TableDef,
    parent_table: &str,
    named: Option<&str>,
    composite: bool,
) -> ForeignKeyLookup {
    let mut found = None;
    let mut count = 0;
    let mut i = 0;
    while i < child.foreign_keys.len() {
        let fk = &child.foreign_keys[i];
        if (composite || !fk.is_composite()) && str_eq(fk.references_table, parent_table) {
            match named {
                Some(name) => {
                    if !fk.is_composite() && str_eq(fk.column(), name) {
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

/// Every column of the foreign key accepts `NULL`.
const fn columns_nullable(table: &TableDef, fk: &ForeignKeyDef) -> bool {
    let mut i = 0;
    while i < fk.columns.len() {
        if !column_nullable(table, fk.columns[i]) {
            return false;
        }
        i += 1;
    }
    true
}

/// The foreign key's columns hold no value twice: a single column that is
/// unique, or every column of the table's composite primary key.
const fn columns_unique(table: &TableDef, fk: &ForeignKeyDef) -> bool {
    if !fk.is_composite() {
        return column_unique(table, fk.column());
    }
    let mut keys = 0;
    let mut i = 0;
    while i < table.columns.len() {
        if table.columns[i].primary_key {
            keys += 1;
            let mut found = false;
            let mut j = 0;
            while j < fk.columns.len() {
                if str_eq(fk.columns[j], table.columns[i].name) {
                    found = true;
                }
                j += 1;
            }
            if !found {
                return false;
            }
        }
        i += 1;
    }
    keys == fk.columns.len()
}

/// The column holds no value twice: `#[field(unique)]` or the primary key.
const fn column_unique(table: &TableDef, column: &str) -> bool {
    let mut i = 0;
    while i < table.columns.len() {
        let c = &table.columns[i];
        if str_eq(c.name, column) {
            return c.unique || (c.primary_key && !table.has_composite_key());
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
    let many_to_many = matches!(rel.kind, RelationKind::ManyToMany);
    if many_to_many != rel.through.is_some() {
        return Err(if many_to_many {
            RelationProblem::ThroughMissing
        } else {
            RelationProblem::ThroughNotManyToMany
        });
    }
    if many_to_many {
        if rel.cascade_delete {
            return Err(RelationProblem::CascadeOnManyToMany);
        }
        // Soft-deleting either side keeps the link rows (a restore finds
        // them); loading leaves out the soft-deleted side.
        if rel.on_soft_delete.is_some() {
            return Err(RelationProblem::OnSoftDeleteUnused);
        }
        // The foreign keys are the link's: see `through`.
        if let Some(field) = rel.back_populates {
            let mut j = 0;
            let mut found = false;
            while j < target.relations.len() {
                if str_eq(target.relations[j].field, field) {
                    if !matches!(target.relations[j].kind, RelationKind::ManyToMany) {
                        return Err(RelationProblem::BackPopulatesNotManyToMany);
                    }
                    found = true;
                }
                j += 1;
            }
            if !found {
                return Err(RelationProblem::BackPopulatesMissing);
            }
        }
        return Ok(());
    }
    let (child, parent) = match rel.kind {
        RelationKind::HasMany | RelationKind::HasOne | RelationKind::ManyToMany => (target, owner),
        RelationKind::BelongsTo => (owner, target),
    };
    let fk = match find_foreign_key(child, parent.name, rel.foreign_key) {
        ForeignKeyLookup::Found(i) => &child.foreign_keys[i],
        ForeignKeyLookup::Missing => return Err(RelationProblem::NoForeignKey),
        ForeignKeyLookup::Ambiguous => return Err(RelationProblem::AmbiguousForeignKey),
        ForeignKeyLookup::NamedMissing => return Err(RelationProblem::NamedForeignKeyMissing),
    };
    let mut back = None;
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
                back = Some(&target.relations[j]);
                // The pairs are HasMany <-> BelongsTo and HasOne <-> BelongsTo.
                match (target.relations[j].kind, rel.kind) {
                    (RelationKind::HasMany, RelationKind::HasMany)
                    | (RelationKind::HasOne, RelationKind::HasOne)
                    | (RelationKind::BelongsTo, RelationKind::BelongsTo) => {
                        return Err(RelationProblem::BackPopulatesSameKind);
                    }
                    (RelationKind::HasMany, RelationKind::HasOne)
                    | (RelationKind::HasOne, RelationKind::HasMany) => {
                        return Err(RelationProblem::BackPopulatesBothParents);
                    }
                    (RelationKind::ManyToMany, _) | (_, RelationKind::ManyToMany) => {
                        return Err(RelationProblem::BackPopulatesNotManyToMany);
                    }
                    (RelationKind::BelongsTo, _) | (_, RelationKind::BelongsTo) => {}
                }
            }
        }
    }
    match rel.kind {
        RelationKind::BelongsTo => {
            if rel.cascade_delete {
                return Err(RelationProblem::DeleteFlagsOnBelongsTo);
            }
            if rel.on_soft_delete.is_some() {
                return Err(RelationProblem::OnSoftDeleteUnused);
            }
            // `passive_deletes` on the child (SQLAlchemy's
            // `backref(..., passive_deletes=True)`): the database applies
            // this foreign key's ON DELETE when a parent is deleted through
            // the schema registry.
            if rel.passive_deletes {
                if fk.on_delete.is_none() {
                    return Err(RelationProblem::PassiveWithoutOnDelete);
                }
                if let Some(parent_side) = back
                    && !parent_side.passive_deletes
                {
                    return Err(RelationProblem::PassiveDisagrees);
                }
            }
        }
        RelationKind::ManyToMany => {}
        RelationKind::HasMany | RelationKind::HasOne => {
            if matches!(rel.kind, RelationKind::HasOne) && !columns_unique(child, fk) {
                return Err(RelationProblem::HasOneNotUnique);
            }
            let cascades = matches!(delete_action(rel, fk), Action::Cascade);
            let soft_into_hard =
                owner.soft_delete.is_some() && cascades && target.soft_delete.is_none();
            match (soft_into_hard, rel.on_soft_delete.is_some()) {
                (true, false) => return Err(RelationProblem::SoftDeleteIntoHardDelete),
                (false, true) => return Err(RelationProblem::OnSoftDeleteUnused),
                _ => {}
            }
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
                && !columns_nullable(child, fk)
            {
                return Err(RelationProblem::SetNullNotNullable);
            }
        }
    }
    Ok(())
}

/// Checks the link model `link` of the `ManyToMany` relationship `index`
/// of `owner`, whose other side's table is `target`: a foreign key to each
/// side, and an `ondelete` on the owner's that agrees with deleting the
/// link rows.
pub const fn through(
    owner: &TableDef,
    index: usize,
    target: &TableDef,
    link: &TableDef,
) -> Result<(), RelationProblem> {
    let rel = &owner.relations[index];
    if !matches!(rel.kind, RelationKind::ManyToMany) {
        // `relation` reports `through` on another kind of field.
        return Ok(());
    }
    let owner_fk = match find_single_foreign_key(link, owner.name, rel.foreign_key) {
        ForeignKeyLookup::Found(i) => &link.foreign_keys[i],
        _ => return Err(RelationProblem::ThroughNoOwnerKey),
    };
    let mut targets = 0;
    let mut i = 0;
    while i < link.foreign_keys.len() {
        let fk = &link.foreign_keys[i];
        if !fk.is_composite()
            && str_eq(fk.references_table, target.name)
            && !str_eq(fk.column(), owner_fk.column())
        {
            targets += 1;
        }
        i += 1;
    }
    if targets != 1 {
        return Err(RelationProblem::ThroughNoTargetKey);
    }
    if rel.passive_deletes {
        if owner_fk.on_delete.is_none() {
            return Err(RelationProblem::PassiveWithoutOnDelete);
        }
    } else if let Some(action) = owner_fk.on_delete
        && !matches!(action, Action::Cascade)
    {
        return Err(RelationProblem::ThroughContradiction);
    }
    Ok(())
}

/// The SQL type names a column of `kind` may be declared with
/// (`#[field(sql_type = "...")]`), case-insensitive, arguments such as
/// `(40)` allowed. A type outside its family would make the database
/// convert every value the ORM binds (a `DateTime<Utc>` in a `TIMESTAMP`
/// column shifted by the session time zone, an `i64` in a `REAL` column
/// rounded), so the derive rejects it at compile time.
pub const fn sql_type_family(kind: ColumnKind) -> &'static [&'static str] {
    match kind {
        ColumnKind::Bool => &["BOOLEAN", "BOOL", "TINYINT"],
        ColumnKind::SmallInt | ColumnKind::Int | ColumnKind::BigInt => &[
            "SMALLINT",
            "INTEGER",
            "INT",
            "BIGINT",
            "INT2",
            "INT4",
            "INT8",
            "TINYINT",
            "MEDIUMINT",
            "SMALLSERIAL",
            "SERIAL",
            "BIGSERIAL",
        ],
        ColumnKind::Float | ColumnKind::Double => &[
            "REAL",
            "FLOAT",
            "FLOAT4",
            "FLOAT8",
            "DOUBLE",
            "DOUBLE PRECISION",
        ],
        ColumnKind::Text => &[
            "TEXT",
            "VARCHAR",
            "CHAR",
            "CHARACTER",
            "CHARACTER VARYING",
            "NCHAR",
            "NVARCHAR",
            "CLOB",
            "CITEXT",
            "TINYTEXT",
            "MEDIUMTEXT",
            "LONGTEXT",
        ],
        ColumnKind::Blob => &[
            "BLOB",
            "BYTEA",
            "BINARY",
            "VARBINARY",
            "TINYBLOB",
            "MEDIUMBLOB",
            "LONGBLOB",
        ],
        ColumnKind::Uuid => &["UUID", "BLOB", "BINARY"],
        ColumnKind::Date => &["DATE"],
        ColumnKind::Time => &["TIME", "TIME WITHOUT TIME ZONE"],
        ColumnKind::Timestamp => &["TIMESTAMP", "TIMESTAMP WITHOUT TIME ZONE", "DATETIME"],
        ColumnKind::TimestampTz => &["TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE"],
        ColumnKind::Json => &["JSON", "JSONB"],
        ColumnKind::Decimal => &["NUMERIC", "DECIMAL"],
    }
}

/// Why `sql_type` cannot hold a column of `kind`, or `None` when it is one
/// of [`sql_type_family`]. The derive turns the message into a compile error
/// on the `sql_type` literal.
pub const fn sql_type_problem(kind: ColumnKind, sql_type: &str) -> Option<&'static str> {
    let family = sql_type_family(kind);
    let mut i = 0;
    while i < family.len() {
        if type_name_is(sql_type, family[i]) {
            return None;
        }
        i += 1;
    }
    Some(match kind {
        ColumnKind::Bool => {
            "this `sql_type` does not hold a bool: use BOOLEAN (or leave `sql_type` out)"
        }
        ColumnKind::SmallInt | ColumnKind::Int | ColumnKind::BigInt => {
            "this `sql_type` does not hold an integer: use SMALLINT, INTEGER, INT, BIGINT, INT2/INT4/INT8, TINYINT, MEDIUMINT or a SERIAL type (or leave `sql_type` out); another type would convert the values the ORM binds"
        }
        ColumnKind::Float | ColumnKind::Double => {
            "this `sql_type` does not hold a float: use REAL, FLOAT, FLOAT4, FLOAT8 or DOUBLE PRECISION (or leave `sql_type` out); for exact decimals use `rust_decimal::Decimal`"
        }
        ColumnKind::Text => {
            "this `sql_type` does not hold text: use TEXT, VARCHAR(n), CHAR(n), CHARACTER VARYING(n), NCHAR, NVARCHAR, CLOB, CITEXT or TINY/MEDIUM/LONGTEXT (or leave `sql_type` out); another type would convert the values the ORM binds"
        }
        ColumnKind::Blob => {
            "this `sql_type` does not hold bytes: use BLOB, BYTEA, BINARY(n), VARBINARY(n) or TINY/MEDIUM/LONGBLOB (or leave `sql_type` out)"
        }
        ColumnKind::Uuid => {
            "this `sql_type` does not hold a UUID as the ORM binds it: use UUID (PostgreSQL), BLOB (SQLite) or BINARY(16) (MySQL), or leave `sql_type` out"
        }
        ColumnKind::Date => {
            "this `sql_type` does not hold a date: use DATE (or leave `sql_type` out)"
        }
        ColumnKind::Time => {
            "this `sql_type` does not hold a time of day: use TIME (or leave `sql_type` out)"
        }
        ColumnKind::Timestamp => {
            "this `sql_type` does not hold a date and time without time zone: use TIMESTAMP or DATETIME (or leave `sql_type` out); for TIMESTAMPTZ use `DateTime<Utc>` / `OffsetDateTime` fields"
        }
        ColumnKind::TimestampTz => {
            "this `sql_type` does not hold an instant: use TIMESTAMPTZ / TIMESTAMP WITH TIME ZONE (or leave `sql_type` out); a plain TIMESTAMP would shift every value by the session's time zone, so use a `NaiveDateTime` / `PrimitiveDateTime` field for it"
        }
        ColumnKind::Json => {
            "this `sql_type` does not hold JSON: use JSON or JSONB (or leave `sql_type` out)"
        }
        ColumnKind::Decimal => {
            "this `sql_type` does not hold an exact decimal: use NUMERIC(p, s) or DECIMAL(p, s) (or leave `sql_type` out)"
        }
    })
}

/// `true` when a column of `kind` can be the soft-delete column of a model
/// (`#[model(soft_delete = "...")]`): the ORM sets it to the time of the
/// delete, which it can write as a [`ColumnKind::TimestampTz`]
/// (`chrono::DateTime<Utc>`, `time::OffsetDateTime`), a
/// [`ColumnKind::Timestamp`] (`chrono::NaiveDateTime`,
/// `time::PrimitiveDateTime`) or a [`ColumnKind::BigInt`] (`i64`,
/// microseconds since the Unix epoch). The derive turns `false` into a
/// compile error on the `soft_delete` literal.
pub const fn soft_delete_kind_ok(kind: ColumnKind) -> bool {
    matches!(
        kind,
        ColumnKind::BigInt | ColumnKind::Timestamp | ColumnKind::TimestampTz
    )
}

/// One word of a SQL type name, see [`type_name_is`].
enum Word {
    End,
    Invalid,
    At(usize, usize),
}

const fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The next word of `s` from `i`, skipping whitespace and parenthesised
/// arguments; any other character makes the name unrecognised.
const fn next_word(s: &[u8], mut i: usize) -> Word {
    while i < s.len() {
        let c = s[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'(' {
            let mut depth = 1;
            i += 1;
            while i < s.len() && depth > 0 {
                if s[i] == b'(' {
                    depth += 1;
                } else if s[i] == b')' {
                    depth -= 1;
                }
                i += 1;
            }
            if depth > 0 {
                return Word::Invalid;
            }
        } else if is_word_byte(c) {
            let start = i;
            while i < s.len() && is_word_byte(s[i]) {
                i += 1;
            }
            return Word::At(start, i);
        } else {
            return Word::Invalid;
        }
    }
    Word::End
}

/// `sql` is the type `name` (words compared ignoring ASCII case, with any
/// parenthesised arguments and extra whitespace): `varchar(40)` is
/// `VARCHAR`, `timestamp(3) with time zone` is `TIMESTAMP WITH TIME ZONE`,
/// `INTEGER[]` is not `INTEGER`.
pub const fn type_name_is(sql: &str, name: &str) -> bool {
    let (a, b) = (sql.as_bytes(), name.as_bytes());
    let (mut i, mut j) = (0, 0);
    loop {
        match (next_word(a, i), next_word(b, j)) {
            (Word::End, Word::End) => return true,
            (Word::At(s1, e1), Word::At(s2, e2)) => {
                if e1 - s1 != e2 - s2 {
                    return false;
                }
                let mut k = 0;
                while k < e1 - s1 {
                    if !a[s1 + k].eq_ignore_ascii_case(&b[s2 + k]) {
                        return false;
                    }
                    k += 1;
                }
                i = e1;
                j = e2;
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_type_names_are_compared_by_words() {
        assert!(type_name_is("varchar(40)", "VARCHAR"));
        assert!(type_name_is(
            "  Timestamp(3)  with time   zone",
            "TIMESTAMP WITH TIME ZONE"
        ));
        assert!(type_name_is("NUMERIC(10, 2)", "NUMERIC"));
        assert!(!type_name_is("INTEGER[]", "INTEGER"));
        assert!(!type_name_is("TIMESTAMP WITH TIME ZONE", "TIMESTAMP"));
        assert!(!type_name_is("VARCHAR(40", "VARCHAR"));
        assert_eq!(sql_type_problem(ColumnKind::Text, "VARCHAR(40)"), None);
        assert!(sql_type_problem(ColumnKind::Text, "INTEGER").is_some());
        assert!(sql_type_problem(ColumnKind::TimestampTz, "TIMESTAMP").is_some());
        assert_eq!(
            sql_type_problem(ColumnKind::Timestamp, "timestamp without time zone"),
            None
        );
    }

    #[test]
    fn soft_delete_kinds() {
        assert!(soft_delete_kind_ok(ColumnKind::BigInt));
        assert!(soft_delete_kind_ok(ColumnKind::Timestamp));
        assert!(soft_delete_kind_ok(ColumnKind::TimestampTz));
        assert!(!soft_delete_kind_ok(ColumnKind::Int));
        assert!(!soft_delete_kind_ok(ColumnKind::Text));
        assert!(!soft_delete_kind_ok(ColumnKind::Date));
        assert!(!soft_delete_kind_ok(ColumnKind::Bool));
    }
}
