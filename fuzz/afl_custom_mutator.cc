// AFL++ custom mutator (AFL_CUSTOM_MUTATOR_LIBRARY=libafl_mutator_<scheme>.so)
// reusing the engines' structure-aware mutation table: program mutations
// (insert/remove/swap/replace op, change argument, move op between threads,
// add/remove/duplicate thread), scheduler-choice mutations, and thread
// splicing with AFL's second input, and structure-aware trimming
// (afl_custom_init_trim/trim/post_trim). AFL++'s own havoc stages still run.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "fuzz/engine.h"
#include "model/program/binary_codec.h"
#include "model/core/rng.h"

namespace {

struct MutatorState {
  ovlfuzz::Rng rng;
  std::vector<uint8_t> out;
  // Structure-aware trimming: candidates drop one thread or one op (or the
  // scheduler choices) from the current base; AFL++ keeps a candidate when
  // it still takes the same path.
  ovlfuzz::BinaryInput base;
  std::vector<ovlfuzz::BinaryInput> candidates;
  size_t next = 0;
  std::string encoded;
};

void MakeCandidates(MutatorState* s) {
  s->candidates.clear();
  s->next = 0;
  const auto& threads = s->base.program.threads;
  for (size_t t = 0; t < threads.size() && threads.size() > 1; ++t) {
    ovlfuzz::BinaryInput c = s->base;
    c.program.threads.erase(c.program.threads.begin() + t);
    c.choices.clear();
    s->candidates.push_back(c);
  }
  for (size_t t = 0; t < threads.size(); ++t) {
    for (size_t i = threads[t].size(); i-- > 0 && threads[t].size() > 1;) {
      ovlfuzz::BinaryInput c = s->base;
      c.program.threads[t].erase(c.program.threads[t].begin() + i);
      s->candidates.push_back(c);
    }
  }
  if (!s->base.choices.empty()) {
    ovlfuzz::BinaryInput c = s->base;
    c.choices.resize(c.choices.size() / 2);
    s->candidates.push_back(c);
  }
}

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

int32_t afl_custom_init_trim(void* data, uint8_t* buf, size_t buf_size) {
  auto* s = static_cast<MutatorState*>(data);
  s->base = ovlfuzz::DecodeBinary(ovlfuzz::engine::TargetWorld(), buf, buf_size);
  MakeCandidates(s);
  return static_cast<int32_t>(s->candidates.size());
}

size_t afl_custom_trim(void* data, uint8_t** out_buf) {
  auto* s = static_cast<MutatorState*>(data);
  const ovlfuzz::BinaryInput& c = s->next < s->candidates.size() ? s->candidates[s->next] : s->base;
  s->encoded = ovlfuzz::EncodeBinary(ovlfuzz::engine::TargetWorld(), c);
  *out_buf = reinterpret_cast<uint8_t*>(s->encoded.data());
  return s->encoded.size();
}

// AFL++ stops trimming once the returned index reaches init_trim's count;
// kDone is past any count. Every success shrinks the base, so restarting
// from its candidates terminates.
constexpr int32_t kDone = 1 << 30;

int32_t afl_custom_post_trim(void* data, unsigned char success) {
  auto* s = static_cast<MutatorState*>(data);
  if (s->next >= s->candidates.size()) return kDone;
  if (success) {  // keep it and trim further from there
    s->base = s->candidates[s->next];
    MakeCandidates(s);
    return s->candidates.empty() ? kDone : 0;
  }
  ++s->next;
  return s->next < s->candidates.size() ? static_cast<int32_t>(s->next) : kDone;
}

void afl_custom_deinit(void* data) { delete static_cast<MutatorState*>(data); }

}  // extern "C"
