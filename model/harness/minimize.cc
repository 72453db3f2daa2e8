#include "model/harness/minimize.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "model/core/rng.h"
#include "model/program/binary_codec.h"

namespace ovlfuzz {
namespace {

constexpr int64_t kTwoPreemptionSteps = 48;

const uint8_t* Bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

class Minimizer {
 public:
  Minimizer(const World& world, const std::string& signature, const MinimizeOptions& options)
      : world_(world), signature_(signature), options_(options) {}

  bool OutOfTime() const { return options_.elapsed && options_.elapsed() > options_.max_seconds; }

  // The predicate: some schedule of `p` still shows the finding. On success
  // *schedule and *result describe the best (fewest preemptions) run found.
  // `hint`: a schedule that worked for a similar program; tried first,
  // after the no-preemption and one-preemption schedules.
  bool Reproduces(const Program& p, const std::vector<uint8_t>& hint, std::vector<uint8_t>* schedule,
                  RunResult* result) {
    std::string key = EncodeBinary(world_, BinaryInput{p, {}, 0});
    auto memo = memo_.find(key);
    if (memo != memo_.end()) {
      if (memo->second.ok) *schedule = memo->second.schedule, *result = memo->second.result;
      return memo->second.ok;
    }
    ++candidates_;
    Entry e;
    e.ok = Search(p, hint, &e.schedule, &e.result);
    memo_.emplace(key, e);
    if (e.ok) *schedule = e.schedule, *result = e.result;
    return e.ok;
  }

  // Greedy schedule pass: start from the working schedule as explicit
  // choices on top of a non-preemptive default, and drop every choice the
  // finding does not need.
  void ShrinkSchedule(const Program& p, std::vector<uint8_t>* schedule, RunResult* result) {
    std::vector<std::pair<int64_t, int>> choices;
    for (size_t i = 0; i < result->schedule.size(); ++i) choices.emplace_back(result->decision_steps[i], result->schedule[i]);
    std::vector<int> order(p.threads.size());
    std::iota(order.begin(), order.end(), 0);
    for (size_t i = choices.size(); i-- > 0 && !OutOfTime();) {
      auto fewer = choices;
      fewer.erase(fewer.begin() + static_cast<std::ptrdiff_t>(i));
      auto s = MakeStickyStrategy(order, fewer);
      std::vector<uint8_t> sched;
      RunResult r;
      if (Try(p, *s, &sched, &r) && r.preemptions <= result->preemptions) {
        choices = std::move(fewer);
        *schedule = std::move(sched);
        *result = std::move(r);
      }
    }
  }

  int candidates() const { return candidates_; }
  int64_t runs() const { return runs_; }

 private:
  struct Entry {
    bool ok = false;
    std::vector<uint8_t> schedule;
    RunResult result;
  };

  bool Shows(const RunResult& r) const {
    return ShowsSignature(r, signature_) && (!options_.accept || options_.accept(r));
  }

  bool Try(const Program& p, Strategy& s, std::vector<uint8_t>* schedule, RunResult* result) {
    ++runs_;
    RunResult r = RunOnce(world_, p, s, options_.limits);
    if (!Shows(r)) return false;
    *schedule = r.schedule;
    *result = std::move(r);
    return true;
  }

