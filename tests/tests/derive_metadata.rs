//! What `#[derive(Model)]` generates, checked without a database: the
//! `TableDef` constants, the field handles and the row glue.

use orm_core::check::{self, RelationProblem};
use orm_core::{
    Action, BelongsTo, ColumnKind, Error, HasMany, HasOne, Model, RelationKind, RowSource,
    TableDef, Value, ValueType,
};

// --- The models of the SQLModel cascade-delete tutorial (SPEC §5). ---

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "team")]
struct Team {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(index)]
    name: String,
    headquarters: String,
    #[relationship(back_populates = "team", cascade_delete)]
    heroes: HasMany<Hero>,
}

#[derive(Model, Debug, Clone, PartialEq)]
struct Hero {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(index)]
    name: String,
    secret_name: String,
    age: Option<i32>,
    #[field(foreign_key = "team.id", ondelete = "CASCADE")]
    team_id: Option<i64>,
    #[relationship(back_populates = "heroes")]
    team: BelongsTo<Team>,
}

// --- A model using every key. ---

#[derive(Model, Debug, Clone, PartialEq)]
struct Inventor {
    #[field(primary_key)]
    id: Option<i64>,
    name: String,
    #[relationship(foreign_key = "owner_id", back_populates = "owner")]
    owned: HasMany<Gadget>,
    #[relationship(foreign_key = "maker_id", passive_deletes)]
    made: HasMany<Gadget>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "gadgets")]
struct Gadget {
    #[field(primary_key, column = "gadget_id")]
    id: Option<i64>,
    #[field(unique, sql_type = "VARCHAR(40)")]
    serial: String,
    #[field(index, default = "'unknown'")]
    label: String,
    #[field(default = 0)]
    charges: i32,
    #[field(default = -1.5)]
    weight: f64,
    #[field(default = true)]
    working: bool,
    #[field(
        foreign_key = "inventor.id",
        ondelete = "SET NULL",
        onupdate = "CASCADE"
    )]
    owner_id: Option<i64>,
    #[field(
        foreign_key = "inventor.id",
        ondelete = "RESTRICT",
        onupdate = "NO ACTION"
    )]
    maker_id: i64,
    #[field(foreign_key = "team.id", ondelete = "SET DEFAULT")]
    #[field(unique)]
    team_id: Option<i64>,
    payload: Option<Vec<u8>>,
    small: u8,
    r#type: String,
    #[relationship(foreign_key = "owner_id", back_populates = "owned")]
    owner: BelongsTo<Inventor>,
}

/// No `#[model(table)]`: the table is the struct name in snake case.
#[derive(Model, Debug, Clone, PartialEq)]
struct HeroPower {
    #[field(primary_key)]
    id: i64,
    power_name: String,
}

/// A row for `Model::decode`, read from a list of values.
struct Row {
    values: std::vec::IntoIter<Value>,
    kinds: Vec<ColumnKind>,
}

impl Row {
    fn new(values: Vec<Value>) -> Row {
        Row {
            values: values.into_iter(),
            kinds: Vec::new(),
        }
    }
}

impl RowSource for Row {
    fn next_value(&mut self, ty: ValueType) -> orm_core::Result<Value> {
        self.kinds.push(ty.kind());
        self.values
            .next()
            .ok_or_else(|| Error::UnexpectedResult("row has fewer values than columns".into()))
    }
    fn column_count(&self) -> usize {
        self.values.len()
    }
    fn column_name(&self, _: usize) -> Option<&str> {
        None
    }
    fn seek(&mut self, _: usize) {}
}

fn column_names(table: &TableDef) -> Vec<&'static str> {
    table.columns.iter().map(|c| c.name).collect()
}

fn deadpond() -> Hero {
    Hero {
        id: Some(1),
        name: "Deadpond".into(),
        secret_name: "Dive Wilson".into(),
        age: None,
        team_id: Some(1),
        team: BelongsTo::NotLoaded,
    }
}

