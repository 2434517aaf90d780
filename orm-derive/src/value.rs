//! `#[derive(ColumnValue)]`: a newtype stored like its field, or a
//! fieldless enum stored as text (its variant names) or as its integer
//! discriminant (`#[repr(i16)]` and friends).

use proc_macro2::{Ident, TokenStream};
use quote::{ToTokens, quote};
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::ctxt::Ctxt;
use crate::suggest::nearest;

/// `rename_all` spellings, as serde names them.
const RENAME_ALL: [&str; 5] = [
    "lowercase",
    "UPPERCASE",
    "snake_case",
    "SCREAMING_SNAKE_CASE",
    "kebab-case",
];

/// The integer representations an enum can be stored as, and the value
/// type each is bound as (the smallest SQL integer that holds it).
const REPRS: [(&str, &str, &str); 7] = [
    ("i8", "I16", "i16"),
    ("u8", "I16", "i16"),
    ("i16", "I16", "i16"),
    ("u16", "I32", "i32"),
    ("i32", "I32", "i32"),
    ("u32", "I64", "i64"),
    ("i64", "I64", "i64"),
];

/// The whole expansion, or the errors (each on its own tokens).
pub fn expand(input: &DeriveInput) -> Result<TokenStream, TokenStream> {
    let cx = Ctxt::new();
    if !input.generics.params.is_empty() || input.generics.where_clause.is_some() {
        cx.error_spanned_by(
            &input.generics,
            "`#[derive(ColumnValue)]` does not support generics: implement `orm_core::ColumnValue` by hand",
        );
    }
    let body = match &input.data {
        Data::Struct(data) => newtype(&cx, input, &data.fields),
        Data::Enum(data) => enumeration(&cx, input, data),
        Data::Union(data) => {
            cx.error_spanned_by(
                data.union_token,
                "`#[derive(ColumnValue)]` supports newtype structs (`struct UserId(Uuid);`) and fieldless enums, not unions",
            );
            None
        }
    };
    match (cx.check(), body) {
        (Ok(()), Some(body)) => Ok(wrap(&input.ident, body)),
        (Ok(()), None) => Ok(TokenStream::new()),
        (Err(errors), _) => Err(errors.into_compile_error()),
    }
}

/// `impl ColumnValue` from its three items, and `From<T> for Value`.
fn wrap(ident: &Ident, body: TokenStream) -> TokenStream {
    quote! {
        const _: () = {
            #[automatically_derived]
            impl ::orm_core::ColumnValue for #ident {
                #body
            }

            #[automatically_derived]
            impl ::core::convert::From<#ident> for ::orm_core::Value {
                fn from(value: #ident) -> ::orm_core::Value {
                    ::orm_core::ColumnValue::to_value(&value)
                }
            }
        };
    }
}

/// `struct UserId(Uuid);`: stored exactly like `Uuid`.
fn newtype(cx: &Ctxt, input: &DeriveInput, fields: &Fields) -> Option<TokenStream> {
    reject_column_attrs(cx, &input.attrs, "a newtype");
    let field = match fields {
        Fields::Unnamed(fields) if fields.unnamed.len() == 1 => &fields.unnamed[0],
        _ => {
            cx.error_spanned_by(
                &input.ident,
                "`#[derive(ColumnValue)]` on a struct needs exactly one unnamed field, a newtype such as `struct UserId(pub Uuid);`, stored like that field",
            );
            return None;
        }
    };
    let ty = &field.ty;
    Some(quote! {
        const TYPE: ::orm_core::ValueType = <#ty as ::orm_core::ColumnValue>::TYPE;
        fn to_value(&self) -> ::orm_core::Value {
            <#ty as ::orm_core::ColumnValue>::to_value(&self.0)
        }
        fn from_value(
            value: ::orm_core::Value,
        ) -> ::core::result::Result<Self, ::orm_core::DecodeError> {
            <#ty as ::orm_core::ColumnValue>::from_value(value).map(Self)
        }
    })
}

