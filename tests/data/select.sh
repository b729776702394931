#!/usr/bin/env bash
# Rebuilds tests/data/ from full copies of the two public corpora, keeping the subset the tests
# use (README.md here says why each part is kept). Deterministic: the same sources give the same
# files. Contents are copied byte for byte; only the choice of files is ours.
#   tests/data/select.sh DGC_TESTDATA_DIR ZXING_SAMPLES_DIR
# DGC_TESTDATA_DIR: eu-digital-green-certificates/dgc-testdata (2022-04-13);
# ZXING_SAMPLES_DIR: zxing-cpp v1.4.0 test/samples.
set -euo pipefail
export LC_ALL=C # name order for "every n-th" is byte order
if [[ $# -ne 2 || ! -d $1 || ! -d $2 ]]; then
    echo "usage: $0 DGC_TESTDATA_DIR ZXING_SAMPLES_DIR" >&2
    exit 2
fi
dgc=$(cd "$1" && pwd)
zxing=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)

# copy SOURCE_ROOT RELATIVE_PATH DEST_ROOT
copy() {
    mkdir -p "$3/$(dirname "$2")"
    cp "$1/$2" "$3/$2"
    chmod 644 "$3/$2"
}

# --- dgc-testdata --------------------------------------------------------------------------
out=$here/dgc-testdata
rm -rf "$out"
for f in LICENSE NOTICE README.md BasicDgcTestsList.md; do copy "$dgc" "$f" "$out"; done
# The negative suite, whole.
(cd "$dgc" && find common -type f | sort) | while read -r f; do copy "$dgc" "$f" "$out"; done

# A case is <dir>/2DCode/raw/<stem>.json; the picture the tests decode is <dir>/png/<stem>.png
# when it exists. Other pictures in a country folder are read by nothing and are left out.
copy_case() {
    local json=$1 dir stem
    dir=${json%/2DCode/raw/*}
    stem=$(basename "$json" .json)
    copy "$dgc" "$json" "$out"
    if [[ -f $dgc/$dir/png/$stem.png ]]; then copy "$dgc" "$dir/png/$stem.png" "$out"; fi
}

# Every country with cases, whole, except: NL (288 generated cases, see below), SM (2.2 MB for
# six cases: 160 KB pictures beside 215 KB JSON), SG (0.5 MB, 110 KB pictures) and GE (75 KB of
# JSON per case); what they exercise is covered by the countries kept (README.md).
for country in AE AT BE BG CH CY DE GR HR HU IS IT LI LT LU LV PL RO SE SI SK UA VA; do
    (cd "$dgc" && find "$country" -maxdepth 2 -iname 'readme.md' | sort) |
        while read -r f; do copy "$dgc" "$f" "$out"; done
    (cd "$dgc" && find "$country" -path '*/2DCode/raw/*.json' | sort) |
        while read -r f; do copy_case "$f"; done
done

# NL: 4 kinds (test, vaccination, recovery, test+wrong_key) x 72 cases, numbered 000-287 in
# that order; within a kind, case j has name variant j/8 (9 of them) and birth-date variant j%8
# (8). The diagonal j%8 == (j/8)%8 keeps every name and every birth date of every kind once:
# 9 cases per kind, 36 in all.
(cd "$dgc" && find NL/2DCode/raw -name '*.json' | sort) | while read -r f; do
    n=$(basename "$f" | cut -c1-3)
    j=$((10#$n % 72))
    if ((j % 8 == (j / 8) % 8)); then copy_case "$f"; fi
done

# --- zxing-samples -------------------------------------------------------------------------
out=$here/zxing-samples
rm -rf "$out"
copy "$zxing" LICENSE "$out"

# copy_sample FOLDER IMAGE: the image and every <stem>.* beside it (.txt, .bin, .result.txt).
copy_sample() {
    local stem=${2%.*} f
    for f in "$zxing/$1/$stem".*; do copy "$zxing" "$1/$(basename "$f")" "$out"; done
}

# keep_every FOLDER N [ALWAYS...]: every N-th image in name order (the 1st, the N+1-th, ...)
# that is at most 512 KiB, plus the images named in ALWAYS.
keep_every() {
    local folder=$1 n=$2 i=0 path image always size a
    shift 2
    for path in "$zxing/$folder"/*; do
        image=$(basename "$path")
        [[ $image == *.png || $image == *.jpg ]] || continue
        always=0
        size=$(stat -c %s "$path")
        for a in "$@"; do [[ $a == "$image" ]] && always=1; done
        if (((i % n == 0 && size <= 524288) || always)); then copy_sample "$folder" "$image"; fi
        i=$((i + 1))
    done
}

# Small folders whole.
for folder in aztec-1 code128-1 code128-3 datamatrix-1 datamatrix-2 pdf417-1 qrcode-3; do
    keep_every "$folder" 1
done
# Large folders: every n-th image, plus the images zxing-cpp 1.4.0 itself misses in its "fast"
# mode (its minimum counts allow for them), so the subset keeps the hard cases.
keep_every qrcode-1 4
keep_every qrcode-2 2 12.png 13.png
keep_every pdf417-2 2
keep_every pdf417-3 2
keep_every falsepositives-2 3
