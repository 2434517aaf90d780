use orm_core::Model;

// PostgreSQL keeps 63 bytes of a name: two such tables would become one.
#[derive(Model)]
#[model(table = "customer_subscription_invoice_line_item_adjustment_history_entries")]
struct Entry {
    #[field(primary_key)]
    id: Option<i64>,
}

fn main() {}
