// The mutation table. Each entry is small and says when it does not apply.
#include <algorithm>

#include "model/program/generate.h"
#include "model/world/world.h"

namespace ovlfuzz {
namespace {

int PickThread(const Program& p, Rng& rng) { return static_cast<int>(rng.Below(p.threads.size())); }

bool InsertOp(const World& w, const GenLimits& lim, Rng& rng, Program* p) {
  if (p->threads.empty()) return false;
  auto& t = p->threads[PickThread(*p, rng)];
  if (static_cast<int>(t.size()) >= lim.max_ops) return false;
  t.insert(t.begin() + rng.Below(t.size() + 1), RandomOpCall(w, rng));
  return true;
}

bool RemoveOp(const World&, const GenLimits&, Rng& rng, Program* p) {
  if (p->OpCount() <= 1) return false;
  auto& t = p->threads[PickThread(*p, rng)];
  if (t.empty()) return false;
  t.erase(t.begin() + rng.Below(t.size()));
  return true;
}

bool ReplaceOp(const World& w, const GenLimits&, Rng& rng, Program* p) {
  auto& t = p->threads[PickThread(*p, rng)];
  if (t.empty()) return false;
  t[rng.Below(t.size())] = RandomOpCall(w, rng);
  return true;
}

bool ChangeArg(const World& w, const GenLimits&, Rng& rng, Program* p) {
  auto& t = p->threads[PickThread(*p, rng)];
  if (t.empty()) return false;
  OpCall& c = t[rng.Below(t.size())];
  const Routine& r = w.scheme().routines[c.routine];
  if (r.params.empty()) return false;
  size_t i = rng.Below(r.params.size());
  c.args[i] = static_cast<uint8_t>(rng.Below(w.ArgDomain(r.params[i])));
  return true;
}

bool SwapOps(const World&, const GenLimits&, Rng& rng, Program* p) {
  auto& t = p->threads[PickThread(*p, rng)];
  if (t.size() < 2) return false;
  size_t a = rng.Below(t.size()), b = rng.Below(t.size());
  if (a == b) return false;
  std::swap(t[a], t[b]);
  return true;
}

bool MoveOpToThread(const World&, const GenLimits& lim, Rng& rng, Program* p) {
  if (p->threads.size() < 2) return false;
  int from = PickThread(*p, rng), to = PickThread(*p, rng);
  if (from == to || p->threads[from].size() < 2 || static_cast<int>(p->threads[to].size()) >= lim.max_ops) return false;
  auto& src = p->threads[from];
  size_t i = rng.Below(src.size());
  OpCall c = src[i];
  src.erase(src.begin() + i);
  auto& dst = p->threads[to];
  dst.insert(dst.begin() + rng.Below(dst.size() + 1), c);
  return true;
}

bool AddThread(const World& w, const GenLimits& lim, Rng& rng, Program* p) {
  if (static_cast<int>(p->threads.size()) >= lim.max_threads) return false;
  p->threads.emplace_back();
  int ops = static_cast<int>(rng.Range(1, std::max(1, lim.max_ops / 2)));
  for (int i = 0; i < ops; ++i) p->threads.back().push_back(RandomOpCall(w, rng));
  return true;
}

bool RemoveThread(const World&, const GenLimits&, Rng& rng, Program* p) {
  if (p->threads.size() < 2) return false;
  p->threads.erase(p->threads.begin() + PickThread(*p, rng));
  return true;
}

bool DuplicateThread(const World&, const GenLimits& lim, Rng& rng, Program* p) {
  if (static_cast<int>(p->threads.size()) >= lim.max_threads || p->threads.empty()) return false;
  p->threads.push_back(p->threads[PickThread(*p, rng)]);
  return true;
}

}  // namespace

const std::vector<Mutation>& Mutations() {
  static const std::vector<Mutation> kTable = {
      {"insert-op", InsertOp},         {"remove-op", RemoveOp},
      {"replace-op", ReplaceOp},       {"change-arg", ChangeArg},
      {"swap-ops", SwapOps},           {"move-op-to-thread", MoveOpToThread},
      {"add-thread", AddThread},       {"remove-thread", RemoveThread},
      {"duplicate-thread", DuplicateThread},
  };
  return kTable;
}

std::vector<std::string> Mutate(const World& world, const GenLimits& limits, Rng& rng, Program* p) {
  std::vector<std::string> applied;
  int want = static_cast<int>(rng.Range(1, 3));
  for (int tries = 0; tries < 16 && static_cast<int>(applied.size()) < want; ++tries) {
    const Mutation& m = Mutations()[rng.Below(Mutations().size())];
    if (!m.apply(world, limits, rng, p)) continue;
    applied.push_back(m.name);
    Sanitize(world, p);  // drops emptied threads before the next mutation
  }
  return applied;
}

}  // namespace ovlfuzz
