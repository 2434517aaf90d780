#!/usr/bin/env bash
# The book (docs/): every `{{#include PATH[:ANCHOR]}}` in docs/src resolves,
# every chapter listed in SUMMARY.md exists, the example programs the book
# includes run, the console output it shows is what they print, and
# `mdbook build docs` succeeds.
#
# Usage: bash .ci/book.sh            (from anywhere in the repository)
#        BOOK_SKIP_EXAMPLES=1 bash .ci/book.sh   (run no example: no output check)
#        BOOK_SKIP_EXAMPLES=1 BOOK_CHECK_OUTPUT=1 bash .ci/book.sh
#            (run only the examples whose output the book shows, and compare)
#        BOOK_BLESS=1 bash .ci/book.sh   (rewrite the output files from a run)
#
# The book's console output is generated, never pasted: docs/src/output/X.txt
# is the stdout of `cargo run -q -p orm-tests --example X` on a fresh SQLite
# database (the `postgres` example: on the server at ORM_TEST_POSTGRES_URL,
# default postgres://postgres@127.0.0.1:5432/test; the `mysql` example: in the
# database orm_book_mysql, recreated, on the server of ORM_TEST_MYSQL_URL), run with
# ORM_BOOK_SECTIONS=1 so that each `orm_tests::section("name")` of the
# example prints `ANCHOR: name` / `ANCHOR_END: name` around its part, and the
# whole wrapped in `ANCHOR: all` / `ANCHOR_END: all`. A chapter includes
# `{{#include output/X.txt:name}}` (or `:all`). Without BOOK_SKIP_EXAMPLES,
# or with BOOK_CHECK_OUTPUT, every output file (and every one a chapter
# includes) is regenerated and compared with the checked-in file; a
# difference is an error. BOOK_BLESS=1 writes the files instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

