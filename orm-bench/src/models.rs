//! The models each comparison runs on. Variants of one comparison share table
//! names and DDL (the same `ON DELETE`); only the relationship flags differ,
//! that is, who carries out the action: the ORM or the database.

/// One parent, many children; the ORM cascades (`cascade_delete`).
pub mod cascade {
    use orm_core::{BelongsTo, HasMany, Model};

    #[derive(Model, Debug, Clone)]
    #[model(table = "parent")]
    pub struct Parent {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[relationship(back_populates = "parent", cascade_delete)]
        pub children: HasMany<Child>,
    }

    #[derive(Model, Debug, Clone)]
    #[model(table = "child")]
    pub struct Child {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[field(foreign_key = "parent.id", ondelete = "CASCADE")]
        pub parent_id: i64,
        #[relationship(back_populates = "children")]
        pub parent: BelongsTo<Parent>,
    }
}

/// As [`cascade`], but the database cascades (`passive_deletes`).
pub mod cascade_passive {
    use orm_core::{BelongsTo, HasMany, Model};

    #[derive(Model, Debug, Clone)]
    #[model(table = "parent")]
    pub struct Parent {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[relationship(back_populates = "parent", cascade_delete, passive_deletes)]
        pub children: HasMany<Child>,
    }

    #[derive(Model, Debug, Clone)]
    #[model(table = "child")]
    pub struct Child {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[field(foreign_key = "parent.id", ondelete = "CASCADE")]
        pub parent_id: i64,
        #[relationship(back_populates = "children")]
        pub parent: BelongsTo<Parent>,
    }
}

/// One parent, many children kept with their foreign key set to `NULL`; the
/// ORM sends the `UPDATE`.
pub mod set_null {
    use orm_core::{BelongsTo, HasMany, Model};

    #[derive(Model, Debug, Clone)]
    #[model(table = "parent")]
    pub struct Parent {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[relationship(back_populates = "parent")]
        pub children: HasMany<Child>,
    }

    #[derive(Model, Debug, Clone)]
    #[model(table = "child")]
    pub struct Child {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[field(foreign_key = "parent.id", ondelete = "SET NULL")]
        pub parent_id: Option<i64>,
        #[relationship(back_populates = "children")]
        pub parent: BelongsTo<Parent>,
    }
}

/// As [`set_null`], but the database sets the `NULL`s (`passive_deletes`).
pub mod set_null_passive {
    use orm_core::{BelongsTo, HasMany, Model};

    #[derive(Model, Debug, Clone)]
    #[model(table = "parent")]
    pub struct Parent {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[relationship(back_populates = "parent", passive_deletes)]
        pub children: HasMany<Child>,
    }

    #[derive(Model, Debug, Clone)]
    #[model(table = "child")]
    pub struct Child {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[field(foreign_key = "parent.id", ondelete = "SET NULL")]
        pub parent_id: Option<i64>,
        #[relationship(back_populates = "children")]
        pub parent: BelongsTo<Parent>,
    }
}

/// Team → hero → power, cascading at both levels; the ORM deletes.
pub mod tree {
    use orm_core::{BelongsTo, HasMany, Model};

    #[derive(Model, Debug, Clone)]
    #[model(table = "team")]
    pub struct Team {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[relationship(back_populates = "team", cascade_delete)]
        pub heroes: HasMany<Hero>,
    }

    #[derive(Model, Debug, Clone)]
    #[model(table = "hero")]
    pub struct Hero {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[field(foreign_key = "team.id", ondelete = "CASCADE")]
        pub team_id: i64,
        #[relationship(back_populates = "heroes")]
        pub team: BelongsTo<Team>,
        #[relationship(back_populates = "hero", cascade_delete)]
        pub powers: HasMany<Power>,
    }

    #[derive(Model, Debug, Clone)]
    #[model(table = "power")]
    pub struct Power {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[field(foreign_key = "hero.id", ondelete = "CASCADE")]
        pub hero_id: i64,
        #[relationship(back_populates = "powers")]
        pub hero: BelongsTo<Hero>,
    }
}

/// As [`tree`], but the database cascades at both levels.
pub mod tree_passive {
    use orm_core::{BelongsTo, HasMany, Model};

    #[derive(Model, Debug, Clone)]
    #[model(table = "team")]
    pub struct Team {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[relationship(back_populates = "team", cascade_delete, passive_deletes)]
        pub heroes: HasMany<Hero>,
    }

    #[derive(Model, Debug, Clone)]
    #[model(table = "hero")]
    pub struct Hero {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[field(foreign_key = "team.id", ondelete = "CASCADE")]
        pub team_id: i64,
        #[relationship(back_populates = "heroes")]
        pub team: BelongsTo<Team>,
        #[relationship(back_populates = "hero", cascade_delete, passive_deletes)]
        pub powers: HasMany<Power>,
    }

    #[derive(Model, Debug, Clone)]
    #[model(table = "power")]
    pub struct Power {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[field(foreign_key = "hero.id", ondelete = "CASCADE")]
        pub hero_id: i64,
        #[relationship(back_populates = "powers")]
        pub hero: BelongsTo<Hero>,
    }
}

/// Parents in groups (indexed), for bulk delete by filter; the ORM cascades.
pub mod bulk {
    use orm_core::{BelongsTo, HasMany, Model};

    #[derive(Model, Debug, Clone)]
    #[model(table = "parent")]
    pub struct Parent {
        #[field(primary_key)]
        pub id: Option<i64>,
        #[field(index)]
        pub grp: i64,
        pub name: String,
        #[relationship(back_populates = "parent", cascade_delete)]
        pub children: HasMany<Child>,
    }

    #[derive(Model, Debug, Clone)]
    #[model(table = "child")]
    pub struct Child {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[field(foreign_key = "parent.id", ondelete = "CASCADE")]
        pub parent_id: i64,
        #[relationship(back_populates = "children")]
        pub parent: BelongsTo<Parent>,
    }
}

/// As [`bulk`], but the database cascades.
pub mod bulk_passive {
    use orm_core::{BelongsTo, HasMany, Model};

    #[derive(Model, Debug, Clone)]
    #[model(table = "parent")]
    pub struct Parent {
        #[field(primary_key)]
        pub id: Option<i64>,
        #[field(index)]
        pub grp: i64,
        pub name: String,
        #[relationship(back_populates = "parent", cascade_delete, passive_deletes)]
        pub children: HasMany<Child>,
    }

    #[derive(Model, Debug, Clone)]
    #[model(table = "child")]
    pub struct Child {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[field(foreign_key = "parent.id", ondelete = "CASCADE")]
        pub parent_id: i64,
        #[relationship(back_populates = "children")]
        pub parent: BelongsTo<Parent>,
    }
}

/// A flat row for insert and fetch: two text columns, a nullable integer and
/// a float; no secondary index, so the measurement is the ORM's own work
/// rather than index maintenance.
pub mod item {
    use orm_core::Model;

    #[derive(Model, Debug, Clone, PartialEq)]
    #[model(table = "item")]
    pub struct Item {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        pub secret_name: String,
        pub age: Option<i32>,
        pub rating: f64,
    }

    impl Item {
        /// Row `i` of the data set (the same for every variant).
        pub fn nth(i: usize) -> Item {
            Item {
                id: None,
                name: format!("item-{i}"),
                secret_name: format!("secret identity number {i}"),
                age: (!i.is_multiple_of(3)).then(|| i32::try_from(i % 90).unwrap_or(0)),
                rating: i as f64 * 0.25,
            }
        }
    }
}
