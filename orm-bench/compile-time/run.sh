#!/usr/bin/env bash
# Compile time of the models: the ORM's `#[derive(Model)]` against SeaORM 2's
# `DeriveEntityModel` + `Relation` enum (and, as a second SeaORM figure, its
# 2.0 "dense" entity format, `#[sea_orm::model]` with relation fields).
#
# Generates, in a temp dir, crates with the same 40 related models: a chain
# m0 <- m1 <- ... <- m39, each table with a foreign key to the previous one
# (ON DELETE CASCADE) and the relationship both ways (parent / children).
# Builds each crate once (dependencies warm, in one shared target dir), then
# `touch`es its models file and times `cargo build` (debug, the dev profile's
# defaults: incremental) REPS times, the crates interleaved; then the same
# with CARGO_INCREMENTAL=0 (the whole crate compiled again, as after a clean
# or in CI). Prints medians:
#
#   COMPILE ours <s> seaorm <s> ratio <ours/seaorm>
#   COMPILE_DENSE ours <s> seaorm_dense <s> ratio <ours/seaorm_dense>
#   COMPILE_NOINCR ours <s> seaorm <s> ratio <r> seaorm_dense <s> ratio <r>
#
# Usage: orm-bench/compile-time/run.sh [--keep]   (--keep: leave the temp dir)
# Env: MODELS (default 40), REPS (default 3), NICE (default 10: every cargo
# command runs under `nice -n $NICE`).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
MODELS="${MODELS:-40}"
REPS="${REPS:-3}"
NICE="${NICE:-10}"
KEEP=0
[[ "${1:-}" == "--keep" ]] && KEEP=1

WORK="$(mktemp -d "${TMPDIR:-/tmp}/orm-compile-time.XXXXXX")"
if [[ $KEEP == 0 ]]; then
    trap 'rm -rf "$WORK"' EXIT
fi
export CARGO_TARGET_DIR="$WORK/target"
export CARGO_TERM_COLOR=never

# The SeaORM version and features the benchmark uses (orm-bench/Cargo.toml).
SEA_DEP='sea-orm = { version = "2.0.4", default-features = false, features = ["sqlx-sqlite", "runtime-tokio", "macros"] }'

manifest() { # name, dependencies
    cat <<TOML
[package]
name = "$1"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
$2

[workspace]
TOML
}