#[test]
fn team_table() {
    let table = Team::TABLE;
    assert_eq!(table.name, "team");
    assert_eq!(table.model, "Team");
    assert_eq!(column_names(table), ["id", "name", "headquarters"]);
    assert_eq!(table.primary_key, 0);
    assert!(table.foreign_keys.is_empty());

    let id = &table.columns[0];
    assert_eq!(
        (id.name, id.field, id.kind()),
        ("id", "id", ColumnKind::BigInt)
    );
    assert!(id.primary_key && id.auto_increment);
    assert!(
        !id.nullable,
        "a primary key is never nullable, even as Option<i64>"
    );

    let name = &table.columns[1];
    assert_eq!(name.kind(), ColumnKind::Text);
    assert!(name.index && !name.unique && !name.nullable && !name.primary_key);
    assert!(!name.auto_increment);
    assert_eq!((name.default, name.sql_type), (None, None));
    assert!(!table.columns[2].index);

    let [heroes] = table.relations else {
        panic!("one relation expected");
    };
    assert_eq!(heroes.field, "heroes");
    assert_eq!(heroes.kind, RelationKind::HasMany);
    assert_eq!((heroes.target)().name, "hero");
    assert_eq!(heroes.back_populates, Some("team"));
    assert_eq!(heroes.foreign_key, None);
    assert!(heroes.cascade_delete && !heroes.passive_deletes);
}

#[test]
fn hero_table() {
    let table = Hero::TABLE;
    assert_eq!((table.name, table.model), ("hero", "Hero"));
    assert_eq!(
        column_names(table),
        ["id", "name", "secret_name", "age", "team_id"]
    );
    let kinds: Vec<_> = table.columns.iter().map(|c| c.kind()).collect();
    let (big, text, int) = (ColumnKind::BigInt, ColumnKind::Text, ColumnKind::Int);
    assert_eq!(kinds, [big, text, text, int, big]);
    let nullable: Vec<_> = table.columns.iter().map(|c| c.nullable).collect();
    assert_eq!(nullable, [false, false, false, true, true]);
    assert_eq!(table.primary_key_column().name, "id");

    let [fk] = table.foreign_keys else {
        panic!("one foreign key expected");
    };
    assert_eq!(fk.column(), "team_id");
    assert_eq!(
        (fk.references_table, fk.references_column()),
        ("team", "id")
    );
    assert_eq!(fk.on_delete, Some(Action::Cascade));
    assert_eq!(fk.on_update, None);

    let team = table.relation("team").expect("relation `team`");
    assert_eq!(team.kind, RelationKind::BelongsTo);
    assert_eq!((team.target)().name, "team");
    assert_eq!(team.back_populates, Some("heroes"));
    assert!(!team.cascade_delete && !team.passive_deletes);
}

