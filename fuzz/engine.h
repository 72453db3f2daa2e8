// The engine adapters' shared core (libFuzzer and AFL++ targets and the
// AFL++ custom mutator): one compiled-in scheme, the total binary decoder,
// the run, concurrency-aware coverage counters, findings as crashes, and
// the structure-aware mutations. Thin: the model does the work.
#ifndef OVLFUZZ_FUZZ_ENGINE_H_
#define OVLFUZZ_FUZZ_ENGINE_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace ovlfuzz {

class World;

namespace engine {

// The scheme this target was built for (OVLFUZZ_FUZZ_SCHEME).
const World& TargetWorld();
// The targets' LLVMFuzzerInitialize: parses the scheme and reads the
// environment (OVLFUZZ_BLOCKING_FEATURES, OVLFUZZ_ONLY_FINDING), so a bad
// value is one error line and exit 2 before the first input, not inside
// a run, where libFuzzer would call it a crash of the target.
void Initialize();
const char* TargetScheme();

// Where libFuzzer writes crash files (-artifact_prefix=), for the replay
// line printed with a finding.
void SetArtifactPrefix(const std::string& prefix);

// Decodes and runs one input. Feeds the extra counters; on a finding,
// prints the report and a replay line to stderr and aborts.
void RunInput(const uint8_t* data, size_t size);

// Structure-aware mutation of an encoded input in place (<= max_size).
// Returns the new size, or 0 when the caller should fall back to a
// byte-level mutation.
size_t Mutate(uint8_t* data, size_t size, size_t max_size, unsigned int seed);
// libFuzzer -minimize_crash=1 support. libFuzzer minimizes by running the
// custom mutator on the crash and keeping any smaller input that still
// crashes; in that mode (the inner process gets
// -minimize_crash_internal_step=1) the mutator returns the crash minimized
// by ovlfuzz's own program-and-schedule minimizer instead, memoized per
// input. Returns 0 when the input does not crash or cannot shrink.
void EnableCrashMinimization(double max_seconds);
bool CrashMinimizationEnabled();
size_t MinimizeCrash(uint8_t* data, size_t size, size_t max_size);
// Thread-level crossover of two encoded inputs.
size_t CrossOver(const uint8_t* a, size_t a_size, const uint8_t* b, size_t b_size, uint8_t* out,
                 size_t max_out_size, unsigned int seed);

}  // namespace engine
}  // namespace ovlfuzz

#endif  // OVLFUZZ_FUZZ_ENGINE_H_
