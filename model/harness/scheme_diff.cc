#include "model/harness/scheme_diff.h"

#include <algorithm>
#include <map>

#include "model/core/rng.h"
#include "model/harness/minimize.h"
#include "model/harness/run_once.h"

namespace ovlfuzz {
namespace {

struct Seen {
  std::vector<std::string> signatures;
  VerifyFinding first;  // first finding of this bug on this side
};
using SideBugs = std::map<std::string, Seen>;

void Record(const Finding& f, const Program& program, const RunResult& r, SideBugs* bugs) {
  Seen& s = (*bugs)[f.bug];
  if (s.signatures.empty()) s.first = {f, program, r.schedule, FindingStep(f, r.steps)};
  if (std::find(s.signatures.begin(), s.signatures.end(), f.signature) == s.signatures.end())
    s.signatures.push_back(f.signature);
}

void Fuzz(const World& a, const World& b, const DiffOptions& o, SideBugs bugs[2], int64_t* runs) {
  Rng rng(o.seed);
  for (*runs = 0; (o.max_runs <= 0 || *runs < o.max_runs) && !(o.should_stop && o.should_stop(*runs)); ++*runs) {
    Program pa = GenerateProgram(a, o.gen, rng), pb, common;
    // Ops only one scheme has are dropped, so both run the same program.
    TranslateProgram(a, b, pa, &pb);
    TranslateProgram(b, a, pb, &common);
    if (common.threads.empty()) continue;
    StrategyConfig sc = o.strategy;
    sc.seed = rng.Next();
    const World* worlds[2] = {&a, &b};
    const Program* programs[2] = {&common, &pb};
    for (int side = 0; side < 2; ++side) {
      auto strategy = MakeStrategy(sc);
      RunResult r = RunOnce(*worlds[side], *programs[side], *strategy, o.limits);
      for (const Finding& f : r.findings) Record(f, *programs[side], r, &bugs[side]);
    }
  }
}

void Exhaustive(const World& w, const VerifyOptions& vo, SideBugs* bugs, VerifyStats* stats) {
  VerifyOptions all = vo;
  all.all = true;
  VerifyResult r = Verify(w, all);
  *stats = r.stats;
  for (const VerifyFinding& f : r.findings) {
    Seen& s = (*bugs)[f.finding.bug];
    if (s.signatures.empty()) s.first = f;
    s.signatures.push_back(f.finding.signature);
  }
}

// Shrinks the reproducer (the other-side check explores every schedule of
// its program, so smaller is much cheaper), keeping its signature.
VerifyFinding Minimized(const World& w, const VerifyFinding& f, const DiffOptions& o) {
  if (!o.elapsed) return f;
  MinimizeOptions mo;
  mo.elapsed = o.elapsed;
  mo.max_seconds = o.elapsed() + 5;
  mo.limits = o.limits;
  MinimizeResult m;
  if (!MinimizeSchedule(w, f.program, f.schedule, f.finding.signature, mo, &m)) return f;
  for (const Finding& g : m.result.findings)
    if (g.signature == f.finding.signature) return {g, m.repro.program, m.repro.schedule, FindingStep(g, m.result.steps)};
  return f;
}

}  // namespace

DiffResult DiffSchemes(const World& a, const World& b, const DiffOptions& o) {
  DiffResult result;
  SideBugs bugs[2];
  if (o.verify_a && o.verify_b) {
    Exhaustive(a, *o.verify_a, &bugs[0], &result.verified[0]);
    Exhaustive(b, *o.verify_b, &bugs[1], &result.verified[1]);
  } else {
    Fuzz(a, b, o, bugs, &result.runs);
  }
  const World* worlds[2] = {&a, &b};
  std::vector<DiffBug> only[2], both;
  for (int side = 0; side < 2; ++side) {
    for (auto& [bug, seen] : bugs[side]) {
      DiffBug d;
      d.bug = bug;
      if (bugs[1 - side].count(bug)) {
        if (side == 1) continue;  // listed once, from A
        d.signatures[0] = seen.signatures;
        d.signatures[1] = bugs[1].at(bug).signatures;
        both.push_back(std::move(d));
        continue;
      }
      d.side = side == 0 ? DiffSide::kOnlyA : DiffSide::kOnlyB;
      d.signatures[side] = seen.signatures;
      d.repro = Minimized(*worlds[side], seen.first, o);
      // Every schedule of the same program on the other scheme.
      Program there;
      TranslateProgram(*worlds[side], *worlds[1 - side], d.repro.program, &there);
      VerifyOptions check;
      check.fixed_program = &there;
      check.all = true;
      check.limits = o.limits;
      const double deadline = o.elapsed ? o.elapsed() + o.check_seconds : 0;
      if (o.elapsed) check.should_stop = [&] { return o.elapsed() > deadline; };
      VerifyResult r = Verify(*worlds[1 - side], check);
      d.other = r.stats;
      bool shows = false;
      for (const VerifyFinding& f : r.findings) {
        if (f.finding.bug != bug) continue;
        shows = true;
        d.signatures[1 - side].push_back(f.finding.signature);
      }
      d.other_clean = !shows && r.stats.complete;
      if (shows) {
        d.side = DiffSide::kBoth;
        both.push_back(std::move(d));
      } else {
        only[side].push_back(std::move(d));
      }
    }
  }
  for (auto* list : {&only[0], &only[1], &both})
    for (DiffBug& d : *list) result.bugs.push_back(std::move(d));
  return result;
}

}  // namespace ovlfuzz
