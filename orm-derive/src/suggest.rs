//! "Did you mean ...?" for unknown attribute keys.

use crate::attr::{SCOPES, Scope};

/// The message for an unknown key: the nearest known key, or the attribute
/// it belongs to, or the keys there are.
pub fn unknown_key_message(scope: &Scope, key: &str) -> String {
    let unknown = format!("unknown key `{key}` in `{}`", scope.written);
    if let Some(near) = nearest(key, scope.keys) {
        return format!("{unknown}: did you mean `{near}`?");
    }
    if let Some(other) = SCOPES
        .iter()
        .find(|other| other.name != scope.name && other.keys.contains(&key))
    {
        let place = match other.name {
            "model" => "on the struct",
            "field" => "on a column field",
            _ => "on the `HasMany<_>` / `HasOne<_>` / `BelongsTo<_>` field",
        };
        return format!(
            "{unknown}: `{key}` is a key of `#[{}(...)]`, which goes {place}",
            other.name
        );
    }
    if matches!(key, "nullable" | "null" | "optional" | "not_null") {
        return format!(
            "{unknown}: nullability comes from the field type; declare it as `Option<T>`"
        );
    }
    let keys: Vec<String> = scope.keys.iter().map(|k| format!("`{k}`")).collect();
    format!("{unknown}; expected one of {}", keys.join(", "))
}

/// The key `key` was most likely meant to be, if any is close enough.
pub fn nearest(key: &str, keys: &[&'static str]) -> Option<&'static str> {
    const ALIASES: [(&str, &str); 9] = [
        ("pk", "primary_key"),
        ("primary", "primary_key"),
        ("fk", "foreign_key"),
        ("references", "foreign_key"),
        ("rename", "column"),
        ("name", "column"),
        ("name", "table"),
        ("type", "sql_type"),
        ("cascade", "cascade_delete"),
    ];
    let key = key.to_lowercase();
    let alias = ALIASES
        .iter()
        .filter(|(alias, _)| *alias == key)
        .find_map(|(_, target)| keys.iter().copied().find(|k| k == target));
    if alias.is_some() {
        return alias;
    }
    closest(&key, keys)
}

/// The candidate `word` was most likely meant to be, by spelling alone (no
/// aliases): for names the user chose, such as columns.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let key = word.to_lowercase();
    candidates
        .iter()
        .copied()
        .map(|candidate| (levenshtein(&key, candidate), candidate))
        .filter(|(distance, candidate)| {
            *distance <= (candidate.len() / 3).max(2)
                || (key.len() >= 4 && (candidate.starts_with(&key) || key.starts_with(candidate)))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// The edit distance between two strings (insertions, deletions, substitutions).
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attr::{FIELD, FOREIGN_KEY, MODEL, RELATIONSHIP};

    #[test]
    fn distance() {
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("primary_kye", "primary_key"), 2);
        assert_eq!(levenshtein("on_delete", "ondelete"), 1);
        assert_eq!(levenshtein("same", "same"), 0);
    }

    #[test]
    fn suggestions() {
        assert_eq!(nearest("primary_kye", FIELD.keys), Some("primary_key"));
        assert_eq!(nearest("on_delete", FIELD.keys), Some("ondelete"));
        assert_eq!(nearest("pk", FIELD.keys), Some("primary_key"));
        assert_eq!(nearest("table_name", MODEL.keys), Some("table"));
        assert_eq!(
            nearest("cascade", RELATIONSHIP.keys),
            Some("cascade_delete")
        );
        assert_eq!(nearest("foriegn_key", MODEL.keys), Some("foreign_key"));
        assert_eq!(nearest("colums", FOREIGN_KEY.keys), Some("columns"));
        assert_eq!(nearest("on_delete", FOREIGN_KEY.keys), Some("ondelete"));
        assert_eq!(nearest("zzz", FIELD.keys), None);
        assert_eq!(nearest("cascade_delete", FIELD.keys), None);
    }

    #[test]
    fn column_suggestions() {
        let columns = ["id", "post_id", "tag_id", "name"];
        assert_eq!(closest("tagid", &columns), Some("tag_id"));
        assert_eq!(closest("post", &columns), Some("post_id"));
        assert_eq!(closest("author", &columns), None);
        // No key aliases for names the user chose.
        assert_eq!(closest("pk", &["primary_key"]), None);
    }
}
