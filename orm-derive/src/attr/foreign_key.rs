//! `foreign_key(...)` in `#[model(...)]`: a composite foreign key, its two
//! lists and the rules between them.

use proc_macro2::{Ident, Span, TokenTree};
use syn::meta::ParseNestedMeta;
use syn::parse::ParseStream;
use syn::{LitStr, Token};

use super::{ActionSetting, FOREIGN_KEY, Slot, action, non_empty, read_key, string};
use crate::ctxt::Ctxt;

/// `#[model(foreign_key(columns = [...], references = "table(a, b)"))]`: a
/// foreign key over several columns of the model (a composite foreign key).
pub struct CompositeForeignKey {
    /// `columns = [...]`: column names of this model, in order.
    pub columns: Vec<LitStr>,
    /// `references = "table(a, b)"`.
    pub references: References,
    /// `ondelete = "..."`.
    pub ondelete: Option<ActionSetting>,
    /// `onupdate = "..."`.
    pub onupdate: Option<ActionSetting>,
}

/// `references = "table(a, b)"`: the referenced table and columns.
pub struct References {
    /// The referenced table.
    pub table: String,
    /// The referenced columns, in the order of `columns`.
    pub columns: Vec<String>,
    /// The literal as written.
    pub lit: LitStr,
}

/// `columns = ["a", "b"]`: the literals and the brackets around them.
struct ColumnList {
    names: Vec<LitStr>,
    /// The span of the whole `[...]`.
    span: Span,
}

/// `foreign_key(columns = [...], references = "table(a, b)", ondelete = ..,
/// onupdate = ..)` in `#[model(...)]`. Mistakes inside the list are
/// recorded in `cx`, and the foreign key is then left out (`None`), so no
/// rule about it reports a follow-on error.
pub(super) fn composite(
    cx: &Ctxt,
    key: &Ident,
    meta: &ParseNestedMeta,
) -> syn::Result<Option<CompositeForeignKey>> {
    if !meta.input.peek(syn::token::Paren) {
        return Err(syn::Error::new_spanned(
            key,
            "`foreign_key` in `#[model(...)]` takes a list of keys: `foreign_key(columns = [\"post_id\", \"tag_id\"], references = \"post_tag(post_id, tag_id)\")`; for a foreign key on one column, write `#[field(foreign_key = \"table.column\")]` on its field",
        ));
    }
    let mut columns = Slot::new(cx, &FOREIGN_KEY);
    let mut references = Slot::new(cx, &FOREIGN_KEY);
    let mut ondelete = Slot::new(cx, &FOREIGN_KEY);
    let mut onupdate = Slot::new(cx, &FOREIGN_KEY);
    let mut failed = Vec::new();
    meta.parse_nested_meta(|inner| {
        read_key(cx, &FOREIGN_KEY, &inner, &mut failed, &mut |key, meta| {
            match key.to_string().as_str() {
                "columns" => columns.set(key, column_list(key, meta)?),
                "references" => references.set(key, table_columns(key, meta)?),
                "ondelete" => ondelete.set(key, action(key, meta)?),
                "onupdate" => onupdate.set(key, action(key, meta)?),
                _ => {}
            }
            Ok(())
        })
    })?;
    let (columns, references) = (columns.get(), references.get());
    let mut valid = failed.is_empty();
    if columns.is_none() && !failed.contains(&"columns") {
        valid = false;
        cx.error_spanned_by(
            key,
            "`foreign_key(...)` has no `columns`: list the columns of this model that hold the foreign key, e.g. `columns = [\"post_id\", \"tag_id\"]`",
        );
    }
    if references.is_none() && !failed.contains(&"references") {
        valid = false;
        cx.error_spanned_by(
            key,
            "`foreign_key(...)` has no `references`: name the referenced table and its columns, e.g. `references = \"post_tag(post_id, tag_id)\"`",
        );
    }
    if let Some(columns) = &columns {
        valid &= check_column_list(cx, columns, references.as_ref());
    }
    let (Some(columns), Some(references), true) = (columns, references, valid) else {
        return Ok(None);
    };
    Ok(Some(CompositeForeignKey {
        columns: columns.names,
        references,
        ondelete: ondelete.get(),
        onupdate: onupdate.get(),
    }))
}

/// The rules of `columns`: each column once, at least two, and one
/// referenced column for each (when `references` could be read). `false`
/// when one is broken (and reported).
fn check_column_list(cx: &Ctxt, columns: &ColumnList, references: Option<&References>) -> bool {
    let mut valid = true;
    for (i, lit) in columns.names.iter().enumerate() {
        if columns.names[..i].iter().any(|c| c.value() == lit.value()) {
            valid = false;
            cx.error_spanned_by(
                lit,
                format!(
                    "column `{}` is listed twice in `columns`: a foreign key names each column once; remove one",
                    lit.value()
                ),
            );
        }
    }
    match &columns.names[..] {
        [] => {
            cx.syn_error(syn::Error::new(
                columns.span,
                "`columns` is empty: a composite foreign key lists at least two columns of this model; for one column, write `#[field(foreign_key = \"table.column\")]` on its field",
            ));
            return false;
        }
        [one] => {
            let example = match references.map(|r| (&r.table, &r.columns[..])) {
                Some((table, [referenced])) => format!("{table}.{referenced}"),
                _ => "table.column".to_owned(),
            };
            cx.syn_error(syn::Error::new(
                columns.span,
                format!(
                    "`columns` lists one column: a composite foreign key has at least two; for one column, write `#[field(foreign_key = \"{example}\")]` on the field of column `{}`",
                    one.value()
                ),
            ));
            return false;
        }
        _ => {}
    }
    if let Some(references) = references
        && columns.names.len() != references.columns.len()
    {
        valid = false;
        cx.error_spanned_by(
            &references.lit,
            format!(
                "`columns` lists {} columns but `references` names {} ({}): name one referenced column for each column, in the same order",
                columns.names.len(),
                references.columns.len(),
                references.columns.join(", ")
            ),
        );
    }
    valid
}

