#!/bin/sh
# Build-time helper of cmake/Packaging.cmake: the man page of PROGRAM, written by help2man from
# `PROGRAM --help` and `PROGRAM --version`, with a COMMANDS section holding the `--help` of each
# subcommand (and of theirs: `doorpost trust add-key`), and the hand-written sections in INCLUDE.
# Written to OUTPUT compressed as Debian wants man pages (gzip -9n: no name, no time stamp).
# Usage: help2man_page.sh HELP2MAN PROGRAM NAME INCLUDE OUTPUT
set -eu
help2man=$1 program=$2 name=$3 include=$4 output=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The subcommands that `PROGRAM [PATH...] --help` lists (CLI11: a "Subcommands:" block).
subcommands() {
    "$program" "$@" --help | sed -n '/^Subcommands:$/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p'
}

# Help text as preformatted roff: backslashes escaped, a leading dot or quote made literal.
as_roff() {
    sed -e 's/\\/\\e/g' -e "s/^[.']/\\\\\\&&/"
}

commands_of() {
    local sub
    for sub in $(subcommands "$@"); do
        printf '.SS "%s"\n.nf\n' "$(echo "$name $* $sub" | tr -s ' ')"
        "$program" "$@" "$sub" --help | as_roff
        printf '.fi\n'
        commands_of "$@" "$sub"
    done
}

{
    echo '[COMMANDS]'
    printf '%s\n' 'Every subcommand takes \fB\-\-help\fR. What each one prints:'
    commands_of
    cat "$include"
} >"$work/include.h2m"
"$help2man" --no-info --section=1 --include="$work/include.h2m" --output="$work/$name.1" "$program"
gzip -9n -c "$work/$name.1" >"$output.tmp"
mv "$output.tmp" "$output"