/// `#[column(...)]` has nothing to say on this item.
fn reject_column_attrs(cx: &Ctxt, attrs: &[syn::Attribute], what: &str) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("column")) {
        cx.error_spanned_by(
            attr,
            format!("`#[column(...)]` has no keys for {what}; remove it"),
        );
    }
}

fn enumeration(cx: &Ctxt, input: &DeriveInput, data: &syn::DataEnum) -> Option<TokenStream> {
    let repr = integer_repr(input);
    let rename_all = enum_attrs(cx, input, repr.is_some());
    if data.variants.is_empty() {
        cx.error_spanned_by(
            &input.ident,
            "`#[derive(ColumnValue)]` needs at least one variant to store",
        );
        return None;
    }
    let mut variants = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            cx.error_spanned_by(
                &variant.fields,
                "`#[derive(ColumnValue)]` stores fieldless enums only (each variant one text or integer value); for data, use a `Json<T>` column",
            );
        }
        let rename = variant_rename(cx, variant, repr.is_some());
        let name = match (rename, &rename_all) {
            (Some(lit), _) => lit.value(),
            (None, Some(rule)) => apply_rename_all(&variant.ident.to_string(), rule),
            (None, None) => variant.ident.to_string(),
        };
        if let Some((_, first)) = variants
            .iter()
            .find(|(n, _): &&(String, &Ident)| *n == name)
        {
            cx.error_spanned_by(
                &variant.ident,
                format!("`{}` is stored as \"{name}\", like `{first}`: give one of them another `#[column(rename = \"...\")]`", variant.ident),
            );
        }
        variants.push((name, &variant.ident));
    }
    let idents: Vec<&Ident> = variants.iter().map(|(_, ident)| *ident).collect();
    let enum_name = input.ident.to_string();
    Some(match repr {
        Some((repr, value_type, wide)) => {
            let repr = Ident::new(repr, proc_macro2::Span::call_site());
            let value_type = Ident::new(value_type, proc_macro2::Span::call_site());
            let wide = Ident::new(wide, proc_macro2::Span::call_site());
            quote! {
                const TYPE: ::orm_core::ValueType = ::orm_core::ValueType::#value_type;
                fn to_value(&self) -> ::orm_core::Value {
                    let discriminant: #repr = match self {
                        #(Self::#idents => Self::#idents as #repr,)*
                    };
                    ::orm_core::Value::#value_type(#wide::from(discriminant))
                }
                fn from_value(
                    value: ::orm_core::Value,
                ) -> ::core::result::Result<Self, ::orm_core::DecodeError> {
                    let n = <#repr as ::orm_core::ColumnValue>::from_value(value)?;
                    #(if n == Self::#idents as #repr {
                        return ::core::result::Result::Ok(Self::#idents);
                    })*
                    ::core::result::Result::Err(::orm_core::DecodeError::Invalid(::std::format!(
                        "{} is not the discriminant of a variant of `{}`",
                        n,
                        #enum_name,
                    )))
                }
            }
        }
        None => {
            let names: Vec<&String> = variants.iter().map(|(name, _)| name).collect();
            let expected = names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ");
            quote! {
                const TYPE: ::orm_core::ValueType = ::orm_core::ValueType::Text;
                fn to_value(&self) -> ::orm_core::Value {
                    ::orm_core::Value::Text(::std::string::String::from(match self {
                        #(Self::#idents => #names,)*
                    }))
                }
                fn from_value(
                    value: ::orm_core::Value,
                ) -> ::core::result::Result<Self, ::orm_core::DecodeError> {
                    let text = <::std::string::String as ::orm_core::ColumnValue>::from_value(value)?;
                    match text.as_str() {
                        #(#names => ::core::result::Result::Ok(Self::#idents),)*
                        other => ::core::result::Result::Err(::orm_core::DecodeError::Invalid(
                            ::std::format!(
                                "{:?} is not a variant of `{}` (expected one of {})",
                                other,
                                #enum_name,
                                #expected,
                            ),
                        )),
                    }
                }
            }
        }
    })
}

