#include "cli/explain_report.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "cli/cli_common.h"
#include "cli/verify_common.h"
#include "model/report/text_report.h"

namespace ovlfuzz::cli {
namespace {

constexpr size_t kTopFrames = 4;
constexpr size_t kLeftMax = 52;

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, s < 10 ? "%.2fs" : "%.1fs", s);
  return buf;
}

// The first frames of a stack that are not lockdep or the lock primitive.
std::vector<SplatFrame> TopFrames(const std::vector<SplatFrame>& frames) {
  std::vector<SplatFrame> out;
  for (const SplatFrame& f : frames) {
    if (f.IsLockingInternal()) continue;
    if (std::any_of(out.begin(), out.end(), [&](const SplatFrame& o) { return o.Short() == f.Short(); })) continue;
    out.push_back(f);
    if (out.size() == kTopFrames) break;
  }
  return out;
}

std::string CodeAndComment(const std::string& line, std::string* comment) {
  size_t hash = line.find('#');
  std::string code = line.substr(0, hash);
  while (!code.empty() && (code.back() == ' ' || code.back() == '\t')) code.pop_back();
  size_t b = code.find_first_not_of(" \t");
  code = b == std::string::npos ? "" : code.substr(b);
  *comment = hash == std::string::npos ? "" : line.substr(hash);
  return code;
}

std::string SchemeLineOf(const World& world, int routine, int pc, std::string* comment) {
  const Scheme& s = world.scheme();
  if (routine < 0 || pc < 0) {
    comment->clear();
    return s.path;
  }
  int line = s.routines[routine].code[pc].line;
  return s.Where(line) + ": " + CodeAndComment(s.Line(line), comment);
}

std::string Fit(std::string s, size_t width) {
  if (s.size() > width) s = s.substr(0, width - 1) + "~";
  return s + std::string(width - s.size(), ' ');
}

