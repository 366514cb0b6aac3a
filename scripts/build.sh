#!/usr/bin/env bash
# Configures and builds dbtrail.
#   scripts/build.sh              -> build/      (RelWithDebInfo)
#   scripts/build.sh --sanitize   -> build-asan/ (ASan + UBSan, -DDBTRAIL_SANITIZE=ON)
#   scripts/build.sh --fuzz       -> build-fuzz/ (clang, libFuzzer targets)
# Extra arguments after the mode flag go to `cmake --build` (e.g. --target dbtrail).
# JOBS overrides the parallelism (default: nproc).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

dir=build
cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
case "${1:-}" in
  --sanitize)
    dir=build-asan
    # -O1: sanitizer builds stay debuggable but run the tests at a usable speed.
    cmake_args=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-g -O1" -DDBTRAIL_SANITIZE=ON)
    shift ;;
  --fuzz)
    dir=build-fuzz
    cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DDBTRAIL_FUZZ=ON
                -DCMAKE_CXX_COMPILER=clang++)
    shift ;;
esac

jobs=${JOBS:-$(nproc)}
cmake -S . -B "$dir" "${cmake_args[@]}" >/dev/null
cmake --build "$dir" -j"$jobs" "$@"
echo "build: $dir ok"
