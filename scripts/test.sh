#!/usr/bin/env bash
# The one test command (CI runs it through .ci/run):
#   1. scripts/setup.sh                       packages (no-op when present)
#   2. scripts/build.sh, build.sh --sanitize  build/ and build-asan/ (unit + conformance targets)
#   3. ctest in build/                        unit, conformance, integration
#   4. ctest in build-asan/                   unit, conformance under ASan+UBSan
#   5. fuzz corpus replay                     when fuzz/decoder_fuzz.cpp exists
# Every stage runs even if an earlier one failed, so one run shows everything.
# The last line is "N passed, N failed" counting GoogleTest cases (plus one
# failure per broken build, crashed binary or failed stage). Exit 0 only if
# nothing failed and at least one test ran.
#
# Knobs: SKIP_SETUP=1, SKIP_ASAN=1, SKIP_INTEGRATION=1, SKIP_FUZZ=1 (local use).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
ROOT=$PWD

passed=0
failed=0
skipped=0
failures=()

note() { printf '\n=== %s ===\n' "$*"; }
fail_stage() {
  failed=$((failed + 1))
  failures+=("$1")
  echo "FAILED: $1"
}

# Adds the counts of one GoogleTest XML report; prints what it found.
count_gtest_xml() {
  local xml=$1 label=$2 head tests fails errs skips
  head=$(grep -m1 -o '<testsuites [^>]*>' "$xml") || return 1
  tests=$(sed -n 's/.* tests="\([0-9]*\)".*/\1/p' <<<"$head")
  fails=$(sed -n 's/.* failures="\([0-9]*\)".*/\1/p' <<<"$head")
  errs=$(sed -n 's/.* errors="\([0-9]*\)".*/\1/p' <<<"$head")
  skips=$(grep -c 'result="skipped"' "$xml" || true)
  tests=${tests:-0} fails=${fails:-0} errs=${errs:-0} skips=${skips:-0}
  local ok=$((tests - fails - errs - skips))
  ((ok < 0)) && ok=0
  passed=$((passed + ok))
  failed=$((failed + fails + errs))
  skipped=$((skipped + skips))
  echo "$label: $ok passed, $((fails + errs)) failed, $skips skipped"
  if ((fails + errs > 0)); then
    local names
    names=$(grep -B0 -A1 '<testcase ' "$xml" | grep -B1 '<failure' | grep -o ' name="[^"]*"' |
      sed 's/ name="\(.*\)"/\1/' | head -n 20 | tr '\n' ' ')
    failures+=("$label: $names")
  fi
  return 0
}

