//! Relationship fields: [`HasMany`], [`HasOne`], [`BelongsTo`] and the typed
//! handle [`Rel`].

use std::fmt;
use std::marker::PhantomData;

use crate::Model;
use crate::schema::{RelationDef, RelationKind};

/// A field type that `#[relationship(...)]` accepts.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a relationship type",
    label = "a `#[relationship]` field must be `HasMany<T>`, `HasOne<T>`, `BelongsTo<T>` or `ManyToMany<T>`",
    note = "use `HasMany<Child>` on the parent side of a one-to-many relationship, `HasOne<Child>` on the parent side of a one-to-one relationship, `BelongsTo<Parent>` on the side with the foreign key, and `ManyToMany<Other>` with `through = \"Link\"` for a link table"
)]
pub trait Relationship: Default + Send + Sync + 'static {
    /// The related model.
    type Target: Model;
    /// Which side this field is.
    const KIND: RelationKind;
}

/// The parent side of a one-to-many relationship: the related rows, once loaded.
///
/// A freshly read row starts [`NotLoaded`](HasMany::NotLoaded); loading it
/// (`db.load(&mut team, Team::HEROES)`) makes it [`Loaded`](HasMany::Loaded).
/// There is no silent empty list: an unloaded relationship says so.
#[derive(Clone, PartialEq, Default)]
pub enum HasMany<T> {
    /// Not loaded from the database.
    #[default]
    NotLoaded,
    /// Loaded: every related row, in primary-key order (with a
    /// [`Filtered`](crate::Filtered) load: the matching rows, in its order).
    Loaded(Vec<T>),
}

impl<T> HasMany<T> {
    /// `true` once loaded.
    pub fn is_loaded(&self) -> bool {
        matches!(self, HasMany::Loaded(_))
    }

    /// The related rows, or `None` when not loaded.
    pub fn get(&self) -> Option<&[T]> {
        match self {
            HasMany::Loaded(items) => Some(items),
            HasMany::NotLoaded => None,
        }
    }

    /// The related rows, or `None` when not loaded.
    pub fn into_loaded(self) -> Option<Vec<T>> {
        match self {
            HasMany::Loaded(items) => Some(items),
            HasMany::NotLoaded => None,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for HasMany<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HasMany::NotLoaded => f.write_str("NotLoaded"),
            HasMany::Loaded(items) => f.debug_tuple("Loaded").field(items).finish(),
        }
    }
}

impl<T: Model> Relationship for HasMany<T> {
    type Target = T;
    const KIND: RelationKind = RelationKind::HasMany;
}

/// The parent side of a one-to-one relationship: the related row, once loaded.
///
/// The child holds the foreign key, which must be unique
/// (`#[field(unique)]`, or the child's primary key), so a parent has at
/// most one child; the derive checks it. A freshly read row starts
/// [`NotLoaded`](HasOne::NotLoaded); loading it
/// (`db.load(&mut user, User::PROFILE)`) makes it [`Loaded`](HasOne::Loaded),
/// `Loaded(None)` when the parent has no child.
#[derive(Clone, PartialEq, Default)]
pub enum HasOne<T> {
    /// Not loaded from the database.
    #[default]
    NotLoaded,
    /// Loaded: the child, or `None` when the parent has none.
    Loaded(Option<Box<T>>),
}

impl<T> HasOne<T> {
    /// `true` once loaded.
    pub fn is_loaded(&self) -> bool {
        matches!(self, HasOne::Loaded(_))
    }

    /// `Some(child)` when loaded and present; `None` when not loaded or
    /// when the parent has no child (tell them apart with
    /// [`is_loaded`](HasOne::is_loaded)).
    pub fn get(&self) -> Option<&T> {
        match self {
            HasOne::Loaded(Some(child)) => Some(child),
            _ => None,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for HasOne<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HasOne::NotLoaded => f.write_str("NotLoaded"),
            HasOne::Loaded(child) => f.debug_tuple("Loaded").field(child).finish(),
        }
    }
}

impl<T: Model> Relationship for HasOne<T> {
    type Target = T;
    const KIND: RelationKind = RelationKind::HasOne;
}

mod sealed {
    pub trait Sealed {}
    impl<T> Sealed for super::HasMany<T> {}
    impl<T> Sealed for super::HasOne<T> {}
}

/// A parent-side relationship field, [`HasMany`] or [`HasOne`]: the
/// foreign key is on the related model. These are the relationships
/// [`Executor::detach`](crate::Executor::detach) accepts. Sealed: it is
/// implemented for those two types only.
pub trait ParentSide: Relationship + sealed::Sealed {
    /// The field once every child is detached: loaded and empty
    /// (`HasMany::Loaded(vec![])`, `HasOne::Loaded(None)`).
    fn detached() -> Self;
}

impl<T: Model> ParentSide for HasMany<T> {
    fn detached() -> Self {
        HasMany::Loaded(Vec::new())
    }
}

