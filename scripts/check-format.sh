#!/usr/bin/env bash
# The format check of the test command: every C++ source git tracks matches .clang-format.
# Names the files that do not (fix with `clang-format -i FILE`) and exits 1 if there are any.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
format=$(command -v clang-format || command -v clang-format-14)
# One clang-format per batch of files: its warnings start with the file's name.
report=$(git ls-files -z '*.cpp' '*.hpp' '*.c' '*.h' |
         xargs -0 -n 100 "$format" --dry-run -Werror 2>&1 || true)
bad=$(grep -oE '^[^:]+\.(cpp|hpp|c|h):[0-9]+:[0-9]+: error' <<<"$report" | cut -d: -f1 | sort -u || true)
if [[ -n $bad ]]; then
    echo "check-format: not formatted (clang-format -i):" $bad
    exit 1
fi
echo "check-format: every tracked C++ file matches .clang-format"