#[test]
fn every_key() {
    let table = Gadget::TABLE;
    assert_eq!((table.name, table.model), ("gadgets", "Gadget"));
    assert_eq!(
        column_names(table),
        [
            "gadget_id",
            "serial",
            "label",
            "charges",
            "weight",
            "working",
            "owner_id",
            "maker_id",
            "team_id",
            "payload",
            "small",
            "type",
        ]
    );
    let column = |name| table.column(name).expect(name);

    let id = column("gadget_id");
    assert_eq!(id.field, "id");
    assert!(id.primary_key && id.auto_increment && !id.nullable);

    let serial = column("serial");
    assert!(serial.unique && !serial.index);
    assert_eq!(serial.sql_type, Some("VARCHAR(40)"));

    let label = column("label");
    assert!(label.index && !label.unique);
    assert_eq!(label.default, Some("'unknown'"));

    assert_eq!(column("charges").default, Some("0"));
    assert_eq!(column("charges").kind(), ColumnKind::Int);
    assert_eq!(column("weight").default, Some("-1.5"));
    assert_eq!(column("weight").kind(), ColumnKind::Double);
    assert_eq!(column("working").default, Some("TRUE"));
    assert_eq!(column("working").kind(), ColumnKind::Bool);
    assert!(
        column("team_id").unique,
        "keys of several #[field] attributes add up"
    );

    let payload = column("payload");
    assert_eq!(payload.kind(), ColumnKind::Blob);
    assert!(payload.nullable);
    assert_eq!(column("small").kind(), ColumnKind::SmallInt);
    assert!(!column("maker_id").nullable);

    let r#type = column("type");
    assert_eq!(r#type.field, "type", "`r#` is stripped");

    let actions: Vec<_> = table
        .foreign_keys
        .iter()
        .map(|fk| (fk.column(), fk.references_table, fk.on_delete, fk.on_update))
        .collect();
    assert_eq!(
        actions,
        [
            (
                "owner_id",
                "inventor",
                Some(Action::SetNull),
                Some(Action::Cascade)
            ),
            (
                "maker_id",
                "inventor",
                Some(Action::Restrict),
                Some(Action::NoAction)
            ),
            ("team_id", "team", Some(Action::SetDefault), None),
        ]
    );

    let owner = Gadget::OWNER.def();
    assert_eq!(owner.kind, RelationKind::BelongsTo);
    assert_eq!(owner.foreign_key, Some("owner_id"));
    assert_eq!((owner.target)().name, "inventor");

    let made = Inventor::MADE.def();
    assert_eq!(made.kind, RelationKind::HasMany);
    assert_eq!(made.foreign_key, Some("maker_id"));
    assert!(made.passive_deletes && !made.cascade_delete);
    assert_eq!(made.back_populates, None);
    assert_eq!(Inventor::OWNED.def().back_populates, Some("owner"));
}

// --- One-to-one: a unique foreign key, and a primary key that is the foreign key. ---

#[derive(Model, Debug, Clone)]
#[model(table = "account")]
struct Account {
    #[field(primary_key)]
    id: Option<i64>,
    #[relationship(back_populates = "account", cascade_delete)]
    profile: HasOne<Profile>,
    #[relationship(back_populates = "account")]
    passport: HasOne<Passport>,
}

#[derive(Model, Debug, Clone)]
struct Profile {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(foreign_key = "account.id", ondelete = "CASCADE", unique)]
    account_id: i64,
    #[relationship(back_populates = "profile")]
    account: BelongsTo<Account>,
}

/// The child's primary key is its foreign key: unique without `unique`.
#[derive(Model, Debug, Clone)]
struct Passport {
    #[field(primary_key, foreign_key = "account.id", ondelete = "CASCADE")]
    account_id: i64,
    #[relationship(back_populates = "passport")]
    account: BelongsTo<Account>,
}

#[test]
fn has_one_metadata() {
    let profile = Account::PROFILE.def();
    assert_eq!(profile.field, "profile");
    assert_eq!(profile.kind, RelationKind::HasOne);
    assert!(profile.kind.is_parent_side());
    assert_eq!((profile.target)().name, "profile");
    assert_eq!(profile.back_populates, Some("account"));
    assert!(profile.cascade_delete && !profile.passive_deletes);
    assert_eq!(
        <HasOne<Profile> as orm_core::Relationship>::KIND,
        RelationKind::HasOne
    );
    assert_eq!(Account::PASSPORT.def().kind, RelationKind::HasOne);
    assert_eq!((Account::PASSPORT.def().target)().name, "passport");

    let back = Profile::ACCOUNT.def();
    assert_eq!(back.kind, RelationKind::BelongsTo);
    assert!(!back.kind.is_parent_side());
    assert!(RelationKind::HasMany.is_parent_side());
    assert_eq!(back.back_populates, Some("profile"));
    let user_id = Profile::TABLE.column("account_id").expect("account_id");
    assert!(user_id.unique && !user_id.nullable);

    for table in [Account::TABLE, Profile::TABLE, Passport::TABLE] {
        for (i, relation) in table.relations.iter().enumerate() {
            assert_eq!(
                check::relation(table, i, (relation.target)()),
                Ok(()),
                "{}::{}",
                table.model,
                relation.field
            );
        }
    }

    let mut account = Account {
        id: Some(1),
        profile: HasOne::NotLoaded,
        passport: HasOne::NotLoaded,
    };
    assert!(!account.profile.is_loaded() && account.profile.get().is_none());
    assert_eq!(format!("{:?}", account.profile), "NotLoaded");
    *Account::PROFILE.field_mut(&mut account) = HasOne::Loaded(None);
    assert!(account.profile.is_loaded() && account.profile.get().is_none());
    assert_eq!(format!("{:?}", account.profile), "Loaded(None)");
    account.profile = HasOne::Loaded(Some(Box::new(Profile {
        id: Some(7),
        account_id: 1,
        account: BelongsTo::NotLoaded,
    })));
    assert_eq!(account.profile.get().and_then(|p| p.id), Some(7));
    assert_eq!(format!("{:?}", Account::PROFILE), "Account::profile");
}

