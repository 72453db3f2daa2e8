// AFL++ custom mutator (AFL_CUSTOM_MUTATOR_LIBRARY=libafl_mutator_<scheme>.so)
// reusing the engines' structure-aware mutation table: program mutations
// (insert/remove/swap/replace op, change argument, move op between threads,
// add/remove/duplicate thread), scheduler-choice mutations, and thread
// splicing with AFL's second input. AFL++'s own havoc stages still run.
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz/engine.h"
#include "model/core/rng.h"

namespace {

struct MutatorState {
  ovlfuzz::Rng rng;
  std::vector<uint8_t> out;
};

}  // namespace

extern "C" {

struct afl_state;

void* afl_custom_init(afl_state*, unsigned int seed) {
  ovlfuzz::engine::TargetWorld();
  auto* s = new MutatorState{ovlfuzz::Rng(seed), {}};
  return s;
}

size_t afl_custom_fuzz(void* data, uint8_t* buf, size_t buf_size, uint8_t** out_buf, uint8_t* add_buf,
                       size_t add_buf_size, size_t max_size) {
  auto* s = static_cast<MutatorState*>(data);
  s->out.assign(max_size, 0);
  size_t n = 0;
  unsigned seed = static_cast<unsigned>(s->rng.Next());
  if (add_buf != nullptr && add_buf_size > 0 && s->rng.Chance(1, 5)) {
    n = ovlfuzz::engine::CrossOver(buf, buf_size, add_buf, add_buf_size, s->out.data(), max_size, seed);
  } else if (buf_size <= max_size) {
    std::memcpy(s->out.data(), buf, buf_size);
    n = ovlfuzz::engine::Mutate(s->out.data(), buf_size, max_size, seed);
  }
  if (n == 0) {  // did not fit: hand back the input unchanged
    n = buf_size <= max_size ? buf_size : max_size;
    std::memcpy(s->out.data(), buf, n);
  }
  *out_buf = s->out.data();
  return n;
}

void afl_custom_deinit(void* data) { delete static_cast<MutatorState*>(data); }

}  // extern "C"
