use std::fmt;

/// A referential action for `ON DELETE` / `ON UPDATE`.
///
/// These are the five actions SQL defines; `#[field(ondelete = "...")]`
/// accepts exactly their SQL spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// `CASCADE`: delete (or update) the referencing rows too.
    Cascade,
    /// `SET NULL`: set the referencing column to `NULL`.
    SetNull,
    /// `SET DEFAULT`: set the referencing column to its default.
    SetDefault,
    /// `RESTRICT`: refuse immediately while referencing rows exist.
    Restrict,
    /// `NO ACTION`: refuse at the end of the statement while referencing rows exist.
    NoAction,
}

impl Action {
    /// Every action, in the order they are listed in messages.
    pub const ALL: [Action; 5] = [
        Action::Cascade,
        Action::SetNull,
        Action::Restrict,
        Action::NoAction,
        Action::SetDefault,
    ];

    /// The SQL spelling, e.g. `"SET NULL"`.
    pub const fn as_sql(self) -> &'static str {
        match self {
            Action::Cascade => "CASCADE",
            Action::SetNull => "SET NULL",
            Action::SetDefault => "SET DEFAULT",
            Action::Restrict => "RESTRICT",
            Action::NoAction => "NO ACTION",
        }
    }

    /// Parses the SQL spelling (case-insensitive, single spaces).
    pub fn from_sql(text: &str) -> Option<Action> {
        Action::ALL
            .into_iter()
            .find(|a| a.as_sql().eq_ignore_ascii_case(text.trim()))
    }

    /// `true` for the two actions that refuse the delete.
    pub const fn is_restrictive(self) -> bool {
        matches!(self, Action::Restrict | Action::NoAction)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_sql())
    }
}

/// An action serialises as its SQL spelling: `"CASCADE"`, `"SET NULL"`.
#[cfg(feature = "serde")]
impl serde::Serialize for Action {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_sql())
    }
}