#[test]
fn default_table_name() {
    let table = HeroPower::TABLE;
    assert_eq!((table.name, table.model), ("hero_power", "HeroPower"));
    let id = table.primary_key_column();
    assert!(id.auto_increment && !id.nullable);
    assert_eq!(HeroPower::POWER_NAME.def().name, "power_name");
}

#[test]
fn field_handles() {
    assert_eq!(Hero::ID.index(), 0);
    assert_eq!(Hero::NAME.index(), 1);
    assert_eq!(Hero::NAME.def().name, "name");
    assert_eq!(Hero::TEAM_ID.index(), 4);
    assert_eq!(Hero::TEAM_ID.def().name, "team_id");
    assert_eq!(Gadget::ID.def().name, "gadget_id");
    assert_eq!(Gadget::TYPE.def().name, "type");
    assert_eq!(Gadget::TYPE.index(), 11);

    assert_eq!(Team::HEROES.def().field, "heroes");
    assert_eq!(Hero::TEAM.def().field, "team");
    assert_eq!(Inventor::MADE.def().field, "made");
    assert_eq!(format!("{:?}", Team::HEROES), "Team::heroes");
    assert_eq!(format!("{:?}", Hero::NAME), "hero.name");

    let mut team = Team {
        id: Some(1),
        name: "Z-Force".into(),
        headquarters: "Sister Margaret's Bar".into(),
        heroes: HasMany::NotLoaded,
    };
    *Team::HEROES.field_mut(&mut team) = HasMany::Loaded(vec![deadpond()]);
    assert_eq!(team.heroes.get().map(<[Hero]>::len), Some(1));
}

#[test]
fn relations_check_at_run_time() {
    for table in [Team::TABLE, Hero::TABLE, Inventor::TABLE, Gadget::TABLE] {
        for (i, relation) in table.relations.iter().enumerate() {
            assert_eq!(
                check::relation(table, i, (relation.target)()),
                Ok::<(), RelationProblem>(()),
                "{}::{}",
                table.model,
                relation.field
            );
        }
    }
}

#[test]
fn values_in_column_order() {
    let hero = deadpond();
    let mut values = Vec::new();
    hero.push_values(&mut values);
    assert_eq!(
        values,
        [
            Value::I64(1),
            Value::Text("Deadpond".into()),
            Value::Text("Dive Wilson".into()),
            Value::Null(ColumnKind::Int),
            Value::I64(1),
        ]
    );
    for (i, value) in values.iter().enumerate() {
        assert_eq!(hero.column_value(i).as_ref(), Some(value));
    }
    assert_eq!(hero.column_value(5), None);
    assert_eq!(hero.primary_key(), Value::I64(1));

    let unsaved = Hero {
        id: None,
        ..deadpond()
    };
    assert_eq!(unsaved.primary_key(), Value::Null(ColumnKind::BigInt));
}

#[test]
fn decode_round_trip() {
    let hero = Hero {
        age: Some(48),
        team: BelongsTo::Loaded(None),
        ..deadpond()
    };
    let mut values = Vec::new();
    hero.push_values(&mut values);

    let mut row = Row::new(values);
    let decoded = Hero::decode(&mut row).expect("decode");
    assert_eq!(
        decoded.team,
        BelongsTo::NotLoaded,
        "relations start not loaded"
    );
    assert_eq!(
        decoded,
        Hero {
            team: BelongsTo::NotLoaded,
            ..hero
        }
    );
    let kinds: Vec<_> = Hero::TABLE.columns.iter().map(|c| c.kind()).collect();
    assert_eq!(
        row.kinds, kinds,
        "columns are read in order, with their kinds"
    );

    let gadget = Gadget {
        id: Some(7),
        serial: "X-1".into(),
        label: "grappling hook".into(),
        charges: 3,
        weight: 0.5,
        working: true,
        owner_id: None,
        maker_id: 2,
        team_id: Some(1),
        payload: Some(vec![1, 2, 3]),
        small: 255,
        r#type: "tool".into(),
        owner: BelongsTo::NotLoaded,
    };
    let mut values = Vec::new();
    gadget.push_values(&mut values);
    assert_eq!(values.len(), Gadget::TABLE.columns.len());
    assert_eq!(
        Gadget::decode(&mut Row::new(values)).expect("decode"),
        gadget
    );
}

