// libFuzzer target: fuzz_<scheme>. All of libFuzzer's flags work (-runs,
// -max_total_time, -jobs/-workers, -fork, -merge=1, -minimize_crash=1,
// -dict, -artifact_prefix); a finding aborts, so libFuzzer writes crash-*,
// which `ovlfuzz replay crash-... --scheme <scheme>` reproduces.
#include <cstdlib>
#include <cstring>
#include <string>

#include "fuzz/engine.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  for (int i = 1; i < *argc; ++i) {
    if (std::strncmp((*argv)[i], "-artifact_prefix=", 17) == 0) ovlfuzz::engine::SetArtifactPrefix((*argv)[i] + 17);
    // The inner step of -minimize_crash=1 (see engine.h). Set
    // OVLFUZZ_MINIMIZE_HOOK=0 to measure libFuzzer's own minimization.
    const char* hook = std::getenv("OVLFUZZ_MINIMIZE_HOOK");
    if (std::strcmp((*argv)[i], "-minimize_crash_internal_step=1") == 0 && !(hook && std::strcmp(hook, "0") == 0))
      ovlfuzz::engine::EnableCrashMinimization(10);
  }
  ovlfuzz::engine::Initialize();  // scheme and environment, before the first input
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ovlfuzz::engine::RunInput(data, size);
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  if (ovlfuzz::engine::CrashMinimizationEnabled()) {
    if (size_t n = ovlfuzz::engine::MinimizeCrash(data, size, max_size)) return n;
  }
  // One in eight mutations stays byte-level, so libFuzzer's own strategies
  // (dictionary, CMP tracing) still reach the decoder.
  if (seed % 8 == 0) return LLVMFuzzerMutate(data, size, max_size);
  size_t n = ovlfuzz::engine::Mutate(data, size, max_size, seed);
  return n ? n : LLVMFuzzerMutate(data, size, max_size);
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* data1, size_t size1, const uint8_t* data2, size_t size2,
                                            uint8_t* out, size_t max_out_size, unsigned int seed) {
  return ovlfuzz::engine::CrossOver(data1, size1, data2, size2, out, max_out_size, seed);
}

#if defined(OVLFUZZ_TSAN)
// In the libfuzzer-tsan build a TSan report must abort, or libFuzzer never
// saves the input.
// Called while TSan initializes: must not be instrumented itself.
extern "C" __attribute__((disable_sanitizer_instrumentation)) const char* __tsan_default_options() {
  // halt_on_error without abort_on_error: TSan dies through its death
  // callback, where libFuzzer saves the input; a signal would hang (engine.cc).
  return "halt_on_error=1:detect_deadlocks=1:second_deadlock_stack=1:report_signal_unsafe=0";
}
#endif