/// `columns = ["post_id", "tag_id"]`: a bracketed list of column names.
fn column_list(key: &Ident, meta: &ParseNestedMeta) -> syn::Result<ColumnList> {
    const EXAMPLE: &str = "[\"post_id\", \"tag_id\"]";
    if !meta.input.peek(Token![=]) {
        return Err(syn::Error::new_spanned(
            key,
            format!("`{key}` needs a value: `{key} = {EXAMPLE}`"),
        ));
    }
    let input = meta.value()?;
    if !input.peek(syn::token::Bracket) {
        let found: TokenTree = input.parse().map_err(|_| {
            syn::Error::new_spanned(
                key,
                format!("`{key}` needs a value after `=`: `{key} = {EXAMPLE}`"),
            )
        })?;
        return Err(syn::Error::new_spanned(
            found,
            format!("expected a list of column names in brackets: `{key} = {EXAMPLE}`"),
        ));
    }
    let content;
    let bracket = syn::bracketed!(content in input);
    let mut names = Vec::new();
    let element = |content: ParseStream| -> syn::Result<LitStr> {
        if content.peek(LitStr) {
            return non_empty(content.parse()?, "column name");
        }
        let found: TokenTree = content.parse()?;
        Err(syn::Error::new_spanned(
            found,
            format!("expected a string literal naming a column: `{key} = {EXAMPLE}`"),
        ))
    };
    while !content.is_empty() {
        let parsed = element(&content).and_then(|lit| {
            if !content.is_empty() {
                content.parse::<Token![,]>()?;
            }
            Ok(lit)
        });
        match parsed {
            Ok(lit) => names.push(lit),
            Err(error) => {
                // Leave nothing unread in the brackets: syn would add an
                // "unexpected token" error of its own.
                while !content.is_empty() {
                    content.parse::<TokenTree>()?;
                }
                return Err(error);
            }
        }
    }
    Ok(ColumnList {
        names,
        span: bracket.span.join(),
    })
}

/// `references = "post_tag(post_id, tag_id)"`: the referenced table and its
/// columns; spaces around the names are allowed.
fn table_columns(key: &Ident, meta: &ParseNestedMeta) -> syn::Result<References> {
    let lit = string(key, meta, "\"post_tag(post_id, tag_id)\"")?;
    let value = lit.value();
    match parse_references(&value) {
        Ok((table, columns)) => Ok(References {
            table,
            columns,
            lit,
        }),
        Err(problem) => Err(syn::Error::new_spanned(
            &lit,
            format!(
                "malformed `references = \"{value}\"`: {problem}; name the referenced table and its columns, e.g. `references = \"post_tag(post_id, tag_id)\"`"
            ),
        )),
    }
}

/// `"table(a, b)"` -> (`table`, [`a`, `b`]), or what is wrong with it.
fn parse_references(value: &str) -> Result<(String, Vec<String>), String> {
    let shape = || "expected \"table(column, ...)\"".to_owned();
    let (table, rest) = value.split_once('(').ok_or_else(shape)?;
    let list = rest.trim_end().strip_suffix(')').ok_or_else(shape)?;
    let table = table.trim();
    if table.is_empty() {
        return Err("the table name before `(` is missing".to_owned());
    }
    if !is_plain_name(table) {
        return Err(format!("`{table}` is not a table name"));
    }
    let columns: Vec<&str> = list.split(',').map(str::trim).collect();
    if let Some(position) = columns.iter().position(|c| c.is_empty()) {
        return Err(if columns.len() == 1 {
            "the list of referenced columns is empty".to_owned()
        } else {
            format!("referenced column {} of the list is empty", position + 1)
        });
    }
    if let Some(bad) = columns.iter().find(|c| !is_plain_name(c)) {
        return Err(format!("`{bad}` is not a column name"));
    }
    for (i, column) in columns.iter().enumerate() {
        if columns[..i].contains(column) {
            return Err(format!("column `{column}` is listed twice"));
        }
    }
    Ok((
        table.to_owned(),
        columns.into_iter().map(str::to_owned).collect(),
    ))
}

/// A table or column name inside `references`: no spaces, and none of the
/// characters that separate the names.
fn is_plain_name(text: &str) -> bool {
    !text.is_empty()
        && !text.contains(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | '.' | '"'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        let parsed = parse_references;
        let expected = (
            "post_tag".to_owned(),
            vec!["post_id".into(), "tag_id".into()],
        );
        assert_eq!(parsed("post_tag(post_id, tag_id)"), Ok(expected.clone()));
        assert_eq!(parsed(" post_tag ( post_id ,tag_id ) "), Ok(expected));
        assert!(parsed("post_tag.post_id").is_err());
        assert!(parsed("post_tag(post_id, tag_id").is_err());
        assert!(parsed("(post_id, tag_id)").is_err());
        assert!(parsed("post_tag()").is_err());
        assert!(parsed("post_tag(a, , b)").is_err());
        assert!(parsed("post_tag(a b)").is_err());
        assert!(parsed("post_tag(a, a)").is_err());
        assert!(parsed("public.post_tag(a, b)").is_err());
        assert!(parsed("post_tag(a, (b))").is_err());
    }
}