/// `#[repr(i16)]`: the enum is stored as its discriminant.
fn integer_repr(input: &DeriveInput) -> Option<(&'static str, &'static str, &'static str)> {
    let mut found = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("repr")) {
        let _ = attr.parse_nested_meta(|meta| {
            if let Some(ident) = meta.path.get_ident() {
                let name = ident.to_string();
                if let Some(repr) = REPRS.iter().find(|(r, _, _)| *r == name) {
                    found = Some(*repr);
                }
            }
            Ok(())
        });
    }
    found
}

/// `#[column(rename_all = "...")]` on the enum.
fn enum_attrs(cx: &Ctxt, input: &DeriveInput, integer: bool) -> Option<String> {
    let mut rename_all = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("column")) {
        let parsed = attr.parse_nested_meta(|meta| {
            let key = meta.path.to_token_stream().to_string();
            if key != "rename_all" {
                let hint = nearest(&key, &["rename_all"])
                    .map_or(String::new(), |k| format!(": did you mean `{k}`?"));
                return Err(meta.error(format!(
                    "unknown key `{key}` in `#[column(...)]` on an enum{hint} (keys: `rename_all`; on variants: `rename`)"
                )));
            }
            let lit: LitStr = meta.value()?.parse()?;
            if integer {
                return Err(syn::Error::new_spanned(
                    &lit,
                    "`rename_all` names text values, but `#[repr(...)]` stores this enum as its integer discriminant: remove one of them",
                ));
            }
            if !RENAME_ALL.contains(&lit.value().as_str()) {
                return Err(syn::Error::new_spanned(
                    &lit,
                    format!("unknown `rename_all` rule \"{}\": expected one of {}", lit.value(), RENAME_ALL.map(|r| format!("\"{r}\"")).join(", ")),
                ));
            }
            if rename_all.replace(lit.value()).is_some() {
                return Err(meta.error("duplicate key `rename_all`"));
            }
            Ok(())
        });
        if let Err(error) = parsed {
            cx.syn_error(error);
        }
    }
    rename_all
}

/// `#[column(rename = "...")]` on a variant.
fn variant_rename(cx: &Ctxt, variant: &syn::Variant, integer: bool) -> Option<LitStr> {
    let mut rename = None;
    for attr in variant.attrs.iter().filter(|a| a.path().is_ident("column")) {
        let parsed = attr.parse_nested_meta(|meta| {
            let key = meta.path.to_token_stream().to_string();
            if key != "rename" {
                let hint = nearest(&key, &["rename"])
                    .map_or(String::new(), |k| format!(": did you mean `{k}`?"));
                return Err(meta.error(format!(
                    "unknown key `{key}` in `#[column(...)]` on a variant{hint} (keys: `rename`)"
                )));
            }
            let lit: LitStr = meta.value()?.parse()?;
            if integer {
                return Err(syn::Error::new_spanned(
                    &lit,
                    "`rename` names a text value, but `#[repr(...)]` stores this enum as its integer discriminant: set the discriminant instead (`Variant = 3`)",
                ));
            }
            if rename.replace(lit).is_some() {
                return Err(meta.error("duplicate key `rename`"));
            }
            Ok(())
        });
        if let Err(error) = parsed {
            cx.syn_error(error);
        }
    }
    rename
}

/// A variant name spelled by a serde `rename_all` rule.
fn apply_rename_all(variant: &str, rule: &str) -> String {
    let snake = crate::ast::snake_case(variant);
    match rule {
        "lowercase" => variant.to_lowercase(),
        "UPPERCASE" => variant.to_uppercase(),
        "snake_case" => snake,
        "SCREAMING_SNAKE_CASE" => snake.to_uppercase(),
        _ => snake.replace('_', "-"),
    }
}
