// Lockdep-shaped text reports. The layout follows kernel/locking/lockdep.c
// (print_circular_bug, print_deadlock_bug, lockdep_print_held_locks) so a
// report can be laid beside a syzbot splat: call stacks are replaced by the
// program op, thread and step, and the scheme line that acquired the lock.
#include "model/report/text_report.h"

#include <sstream>

#include "model/world/world.h"

namespace ovlfuzz {
namespace {

const char* kRule = "======================================================";
const char* kDash = "------------------------------------------------------";

std::string Usage(bool read) { return read ? "{.+.+}" : "{+.+.}"; }

}  // namespace

ReportContext::ReportContext(const World& world, const Program& program) : world_(world), program_(program) {}

std::string ReportContext::ThreadName(int t, int op_index) const {
  std::string s = "T" + std::to_string(t);
  if (t >= 0 && t < static_cast<int>(program_.threads.size())) {
    int op = op_index;
    if (op < 0) op = 0;
    if (op >= static_cast<int>(program_.threads[t].size())) op = static_cast<int>(program_.threads[t].size()) - 1;
    s += "/" + world_.scheme().routines[program_.threads[t][op].routine].name;
  }
  return s;
}

std::string ReportContext::OpText(const Site& s) const {
  if (s.thread < 0 || s.op_index < 0 || s.thread >= static_cast<int>(program_.threads.size()) ||
      s.op_index >= static_cast<int>(program_.threads[s.thread].size()))
    return "-";
  return FormatOpCall(world_, program_.threads[s.thread][s.op_index]);
}

std::string ReportContext::SchemeLine(const Site& s) const {
  const Scheme& sc = world_.scheme();
  if (s.routine < 0 || s.pc < 0) return sc.path;
  auto line_text = [&](int line) {
    // Collapse the alignment padding before a trailing comment.
    std::string text = sc.Line(line);
    size_t hash = text.find('#');
    if (hash != std::string::npos && hash > 0) {
      size_t code_end = text.find_last_not_of(' ', hash - 1);
      if (code_end != std::string::npos) text = text.substr(0, code_end + 1) + "  " + text.substr(hash);
    }
    return sc.Where(line) + ": " + text;
  };
  std::string out = line_text(sc.routines[s.routine].code[s.pc].line);
  // Inside a sub, the op's own line that called it: where in the op this
  // happens (the sub's line is often shared by many ops).
  if (s.call_pc >= 0 && s.thread >= 0 && s.op_index >= 0 && s.thread < static_cast<int>(program_.threads.size()) &&
      s.op_index < static_cast<int>(program_.threads[s.thread].size())) {
    const Routine& op = sc.routines[program_.threads[s.thread][s.op_index].routine];
    if (s.call_pc < static_cast<int>(op.code.size()) && op.code[s.call_pc].op == Opc::kCall)
      out += "\n       called from " + line_text(op.code[s.call_pc].line);
  }
  return out;
}

int ReportContext::LineOf(const Site& s) const {
  if (s.routine < 0 || s.pc < 0) return 0;
  return world_.scheme().routines[s.routine].code[s.pc].line;
}

// "splice_to_ovl p0 f0 [T1 op#0 step 7, in copy_up]"
std::string ReportContext::Where(const Site& s) const {
  std::string w = OpText(s) + " [T" + std::to_string(s.thread) + " op#" + std::to_string(s.op_index) + " step " +
                  std::to_string(s.step);
  if (s.routine >= 0 && !world_.scheme().routines[s.routine].is_op)
    w += ", in " + world_.scheme().routines[s.routine].name;
  return w + "]";
}

// How a reader-writer lock is held, spelled out: the instance name may carry
// a level ("SB_FREEZE_WRITE") that is not the mode.
static const char* HeldMode(LockKind kind, bool read) {
  if (kind == LockKind::kMutex || kind == LockKind::kMap) return "";
  return read ? " held for read" : " held for write";
}

std::string ReportContext::HeldLocks(const ThreadSnapshot& t) const {
  std::ostringstream o;
  if (t.held.empty()) {
    o << "no locks held by " << ThreadName(t.thread, t.at.op_index) << ".\n";
    return o.str();
  }
  o << t.held.size() << (t.held.size() == 1 ? " lock" : " locks") << " held by " << ThreadName(t.thread, t.at.op_index)
    << ":\n";
  for (size_t i = 0; i < t.held.size(); ++i) {
    const HeldLock& h = t.held[i];
    o << " #" << i << ": (" << world_.ClassName(h.cls) << ")" << Usage(h.read) << (h.trylock ? " [trylock]" : "")
      << ", at: " << Where(h.site) << "\n"
      << "       " << world_.InstanceName(h.inst) << HeldMode(world_.InstanceKind(h.inst), h.read) << ", "
      << SchemeLine(h.site) << "\n";
  }
  return o.str();
}

std::string ReportContext::ThreadState(const ThreadSnapshot& t) const {
  std::ostringstream o;
  o << ThreadName(t.thread, t.at.op_index) << ": ";
  if (t.done) {
    o << "finished\n";
    return o.str();
  }
  if (t.blocked) {
    o << "blocked in " << (t.wait_read ? "rlock(" : "lock(") << world_.ClassName(t.wait_cls) << ") on "
      << world_.InstanceName(t.wait_inst);
    if (!t.waits_for.empty()) {
      o << ", waiting for";
      for (int w : t.waits_for) o << " T" << w;
    }
    o << "\n    at: " << Where(t.at) << "\n    " << SchemeLine(t.at) << "\n";
  } else if (t.at.op_index < 0) {
    o << "not started\n";
  } else {
    o << "runnable at " << Where(t.at) << "\n";
  }
  return o.str();
}

static std::string Lk(const World& w, int cls, bool read) {
  return std::string(read ? "rlock(" : "lock(") + w.ClassName(cls) + ");";
}

std::string ReportContext::Inversion(const Finding& f) const {
  std::ostringstream o;
  const ChainLink& now = f.chain.front();
  const ThreadSnapshot& me = f.threads[now.site.thread];
  const HeldLock* held = nullptr;
  for (const HeldLock& h : me.held)
    if (h.cls == now.from_cls) held = &h;
  bool recursive = f.chain.size() == 1;
  o << kRule << "\n"
    << (recursive ? "WARNING: possible recursive locking detected\n"
                  : "WARNING: possible circular locking dependency detected\n")
    << "ovlfuzz scheme " << world_.scheme().name << " (" << world_.scheme().path << ")\n"
    << kDash << "\n"
    << ThreadName(now.site.thread, now.site.op_index) << " is trying to acquire lock:\n"
    << " (" << world_.ClassName(now.cls) << ")" << Usage(now.read) << ", at: " << Where(now.site) << "\n"
    << "       " << SchemeLine(now.site) << "\n\n"
    << "but task is already holding lock:\n";
  if (held) {
    o << " (" << world_.ClassName(held->cls) << ")" << Usage(held->read) << ", at: " << Where(held->site) << "\n"
      << "       " << SchemeLine(held->site) << "\n\n";
  }
  if (recursive) {
    o << "other info that might help us debug this:\n"
      << " Possible unsafe locking scenario:\n\n"
      << "       CPU0\n       ----\n"
      << "  " << Lk(world_, now.cls, held ? held->read : now.read) << "\n"
      << "  " << Lk(world_, now.cls, now.read) << "\n\n"
      << " *** DEADLOCK ***\n\n"
      << " May be due to missing lock nesting notation\n\n";
  } else {
    o << "which lock already depends on the new lock.\n\n\n"
      << "the existing dependency chain (in reverse order) is:\n";
    for (size_t i = f.chain.size(); i-- > 0;) {
      const ChainLink& l = f.chain[i];
      o << "\n-> #" << i << " (" << world_.ClassName(l.cls) << ")" << Usage(l.read) << ":\n"
        << "       " << Where(l.site) << "\n"
        << "       " << SchemeLine(l.site) << "\n";
    }
    // print_circular_lock_scenario(): source (#0) --> parent (#n-1) -->
    // target (#n), and only when the parent is not the source (three or
    // more classes); `rlock(` only on CPU0, for a read-held target or a
    // read acquisition of the source.
    const ChainLink& target = f.chain.back();
    const ChainLink& parent = f.chain[f.chain.size() - 2];
    o << "\nother info that might help us debug this:\n\n";
    if (f.chain.size() > 2)
      o << "Chain exists of:\n  " << world_.ClassName(now.cls) << " --> " << world_.ClassName(parent.cls) << " --> "
        << world_.ClassName(target.cls) << "\n\n";
    const std::string pad(29, ' ');  // lockdep's CPU1 column
    o << " Possible unsafe locking scenario:\n\n"
      << "       CPU0                    CPU1\n"
      << "       ----                    ----\n"
      << "  " << Lk(world_, target.cls, held ? held->read : target.read) << "\n"
      << "  " << pad << Lk(world_, parent.cls, false) << "\n"
      << "  " << pad << Lk(world_, target.cls, false) << "\n"
      << "  " << Lk(world_, now.cls, now.read) << "\n\n"
      << " *** DEADLOCK ***\n\n";
  }
  o << HeldLocks(me);
  return o.str();
}

std::string ReportContext::Deadlock(const Finding& f) const {
  std::ostringstream o;
  o << kRule << "\n"
    << "ovlfuzz: DEADLOCK: every unfinished thread is blocked\n"
    << "ovlfuzz scheme " << world_.scheme().name << " (" << world_.scheme().path << ")\n"
    << kDash << "\n";
  if (!f.cycle.empty()) {
    o << "Wait-for cycle:\n  ";
    for (int t : f.cycle) {
      const ThreadSnapshot& ts = f.threads[t];
      o << ThreadName(t, ts.at.op_index) << " [" << (ts.wait_read ? "rlock " : "lock ") << world_.ClassName(ts.wait_cls)
        << "] --> ";
    }
    o << ThreadName(f.cycle.front(), f.threads[f.cycle.front()].at.op_index) << "\n\n";
  }
  for (const ThreadSnapshot& t : f.threads) {
    o << ThreadState(t);
    if (!t.done) o << HeldLocks(t);
    o << "\n";
  }
  o << " *** DEADLOCK ***\n";
  return o.str();
}

std::string ReportContext::Generic(const Finding& f, const char* title) const {
  std::ostringstream o;
  o << kRule << "\n" << title << "\n"
    << "ovlfuzz scheme " << world_.scheme().name << " (" << world_.scheme().path << ")\n"
    << kDash << "\n";
  if (f.site.thread >= 0) o << ThreadName(f.site.thread, f.site.op_index) << " at " << Where(f.site) << "\n"
                            << "       " << SchemeLine(f.site) << "\n\n";
  for (const std::string& n : f.notes) o << n << "\n";
  if (f.kind == FindingKind::kSkippedXattr)
    o << "xattr updates skipped by failed trylocks in this run: " << f.skipped_updates << "\n";
  o << "\n";
  for (const ThreadSnapshot& t : f.threads) {
    if (t.done) continue;
    o << ThreadState(t) << (t.at.op_index < 0 ? "" : HeldLocks(t)) << "\n";
  }
  return o.str();
}

std::string ReportContext::Render(const Finding& f) const {
  std::string body;
  switch (f.kind) {
    case FindingKind::kLockInversion:
    case FindingKind::kRecursiveLocking: body = Inversion(f); break;
    case FindingKind::kDeadlock: body = Deadlock(f); break;
    case FindingKind::kMissedTrylock:
      body = Generic(f, "WARNING: file system modified without freeze protection after a failed trylock");
      break;
    case FindingKind::kUnprotectedModification:
      body = Generic(f, "WARNING: file system modified without freeze protection");
      break;
    case FindingKind::kSkippedXattr:
      body = Generic(f, "WARNING: skipped xattr update diverges from the serial run");
      break;
    case FindingKind::kHang: body = Generic(f, "ovlfuzz: HANG: step budget exhausted"); break;
    case FindingKind::kBadUnlock: body = Generic(f, "WARNING: bad unlock balance detected!"); break;
    case FindingKind::kSchemeError: body = Generic(f, "ovlfuzz: scheme error at run time"); break;
  }
  body += "signature: " + f.signature + "\n";
  if (f.bug != f.signature) body += "bug: " + f.bug + "\n";
  return body;
}

std::string ReportContext::Short(const Finding& f) const {
  std::ostringstream o;
  o << FindingKindName(f.kind) << ": ";
  if (f.kind == FindingKind::kLockInversion || f.kind == FindingKind::kRecursiveLocking) {
    for (size_t i = 0; i < f.chain.size(); ++i) o << (i ? " --> " : "") << world_.ClassName(f.chain[i].cls);
    if (f.chain.size() > 1) o << " --> " << world_.ClassName(f.chain.front().cls);
    o << "  (ops:";
    for (const ChainLink& l : f.chain) o << " " << OpText(l.site);
    o << ")";
  } else if (f.kind == FindingKind::kDeadlock) {
    for (size_t i = 0; i < f.cycle.size(); ++i) {
      const ThreadSnapshot& ts = f.threads[f.cycle[i]];
      o << (i ? " --> " : "") << ThreadName(f.cycle[i], ts.at.op_index) << " waits " << world_.ClassName(ts.wait_cls);
    }
  } else {
    o << f.signature.substr(f.signature.find(':') + 1);
  }
  return o.str();
}

std::string RenderReplayText(const World& world, const Repro& repro, const RunResult& result,
                             const std::string& replay) {
  ReportContext ctx(world, repro.program);
  std::string out = "ovlfuzz replay: scheme " + world.scheme().name + " (" + world.scheme().path + "), " +
                    std::to_string(repro.program.threads.size()) + " threads, " +
                    std::to_string(repro.program.OpCount()) + " ops, " + std::to_string(result.steps) + " steps\n";
  for (size_t t = 0; t < repro.program.threads.size(); ++t) {
    out += "  T" + std::to_string(t) + ":";
    for (const OpCall& c : repro.program.threads[t]) out += "  " + FormatOpCall(world, c) + ";";
    out += "\n";
  }
  out += "\n";
  for (const Finding& f : result.findings) out += ctx.Render(f) + "\n";
  if (result.skipped_updates > 0)
    out += "xattr updates skipped by failed trylocks: " + std::to_string(result.skipped_updates) + "\n";
  out += result.findings.empty() ? "result: clean (no finding)\n"
                                 : "result: " + std::to_string(result.findings.size()) + " finding(s)\n";
  return out + "replay: " + replay + "\n";
}

}  // namespace ovlfuzz
