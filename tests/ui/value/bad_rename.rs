use orm_core::ColumnValue;

#[derive(ColumnValue)]
#[column(rename_all = "camel")]
enum Status {
    Draft,
    #[column(rnme = "live")]
    Published,
}

#[derive(ColumnValue)]
#[repr(i16)]
enum Priority {
    #[column(rename = "low")]
    Low = 1,
}

#[derive(ColumnValue)]
enum Clash {
    #[column(rename = "same")]
    A,
    #[column(rename = "same")]
    B,
}

fn main() {}