impl<T: Model> ParentSide for HasOne<T> {
    fn detached() -> Self {
        HasOne::Loaded(None)
    }
}

/// One side of a many-to-many relationship, through a link model
/// (`#[relationship(through = "PostTag")]`, SQLAlchemy's `secondary=`,
/// Django's `ManyToManyField`): the related rows, once loaded.
///
/// The link model has a foreign key to each side (usually its composite
/// primary key, `(post_id, tag_id)`). Loading takes two queries per chunk
/// of keys, one on the link table and one on the other side;
/// [`link`](crate::Executor::link) and [`unlink`](crate::Executor::unlink)
/// add and remove link rows; deleting a row of either side deletes its
/// link rows (or leaves them to the link foreign key's `ON DELETE` with
/// `passive_deletes`).
#[derive(Clone, PartialEq, Default)]
pub enum ManyToMany<T> {
    /// Not loaded from the database.
    #[default]
    NotLoaded,
    /// Loaded: every related row, in the other side's primary-key order.
    Loaded(Vec<T>),
}

impl<T> ManyToMany<T> {
    /// `true` once loaded.
    pub fn is_loaded(&self) -> bool {
        matches!(self, ManyToMany::Loaded(_))
    }

    /// The related rows, or `None` when not loaded.
    pub fn get(&self) -> Option<&[T]> {
        match self {
            ManyToMany::Loaded(items) => Some(items),
            ManyToMany::NotLoaded => None,
        }
    }

    /// The related rows, or `None` when not loaded.
    pub fn into_loaded(self) -> Option<Vec<T>> {
        match self {
            ManyToMany::Loaded(items) => Some(items),
            ManyToMany::NotLoaded => None,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for ManyToMany<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ManyToMany::NotLoaded => f.write_str("NotLoaded"),
            ManyToMany::Loaded(items) => f.debug_tuple("Loaded").field(items).finish(),
        }
    }
}

impl<T: Model> Relationship for ManyToMany<T> {
    type Target = T;
    const KIND: RelationKind = RelationKind::ManyToMany;
}

/// The child side of a one-to-many or one-to-one relationship: the parent
/// row, once loaded.
///
/// `Loaded(None)` means the foreign key is `NULL`.
#[derive(Clone, PartialEq, Default)]
pub enum BelongsTo<T> {
    /// Not loaded from the database.
    #[default]
    NotLoaded,
    /// Loaded: the parent, or `None` when the foreign key is `NULL`.
    Loaded(Option<Box<T>>),
}

impl<T> BelongsTo<T> {
    /// `true` once loaded.
    pub fn is_loaded(&self) -> bool {
        matches!(self, BelongsTo::Loaded(_))
    }

    /// `Some(parent)` when loaded and present; `None` when not loaded or `NULL`.
    pub fn get(&self) -> Option<&T> {
        match self {
            BelongsTo::Loaded(Some(parent)) => Some(parent),
            _ => None,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for BelongsTo<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BelongsTo::NotLoaded => f.write_str("NotLoaded"),
            BelongsTo::Loaded(parent) => f.debug_tuple("Loaded").field(parent).finish(),
        }
    }
}

impl<T: Model> Relationship for BelongsTo<T> {
    type Target = T;
    const KIND: RelationKind = RelationKind::BelongsTo;
}

/// A typed handle on one relationship field of `P`, generated by the derive
/// as an associated constant (`Team::HEROES`, `Hero::TEAM`).
pub struct Rel<P, R> {
    index: usize,
    field: fn(&mut P) -> &mut R,
    _marker: PhantomData<fn() -> (P, R)>,
}

impl<P, R> Clone for Rel<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P, R> Copy for Rel<P, R> {}

impl<P, R> Rel<P, R> {
    /// Used by the stub `#[derive(Model)]` emits next to its errors.
    #[doc(hidden)]
    pub const fn __unchecked(index: usize, field: fn(&mut P) -> &mut R) -> Self {
        Rel {
            index,
            field,
            _marker: PhantomData,
        }
    }
}

impl<P: Model, R: Relationship> Rel<P, R> {
    /// Used by `#[derive(Model)]`: the relationship at `index` in
    /// `P::TABLE.relations`, stored in the field `field` returns.
    #[doc(hidden)]
    pub const fn new(index: usize, field: fn(&mut P) -> &mut R) -> Self {
        Rel {
            index,
            field,
            _marker: PhantomData,
        }
    }

    /// The relationship's metadata.
    pub fn def(&self) -> &'static RelationDef {
        &P::TABLE.relations[self.index]
    }

    /// The relationship field of `model`.
    pub fn field_mut<'a>(&self, model: &'a mut P) -> &'a mut R {
        (self.field)(model)
    }
}

impl<P: Model, R: Relationship> fmt::Debug for Rel<P, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}::{}", P::TABLE.model, self.def().field)
    }
}