src=docs/src
out=$src/output
status=0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pg_url=${ORM_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
mysql_url=${ORM_TEST_MYSQL_URL:-mysql://root@127.0.0.1:3306/test}
# The `mysql` example runs in a database of its own, created here.
mysql_book_db=orm_book_mysql

# The database an example runs on: a fresh SQLite file, or for the
# PostgreSQL example the server (it recreates its own schema).
example_url() {
    if [[ $1 == postgres ]]; then
        echo "$pg_url"
    elif [[ $1 == mysql ]]; then
        echo "${mysql_url%/*}/$mysql_book_db"
    else
        echo "sqlite://$tmp/db/$1.db"
    fi
}

# record_output EXAMPLE FILE: what the book shows of EXAMPLE, into FILE.
record_output() {
    local example=$1 file=$2 url
    url=$(example_url "$example")
    if [[ $example == mysql ]]; then
        mariadb --host=127.0.0.1 --port=3306 --user=root \
            -e "DROP DATABASE IF EXISTS $mysql_book_db; CREATE DATABASE $mysql_book_db"
    fi
    echo "ANCHOR: all" > "$file"
    if ! ORM_BOOK_SECTIONS=1 DATABASE_URL="$url" \
        cargo run -q -p orm-tests --example "$example" >> "$file"; then
        echo "error: \`cargo run -q -p orm-tests --example $example\` failed (DATABASE_URL=$url)" >&2
        if [[ $example == postgres ]]; then
            echo "       (it needs a PostgreSQL server there: start one, or set ORM_TEST_POSTGRES_URL)" >&2
        fi
        if [[ $example == mysql ]]; then
            echo "       (it needs a MySQL / MariaDB server there: start one, or set ORM_TEST_MYSQL_URL)" >&2
        fi
        return 1
    fi
    echo "ANCHOR_END: all" >> "$file"
    if [[ $example == mysql ]]; then
        mariadb --host=127.0.0.1 --port=3306 --user=root -e "DROP DATABASE $mysql_book_db"
    fi
}

mkdir -p "$tmp/db" "$tmp/output"

# The examples whose output the book shows: every docs/src/output/X.txt, and
# every output/X.txt a chapter includes.
output_examples=$(
    {
        find "$out" -maxdepth 1 -name '*.txt' -printf '%f\n' 2> /dev/null || true
        grep -rhoP '(?<!\\)\{\{#include [^}:]*output/[A-Za-z0-9_]+\.txt' --include='*.md' "$src" || true
    } | sed -E 's#^(.*/)?([A-Za-z0-9_]+)\.txt$#\2#' | sort -u
)
for example in $output_examples; do
    if [[ ! -f tests/examples/$example.rs ]]; then
        echo "error: $out/$example.txt: no example tests/examples/$example.rs to generate it from" >&2
        status=1
    fi
done
if [[ $status -ne 0 ]]; then
    echo "== book: FAILED (see errors above)" >&2
    exit "$status"
fi

if [[ -n ${BOOK_BLESS:-} ]]; then
    echo "== book: writing the examples' output ($out)"
    mkdir -p "$out"
    for example in $output_examples; do
        echo "-- $example"
        record_output "$example" "$tmp/output/$example.txt"
        mv "$tmp/output/$example.txt" "$out/$example.txt"
    done
fi

echo "== book: includes"
# {{#include path}}, {{#include path:anchor}}, {{#include path:10:20}},
# and the same with #rustdoc_include; paths are relative to the chapter. An
# escaped \{{#include ...}} is text, not a directive.
includes=0
while IFS= read -r hit; do
    file=${hit%%:*}
    rest=${hit#*:}
    line=${rest%%:*}
    directive=${rest#*:}
    # Strip "{{#include " / "{{#rustdoc_include " and the closing "}}".
    arg=${directive#\{\{\#*include }
    arg=${arg%\}\}}
    arg=${arg%% *}
    target=${arg%%:*}
    selector=""
    if [[ $arg == *:* ]]; then
        selector=${arg#*:}
    fi
    path="$(dirname "$file")/$target"
    includes=$((includes + 1))
    if [[ ! -f $path ]]; then
        echo "error: $file:$line: {{#include $arg}}: no file $path" >&2
        if [[ $path == */output/*.txt ]]; then
            echo "       (generate it with: BOOK_BLESS=1 bash .ci/book.sh)" >&2
        fi
        status=1
        continue
    fi
    # A selector that is not line numbers is an anchor name.
    if [[ -n $selector && ! $selector =~ ^[0-9:]*$ ]]; then
        anchor=${selector%%:*}
        if ! grep -Eq "ANCHOR:[[:space:]]*${anchor}([^A-Za-z0-9_-]|$)" "$path"; then
            echo "error: $file:$line: {{#include $arg}}: no \`ANCHOR: $anchor\` in $path" >&2
            status=1
        elif ! grep -Eq "ANCHOR_END:[[:space:]]*${anchor}([^A-Za-z0-9_-]|$)" "$path"; then
            echo "error: $file:$line: {{#include $arg}}: no \`ANCHOR_END: $anchor\` in $path" >&2
            status=1
        fi
    fi
done < <(grep -rnoP '(?<!\\)\{\{#(rustdoc_)?include [^}]+\}\}' --include='*.md' "$src" || true)
echo "$includes include(s) checked"

echo "== book: chapters listed in SUMMARY.md"
while IFS= read -r chapter; do
    if [[ ! -f $src/$chapter ]]; then
        echo "error: SUMMARY.md lists $chapter, but $src/$chapter does not exist" >&2
        status=1
    fi
done < <(grep -oE '\]\([^)]+\.md\)' "$src/SUMMARY.md" | sed -E 's/^\]\((.*)\)$/\1/')

if [[ $status -ne 0 ]]; then
    echo "== book: FAILED (see errors above)" >&2
    exit "$status"
fi

if [[ -z ${BOOK_BLESS:-} && ( -z ${BOOK_SKIP_EXAMPLES:-} || -n ${BOOK_CHECK_OUTPUT:-} ) ]]; then
    echo "== book: the output it shows is what the examples print"
    for example in $output_examples; do
        echo "-- $example"
        record_output "$example" "$tmp/output/$example.txt"
        if ! diff -u --label "$out/$example.txt (the book)" --label "cargo run -q -p orm-tests --example $example" \
            "$out/$example.txt" "$tmp/output/$example.txt"; then
            echo "error: $out/$example.txt is not what the example prints (diff above)." >&2
            echo "       If the new output is right, refresh the book's output files with: BOOK_BLESS=1 bash .ci/book.sh" >&2
            echo "       and check that the chapters including them still describe it." >&2
            status=1
        fi
    done
    if [[ $status -ne 0 ]]; then
        echo "== book: FAILED (see errors above)" >&2
        exit "$status"
    fi
fi

if [[ -z ${BOOK_SKIP_EXAMPLES:-} ]]; then
    echo "== book: the other examples it includes run"
    examples=$(grep -rhoP '(?<!\\)\{\{#(rustdoc_)?include [^}]*tests/examples/[A-Za-z0-9_]+\.rs' --include='*.md' "$src" |
        sed -E 's#.*tests/examples/([A-Za-z0-9_]+)\.rs#\1#' | sort -u)
    for example in $examples; do
        if grep -qxF "$example" <<< "$output_examples"; then
            continue # ran above
        fi
        echo "-- $example"
        url=$(example_url "$example")
        if ! DATABASE_URL="$url" cargo run -q -p orm-tests --example "$example" > "$tmp/$example.out"; then
            echo "error: \`cargo run -q -p orm-tests --example $example\` failed (DATABASE_URL=$url)" >&2
            exit 1
        fi
    done
fi

echo "== book: mdbook build"
mdbook=""
if command -v mdbook > /dev/null 2>&1; then
    mdbook=$(command -v mdbook)
elif [[ -x $HOME/.cargo/bin/mdbook ]]; then
    mdbook=$HOME/.cargo/bin/mdbook
else
    # Another process may be installing it right now: wait for it rather
    # than starting a second build of the same crate.
    if pgrep -f "cargo install mdbook" > /dev/null 2>&1; then
        echo "waiting for a running \`cargo install mdbook\` to finish"
        while pgrep -f "cargo install mdbook" > /dev/null 2>&1; do sleep 5; done
    fi
    if [[ ! -x $HOME/.cargo/bin/mdbook ]]; then
        cargo install mdbook --locked --no-default-features
    fi
    mdbook=$HOME/.cargo/bin/mdbook
fi
"$mdbook" --version
"$mdbook" build docs
echo "== book: built docs/book/index.html"
