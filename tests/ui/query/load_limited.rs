use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    #[field(primary_key)]
    id: Option<i64>,
    #[relationship(back_populates = "post")]
    comments: HasMany<Comment>,
}

#[derive(Model, Debug, Clone)]
struct Comment {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(foreign_key = "post.id", ondelete = "CASCADE")]
    post_id: i64,
    #[relationship(back_populates = "comments")]
    post: BelongsTo<Post>,
}

async fn latest_comments<B: Backend>(db: &Db<B>, posts: &mut [Post]) -> Result<(), Error> {
    // One LIMIT would apply to the comments of all the posts together, not
    // to each post's three latest: this does not compile.
    let latest = Comment::query().order_by(Comment::ID.desc()).limit(3);
    db.load_many(posts, Post::COMMENTS.filtered(latest)).await?;
    Ok(())
}

fn main() {
    let _ = latest_comments::<orm_sqlite::Sqlite>;
}
