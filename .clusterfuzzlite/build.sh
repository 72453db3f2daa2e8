#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build: one libFuzzer target per built-in
# scheme (fuzz_<scheme>) and the two parser targets (fuzz_scheme_parser,
# fuzz_repro_text), each with a seed corpus, dictionary and options in $OUT. Uses only the infrastructure's $CC/$CXX, $CFLAGS/$CXXFLAGS,
# $LIB_FUZZING_ENGINE, $SRC, $WORK and $OUT. `ci/cfl-check` runs it locally.
#
# Two CMake builds in $WORK:
#   host/  the `ovlfuzz` CLI with no sanitizer/coverage flags: it converts
#          the text seeds (corpus/seeds/*.ovl) to binary inputs at build
#          time, which must work in every configuration (ASan, UBSan,
#          MSan, coverage) and must not pick up -stdlib=libc++ against
#          the system Boost.
#   fuzz/  the fuzz targets with $CXXFLAGS, linked with $LIB_FUZZING_ENGINE
#          (OVLFUZZ_ENGINE=lib_fuzzing_engine). Only the targets are built.

src=$SRC/ovlfuzz
host=$WORK/ovlfuzz-host
build=$WORK/ovlfuzz-fuzz
seeds=$WORK/ovlfuzz-seeds

# The converter: a plain build; the infrastructure's flags are left out.
env -u CFLAGS -u CXXFLAGS -u LDFLAGS \
  cmake -S "$src" -B "$host" -G Ninja \
    -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CXX_FLAGS= -DCMAKE_BUILD_TYPE=Release \
    -DOVLFUZZ_BUILD_TESTS=OFF
env -u CFLAGS -u CXXFLAGS -u LDFLAGS cmake --build "$host" --target ovlfuzz
cli=$host/cli/ovlfuzz

# The targets. Build type None: $CXXFLAGS only (no -O3/-DNDEBUG on top).
cmake -S "$src" -B "$build" -G Ninja \
  -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CXX_FLAGS="$CXXFLAGS" -DCMAKE_BUILD_TYPE=None \
  -DOVLFUZZ_ENGINE=lib_fuzzing_engine -DOVLFUZZ_LIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" \
  -DOVLFUZZ_BUILD_TESTS=OFF
mapfile -t targets < <(cut -d' ' -f1 "$build/fuzz/targets.txt")
parsers=(fuzz_scheme_parser fuzz_repro_text)
cmake --build "$build" --target "${targets[@]}" "${parsers[@]}"

while read -r target scheme <&3; do
  cp "$build/fuzz/$target" "$OUT/$target"
  cp "$src/fuzz/ovlfuzz.dict" "$OUT/$target.dict"
  # Same limits as ci/libfuzzer. Leak detection stays on (the model must
  # not leak); timeouts, RSS limits and parallelism are the runner's.
  printf '[libfuzzer]\ndict = %s.dict\nmax_len = 512\n' "$target" >"$OUT/$target.options"

  rm -rf "$seeds/$target"
  mkdir -p "$seeds/$target"
  for seed in "$src"/corpus/seeds/*.ovl; do
    # Exit 1: the seed shows a finding on this scheme (fine: see below).
    "$cli" convert "$seed" --scheme "$scheme" --to binary -q -o "$seeds/$target/$(basename "$seed" .ovl).bin" ||
      (($? == 1))
  done
  # On a buggy scheme some seeds reproduce its finding: the target then
  # crashes at once, as a canary should (ci/cfl-check expects it).
  rm -f "$OUT/${target}_seed_corpus.zip"
  (cd "$seeds/$target" && zip -q -X "$OUT/${target}_seed_corpus.zip" ./*.bin)
done 3<"$build/fuzz/targets.txt"

# The parser targets: any bytes through `ovlfuzz check-scheme` and
# `ovlfuzz replay` (fuzz/parser_targets.h). Their seeds are the sets
# corpus/CMakeLists.txt makes: scheme texts as they are; reproducers as they
# are plus every seed replayed against every built-in scheme as a full
# reproducer. max_len fits the largest built-in scheme.
for target in "${parsers[@]}"; do
  cp "$build/fuzz/$target" "$OUT/$target"
  rm -rf "$seeds/$target"
  mkdir -p "$seeds/$target"
  if [[ $target == fuzz_scheme_parser ]]; then
    cp "$src/fuzz/scheme.dict" "$OUT/$target.dict"
    max_len=16384
    cp "$src"/model/schemes/*.scheme "$src"/docs/examples/*.scheme "$src"/corpus/schemes/*.scheme "$seeds/$target/"
  else
    cp "$src/fuzz/repro.dict" "$OUT/$target.dict"
    max_len=32768  # a reproducer carries its scheme text (~16 KB for v5.0)
    cp "$src"/corpus/regressions/*.ovl "$src"/corpus/seeds/*.ovl "$src"/corpus/repro-text/*.ovl "$seeds/$target/"
    while read -r _ scheme; do
      for seed in "$src"/corpus/seeds/*.ovl; do
        "$cli" convert "$seed" --scheme "$scheme" --to text -q -o "$seeds/$target/$(basename "$seed" .ovl)-$scheme.ovl" ||
          (($? == 1))
      done
    done <"$build/fuzz/targets.txt"
  fi
  printf '[libfuzzer]\ndict = %s.dict\nmax_len = %d\n' "$target" "$max_len" >"$OUT/$target.options"
  rm -f "$OUT/${target}_seed_corpus.zip"
  (cd "$seeds/$target" && zip -q -X "$OUT/${target}_seed_corpus.zip" ./*)
done
