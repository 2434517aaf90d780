use orm_core::Model;

#[derive(Model)]
#[model(foreign_key(columns = ["parent_site", "parent_code"], references = "region(site, cod)"))]
struct Region {
    #[field(primary_key)]
    id: Option<i64>,
    site: i64,
    code: String,
    parent_site: Option<i64>,
    parent_code: Option<String>,
}

fn main() {}