# Runs ctest in build dir $1 for the test names matching regex $2; label $3.
run_ctest() {
  local dir=$1 regex=$2 label=$3
  local xmldir=$ROOT/$dir/test-reports
  rm -rf "$xmldir"
  mkdir -p "$xmldir"
  note "ctest $label ($dir, tests: $regex)"
  local out=$xmldir/ctest.log
  (cd "$dir" && GTEST_OUTPUT="xml:$xmldir/" GTEST_COLOR=no \
    ctest --output-on-failure --no-tests=error -R "$regex" </dev/null) 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]}
  # One report per GoogleTest binary that got to the end.
  local t name xml seen
  for name in $(sed -n 's/^ *[0-9]*\/[0-9]* Test *#[0-9]*: \([A-Za-z0-9_]*\) .*/\1/p' "$out"); do
    seen=0
    for xml in "$xmldir"/*.xml; do
      [[ -f $xml ]] || continue
      if grep -q "$name" <<<"$(basename "$xml")"; then
        seen=1
        count_gtest_xml "$xml" "$label/$name" || seen=0
      fi
    done
    if ((seen == 0)); then
      if grep -qE "Test *#[0-9]*: $name \.+ *Passed" "$out"; then
        passed=$((passed + 1))
      else
        fail_stage "$label/$name (crashed, timed out or not built: no report)"
      fi
    elif grep -qE "Test *#[0-9]*: $name \.+.*(Failed|Exception|Timeout|Not Run)" "$out"; then
      # Every case passed but the binary still failed (leak report at exit, ...).
      t=$(grep -c 'failures="[1-9]' "$xmldir"/*"$name"*.xml 2>/dev/null || true)
      [[ ${t:-0} == 0 ]] && fail_stage "$label/$name exited non-zero after its tests"
    fi
  done
  if ((rc != 0)) && ! grep -qE 'Test *#' "$out"; then
    fail_stage "$label: ctest ran nothing (rc=$rc)"
  fi
}

# --------------------------------------------------------------- 1. setup --
if [[ -z "${SKIP_SETUP:-}" ]]; then
  note "setup"
  bash scripts/setup.sh </dev/null || fail_stage "scripts/setup.sh"
fi

# --------------------------------------------------------------- 2. build --
# Build every target that compiles (make -k) so one broken file does not hide
# the results of the others; the build failure itself still counts.
note "build (build/)"
if ! bash scripts/build.sh -- -k </dev/null; then fail_stage "build (build/)"; fi
if [[ -z "${SKIP_ASAN:-}" ]]; then
  note "build (build-asan/, ASan+UBSan)"
  if ! bash scripts/build.sh --sanitize --target dbtrail_unit_tests dbtrail_conformance_tests -- -k </dev/null; then fail_stage "build (build-asan/)"; fi
fi

# --------------------------------------------------------------- 3. tests --
if [[ -f build/CTestTestfile.cmake ]]; then
  regex='^(unit|conformance|integration)$'
  [[ -n "${SKIP_INTEGRATION:-}" ]] && regex='^(unit|conformance)$'
  run_ctest build "$regex" "release"
else
  fail_stage "build/ not configured: no tests ran"
fi

if [[ -z "${SKIP_ASAN:-}" ]]; then
  if [[ -f build-asan/CTestTestfile.cmake ]]; then
    export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:strict_string_checks=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    run_ctest build-asan '^(unit|conformance)$' "asan"
  else
    fail_stage "build-asan/ not configured: no sanitizer tests ran"
  fi
fi

# ---------------------------------------------------------------- 4. fuzz --
note "fuzz corpus replay"
if [[ -n "${SKIP_FUZZ:-}" ]]; then
  echo "SKIPPED: fuzz replay (SKIP_FUZZ set)"
elif [[ ! -f fuzz/decoder_fuzz.cpp ]]; then
  echo "SKIPPED: fuzz replay: fuzz/decoder_fuzz.cpp does not exist yet"
elif ! command -v clang++ >/dev/null; then
  fail_stage "fuzz: clang++ missing (scripts/setup.sh installs it)"
elif ! bash scripts/build.sh --fuzz --target fuzz_decoder </dev/null; then
  fail_stage "fuzz: building fuzz_decoder (build-fuzz/)"
elif [[ ! -d fuzz/corpus ]] || [[ -z "$(ls -A fuzz/corpus)" ]]; then
  echo "SKIPPED: fuzz replay: fuzz/corpus is missing or empty (fuzz_decoder builds)"
else
  n=$(find fuzz/corpus -type f | wc -l)
  # -runs=0: execute every corpus input once, no mutation.
  if build-fuzz/fuzz_decoder -runs=0 fuzz/corpus </dev/null >build-fuzz/replay.log 2>&1; then
    passed=$((passed + 1))
    echo "fuzz: replayed $n corpus inputs, no crash"
  else
    tail -n 40 build-fuzz/replay.log
    fail_stage "fuzz: corpus replay crashed (build-fuzz/replay.log)"
  fi
fi

# ------------------------------------------------------------- summary --
note "summary"
for f in "${failures[@]+"${failures[@]}"}"; do echo "  failed: $f"; done
if ((passed + failed == 0)); then
  fail_stage "no test ran"
fi
if ((skipped > 0)); then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
((failed == 0))