#[test]
fn decode_errors_name_the_column() {
    let mut values = Vec::new();
    deadpond().push_values(&mut values);
    values[3] = Value::Text("forty".into());
    match Hero::decode(&mut Row::new(values)) {
        Err(Error::Decode { table, column, .. }) => assert_eq!((table, column), ("hero", "age")),
        other => panic!("expected a decode error, got {other:?}"),
    }

    let mut values = Vec::new();
    deadpond().push_values(&mut values);
    values[1] = Value::Null(ColumnKind::Text);
    let error = Hero::decode(&mut Row::new(values)).expect_err("NULL name");
    assert!(error.to_string().contains("hero.name"), "{error}");
}

#[test]
fn set_column_value() {
    let mut hero = deadpond();
    hero.set_column_value(Hero::AGE.index(), Value::I32(30))
        .expect("set age");
    assert_eq!(hero.age, Some(30));
    hero.set_column_value(3, Value::Null(ColumnKind::Int))
        .expect("clear age");
    assert_eq!(hero.age, None);
    hero.set_column_value(0, Value::I64(42)).expect("set id");
    assert_eq!(hero.id, Some(42));
    hero.set_column_value(Hero::NAME.index(), Value::Text("Rusty-Man".into()))
        .expect("set name");
    assert_eq!(hero.name, "Rusty-Man");

    match hero.set_column_value(1, Value::I64(5)) {
        Err(Error::Decode { table, column, .. }) => assert_eq!((table, column), ("hero", "name")),
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(matches!(
        hero.set_column_value(99, Value::I64(5)),
        Err(Error::NoSuchColumn {
            model: "Hero",
            index: 99,
            columns: 5
        })
    ));
    assert_eq!(
        hero.name, "Rusty-Man",
        "a failed set leaves the field alone"
    );
}

mod link {
    use orm_core::{ManyToMany, Model};

    #[derive(Model, Debug, Clone)]
    pub struct Post {
        #[field(primary_key)]
        pub id: Option<i64>,
        #[relationship(through = "PostTag", back_populates = "posts")]
        pub tags: ManyToMany<Tag>,
    }

    #[derive(Model, Debug, Clone)]
    pub struct Tag {
        #[field(primary_key)]
        pub id: Option<i64>,
        #[relationship(through = "PostTag", back_populates = "tags")]
        pub posts: ManyToMany<Post>,
    }

    #[derive(Model, Debug, Clone)]
    pub struct PostTag {
        #[field(primary_key, foreign_key = "post.id", ondelete = "CASCADE")]
        pub post_id: i64,
        #[field(primary_key, foreign_key = "tag.id", ondelete = "CASCADE")]
        pub tag_id: i64,
    }

    /// A composite foreign key to the link table, over a column that also
    /// has a foreign key of its own, and one over a renamed column; a second
    /// `#[model]` attribute adds the other composite key.
    #[derive(Model, Debug, Clone)]
    #[model(foreign_key(
        columns = ["post_id", "tag_ref"],
        references = "post_tag( post_id,tag_id )",
        ondelete = "CASCADE",
        onupdate = "NO ACTION"
    ))]
    #[model(table = "tag_note", foreign_key(columns = ["tag_ref", "post_id"], references = "post_tag(tag_id, post_id)"))]
    pub struct TagNote {
        #[field(primary_key)]
        pub id: Option<i64>,
        #[field(foreign_key = "post.id", ondelete = "RESTRICT")]
        pub post_id: i64,
        #[field(column = "tag_ref")]
        pub tag_id: i64,
        #[field(foreign_key = "post.id", onupdate = "CASCADE")]
        pub pinned_post_id: Option<i64>,
        pub note: String,
    }

    /// `SET NULL` on `Option` columns; `SET DEFAULT` on columns that are
    /// `Option`s or declare a `default`.
    #[derive(Model, Debug, Clone)]
    #[model(foreign_key(
        columns = ["post_id", "tag_id"],
        references = "post_tag(post_id, tag_id)",
        ondelete = "SET NULL",
        onupdate = "SET DEFAULT"
    ))]
    #[model(foreign_key(
        columns = ["fallback_post_id", "tag_id"],
        references = "post_tag(post_id, tag_id)",
        ondelete = "SET DEFAULT"
    ))]
    pub struct DraftNote {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub post_id: Option<i64>,
        pub tag_id: Option<i64>,
        #[field(default = 0)]
        pub fallback_post_id: i64,
    }
}

