#!/usr/bin/env bash
# The book (docs/): every `{{#include PATH[:ANCHOR]}}` in docs/src resolves,
# every chapter listed in SUMMARY.md exists, the example programs the book
# includes run, and `mdbook build docs` succeeds.
#
# Usage: bash .ci/book.sh            (from anywhere in the repository)
#        BOOK_SKIP_EXAMPLES=1 bash .ci/book.sh   (skip running the examples)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

src=docs/src
status=0

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

if [[ -z ${BOOK_SKIP_EXAMPLES:-} ]]; then
    echo "== book: the examples it includes run"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    examples=$(grep -rhoP '(?<!\\)\{\{#(rustdoc_)?include [^}]*tests/examples/[A-Za-z0-9_]+\.rs' --include='*.md' "$src" |
        sed -E 's#.*tests/examples/([A-Za-z0-9_]+)\.rs#\1#' | sort -u)
    for example in $examples; do
        echo "-- $example"
        DATABASE_URL="sqlite://$tmp/$example.db" cargo run -q -p orm-tests --example "$example" > "$tmp/$example.out"
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
