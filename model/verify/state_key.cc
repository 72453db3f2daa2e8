#include "model/verify/state_key.h"

#include <algorithm>

namespace ovlfuzz {

uint64_t ThreadLocalHash(const World& world, const ThreadState& th) {
  uint64_t h = MixWord(0x51ed27ULL, static_cast<uint64_t>(th.status));
  if (th.status == ThreadState::Status::kDone) return h;
  h = MixWord(h, static_cast<uint64_t>(th.op_index + 1) << 8 | th.depth << 1 | th.open);
  for (int d = 0; d < th.depth; ++d) {
    const Frame& f = th.frames[d];
    h = MixWord(h, static_cast<uint64_t>(static_cast<uint16_t>(f.routine)) << 32 | static_cast<uint32_t>(f.pc));
    h = MixWord(h, f.args[0] | f.args[1] << 8 | f.args[2] << 16);
  }
  for (const HeldLock& l : th.held)
    h = MixWord(h, static_cast<uint64_t>(world.ThreadFreeInstance(l.inst)) << 24 | static_cast<uint64_t>(l.cls) << 2 |
                       l.read << 1 | l.trylock);
  if (th.status == ThreadState::Status::kBlocked)
    h = MixWord(h, static_cast<uint64_t>(world.ThreadFreeInstance(th.want_inst)) << 32 |
                       static_cast<uint64_t>(th.want_cls) << 1 | th.want_read);
  return h;
}

StateKey MakeStateKey(const Execution& x, bool symmetric, bool with_last, uint64_t extra, bool with_locks,
                      const uint64_t* given) {
  StateKey k;
  const int n = x.threads();
  uint64_t local[kMaxThreads];
  for (int t = 0; t < n; ++t) local[t] = given ? given[t] : ThreadLocalHash(x.world(), x.thread(t));
  if (symmetric) {
    for (int i = 1; i < n; ++i)  // insertion sort: at most kMaxThreads threads
      for (int j = i; j > 0 && local[k.order[j]] < local[k.order[j - 1]]; --j) std::swap(k.order[j], k.order[j - 1]);
    for (int i = 0; i < n; ++i) k.rank[k.order[i]] = i;
    for (int i = 0; i + 1 < n; ++i)
      if (local[k.order[i]] == local[k.order[i + 1]]) k.tied |= (1u << k.order[i]) | (1u << k.order[i + 1]);
  }
  auto rename = [&](int t) { return t >= 0 ? k.rank[t] : t; };
  uint64_t h = MixWord(extra, static_cast<uint64_t>(n));
  for (int i = 0; i < n; ++i) h = MixWord(h, local[k.order[i]]);
  // Lock words are not hashed: each is a function of the threads' held
  // locks and waits (hashed above) and of the frozen superblocks (below):
  // the writer or readers are the holders, writers_waiting counts blocked
  // writers, and a frozen superblock owns its levels. ExplorerTest checks
  // this against a hash that includes them.
  for (int inst = 0; with_locks && inst < x.world().instances(); ++inst) {
    const LockState& s = x.lock(inst);
    uint64_t w = static_cast<uint64_t>(rename(s.writer) + 2) | static_cast<uint64_t>(s.readers) << 4 |
                 static_cast<uint64_t>(s.writers_waiting) << 12;
    h = MixWord(h, w);
    for (int i = 0; i < n; ++i)
      if (s.reader_count[k.order[i]]) h = MixWord(h, static_cast<uint64_t>(i) << 8 | s.reader_count[k.order[i]]);
  }
  const std::vector<uint64_t>& flags = x.all_flags();
  for (size_t i = 0; i < flags.size(); ++i)
    if (flags[i]) h = MixWord(h, flags[i] ^ static_cast<uint64_t>(i) << 56);
  for (int sb = 0; sb < x.world().supers(); ++sb)
    if (x.frozen(sb) || x.freezing(sb) >= 0)
      h = MixWord(h, static_cast<uint64_t>(sb) << 16 | static_cast<uint64_t>(x.frozen(sb)) << 8 |
                         static_cast<uint8_t>(rename(x.freezing(sb))));
  if (with_last) h = MixWord(h, static_cast<uint64_t>(rename(x.last_thread()) + 1));
  k.hash = h;
  return k;
}

}  // namespace ovlfuzz
