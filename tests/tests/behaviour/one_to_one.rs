//! One-to-one relationships (`HasOne` on the parent, a unique foreign key on
//! the child): loading one and many, deleting the parent with each delete
//! action (ORM-executed with foreign keys on and off, and passive), the
//! database refusing a second child, and `detach` — which deletes the child
//! on a `cascade_delete` relationship (delete-orphan) and sets its foreign
//! key to `NULL` elsewhere. Every test asserts the end state of every table.

use crate::harness::{Ctx, Test, TestBackend, placeholders};
use orm_core::{Db, Error, Executor, Model};

/// Users with a profile (`cascade_delete`, `ON DELETE CASCADE`), whose
/// badges cascade in turn: three levels.
mod cascade {
    use orm_core::{BelongsTo, HasMany, HasOne, Model};

    #[derive(Model, Debug, Clone, PartialEq)]
    #[model(table = "users")]
    pub struct User {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[relationship(back_populates = "user", cascade_delete)]
        pub profile: HasOne<Profile>,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[model(table = "profile")]
    pub struct Profile {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub bio: String,
        #[field(foreign_key = "users.id", ondelete = "CASCADE", unique)]
        pub user_id: i64,
        #[relationship(back_populates = "profile")]
        pub user: BelongsTo<User>,
        #[relationship(back_populates = "profile", cascade_delete)]
        pub badges: HasMany<Badge>,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[model(table = "badge")]
    pub struct Badge {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub label: String,
        #[field(foreign_key = "profile.id", ondelete = "CASCADE")]
        pub profile_id: i64,
        #[relationship(back_populates = "badges")]
        pub profile: BelongsTo<Profile>,
    }
}

/// The database deletes the profile (`passive_deletes`, `ON DELETE CASCADE`).
mod passive {
    use orm_core::{BelongsTo, HasOne, Model};

    #[derive(Model, Debug, Clone, PartialEq)]
    #[model(table = "users")]
    pub struct User {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[relationship(back_populates = "user", passive_deletes)]
        pub profile: HasOne<Profile>,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[model(table = "profile")]
    pub struct Profile {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub bio: String,
        #[field(foreign_key = "users.id", ondelete = "CASCADE", unique)]
        pub user_id: i64,
        #[relationship(back_populates = "profile")]
        pub user: BelongsTo<User>,
    }
}

/// No flags, `ON DELETE SET NULL`: the profile is kept, unlinked.
mod set_null {
    use orm_core::{BelongsTo, HasOne, Model};