gen_ours() {
    local dir="$WORK/ours"
    mkdir -p "$dir/src"
    manifest ct-ours "orm-core = { path = \"$ROOT/orm-core\" }
orm-derive = { path = \"$ROOT/orm-derive\" }
orm-sqlite = { path = \"$ROOT/orm-sqlite\" }" > "$dir/Cargo.toml"
    {
        echo "//! $MODELS models, a chain of foreign keys (generated)."
        echo "use orm_core::prelude::*;"
        for ((i = 0; i < MODELS; i++)); do
            echo
            echo "#[derive(Model, Debug, Clone)]"
            echo "#[model(table = \"m$i\")]"
            echo "pub struct M$i {"
            echo "    #[field(primary_key)]"
            echo "    pub id: Option<i64>,"
            echo "    pub name: String,"
            if ((i > 0)); then
                echo "    #[field(foreign_key = \"m$((i - 1)).id\", ondelete = \"CASCADE\")]"
                echo "    pub parent_id: i64,"
                echo "    #[relationship(back_populates = \"children\")]"
                echo "    pub parent: BelongsTo<M$((i - 1))>,"
            fi
            if ((i < MODELS - 1)); then
                echo "    #[relationship(back_populates = \"parent\", cascade_delete)]"
                echo "    pub children: HasMany<M$((i + 1))>,"
            fi
            echo "}"
        done
    } > "$dir/src/models.rs"
    {
        # A chain this deep needs a higher recursion limit with the ORM (and
        # with SeaORM's dense format): its `Model: Send + Sync + Unpin` bound
        # is proved through every model the relationship fields hold by value
        # (HasMany<M1> holds M1, which holds HasMany<M2>, ...); at the default
        # 128, 40 models fail with E0275 ("overflow evaluating the requirement
        # `Option<Box<M24>>: Unpin`"). Every crate gets the same attribute.
        echo "#![recursion_limit = \"256\"]"
        echo "mod models;"
        echo "use orm_core::Model;"
        echo "fn main() {"
        for ((i = 0; i < MODELS; i++)); do
            echo "    println!(\"{}\", models::M$i::TABLE.name);"
        done
        echo "}"
    } > "$dir/src/main.rs"
}

gen_seaorm() {
    local dir="$WORK/seaorm"
    mkdir -p "$dir/src"
    manifest ct-seaorm "$SEA_DEP" > "$dir/Cargo.toml"
    {
        echo "//! $MODELS entities, a chain of foreign keys (generated)."
        for ((i = 0; i < MODELS; i++)); do
            echo
            echo "pub mod m$i {"
            echo "    use sea_orm::entity::prelude::*;"
            echo
            echo "    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]"
            echo "    #[sea_orm(table_name = \"m$i\")]"
            echo "    pub struct Model {"
            echo "        #[sea_orm(primary_key)]"
            echo "        pub id: i64,"
            echo "        pub name: String,"
            if ((i > 0)); then
                echo "        pub parent_id: i64,"
            fi
            echo "    }"
            echo
            echo "    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]"
            echo "    pub enum Relation {"
            if ((i > 0)); then
                echo "        #[sea_orm("
                echo "            belongs_to = \"super::m$((i - 1))::Entity\","
                echo "            from = \"Column::ParentId\","
                echo "            to = \"super::m$((i - 1))::Column::Id\","
                echo "            on_delete = \"Cascade\""
                echo "        )]"
                echo "        Parent,"
            fi
            if ((i < MODELS - 1)); then
                echo "        #[sea_orm(has_many = \"super::m$((i + 1))::Entity\")]"
                echo "        Children,"
            fi
            echo "    }"
            if ((i > 0)); then
                echo
                echo "    impl Related<super::m$((i - 1))::Entity> for Entity {"
                echo "        fn to() -> RelationDef {"
                echo "            Relation::Parent.def()"
                echo "        }"
                echo "    }"
            fi
            if ((i < MODELS - 1)); then
                echo
                echo "    impl Related<super::m$((i + 1))::Entity> for Entity {"
                echo "        fn to() -> RelationDef {"
                echo "            Relation::Children.def()"
                echo "        }"
                echo "    }"
            fi
            echo
            echo "    impl ActiveModelBehavior for ActiveModel {}"
            echo "}"
        done
    } > "$dir/src/models.rs"
    {
        echo "#![recursion_limit = \"256\"]"
        echo "mod models;"
        echo "use sea_orm::EntityName;"
        echo "fn main() {"
        for ((i = 0; i < MODELS; i++)); do
            echo "    println!(\"{}\", models::m$i::Entity.table_name());"
        done
        echo "}"
    } > "$dir/src/main.rs"
}

gen_seaorm_dense() {
    local dir="$WORK/seaorm_dense"
    mkdir -p "$dir/src"
    manifest ct-seaorm-dense "$SEA_DEP" > "$dir/Cargo.toml"
    {
        echo "//! $MODELS entities in SeaORM 2's dense format, a chain of foreign keys (generated)."
        for ((i = 0; i < MODELS; i++)); do
            echo
            echo "pub mod m$i {"
            echo "    use sea_orm::entity::prelude::*;"
            echo
            echo "    #[sea_orm::model]"
            echo "    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]"
            echo "    #[sea_orm(table_name = \"m$i\")]"
            echo "    pub struct Model {"
            echo "        #[sea_orm(primary_key)]"
            echo "        pub id: i64,"
            echo "        pub name: String,"
            if ((i > 0)); then
                echo "        pub parent_id: i64,"
                echo "        #[sea_orm(belongs_to, from = \"parent_id\", to = \"id\", on_delete = \"Cascade\")]"
                echo "        pub parent: BelongsTo<super::m$((i - 1))::Entity>,"
            fi
            if ((i < MODELS - 1)); then
                echo "        #[sea_orm(has_many)]"
                echo "        pub children: HasMany<super::m$((i + 1))::Entity>,"
            fi
            echo "    }"
            echo
            echo "    impl ActiveModelBehavior for ActiveModel {}"
            echo "}"
        done
    } > "$dir/src/models.rs"
    cp "$WORK/seaorm/src/main.rs" "$dir/src/main.rs"
}

build() { # crate dir
    (cd "$WORK/$1" && nice -n "$NICE" cargo build -q 2>"$WORK/$1.err") || {
        echo "cargo build failed in $1 (first 60 lines of its output):" >&2
        head -n 60 "$WORK/$1.err" >&2
        exit 1
    }
}

timed_build() { # crate dir -> seconds on stdout
    touch "$WORK/$1/src/models.rs"
    local t0 t1
    t0=$(date +%s.%N)
    build "$1"
    t1=$(date +%s.%N)
    awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.3f", a - b }'
}

median() { # numbers...
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

gen_ours
gen_seaorm
gen_seaorm_dense
# The workspace's lock file: the same dependency versions as the benchmark
# (cargo drops what a crate does not use).
for crate in ours seaorm seaorm_dense; do
    cp "$ROOT/Cargo.lock" "$WORK/$crate/Cargo.lock"
done

echo "compile-time: $MODELS models, $REPS timed builds each, in $WORK (rustc $(rustc --version | cut -d' ' -f2))"
for crate in ours seaorm seaorm_dense; do
    t0=$(date +%s)
    build "$crate"
    echo "  warm-up build of $crate (dependencies included): $(($(date +%s) - t0)) s"
done
echo "  generated models.rs: ours $(wc -l < "$WORK/ours/src/models.rs") lines, seaorm $(wc -l < "$WORK/seaorm/src/models.rs") lines, seaorm_dense $(wc -l < "$WORK/seaorm_dense/src/models.rs") lines"

run_series() { # label; fills arrays T_ours, T_seaorm, T_dense
    T_ours=()
    T_seaorm=()
    T_dense=()
    # One untimed build per crate in this mode first (the incremental cache, or its absence).
    for crate in ours seaorm seaorm_dense; do
        touch "$WORK/$crate/src/models.rs"
        build "$crate"
    done
    for ((r = 1; r <= REPS; r++)); do
        T_ours+=("$(timed_build ours)")
        T_seaorm+=("$(timed_build seaorm)")
        T_dense+=("$(timed_build seaorm_dense)")
        printf '  %s rep %d: ours %.2f s, seaorm %.2f s, seaorm_dense %.2f s\n' "$1" "$r" \
            "${T_ours[-1]}" "${T_seaorm[-1]}" "${T_dense[-1]}"
    done
}

run_series "incremental"
o=$(median "${T_ours[@]}")
s=$(median "${T_seaorm[@]}")
d=$(median "${T_dense[@]}")

export CARGO_INCREMENTAL=0
run_series "CARGO_INCREMENTAL=0"
unset CARGO_INCREMENTAL
o2=$(median "${T_ours[@]}")
s2=$(median "${T_seaorm[@]}")
d2=$(median "${T_dense[@]}")

echo "COMPILE ours $o seaorm $s ratio $(ratio "$o" "$s")"
echo "COMPILE_DENSE ours $o seaorm_dense $d ratio $(ratio "$o" "$d")"
echo "COMPILE_NOINCR ours $o2 seaorm $s2 ratio $(ratio "$o2" "$s2") seaorm_dense $d2 ratio $(ratio "$o2" "$d2")"
