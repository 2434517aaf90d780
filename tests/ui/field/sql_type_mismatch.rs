use orm_core::Model;

#[derive(Model)]
struct Event {
    #[field(primary_key)]
    id: Option<i64>,
    // Text bound to an integer column would be converted silently.
    #[field(sql_type = "INTEGER")]
    name: String,
    // An instant in a TIMESTAMP column would be shifted by the session's time zone.
    #[field(sql_type = "TIMESTAMP")]
    at: chrono::DateTime<chrono::Utc>,
    // Within the family: fine.
    #[field(sql_type = "VARCHAR(40)")]
    label: String,
}

fn main() {}