/// A `ManyToMany` field: its kind, target and link table, resolved to the
/// link's two foreign keys; the link's composite key.
#[test]
fn many_to_many_metadata() {
    use link::{Post, PostTag};
    let tags = Post::TAGS.def();
    assert_eq!(tags.kind, RelationKind::ManyToMany);
    assert_eq!((tags.target)().name, "tag");
    assert_eq!(tags.through.map(|t| t().name), Some("post_tag"));
    let through = orm_core::delete::resolve_through(Post::TABLE, tags).expect("resolves");
    assert_eq!(
        (through.owner_fk.column(), through.target_fk.column()),
        ("post_id", "tag_id")
    );
    let key: Vec<&str> = PostTag::TABLE
        .key_columns()
        .iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(key, ["post_id", "tag_id"]);
    assert!(PostTag::TABLE.has_composite_key());
    // Deleting a post deletes its link rows.
    let resolved = orm_core::delete::resolve_relation(Post::TABLE, tags).expect("resolves");
    assert_eq!(
        (resolved.child.name, resolved.fk.column(), resolved.action),
        ("post_tag", "post_id", orm_core::Action::Cascade)
    );
}

/// `#[model(foreign_key(...))]`: each composite foreign key is one
/// `ForeignKeyDef` with all its columns, after those of the fields (which
/// keep field order), in the order written.
#[test]
fn composite_foreign_keys() {
    use link::TagNote;
    let keys: Vec<_> = TagNote::TABLE
        .foreign_keys
        .iter()
        .map(|fk| {
            (
                fk.columns,
                fk.references_table,
                fk.references_columns,
                fk.on_delete,
                fk.on_update,
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            (
                &["post_id"][..],
                "post",
                &["id"][..],
                Some(Action::Restrict),
                None
            ),
            (
                &["pinned_post_id"][..],
                "post",
                &["id"][..],
                None,
                Some(Action::Cascade)
            ),
            (
                &["post_id", "tag_ref"][..],
                "post_tag",
                &["post_id", "tag_id"][..],
                Some(Action::Cascade),
                Some(Action::NoAction)
            ),
            (
                &["tag_ref", "post_id"][..],
                "post_tag",
                &["tag_id", "post_id"][..],
                None,
                None
            ),
        ]
    );
    let composite: Vec<bool> = TagNote::TABLE
        .foreign_keys
        .iter()
        .map(|fk| fk.is_composite())
        .collect();
    assert_eq!(composite, [false, false, true, true]);
    assert_eq!(
        TagNote::TABLE
            .foreign_key_on("post_id")
            .map(|fk| fk.references_text()),
        Some("post.id".to_owned()),
        "the column's own foreign key, not the composite one over it"
    );
    assert_eq!(TagNote::TABLE.name, "tag_note");

    let actions: Vec<_> = link::DraftNote::TABLE
        .foreign_keys
        .iter()
        .map(|fk| (fk.columns_text(), fk.on_delete, fk.on_update))
        .collect();
    assert_eq!(
        actions,
        [
            (
                "(post_id, tag_id)".to_owned(),
                Some(Action::SetNull),
                Some(Action::SetDefault)
            ),
            (
                "(fallback_post_id, tag_id)".to_owned(),
                Some(Action::SetDefault),
                None
            ),
        ]
    );
}