    #[derive(Model, Debug, Clone, PartialEq)]
    #[model(table = "users")]
    pub struct User {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[relationship(back_populates = "user")]
        pub profile: HasOne<Profile>,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[model(table = "profile")]
    pub struct Profile {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub bio: String,
        #[field(foreign_key = "users.id", ondelete = "SET NULL", unique)]
        pub user_id: Option<i64>,
        #[relationship(back_populates = "profile")]
        pub user: BelongsTo<User>,
    }
}

type Rows = Vec<Vec<Option<i64>>>;

/// `(id, user_id)` of every profile.
async fn profiles<B: TestBackend>(db: &Db<B>) -> Rows {
    B::int_rows(db, "SELECT id, user_id FROM profile ORDER BY id").await
}

/// `id` of every user.
async fn users<B: TestBackend>(db: &Db<B>) -> Rows {
    B::int_rows(db, "SELECT id FROM users ORDER BY id").await
}

/// `(id, profile_id)` of every badge.
async fn badges<B: TestBackend>(db: &Db<B>) -> Rows {
    B::int_rows(db, "SELECT id, profile_id FROM badge ORDER BY id").await
}

fn rows<const N: usize>(rows: &[[i64; N]]) -> Rows {
    rows.iter()
        .map(|row| row.iter().map(|v| Some(*v)).collect())
        .collect()
}

fn ids(ids: &[i64]) -> Rows {
    ids.iter().map(|id| vec![Some(*id)]).collect()
}

/// Users 1 (Alice), 2 (Bob, no profile) and 3 (Carol); profiles 1 (Alice's)
/// and 2 (Carol's); badges 1, 2 on Alice's profile and 3 on Carol's.
async fn seed_cascade<B: TestBackend>(db: &Db<B>) -> Vec<cascade::User> {
    use cascade::{Badge, Profile, User};
    use orm_core::{BelongsTo, HasMany, HasOne};
    db.create_all(&[User::TABLE, Profile::TABLE, Badge::TABLE])
        .await
        .unwrap();
    let mut users: Vec<User> = ["Alice", "Bob", "Carol"]
        .into_iter()
        .map(|name| User {
            id: None,
            name: name.into(),
            profile: HasOne::NotLoaded,
        })
        .collect();
    db.insert_many(&mut users).await.unwrap();
    let mut profiles: Vec<Profile> = [(1, "likes tea"), (3, "likes coffee")]
        .into_iter()
        .map(|(user_id, bio)| Profile {
            id: None,
            bio: bio.into(),
            user_id,
            user: BelongsTo::NotLoaded,
            badges: HasMany::NotLoaded,
        })
        .collect();
    db.insert_many(&mut profiles).await.unwrap();
    let mut badges: Vec<Badge> = [(1, "early"), (1, "helpful"), (2, "early")]
        .into_iter()
        .map(|(profile_id, label)| Badge {
            id: None,
            label: label.into(),
            profile_id,
            profile: BelongsTo::NotLoaded,
        })
        .collect();
    db.insert_many(&mut badges).await.unwrap();
    users
}

/// Users 1 (Alice) and 2 (Bob, no profile); Alice's profile 1.
async fn seed_passive<B: TestBackend>(db: &Db<B>) -> Vec<passive::User> {
    use orm_core::{BelongsTo, HasOne};
    use passive::{Profile, User};
    db.create_all(&[User::TABLE, Profile::TABLE]).await.unwrap();
    let mut users: Vec<User> = ["Alice", "Bob"]
        .into_iter()
        .map(|name| User {
            id: None,
            name: name.into(),
            profile: HasOne::NotLoaded,
        })
        .collect();
    db.insert_many(&mut users).await.unwrap();
    let mut profile = Profile {
        id: None,
        bio: "likes tea".into(),
        user_id: 1,
        user: BelongsTo::NotLoaded,
    };
    db.insert(&mut profile).await.unwrap();
    users
}

/// Users 1 (Alice) and 2 (Bob); their profiles 1 and 2.
async fn seed_set_null<B: TestBackend>(db: &Db<B>) -> Vec<set_null::User> {
    use orm_core::{BelongsTo, HasOne};
    use set_null::{Profile, User};
    db.create_all(&[User::TABLE, Profile::TABLE]).await.unwrap();
    let mut users: Vec<User> = ["Alice", "Bob"]
        .into_iter()
        .map(|name| User {
            id: None,
            name: name.into(),
            profile: HasOne::NotLoaded,
        })
        .collect();
    db.insert_many(&mut users).await.unwrap();
    let mut profiles: Vec<Profile> = [1, 2]
        .into_iter()
        .map(|user_id| Profile {
            id: None,
            bio: format!("user {user_id}"),
            user_id: Some(user_id),
            user: BelongsTo::NotLoaded,
        })
        .collect();
    db.insert_many(&mut profiles).await.unwrap();
    users
}

pub async fn load_one_profile_and_many<B: TestBackend>(ctx: Ctx<B>) {
    use cascade::{Profile, User};
    use orm_core::HasOne;
    let db = ctx.db(true).await;
    seed_cascade(&db).await;

    let mut alice: User = db.get(1i64).await.unwrap();
    assert_eq!(alice.profile, HasOne::NotLoaded);
    assert_eq!(alice.profile.get(), None, "not loaded");
    db.load(&mut alice, User::PROFILE).await.unwrap();
    let profile = alice.profile.get().expect("Alice has a profile");
    assert_eq!((profile.id, profile.user_id), (Some(1), 1));
    assert_eq!(profile.bio, "likes tea");

    let mut bob: User = db.get(2i64).await.unwrap();
    db.load(&mut bob, User::PROFILE).await.unwrap();
    assert_eq!(bob.profile, HasOne::Loaded(None), "loaded, no profile");
    assert!(bob.profile.is_loaded());

    let mut all = User::query().all(&db).await.unwrap();
    let (_guard, log) = orm_tests::capture_sql();
    db.load_many(&mut all, User::PROFILE).await.unwrap();
    assert_eq!(log.statements().len(), 1, "{:?}", log.statements());
    let loaded: Vec<Option<&str>> = all
        .iter()
        .map(|u| u.profile.get().map(|p| p.bio.as_str()))
        .collect();
    assert_eq!(loaded, [Some("likes tea"), None, Some("likes coffee")]);
    assert!(all.iter().all(|u| u.profile.is_loaded()));

    // And back, through the BelongsTo side.
    let mut all_profiles = Profile::query().all(&db).await.unwrap();
    db.load_many(&mut all_profiles, Profile::USER)
        .await
        .unwrap();
    let owners: Vec<Option<&str>> = all_profiles
        .iter()
        .map(|p| p.user.get().map(|u| u.name.as_str()))
        .collect();
    assert_eq!(owners, [Some("Alice"), Some("Carol")]);

    // Loading wrote nothing.
    assert_eq!(users(&db).await, ids(&[1, 2, 3]));
    assert_eq!(profiles(&db).await, rows(&[[1, 1], [2, 3]]));
    assert_eq!(badges(&db).await, rows(&[[1, 1], [2, 1], [3, 2]]));
}

pub async fn deleting_a_user_deletes_its_profile_and_badges<B: TestBackend>(ctx: Ctx<B>) {
    for fk in [true, false] {
        let db = ctx.db(fk).await;
        let mut all = seed_cascade(&db).await;
        let alice = all.remove(0);
        let report = db.delete(alice).await.unwrap();
        assert_eq!(report.deleted("users"), 1, "fk={fk}: {report}");
        assert_eq!(report.deleted("profile"), 1, "fk={fk}: {report}");
        assert_eq!(report.deleted("badge"), 2, "fk={fk}: {report}");
        assert_eq!(users(&db).await, ids(&[2, 3]), "fk={fk}");
        assert_eq!(profiles(&db).await, rows(&[[2, 3]]), "fk={fk}");
        assert_eq!(badges(&db).await, rows(&[[3, 2]]), "fk={fk}");

        // A user without a profile deletes alone.
        let bob = all.remove(0);
        let report = db.delete(bob).await.unwrap();
        assert_eq!(report.deleted("profile"), 0, "fk={fk}: {report}");
        assert_eq!(users(&db).await, ids(&[3]), "fk={fk}");
        assert_eq!(profiles(&db).await, rows(&[[2, 3]]), "fk={fk}");
        assert_eq!(badges(&db).await, rows(&[[3, 2]]), "fk={fk}");
    }
}

pub async fn passive_has_one_leaves_the_profile_to_the_database<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    let mut all = seed_passive(&db).await;
    let alice = all.remove(0);
    let report = db.delete(alice).await.unwrap();
    let writes: Vec<_> = report
        .statements
        .iter()
        .filter(|s| !s.sql.starts_with("SELECT"))
        .collect();
    assert_eq!(writes.len(), 1, "{report}");
    assert!(
        writes[0]
            .sql
            .starts_with(&placeholders::<B>("DELETE FROM \"users\"")),
        "{report}"
    );
    assert_eq!(report.left_to_database.len(), 1, "{report}");
    assert_eq!(report.deleted("profile"), 0, "the database did it");
    assert_eq!(users(&db).await, ids(&[2]));
    assert_eq!(profiles(&db).await, Rows::new());