  bool Search(const Program& p, const std::vector<uint8_t>& hint, std::vector<uint8_t>* schedule,
              RunResult* result) {
    const int n = static_cast<int>(p.threads.size());
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    // No preemption: every start order up to 4 threads (4! = 24); beyond,
    // each rotation of the thread order and of its reverse (8! would be
    // 40,320 runs per candidate).
    std::vector<std::vector<int>> orders;
    if (n <= 4) {
      do orders.push_back(order);
      while (std::next_permutation(order.begin(), order.end()));
    } else {
      for (int dir = 0; dir < 2; ++dir) {
        for (int r = 0; r < n; ++r) {
          orders.push_back(order);
          std::rotate(order.begin(), order.begin() + 1, order.end());
        }
        std::reverse(order.begin(), order.end());
      }
    }
    for (const auto& o : orders) {
      auto s = MakeStickyStrategy(o, {});
      if (Try(p, *s, schedule, result)) return true;
    }
    // One preemption, at each step of the first order's run, to each thread.
    auto probe = MakeStickyStrategy(orders.front(), {});
    int64_t steps = RunOnce(world_, p, *probe, options_.limits).steps;
    for (int64_t at = 0; at < steps && !OutOfTime(); ++at) {
      for (int t = 0; t < n; ++t) {
        auto s = MakeStickyStrategy(orders.front(), {{at, t}});
        if (Try(p, *s, schedule, result)) return true;
      }
    }
    // The schedule that worked before this candidate's change.
    {
      auto s = MakeByteStrategy(hint, 0);
      if (Try(p, *s, schedule, result)) return true;
    }
    // Two preemptions, on short runs.
    for (int64_t a = 0; steps <= kTwoPreemptionSteps && a < steps && !OutOfTime(); ++a)
      for (int64_t b = a + 1; b < steps; ++b)
        for (int ta = 0; ta < n; ++ta)
          for (int tb = 0; tb < n; ++tb) {
            if (ta == tb) continue;
            auto s = MakeStickyStrategy(orders.front(), {{a, ta}, {b, tb}});
            if (Try(p, *s, schedule, result)) return true;
          }
    // Anything that works.
    Rng rng(0x6d696e);
    for (int i = 0; i < options_.random_schedules && !OutOfTime(); ++i) {
      auto s = i % 2 ? MakeRandomStrategy(rng.Next()) : MakePctStrategy(rng.Next(), 3);
      if (Try(p, *s, schedule, result)) return true;
    }
    return false;
  }