std::string Plural(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string OpsOf(const World& world, const std::vector<int>& ops) {
  std::string s;
  for (int op : ops) s += (s.empty() ? "" : ",") + world.scheme().routines[op].name;
  return s;
}

// The largest bounds verify completed (those no other completed bound
// contains), the ops and arguments they drew from, and the work done.
std::string Bounds(const World& world, const std::vector<ProvenBounds>& proven) {
  std::string sizes;
  int64_t states = 0;
  double seconds = 0;
  for (const ProvenBounds& b : proven) {
    states += b.stats.states;
    seconds += b.seconds;
    bool contained = false;
    for (const ProvenBounds& o : proven) contained |= &o != &b && o.threads >= b.threads && o.ops >= b.ops;
    if (contained) continue;
    sizes += (sizes.empty() ? "" : " and ") + std::to_string(b.threads) + " threads x " + Plural(b.ops, "op", "ops");
  }
  const ProvenBounds& last = proven.back();
  VerifyOptions o;
  o.threads = last.threads;
  o.ops = last.ops;
  o.only_ops = last.only_ops;
  std::string d = DescribeBounds(world, o);  // "up to T threads x K ops, <the rest>"
  d = d.substr(d.find(", ") + 2);
  return "every schedule of up to " + sizes + " (" + d + "; " + FormatCount(states) + " states, " + Seconds(seconds) +
         ")";
}

// Splat entries on the left, the model's dependency on the right.
std::string SideBySide(const World& world, const Splat& splat, const ExplainResult& r) {
  struct Row {
    std::vector<std::string> left, right;
  };
  std::vector<Row> rows;
  ReportContext ctx(world, r.repro.program);
  // Printed like the splat: -> #n first.
  for (auto it = r.edges.rbegin(); it != r.edges.rend(); ++it) {
    const EdgeView& v = *it;
    Row row;
    const std::string cls = splat.Cycle()[v.k];
    if (splat.kind == SplatKind::kCircular)
      row.left.push_back("-> #" + std::to_string(v.k) + " (" + cls + ")");
    else
      row.left.push_back("trying to acquire (" + cls + ")");
    for (const SplatFrame& f : TopFrames(splat.EdgeFrames(v.k))) {
      bool hit = std::find(v.match.matched.begin(), v.match.matched.end(), f.Base()) != v.match.matched.end();
      row.left.push_back("     " + f.Short() + (hit ? " *" : ""));
    }
    const std::string to = world.ClassName(v.edge.second), from = world.ClassName(v.edge.first);
    row.right.push_back(v.edge.first == v.edge.second ? to + " acquired while already held"
                                                      : to + " acquired holding " + from);
    row.right.push_back("  T" + std::to_string(v.link.site.thread) + " " + ctx.OpText(v.link.site) + ", op#" +
                        std::to_string(v.link.site.op_index) + ", step " + std::to_string(v.link.site.step));
    std::string comment;
    row.right.push_back("  " + SchemeLineOf(world, v.link.site.routine, v.link.site.pc, &comment));
    if (!comment.empty()) row.right.push_back("    " + comment);
    if (v.link.site.call_pc >= 0 && v.link.site.thread >= 0) {
      const int op = r.repro.program.threads[v.link.site.thread][v.link.site.op_index].routine;
      std::string call_comment;
      row.right.push_back("  called from " + SchemeLineOf(world, op, v.link.site.call_pc, &call_comment));
      if (!call_comment.empty()) row.right.push_back("    " + call_comment);
    }
    if (v.held_routine >= 0) {
      std::string held_comment;
      row.right.push_back("  held since " + SchemeLineOf(world, v.held_routine, v.held_pc, &held_comment));
    }
    std::string m;
    for (const std::string& fn : v.match.matched) m += (m.empty() ? "" : ", ") + fn;
    row.right.push_back(m.empty() ? "  (no function of these scheme lines is in the stack)"
                                  : "  frames named by the scheme (*): " + m);
    rows.push_back(std::move(row));
  }
  size_t width = 20;
  for (const Row& row : rows)
    for (const std::string& l : row.left) width = std::max(width, std::min(kLeftMax, l.size() + 1));
  std::ostringstream o;
  o << Fit("splat (" + splat.task + ")", width) << "| model: " << world.scheme().name << " reproducer\n"
    << std::string(width, '-') << "+" << std::string(60, '-') << "\n";
  for (const Row& row : rows) {
    for (size_t i = 0; i < std::max(row.left.size(), row.right.size()); ++i) {
      std::string l = i < row.left.size() ? row.left[i] : "";
      std::string rr = i < row.right.size() ? row.right[i] : "";
      std::string line = Fit(l, width) + "| " + rr;
      while (!line.empty() && line.back() == ' ') line.pop_back();
      o << line << "\n";
    }
    o << Fit("", width) << "|\n";
  }
  return o.str();
}

std::string ProgramLine(const World& world, const Program& p) {
  std::string s;
  for (size_t t = 0; t < p.threads.size(); ++t) {
    s += t ? " | " : "";
    for (size_t i = 0; i < p.threads[t].size(); ++i) s += (i ? "; " : "") + FormatOpCall(world, p.threads[t][i]);
  }
  return s;
}

}  // namespace

std::string SplatHeading(const Splat& splat) {
  std::ostringstream o;
  o << "ovlfuzz explain: " << splat.path << ":" << splat.header_line << ": " << splat.title << "\n";
  if (!splat.kernel.empty() || !splat.task.empty())
    o << "  kernel " << (splat.kernel.empty() ? "?" : splat.kernel) << ", task " << splat.task << "\n";
  std::vector<std::string> c = splat.Cycle();
  o << "  chain: ";
  for (size_t i = 0; i < c.size(); ++i) o << (i ? " --> " : "") << c[i];
  o << " --> " << c.front() << "\n"
    << "  acquiring " << splat.acquiring.cls << " while holding " << splat.held.cls;
  if (splat.kind == SplatKind::kCircular) o << " (" << c.size() << " classes)";
  o << "\n";
  for (const std::string& w : splat.warnings) o << "  note: " << w << "\n";
  return o.str();
}

