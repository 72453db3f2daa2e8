// AFL++ target: built with afl-clang-fast++ -fsanitize=fuzzer, which links
// AFL++'s libFuzzer-compatible driver (persistent mode, shared-memory
// input). Structure-aware mutation comes from the custom mutator library
// (afl_custom_mutator.cc) through AFL_CUSTOM_MUTATOR_LIBRARY. A finding
// aborts, so afl-fuzz files it under crashes/.
#include "fuzz/engine.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ovlfuzz::engine::Initialize();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ovlfuzz::engine::RunInput(data, size);
  return 0;
}