    // Without enforcement, the ORM refuses rather than orphan the profile.
    let db = ctx.db(false).await;
    let mut all = seed_passive(&db).await;
    let alice = all.remove(0);
    let err = db.delete(alice).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::ForeignKeysNotEnforced {
                model: "User",
                relation: "profile"
            }
        ),
        "{err:?}"
    );
    assert_eq!(users(&db).await, ids(&[1, 2]));
    assert_eq!(profiles(&db).await, rows(&[[1, 1]]));
}

pub async fn set_null_has_one_keeps_the_profile_unlinked<B: TestBackend>(ctx: Ctx<B>) {
    for fk in [true, false] {
        let db = ctx.db(fk).await;
        let mut all = seed_set_null(&db).await;
        let alice = all.remove(0);
        let report = db.delete(alice).await.unwrap();
        assert_eq!(report.deleted("users"), 1, "fk={fk}: {report}");
        assert_eq!(report.nullified("profile"), 1, "fk={fk}: {report}");
        assert_eq!(users(&db).await, ids(&[2]), "fk={fk}");
        assert_eq!(
            profiles(&db).await,
            vec![vec![Some(1), None], vec![Some(2), Some(2)]],
            "fk={fk}"
        );
    }
}

pub async fn the_database_refuses_a_second_profile<B: TestBackend>(ctx: Ctx<B>) {
    use cascade::Profile;
    use orm_core::{BelongsTo, HasMany};
    let db = ctx.db(true).await;
    seed_cascade(&db).await;
    let mut second = Profile {
        id: None,
        bio: "a second one".into(),
        user_id: 1,
        user: BelongsTo::NotLoaded,
        badges: HasMany::NotLoaded,
    };
    let err = db.insert(&mut second).await.unwrap_err();
    assert!(matches!(err, Error::UniqueViolation { .. }), "{err:?}");
    assert_eq!(second.id, None);
    // Nor can an update move Carol's profile to Alice.
    let mut carols: Profile = db.get(2i64).await.unwrap();
    carols.user_id = 1;
    let err = db.update(&carols).await.unwrap_err();
    assert!(matches!(err, Error::UniqueViolation { .. }), "{err:?}");
    assert_eq!(users(&db).await, ids(&[1, 2, 3]));
    assert_eq!(profiles(&db).await, rows(&[[1, 1], [2, 3]]));
    assert_eq!(badges(&db).await, rows(&[[1, 1], [2, 1], [3, 2]]));
}

pub async fn detach_on_cascade_delete_has_one_deletes_the_orphan<B: TestBackend>(ctx: Ctx<B>) {
    use cascade::User;
    use orm_core::HasOne;
    for fk in [true, false] {
        let db = ctx.db(fk).await;
        let mut all = seed_cascade(&db).await;
        let alice = &mut all[0];
        assert_eq!(db.detach(alice, User::PROFILE).await.unwrap(), 1, "fk={fk}");
        assert_eq!(alice.profile, HasOne::Loaded(None));
        // The profile and its badges are gone; Alice stays.
        assert_eq!(users(&db).await, ids(&[1, 2, 3]), "fk={fk}");
        assert_eq!(profiles(&db).await, rows(&[[2, 3]]), "fk={fk}");
        assert_eq!(badges(&db).await, rows(&[[3, 2]]), "fk={fk}");

        // Bob has no profile: nothing to detach, and the field says so.
        let bob = &mut all[1];
        assert_eq!(db.detach(bob, User::PROFILE).await.unwrap(), 0, "fk={fk}");
        assert_eq!(bob.profile, HasOne::Loaded(None));
        assert_eq!(users(&db).await, ids(&[1, 2, 3]), "fk={fk}");
        assert_eq!(profiles(&db).await, rows(&[[2, 3]]), "fk={fk}");
        assert_eq!(badges(&db).await, rows(&[[3, 2]]), "fk={fk}");
    }
}

pub async fn detach_in_a_transaction_rolls_back_with_it<B: TestBackend>(ctx: Ctx<B>) {
    use cascade::User;
    let db = ctx.db(true).await;
    let mut all = seed_cascade(&db).await;
    let mut tx = db.begin().await.unwrap();
    assert_eq!(tx.detach(&mut all[2], User::PROFILE).await.unwrap(), 1);
    drop(tx);
    assert_eq!(users(&db).await, ids(&[1, 2, 3]));
    assert_eq!(profiles(&db).await, rows(&[[1, 1], [2, 3]]));
    assert_eq!(badges(&db).await, rows(&[[1, 1], [2, 1], [3, 2]]));
}

pub async fn detach_on_set_null_has_one_unlinks_the_profile<B: TestBackend>(ctx: Ctx<B>) {
    use orm_core::HasOne;
    use set_null::User;
    for fk in [true, false] {
        let db = ctx.db(fk).await;
        let mut all = seed_set_null(&db).await;
        let alice = &mut all[0];
        assert_eq!(db.detach(alice, User::PROFILE).await.unwrap(), 1, "fk={fk}");
        assert_eq!(alice.profile, HasOne::Loaded(None));
        assert_eq!(users(&db).await, ids(&[1, 2]), "fk={fk}");
        assert_eq!(
            profiles(&db).await,
            vec![vec![Some(1), None], vec![Some(2), Some(2)]],
            "fk={fk}"
        );
    }
}

pub async fn detach_refuses_a_foreign_key_that_cannot_be_null<B: TestBackend>(ctx: Ctx<B>) {
    use orm_core::HasOne;
    use passive::User;
    let db = ctx.db(true).await;
    let mut all = seed_passive(&db).await;
    let alice = &mut all[0];
    let err = db.detach(alice, User::PROFILE).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::CannotDetach {
                model: "User",
                relation: "profile",
                table: "profile",
                column: "user_id"
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("`profile.user_id` is not nullable"),
        "{err}"
    );
    assert_eq!(alice.profile, HasOne::NotLoaded, "the field is left alone");
    assert_eq!(users(&db).await, ids(&[1, 2]));
    assert_eq!(profiles(&db).await, rows(&[[1, 1]]));
}

pub async fn detach_needs_the_parents_key<B: TestBackend>(ctx: Ctx<B>) {
    use orm_core::HasOne;
    let db = ctx.db(true).await;
    seed_cascade(&db).await;
    let mut unsaved = cascade::User {
        id: None,
        name: "Dave".into(),
        profile: HasOne::NotLoaded,
    };
    let err = db
        .detach(&mut unsaved, cascade::User::PROFILE)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::MissingPrimaryKey { model: "User" }),
        "{err:?}"
    );
    assert_eq!(unsaved.profile, HasOne::NotLoaded);
    assert_eq!(users(&db).await, ids(&[1, 2, 3]));
    assert_eq!(profiles(&db).await, rows(&[[1, 1], [2, 3]]));
    assert_eq!(badges(&db).await, rows(&[[1, 1], [2, 1], [3, 2]]));
}

/// The tests of this module.
pub fn tests<B: TestBackend>() -> Vec<Test<B>> {
    crate::tests![
        load_one_profile_and_many,
        deleting_a_user_deletes_its_profile_and_badges,
        passive_has_one_leaves_the_profile_to_the_database,
        set_null_has_one_keeps_the_profile_unlinked,
        the_database_refuses_a_second_profile,
        detach_on_cascade_delete_has_one_deletes_the_orphan,
        detach_in_a_transaction_rolls_back_with_it,
        detach_on_set_null_has_one_unlinks_the_profile,
        detach_refuses_a_foreign_key_that_cannot_be_null,
        detach_needs_the_parents_key,
    ]
}