std::string VerdictLine(const World& world, const ExplainResult& r) {
  switch (r.verdict) {
    case Verdict::kReproduced:
      return "reproduced in " + Seconds(r.found_seconds) + " (" + r.found_by + ")" +
             (r.has_deadlock ? ", and as a deadlock" : ", no deadlock found");
    case Verdict::kAbsent:
      if (r.static_proof) return "absent for any bounds (no path of any op creates one of the chain's dependencies)";
      return "absent within the bounds verify explored";
    case Verdict::kNotFound:
      return "not-found within " + Seconds(r.seconds) + " (neither a reproducer nor a complete bounded search)";
    case Verdict::kNotExpressible: {
      std::string m;
      for (const std::string& f : r.missing) m += (m.empty() ? "" : ", ") + f;
      return "not-expressible: the scheme takes no lock of " + m;
    }
  }
  return "";
}

std::string ExplainText(const World& world, const Splat& splat, const ExplainResult& r, const ExplainFiles& files) {
  std::ostringstream o;
  const Scheme& s = world.scheme();
  o << "\n== " << s.name << " (" << s.path << "): " << VerdictLine(world, r) << "\n";
  if (r.verdict == Verdict::kNotExpressible) {
    o << "   declare the missing classes in a scheme to explain this splat there (docs/explain.md)\n";
    return o.str();
  }
  const std::string assignments = std::to_string(r.assignments) +
                                  " way(s) to map the splat's classes (lockdep's #N "
                                  "is boot order, so it is matched as an unknown), " +
                                  std::to_string(r.feasible) + " under which some op creates every dependency";
  if (r.verdict != Verdict::kAbsent) o << "mapping: " << r.mapping.Describe(world) << "\n   (" << assignments << ")\n";
  for (const std::string& w : r.warnings) o << "warning: " << w << "\n";
  if (r.verdict == Verdict::kReproduced) {
    o << "\n" << SideBySide(world, splat, r);
    const Finding& f = r.result.findings[r.finding];
    ReportContext ctx(world, r.repro.program);
    o << "\nreproducer: " << ProgramLine(world, r.repro.program) << "\n"
      << "   minimized from " << Plural(r.before.threads, "thread", "threads") << ", "
      << Plural(r.before.ops, "op", "ops") << " to " << Plural(r.after.threads, "thread", "threads") << ", "
      << Plural(r.after.ops, "op", "ops") << "\n\n"
      << ctx.Render(f) << "replay: ovlfuzz replay " << ShellQuote(files.reproducer) << "\n";
    if (r.has_deadlock) {
      ReportContext dctx(world, r.deadlock.program);
      o << "\ndeadlock: " << ProgramLine(world, r.deadlock.program) << "\n\n"
        << dctx.Render(r.deadlock_result.findings[r.deadlock_finding]) << "replay: ovlfuzz replay "
        << ShellQuote(files.deadlock) << "\n";
    } else if (!r.deadlock_note.empty()) {
      o << "\nno deadlock: " << r.deadlock_note << "\n";
    } else {
      o << "\nno deadlock: no schedule of the chain's ops (with or without a freezer) blocks every thread on the "
           "chain's locks\n";
    }
    return o.str();
  }
  if (r.verdict == Verdict::kAbsent) o << "why, for each of the " << assignments << ":\n";
  for (const std::string& why : r.reasons) o << "  " << why << "\n";
  if (r.static_proof) {
    o << "proof: static, for any number of threads, ops and schedules: every path of every op, with every "
         "argument, was walked\n";
    if (!r.proven.empty()) o << "cross-check: verify finds none of the chains in " << Bounds(world, r.proven) << "\n";
    if (!r.cut.empty()) o << "   (" << r.cut << " stopped at the cross-check's share of the budget)\n";
  } else {
    if (!r.proven.empty()) o << "bounds: " << Bounds(world, r.proven) << "\n";
    if (!r.cut.empty()) o << "cut: the search of " << r.cut << " ran out of time\n";
  }
  if (r.fuzz_runs > 0)
    o << "fuzzing: " << FormatCount(r.fuzz_runs) << " directed runs, at best " << r.best_edges << " of "
      << r.mapping.edges.size() << " dependencies in one run\n";
  if (r.verdict == Verdict::kNotFound) o << "   give it more time (--seconds) or fix the bounds (--threads, --ops)\n";
  return o.str();
}