  const World& world_;
  const std::string& signature_;
  const MinimizeOptions& options_;
  std::map<std::string, Entry> memo_;
  int candidates_ = 0;
  int64_t runs_ = 0;
};

ReproSize SizeOf(const World& world, const Repro& r, const RunResult& result) {
  ReproSize s;
  s.threads = static_cast<int>(r.program.threads.size());
  s.ops = r.program.OpCount();
  s.steps = result.steps;
  s.preemptions = result.preemptions;
  s.bytes = FormatRepro(world, r, /*embed_scheme=*/false).size();
  return s;
}

// Where each thread was when the finding happened (-1: unknown).
std::vector<int> OpsAtFinding(const RunResult& r, const std::string& signature, size_t threads) {
  std::vector<int> at(threads, -1);
  for (const Finding& f : r.findings) {
    if (f.signature != signature) continue;
    for (const ThreadSnapshot& t : f.threads)
      if (t.thread >= 0 && static_cast<size_t>(t.thread) < threads) at[t.thread] = t.at.op_index;
  }
  return at;
}

}  // namespace

MinimizeResult Minimize(const World& world, const Repro& input, const RunResult& input_result,
                        const std::string& signature, const MinimizeOptions& options) {
  Minimizer m(world, signature, options);
  MinimizeResult out;
  out.repro = input;
  out.result = input_result;
  out.before = SizeOf(world, input, input_result);
  Program best = input.program;
  std::vector<uint8_t> schedule = input.schedule;
  RunResult result = input_result;

  // `removed_thread`: the thread the candidate dropped (-1: none), so the
  // working schedule's thread ids can be carried over as a hint.
  auto accept = [&](const Program& candidate, int removed_thread = -1) {
    if (candidate.threads.empty() || m.OutOfTime()) return false;
    for (const auto& t : candidate.threads)
      if (t.empty()) return false;
    std::vector<uint8_t> hint;
    for (uint8_t c : schedule) {
      if (c == removed_thread) continue;
      hint.push_back(removed_thread >= 0 && c > removed_thread ? c - 1 : c);
    }
    std::vector<uint8_t> s;
    RunResult r;
    if (!m.Reproduces(candidate, hint, &s, &r)) return false;
    best = candidate;
    schedule = std::move(s);
    result = std::move(r);
    return true;
  };

  // Pass 0: the input program itself, rescheduled with fewer preemptions.
  accept(best);
  // Pass 1: cut every thread after the op it was in at the finding.
  {
    std::vector<int> at = OpsAtFinding(input_result, signature, best.threads.size());
    Program cut = best;
    for (size_t t = 0; t < cut.threads.size(); ++t)
      if (at[t] >= 0 && at[t] + 1 < static_cast<int>(cut.threads[t].size())) cut.threads[t].resize(at[t] + 1);
    if (!(cut == best)) accept(cut);
  }
  for (bool progress = true; progress && !m.OutOfTime();) {
    progress = false;
    // Pass 2: drop whole threads.
    for (size_t t = 0; t < best.threads.size() && best.threads.size() > 1;) {
      Program c = best;
      c.threads.erase(c.threads.begin() + t);
      if (accept(c, static_cast<int>(t))) progress = true;
      else ++t;
    }
    // Pass 2b: merge a thread into an earlier one (its ops after or before
    // the other's). A lock
    // inversion is an ordering fact, not a race: lockdep sees it in one
    // task running both ops, and one thread is the smaller reproducer.
    for (size_t t = 1; t < best.threads.size();) {
      bool merged = false;
      for (size_t u = 0; u < t && !merged; ++u) {
        if (best.threads[u].size() + best.threads[t].size() > kMaxOpsPerThread) continue;
        for (bool before : {false, true}) {
          Program c = best;
          auto& into = c.threads[u];
          into.insert(before ? into.begin() : into.end(), c.threads[t].begin(), c.threads[t].end());
          c.threads.erase(c.threads.begin() + t);
          if ((merged = accept(c, static_cast<int>(t)))) break;
        }
      }
      if (merged) progress = true;
      else ++t;
    }
    // Pass 3: drop ops, last ones first.
    for (size_t t = 0; t < best.threads.size(); ++t) {
      for (size_t i = best.threads[t].size(); i-- > 0 && best.threads[t].size() > 1;) {
        Program c = best;
        c.threads[t].erase(c.threads[t].begin() + i);
        if (accept(c)) progress = true;
      }
    }
    // Pass 4: smallest arguments.
    for (size_t t = 0; t < best.threads.size(); ++t) {
      for (size_t i = 0; i < best.threads[t].size(); ++i) {
        for (size_t a = 0; a < kMaxParams; ++a) {
          if (best.threads[t][i].args[a] == 0) continue;
          Program c = best;
          c.threads[t][i].args[a] = 0;
          if (accept(c)) progress = true;
        }
      }
    }
  }
  m.ShrinkSchedule(best, &schedule, &result);
  out.repro.program = best;
  out.repro.schedule = schedule;
  out.result = std::move(result);
  out.after = SizeOf(world, out.repro, out.result);
  out.candidates = m.candidates();
  out.runs = m.runs();
  out.out_of_time = m.OutOfTime();
  return out;
}

bool MinimizeSchedule(const World& world, const Program& program, const std::vector<uint8_t>& schedule,
                      const std::string& signature, const MinimizeOptions& options, MinimizeResult* out) {
  Repro repro;
  repro.scheme_hash = world.scheme().hash;
  repro.program = program;
  repro.schedule = schedule;
  auto replay = MakeReplayStrategy(schedule);
  RunResult r = RunOnce(world, program, *replay, options.limits);
  if (!ShowsSignature(r, signature)) return false;
  *out = Minimize(world, repro, r, signature, options);
  return true;
}

std::string ShortestBinary(const World& world, const Repro& repro, const std::string& signature,
                           const RunLimits& limits) {
  auto reproduces = [&](const std::string& enc) {
    BinaryInput in = DecodeBinary(world, Bytes(enc), enc.size());
    auto strategy = MakeByteStrategy(in.choices, in.seed);
    return ShowsSignature(RunOnce(world, in.program, *strategy, limits), signature);
  };
  // 1. The shortest prefix of the schedule as choices: every choice costs a
  //    byte, and the decoder's PRNG (seed 0) may pick the rest right.
  std::string best = EncodeBinary(world, BinaryInput{repro.program, repro.schedule, 0});
  BinaryInput in;
  in.program = repro.program;
  for (size_t k = 0; k <= repro.schedule.size(); ++k) {
    in.choices.assign(repro.schedule.begin(), repro.schedule.begin() + k);
    std::string enc = EncodeBinary(world, in, /*magic=*/false);
    if (enc.size() < best.size() && reproduces(enc)) {
      best = std::move(enc);
      break;
    }
  }
  // 2. Byte-level passes, as afl-tmin does, but keeping the signature: drop
  //    each byte, then zero it; the total decoder reads missing bytes as
  //    zero, so trailing zeros go too.
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = best.size(); i-- > 0;) {
      std::string cut = best;
      cut.erase(i, 1);
      std::string zero = best;
      zero[i] = 0;
      while (!zero.empty() && zero.back() == 0) zero.pop_back();
      for (std::string* c : {&cut, &zero}) {
        if (c->size() >= best.size() && *c >= best) continue;
        if (!reproduces(*c)) continue;
        best = std::move(*c);
        changed = true;
        break;
      }
      if (i > best.size()) i = best.size();
    }
  }
  return best;
}

}  // namespace ovlfuzz
