//! Hostile input: values that look like SQL, NUL bytes, emoji, huge strings,
//! and tables/columns named with SQL keywords and mixed case. Values are
//! always bound and identifiers always quoted.

use crate::harness::{Ctx, Test, TestBackend, count};

use orm_core::{BelongsTo, Executor, HasMany, Model};

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "order")]
pub struct Order {
    #[field(primary_key, column = "select")]
    pub id: Option<i64>,
    #[field(column = "group", unique)]
    pub group: String,
    #[field(column = "Mixed Case \"quoted\"")]
    pub note: Option<String>,
    pub blob: Vec<u8>,
    #[relationship(back_populates = "order", cascade_delete)]
    pub lines: HasMany<Line>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "Line Item")]
pub struct Line {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "order.select", ondelete = "CASCADE", column = "where")]
    pub order_id: i64,
    pub text: String,
    #[relationship(back_populates = "lines")]
    pub order: BelongsTo<Order>,
}

const NASTY: [&str; 7] = [
    "'; DROP TABLE \"order\"; --",
    "Robert'); DELETE FROM \"Line Item\" WHERE ('1' = '1",
    "quote ' double \" backslash \\ percent % underscore _",
    "NUL \0 inside",
    "emoji 🦀🔥 and accents éàü and RTL עברית",
    "?",
    "$1",
];

pub async fn hostile_values_round_trip_through_keyword_named_tables<B: TestBackend>(ctx: Ctx<B>) {
    for fk in [true, false] {
        let db = ctx.db(fk).await;
        db.create_all(&[Order::TABLE, Line::TABLE]).await.unwrap();
        let order = |g: &str| Order {
            id: None,
            group: g.to_owned(),
            note: Some(g.to_owned()),
            blob: g.as_bytes().to_vec(),
            lines: HasMany::NotLoaded,
        };
        let nul = NASTY.iter().any(|s| s.contains('\0'));
        if B::NAME == "postgres" && nul {
            // PostgreSQL text cannot hold NUL: a typed error, nothing sent.
            let mut all: Vec<Order> = NASTY.iter().map(|s| order(s)).collect();
            let err = db.insert_many(&mut all).await.unwrap_err();
            assert!(matches!(err, orm_core::Error::InvalidValue(_)), "{err:?}");
            assert_eq!(count(&db, "order").await, 0);
        }
        let mut orders: Vec<Order> = NASTY
            .iter()
            .map(|s| match B::NAME {
                "postgres" => s.replace('\0', "<NUL>"),
                _ => s.to_string(),
            })
            .map(|s| order(&s))
            .collect();
        // A 1 MB value (not in the unique index: PostgreSQL's b-tree entries
        // are limited to a third of a page).
        let long = "x".repeat(1_000_000);
        orders.push(Order {
            note: Some(long.clone()),
            blob: long.clone().into_bytes(),
            ..order("long")
        });
        db.insert_many(&mut orders).await.unwrap();
        for order in &orders {
            let mut lines: Vec<Line> = (0..3)
                .map(|i| Line {
                    id: None,
                    order_id: order.id.unwrap(),
                    text: format!("{i}{}", order.group),
                    order: BelongsTo::NotLoaded,
                })
                .collect();
            db.insert_many(&mut lines).await.unwrap();
        }
        for order in &orders {
            let back: Order = db.get(order.id.unwrap()).await.unwrap();
            assert_eq!(&back, order);
            let found = Order::query()
                .filter(Order::GROUP.eq(order.group.clone()))
                .all(&db)
                .await
                .unwrap();
            assert_eq!(
                found.len(),
                1,
                "exact match for {:?}",
                &order.group[..order.group.len().min(40)]
            );
        }
        assert_eq!(
            Order::query().count(&db).await.unwrap(),
            8,
            "no table was dropped"
        );
        // Cascade through the keyword-named tables and columns.
        let first = orders.remove(0);
        let report = db.delete(first).await.unwrap();
        assert_eq!(report.deleted("Line Item"), 3);
        let report = db.delete_where(Order::GROUP.eq("long")).await.unwrap();
        assert_eq!(report.deleted("Line Item"), 3);
        assert_eq!(Line::query().count(&db).await.unwrap(), 18);
        assert_eq!(Order::query().count(&db).await.unwrap(), 6);
    }
}

pub async fn bulk_delete_and_loading_past_the_bind_parameter_limit<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    db.create_all(&[Order::TABLE, Line::TABLE]).await.unwrap();
    // 40,000 parents: more keys than one statement may bind (32,766).
    let mut orders: Vec<Order> = (0..40_000)
        .map(|i| Order {
            id: None,
            group: format!("g{i}"),
            note: None,
            blob: vec![],
            lines: HasMany::NotLoaded,
        })
        .collect();
    db.insert_many(&mut orders).await.unwrap();
    let mut lines: Vec<Line> = orders
        .iter()
        .map(|o| Line {
            id: None,
            order_id: o.id.unwrap(),
            text: String::new(),
            order: BelongsTo::NotLoaded,
        })
        .collect();
    db.insert_many(&mut lines).await.unwrap();

    db.load_many(&mut orders, Order::LINES).await.unwrap();
    assert!(
        orders
            .iter()
            .all(|o| o.lines.get().map(<[Line]>::len) == Some(1))
    );

    let report = db.delete_where(Order::GROUP.like("g%")).await.unwrap();
    assert_eq!(report.deleted("order"), 40_000);
    assert_eq!(report.deleted("Line Item"), 40_000);
    assert_eq!(Line::query().count(&db).await.unwrap(), 0);
}

/// The tests of this module.
pub fn tests<B: TestBackend>() -> Vec<Test<B>> {
    crate::tests![
        hostile_values_round_trip_through_keyword_named_tables,
        bulk_delete_and_loading_past_the_bind_parameter_limit,
    ]
}