nlohmann::json SplatJson(const Splat& splat) {
  nlohmann::json entries = nlohmann::json::array();
  for (const SplatEntry& e : splat.chain) {
    nlohmann::json frames = nlohmann::json::array();
    for (const SplatFrame& f : TopFrames(e.lock.frames)) frames.push_back(f.Short());
    entries.push_back({{"entry", e.number}, {"class", e.lock.cls}, {"top_frames", frames}});
  }
  return {
      {"path", splat.path}, {"kind", splat.KindName()},           {"title", splat.title},      {"kernel", splat.kernel},
      {"task", splat.task}, {"acquiring", splat.acquiring.cls},   {"held", splat.held.cls},    {"chain", splat.Cycle()},
      {"entries", entries}, {"chain_exists", splat.chain_exists}, {"warnings", splat.warnings}};
}

nlohmann::json ExplainJson(const World& world, const std::string& scheme, const ExplainResult& r,
                           const ExplainFiles& files) {
  nlohmann::json mapping = nlohmann::json::object();
  if (r.verdict != Verdict::kNotExpressible)
    for (size_t i = 0; i < r.mapping.splat.size(); ++i)
      mapping[r.mapping.splat[i]] = world.ClassName(r.mapping.model[i]);
  nlohmann::json j{{"scheme", scheme},
                   {"verdict", VerdictName(r.verdict)},
                   {"mapping", mapping},
                   {"warnings", r.warnings},
                   {"reproducer", files.reproducer.empty() ? nlohmann::json() : nlohmann::json(files.reproducer)},
                   {"deadlock_reproducer", files.deadlock.empty() ? nlohmann::json() : nlohmann::json(files.deadlock)},
                   {"seconds", r.seconds},
                   {"bounds", nlohmann::json()}};
  if (r.verdict == Verdict::kNotExpressible) j["missing"] = r.missing;
  if (r.verdict == Verdict::kReproduced) {
    j["found_by"] = r.found_by;
    j["found_seconds"] = r.found_seconds;
    j["match"] = r.match == ChainMatch::kExact ? "exact" : "rotated";
    nlohmann::json edges = nlohmann::json::array();
    ReportContext ctx(world, r.repro.program);
    for (const EdgeView& v : r.edges) {
      std::string comment;
      edges.push_back({{"entry", v.k},
                       {"model_edge", {world.ClassName(v.edge.first), world.ClassName(v.edge.second)}},
                       {"thread", v.link.site.thread},
                       {"op", ctx.OpText(v.link.site)},
                       {"scheme_line", SchemeLineOf(world, v.link.site.routine, v.link.site.pc, &comment)},
                       {"matched_frames", v.match.matched}});
    }
    j["edges"] = edges;
    j["signature"] = r.result.findings[r.finding].signature;
    if (r.has_deadlock) j["deadlock_signature"] = r.deadlock_result.findings[r.deadlock_finding].signature;
  } else if (r.verdict != Verdict::kNotExpressible) {
    nlohmann::json verified = nlohmann::json::array();
    for (const ProvenBounds& b : r.proven)
      verified.push_back({{"threads", b.threads},
                          {"ops", b.ops},
                          {"only_ops", OpsOf(world, b.only_ops)},
                          {"files", world.files()},
                          {"dirs", world.dirs()},
                          {"pipes", world.pipes()},
                          {"preemptions", nullptr},
                          {"states", b.stats.states},
                          {"schedules", b.stats.schedules},
                          {"seconds", b.seconds}});
    j["bounds"] = {{"static", r.static_proof},
                   {"verified", verified},
                   {"cut", r.cut.empty() ? nlohmann::json() : nlohmann::json(r.cut)}};
    j["reasons"] = r.reasons;
    j["fuzz_runs"] = r.fuzz_runs;
  }
  return j;
}

}  // namespace ovlfuzz::cli
