#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (ASan + UBSan + libFuzzer) in build-fuzz/ and runs
# each for SECONDS (default 75) from the seed corpus taken from tests/data.
#   scripts/fuzz.sh [SECONDS] [TARGET...]      targets: base45 inflate cbor cose dp1 hc1 ticket id_number
# Crashes land in build-fuzz/crashes/<target>/; the grown corpus in build-fuzz/corpus/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-75}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(base45 inflate cbor cose dp1 hc1 ticket id_number)
fi

export CCACHE_BASEDIR=$PWD
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_C_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DDOORPOST_FUZZ=ON >/dev/null
cmake --build build-fuzz --target doorpost_fuzz_seeds "${targets[@]/#/fuzz_}"

rm -rf build-fuzz/seeds
build-fuzz/bin/doorpost_fuzz_seeds build-fuzz/seeds
status=0
for target in "${targets[@]}"; do
    mkdir -p "build-fuzz/corpus/$target" "build-fuzz/crashes/$target"
    echo "== fuzz_$target for ${seconds}s"
    if ! "build-fuzz/bin/fuzz_$target" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=1024 \
        -timeout=10 -print_final_stats=1 -artifact_prefix="build-fuzz/crashes/$target/" \
        "build-fuzz/corpus/$target" "build-fuzz/seeds/$target" 2>"build-fuzz/fuzz_$target.log"; then
        echo "fuzz_$target: CRASH, see build-fuzz/fuzz_$target.log"
        status=1
    fi
    grep -E '^stat::number_of_executed_units|^stat::new_units_added|^stat::peak_rss_mb' \
        "build-fuzz/fuzz_$target.log" | sed "s/^/fuzz_$target /"
done
exit $status
