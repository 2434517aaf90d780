//! One-to-one relationships: `HasOne<Profile>` on the person, a unique
//! foreign key on the profile. Loading one and many (a person without a
//! profile loads as `Loaded(None)`), the database refusing a second profile,
//! deleting a person (the profile goes too), and detaching a profile on a
//! `cascade_delete` relationship, which deletes it (delete-orphan).
//! The book's "One-to-one relationships" chapter includes this file.
//!
//! Run: `cargo run --example one_to_one` (`DATABASE_URL` overrides the
//! default in-memory SQLite database).

use orm_core::prelude::*;

// ANCHOR: models
#[derive(Model, Debug, Clone)]
pub struct Person {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[relationship(back_populates = "person", cascade_delete)]
    pub profile: HasOne<Profile>,
}

#[derive(Model, Debug, Clone)]
pub struct Profile {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub bio: String,
    // `unique`: one profile per person, enforced by the database.
    #[field(foreign_key = "person.id", ondelete = "CASCADE", unique)]
    pub person_id: i64,
    #[relationship(back_populates = "profile")]
    pub person: BelongsTo<Person>,
}
// ANCHOR_END: models

impl Person {
    fn new(name: &str) -> Person {
        Person {
            id: None,
            name: name.into(),
            profile: HasOne::NotLoaded,
        }
    }
}

impl Profile {
    fn new(person: &Person, bio: &str) -> Profile {
        Profile {
            id: None,
            bio: bio.into(),
            person_id: person.id.unwrap_or_default(),
            person: BelongsTo::NotLoaded,
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    orm_core::echo_sql();
    let url = orm_tests::database_url("sqlite::memory:");
    // The same models and code on every backend.
    if url.starts_with("postgres") {
        run(&orm_postgres::connect(&url).await?).await
    } else if url.starts_with("mysql") || url.starts_with("mariadb") {
        run(&orm_mysql::connect(&url).await?).await
    } else {
        run(&orm_sqlite::connect(&url).await?).await
    }
}

/// The example itself, on any backend.
pub async fn run<B: Backend>(db: &Db<B>) -> Result<(), Error> {
    let section = orm_tests::section("tables"); // marks each part of the output for the book
    // ANCHOR: tables
    let tables = [Person::TABLE, Profile::TABLE];
    db.drop_all(&tables).await?;
    db.create_all(&tables).await?;
    // ANCHOR_END: tables
    drop(section);

    // ANCHOR: seed
    let mut people = [
        Person::new("Alice"),
        Person::new("Bob"),
        Person::new("Carol"),
    ];
    db.insert_many(&mut people).await?;
    let [alice, _bob, carol] = &people;
    let mut profiles = [
        Profile::new(alice, "likes tea"),
        Profile::new(carol, "likes coffee"),
    ];
    db.insert_many(&mut profiles).await?; // Bob has no profile
    // ANCHOR_END: seed

    let section = orm_tests::section("load");
    // ANCHOR: load
    let mut alice: Person = db.get(1i64).await?;
    assert!(!alice.profile.is_loaded()); // NotLoaded until loaded
    db.load(&mut alice, Person::PROFILE).await?; // one SELECT on profile
    println!("{}: {:?}", alice.name, alice.profile.get().map(|p| &p.bio));

    let mut people = Person::query().all(db).await?;
    db.load_many(&mut people, Person::PROFILE).await?; // one SELECT for all of them
    for person in &people {
        // Loaded(None): this person has no profile.
        println!("{:<6} {:?}", person.name, person.profile);
    }
    // ANCHOR_END: load
    drop(section);

    let section = orm_tests::section("unique");
    // ANCHOR: unique
    let mut second = Profile::new(&alice, "likes both");
    match db.insert(&mut second).await {
        Err(Error::UniqueViolation { .. }) => println!("a second profile for Alice: refused"),
        other => panic!("expected a unique violation, got {other:?}"),
    }
    // ANCHOR_END: unique
    drop(section);

    let section = orm_tests::section("delete");
    // ANCHOR: delete
    let carol: Person = db.get(3i64).await?;
    let report = db.delete(carol).await?; // her profile first, then her
    println!("{report}");
    assert_eq!(
        (report.deleted("person"), report.deleted("profile")),
        (1, 1)
    );
    // ANCHOR_END: delete
    drop(section);

    let section = orm_tests::section("detach");
    // ANCHOR: detach
    // `cascade_delete`: a detached profile is an orphan, and is deleted.
    let detached = db.detach(&mut alice, Person::PROFILE).await?;
    println!("detached {detached}: {:?}", alice.profile); // Loaded(None)
    assert_eq!(Profile::query().count(db).await?, 0);
    assert_eq!(Person::query().count(db).await?, 2); // Alice and Bob stay
    // ANCHOR_END: detach
    drop(section);
    Ok(())
}
