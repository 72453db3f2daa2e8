#include "model/export/promela.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "model/core/hash.h"
#include "model/exec/resolve.h"
#include "model/program/program.h"
#include "model/verify/calls.h"

namespace ovlfuzz {
namespace {

// A lock a location holds: what its release at op end (or an unlock) must
// undo. Lockdep maps are left out: they never block anyone.
struct Held {
  int inst = -1;
  bool read = false;
  bool operator==(const Held& o) const { return inst == o.inst && read == o.read; }
};

// A location of one thread's flattened code: the call frames (empty at an
// op's end) and the locks held, in acquisition order.
struct Ctx {
  std::vector<Frame> frames;
  std::vector<Held> held;
};

// What happens at a location once transparent instructions (calls, jumps,
// constant conditions, modifications, maps) are skipped.
enum class Kind { kAcquire, kUnlock, kFreezeBegin, kFreezeEnd, kThaw, kBranch, kWrite, kOpEnd };

struct Node {
  Kind kind = Kind::kOpEnd;
  Ctx at;
  int inst = -1;  // kAcquire, kUnlock
  bool read = false, recursive = false, trylock = false;
  int sb = -1;               // kFreezeBegin, kFreezeEnd, kThaw
  std::string cond;          // kBranch
  std::pair<int, int> flag;  // kWrite: (inode, bit)
  bool value = false;        // kWrite
  Ctx next, alt;             // success / true / not busy, and failure / false / -EBUSY
};

std::string Sanitize(const std::string& s) {
  std::string out;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (ok)
      out += c;
    else if (!out.empty() && out.back() != '_')
      out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

class Flattener {
 public:
  Flattener(const World& world, const VerifyOptions& o, const PromelaInfo& info)
      : world_(world),
        s_(world.scheme()),
        o_(o),
        info_(info),
        calls_(ChoosableCalls(world, o)),
        init_flags_(world.InitialFlags()) {
    for (const LockFamily& f : s_.families) per_open_ |= f.domain == Domain::kOpen;
  }

  std::string Run() {
    // Which state bits and superblocks are dynamic: start with none and
    // walk every call's code, treating the others as constants, until the
    // bits it can write stop growing (a bit outside the final set is never
    // written by reachable code, so it really is constant).
    for (;;) {
      const size_t w = written_.size(), f = freezable_.size();
      for (int t = 0; t < (per_open_ ? o_.threads : 1); ++t) Analyze(t);
      if (written_.size() == w && freezable_.size() == f) break;
    }
    // Bits some condition reads (with the final dynamic set) become
    // variables; bits only written are not state.
    for (const auto& fl : read_)
      if (written_.count(fl)) flag_vars_[fl] = "";
    std::set<std::string> names;
    for (auto& [fl, name] : flag_vars_)
      name = Unique("fl_" + Sanitize(world_.InodeName(fl.first)) + "_" + Sanitize(s_.bits[fl.second]), &names);
    std::string body;
    for (int t = 0; t < (per_open_ ? o_.threads : 1); ++t) body += Proctype(t);
    for (int inst : insts_) lock_names_[inst] = Unique("lk_" + Sanitize(world_.InstanceName(inst)), &names);
    // Lock names are only known once every proctype is written.
    for (auto& [inst, name] : lock_names_) ReplaceAll(&body, "@L" + std::to_string(inst) + "@", name);
    return Header() + Globals() + body + Env();
  }

 private:
  static std::string Unique(std::string name, std::set<std::string>* taken) {
    std::string n = name;
    for (int i = 2; !taken->insert(n).second; ++i) n = name + "_" + std::to_string(i);
    return n;
  }
  static void ReplaceAll(std::string* s, const std::string& from, const std::string& to) {
    for (size_t p = s->find(from); p != std::string::npos; p = s->find(from, p + to.size()))
      s->replace(p, from.size(), to);
  }

  Ctx Start(const OpCall& call, int thread) const {
    const Routine& r = s_.routines[call.routine];
    Frame f;
    f.routine = call.routine;
    f.pc = 0;
    f.thread = static_cast<int8_t>(thread);
    for (size_t i = 0; i < r.params.size(); ++i)
      f.args[i] = static_cast<uint8_t>(world_.ArgEntity(r.params[i], call.args[i]));
    Ctx c;
    c.frames.push_back(f);
    return c;
  }

  static std::string Key(const Ctx& c, int acq) {
    std::string k(1, static_cast<char>('0' + acq));
    for (const Frame& f : c.frames) {
      k += "f" + std::to_string(f.routine) + "." + std::to_string(f.pc);
      for (int i = 0; i < kMaxParams; ++i) k += "." + std::to_string(f.args[i]);
    }
    k += "|";
    for (const Held& h : c.held) k += std::to_string(h.inst) + (h.read ? "r," : "w,");
    return k;
  }

  // A condition: a constant (0 or 1) or a Promela expression.
  struct Cond {
    int constant = -1;
    std::string expr;
  };

  Cond FlagCond(int inode, int bit, bool want) {
    std::pair<int, int> fl{inode, bit};
    if (!written_.count(fl)) return {(((init_flags_[inode] >> bit) & 1) != 0) == want ? 1 : 0, ""};
    read_.insert(fl);
    auto it = flag_vars_.find(fl);
    std::string var = it == flag_vars_.end() ? "?" : it->second;
    return {-1, want ? var : "!" + var};
  }

  Cond EvalCond(const Frame& f, int cond_index) {
    const Routine& r = s_.routines[f.routine];
    std::vector<std::string> terms;
    for (const CondAtom& a : r.conds[cond_index]) {
      Cond c;
      switch (a.kind) {
        case CondAtom::Kind::kHas:
        case CondAtom::Kind::kLacks:
          c = FlagCond(RefInode(world_, f, a.ref), a.bit, a.kind == CondAtom::Kind::kHas);
          break;
        case CondAtom::Kind::kAnyChildHas:
        case CondAtom::Kind::kNoChildHas: {
          const int parent = RefEntity(world_, f, a.ref);
          const int sb = a.ref.sb < 0 ? s_.default_overlay : a.ref.sb;
          std::vector<std::string> any;
          bool any_true = false;
          for (int e = 0; e < world_.root(); ++e) {
            if (world_.Parent(e) != parent) continue;
            Cond child = FlagCond(world_.Inode(sb, e), a.bit, true);
            if (child.constant == 1)
              any_true = true;
            else if (child.constant < 0)
              any.push_back(child.expr);
          }
          const bool want_any = a.kind == CondAtom::Kind::kAnyChildHas;
          if (any_true || any.empty()) {
            c.constant = (any_true == want_any) ? 1 : 0;
          } else {
            std::string e;
            for (const std::string& x : any) e += (e.empty() ? "" : " || ") + x;
            c.expr = want_any ? "(" + e + ")" : "!(" + e + ")";
          }
          break;
        }
        case CondAtom::Kind::kFrozen:
        case CondAtom::Kind::kNotFrozen:
          if (!freezable_.count(a.sb))
            c.constant = a.kind == CondAtom::Kind::kNotFrozen ? 1 : 0;
          else
            c.expr = std::string(a.kind == CondAtom::Kind::kFrozen ? "" : "!") + Frozen(a.sb);
          break;
        case CondAtom::Kind::kSame:
        case CondAtom::Kind::kDiffer:
          c.constant =
              (RefEntity(world_, f, a.ref) == RefEntity(world_, f, a.ref2)) == (a.kind == CondAtom::Kind::kSame);
          break;
      }
      if (c.constant == 0) return {0, ""};
      if (c.constant < 0) terms.push_back(c.expr);
    }
    if (terms.empty()) return {1, ""};
    std::string e;
    for (const std::string& t : terms) e += (e.empty() ? "" : " && ") + t;
    return {-1, terms.size() > 1 ? "(" + e + ")" : e};
  }

  std::string Frozen(int sb) const { return "frozen_" + Sanitize(s_.supers[sb].name); }
  std::string Freezing(int sb) const { return "freezing_" + Sanitize(s_.supers[sb].name); }

  static void EndOp(Ctx* c) { c->frames.clear(); }
  // A node at `c` whose `next` goes on at the following instruction.
  static Node StepAt(Kind kind, const Ctx& c) {
    Node n;
    n.kind = kind;
    n.at = c;
    n.next = c;
    ++n.next.frames.back().pc;
    return n;
  }
  // `c` continued at instruction `pc` of its current routine.
  static Ctx JumpTo(Ctx c, int pc) {
    c.frames.back().pc = pc;
    return c;
  }

  // Skips transparent instructions and describes what `c` does next.
  Node Advance(Ctx c) {
    for (;;) {
      Node n;
      if (c.frames.empty()) {
        n.kind = Kind::kOpEnd;
        n.at = std::move(c);
        return n;
      }
      Frame& f = c.frames.back();
      const Instr& in = s_.routines[f.routine].code[f.pc];
      switch (in.op) {
        case Opc::kMightLock:
        case Opc::kModify:
          ++f.pc;
          continue;
        case Opc::kLock:
        case Opc::kTrylock: {
          if (s_.families[in.lock.family].kind == LockKind::kMap) {
            ++f.pc;
            continue;
          }
          n = StepAt(Kind::kAcquire, c);
          n.inst = ResolveLock(world_, f, in.lock);
          n.read = in.read;
          n.recursive = in.recursive;
          n.trylock = in.op == Opc::kTrylock;
          n.next.held.push_back({n.inst, in.read});
          if (n.trylock) {
            n.alt = c;
            if (in.fallback == Fallback::kSkip)
              n.alt = JumpTo(c, in.target);
            else if (in.fallback == Fallback::kFail)
              EndOp(&n.alt);
            else
              ++n.alt.frames.back().pc;
          }
          insts_.insert(n.inst);
          return n;
        }
        case Opc::kUnlock: {
          const int inst = ResolveLock(world_, f, in.lock);
          auto it = std::find_if(c.held.rbegin(), c.held.rend(), [&](const Held& h) { return h.inst == inst; });
          ++f.pc;
          if (it == c.held.rend()) continue;  // a map, or a bad unlock: no lock word changes
          n.kind = Kind::kUnlock;
          n.inst = inst;
          n.read = it->read;
          n.at = c;
          --n.at.frames.back().pc;
          c.held.erase(std::next(it).base());
          n.next = std::move(c);
          return n;
        }
        case Opc::kFreezeBegin:
          n = StepAt(Kind::kFreezeBegin, c);
          n.sb = in.sb;
          n.alt = JumpTo(c, in.target);
          freezing_.insert(in.sb);
          return n;
        case Opc::kFreezeEnd: {
          n = StepAt(Kind::kFreezeEnd, c);
          n.sb = in.sb;
          for (int lvl = 2; lvl >= 0; --lvl) {
            const int inst = world_.SbWriters(in.sb, lvl);
            std::vector<Held>& h = n.next.held;
            auto it = std::find_if(h.rbegin(), h.rend(), [&](const Held& x) { return x.inst == inst; });
            if (it != h.rend()) h.erase(std::next(it).base());
            insts_.insert(inst);
          }
          freezable_.insert(in.sb);
          return n;
        }
        case Opc::kThaw:
          if (!freezable_.count(in.sb)) {  // never frozen: thaw does nothing
            ++f.pc;
            continue;
          }
          n = StepAt(Kind::kThaw, c);
          n.sb = in.sb;
          return n;
        case Opc::kCall: {
          if (static_cast<int>(c.frames.size()) >= kMaxCallDepth) {  // scheme error: the op fails
            EndOp(&c);
            continue;
          }
          Frame callee;
          callee.routine = static_cast<int16_t>(in.callee);
          callee.pc = 0;
          callee.thread = f.thread;
          for (int i = 0; i < in.nargs; ++i) callee.args[i] = static_cast<uint8_t>(RefEntity(world_, f, in.args[i]));
          ++f.pc;
          c.frames.push_back(callee);
          continue;
        }
        case Opc::kJumpIfNot: {
          Cond k = EvalCond(f, in.cond);
          if (k.constant >= 0) {
            f.pc = k.constant ? f.pc + 1 : in.target;
            continue;
          }
          n = StepAt(Kind::kBranch, c);
          n.cond = k.expr;
          n.alt = JumpTo(c, in.target);
          return n;
        }
        case Opc::kJump:
          f.pc = in.target;
          continue;
        case Opc::kSetXattr:
        case Opc::kRemoveXattr:
        case Opc::kSetFlag:
        case Opc::kClearFlag: {
          std::pair<int, int> fl{RefInode(world_, f, in.ref), in.bit};
          written_.insert(fl);
          if (!flag_vars_.count(fl)) {  // not read by any condition: not state
            ++f.pc;
            continue;
          }
          n = StepAt(Kind::kWrite, c);
          n.flag = fl;
          n.value = in.op == Opc::kSetXattr || in.op == Opc::kSetFlag;
          return n;
        }
        case Opc::kReturn:
          c.frames.pop_back();
          continue;
        case Opc::kFail:
          EndOp(&c);
          continue;
      }
    }
  }

  // ---- analysis: every location reachable from every call ----
  void Analyze(int thread) {
    std::set<std::string> seen;
    std::vector<Ctx> work;
    for (const OpCall& call : calls_) work.push_back(Start(call, thread));
    while (!work.empty()) {
      Node n = Advance(std::move(work.back()));
      work.pop_back();
      if (n.kind == Kind::kOpEnd || !seen.insert(Key(n.at, 0)).second) continue;
      work.push_back(n.next);
      if (n.kind == Kind::kBranch || n.kind == Kind::kFreezeBegin || (n.kind == Kind::kAcquire && n.trylock))
        work.push_back(n.alt);
    }
  }

  // ---- emission ----
  std::string Lock(int inst) const { return "@L" + std::to_string(inst) + "@"; }
  std::string Can(const Node& n) const {
    const std::string l = Lock(n.inst);
    if (!n.read) return "(" + l + ".w == 0 && " + l + ".r == 0)";
    if (n.recursive) return "(" + l + ".w == 0)";
    return "(" + l + ".w == 0 && " + l + ".ww == 0)";
  }
  std::string Take(const Node& n) const { return n.read ? Lock(n.inst) + ".r++" : Lock(n.inst) + ".w = 1"; }
  std::string Drop(const Held& h) const { return h.read ? Lock(h.inst) + ".r--" : Lock(h.inst) + ".w = 0"; }

  void Line(const std::string& s) { out_ += std::string(2 * indent_, ' ') + s + "\n"; }
  // A label goes on the next statement written.
  std::string TakeLabel() {
    std::string l = pending_label_.empty() ? "" : pending_label_ + ": ";
    pending_label_.clear();
    return l;
  }
  void Stmt(const std::string& s) { Line(TakeLabel() + s); }

  int StepId(const Ctx& at) {
    auto [it, inserted] = steps_.emplace(Key(at, 1), static_cast<int>(steps_.size()));
    if (inserted) step_queue_.push_back(at);
    return it->second;
  }

  std::string Comment(const Ctx& at) const {
    if (at.frames.empty()) return "";
    const Frame& f = at.frames.back();
    const Routine& r = s_.routines[f.routine];
    const Instr& in = r.code[f.pc];
    std::string op = s_.routines[at.frames.front().routine].name;
    return "  /* " + op + (at.frames.size() > 1 ? " > " + r.name : "") + ": " + s_.Where(in.line) + " */";
  }

  // Writes the code of location `c` here (or a goto to it, if it is written
  // elsewhere already or starts a new step). `acq`: this step has already
  // performed its acquisition, so the next one starts a new step.
  void Emit(const Ctx& c, int acq) {
    Node n = Advance(c);
    if (n.kind == Kind::kOpEnd && n.at.held.empty()) {
      Stmt("goto C" + std::to_string(acq));
      return;
    }
    if (n.kind == Kind::kAcquire && acq) {
      Stmt("goto S" + std::to_string(StepId(n.at)));
      return;
    }
    auto [it, inserted] = mids_.emplace(Key(n.at, acq), static_cast<int>(mids_.size()));
    if (!inserted) {
      Stmt("goto M" + std::to_string(it->second));
      return;
    }
    pending_label_ = "M" + std::to_string(it->second);
    switch (n.kind) {
      case Kind::kOpEnd: {
        std::string rel;
        for (auto h = n.at.held.rbegin(); h != n.at.held.rend(); ++h) rel += (rel.empty() ? "" : "; ") + Drop(*h);
        Stmt(rel + ";  /* op end: release what is still held */");
        Stmt("goto C" + std::to_string(acq));
        return;
      }
      case Kind::kAcquire:  // the first step's acquisition, inside the choice's atomic sequence
        Stmt("if" + Comment(n.at));
        if (!EmitAcquireArms(n, "")) {
          const int id = StepId(n.at);
          Line(":: else -> " + std::string(n.read ? "" : Lock(n.inst) + ".ww++; ") + "goto W" + std::to_string(id));
        }
        Line("fi");
        return;
      case Kind::kUnlock:
        Stmt(Drop({n.inst, n.read}) + ";" + Comment(n.at));
        Emit(n.next, acq);
        return;
      case Kind::kFreezeBegin:
        Stmt("if" + Comment(n.at));
        Line(":: " + Frozen(n.sb) + " || " + Freezing(n.sb) + " ->  /* -EBUSY */");
        ++indent_;
        Emit(n.alt, acq);
        --indent_;
        Line(":: else -> " + Freezing(n.sb) + " = 1;");
        ++indent_;
        Emit(n.next, acq);
        --indent_;
        Line("fi");
        return;
      case Kind::kFreezeEnd: {
        std::string levels;
        for (int lvl = 2; lvl >= 0; --lvl) levels += Lock(world_.SbWriters(n.sb, lvl)) + ".w = 1; ";
        Stmt(levels + Frozen(n.sb) + " = 1; " + Freezing(n.sb) + " = 0;  /* levels now belong to the sb */");
        Emit(n.next, acq);
        return;
      }
      case Kind::kThaw:
        Stmt("if" + Comment(n.at));
        Line(":: " + Frozen(n.sb) + " -> " + Thaw(n.sb));
        Line(":: else -> skip");
        Line("fi;");
        Emit(n.next, acq);
        return;
      case Kind::kBranch:
        Stmt("if" + Comment(n.at));
        Line(":: " + n.cond + " ->");
        ++indent_;
        Emit(n.next, acq);
        --indent_;
        Line(":: else ->");
        ++indent_;
        Emit(n.alt, acq);
        --indent_;
        Line("fi");
        return;
      case Kind::kWrite:
        Stmt(flag_vars_.at(n.flag) + " = " + (n.value ? "1" : "0") + ";" + Comment(n.at));
        Emit(n.next, acq);
        return;
    }
  }

  std::string Thaw(int sb) const {
    std::string s;
    for (int lvl = 2; lvl >= 0; --lvl) s += Lock(world_.SbWriters(sb, lvl)) + ".w = 0; ";
    return s + Frozen(sb) + " = 0";
  }

  // The arms of an acquisition's `if` both kinds of step share: success
  // takes the lock and goes on; a failed trylock takes its fallback branch.
  // Returns false for a blocking lock, whose `else` arm (the wait) the
  // caller writes.
  bool EmitAcquireArms(const Node& n, const std::string& try_failed_comment) {
    Line(":: " + Can(n) + " -> " + Take(n) + ";");
    ++indent_;
    Emit(n.next, 1);
    --indent_;
    if (!n.trylock) return false;
    Line(":: else ->" + try_failed_comment);
    ++indent_;
    Emit(n.alt, 1);
    --indent_;
    return true;
  }

  // One step that starts with an acquisition: the attempt, then (for a lock
  // that must wait) the wait inside the same atomic block.
  void EmitStep(const Ctx& at, int id) {
    Node n = Advance(at);
    Line("S" + std::to_string(id) + ": atomic {");
    ++indent_;
    Line("if" + Comment(n.at));
    if (EmitAcquireArms(n, "  /* trylock failed */")) {
      Line("fi");
    } else {
      Line(":: else -> " + std::string(n.read ? "skip" : Lock(n.inst) + ".ww++") + "  /* blocked */");
      Line("fi;");
      Line("W" + std::to_string(id) + ": " + Can(n) + " -> " + (n.read ? "" : Lock(n.inst) + ".ww--; ") + Take(n) +
           ";");
      Emit(n.next, 1);
    }
    --indent_;
    Line("};");
  }

  void EmitChoice(int acq, int thread) {
    Line("atomic {");
    ++indent_;
    Line(acq ? "skip;  /* never entered here: C1 is reached inside a step */" : "skip;  /* the first step */");
    Line("C" + std::to_string(acq) + ": if");
    Line(":: nops < " + std::to_string(o_.ops) + " ->");
    ++indent_;
    Line("if");
    for (const OpCall& call : calls_) {
      Line(":: nops++;  /* " + FormatOpCall(world_, call) + " */");
      ++indent_;
      Emit(Start(call, thread), acq);
      --indent_;
    }
    Line(":: goto end_done  /* stop here */");
    Line("fi");
    --indent_;
    Line(":: else -> goto end_done");
    Line("fi");
    --indent_;
    Line("};");
  }

  std::string Proctype(int thread) {
    out_.clear();
    indent_ = 0;
    mids_.clear();
    steps_.clear();
    step_queue_.clear();
    if (per_open_)
      Line("active proctype thread" + std::to_string(thread) + "() {");
    else
      Line("active [" + std::to_string(o_.threads) + "] proctype thread() {");
    ++indent_;
    Line("byte nops = 0;  /* calls chosen so far */");
    EmitChoice(0, thread);
    EmitChoice(1, thread);
    for (size_t i = 0; i < step_queue_.size(); ++i) {
      Ctx at = step_queue_[i];  // a copy: emitting may grow the queue
      EmitStep(at, static_cast<int>(i));
    }
    Line("end_done: false  /* a finished thread: a valid end state */");
    --indent_;
    Line("}");
    Line("");
    return out_;
  }

  std::string Header() const {
    std::ostringstream h;
    h << "/* ovlfuzz Promela export: scheme " << s_.name << " (" << s_.path << "), hash " << Hex64(s_.hash) << "\n"
      << " * bounds: " << info_.bounds << "\n"
      << " * produced by: " << info_.command << "\n"
      << " * " << calls_.size() << " calls to choose from, " << (per_open_ ? "one proctype per thread" : "one proctype")
      << "\n"
      << " * Check it: spin -a FILE && gcc -O2 -DSAFETY -o pan pan.c && ./pan  (errors: 1 = invalid end state =\n"
      << " * deadlock). One atomic block (S<n>) per acquisition: the scheduling steps of ovlfuzz's executor;\n"
      << " * W<n>: a thread blocked on that acquisition; C0/C1: the choice of the next call (docs/verify.md).\n"
      << " */\n\n";
    return h.str();
  }

  std::string Globals() const {
    std::ostringstream g;
    g << "typedef Lock {\n  bit w;    /* held for writing (by a thread or, frozen, by the superblock) */\n"
      << "  byte r;   /* readers */\n  byte ww   /* writers waiting: new non-recursive readers queue behind them */\n"
      << "};\n\n";
    for (const auto& [inst, name] : lock_names_) {
      const int kind = static_cast<int>(world_.InstanceKind(inst));
      static const char* const kKinds[] = {"mutex", "rwsem", "percpu_rwsem", "map"};
      g << "Lock " << name << ";  /* " << world_.InstanceName(inst) << ": " << kKinds[kind] << " "
        << world_.ClassName(world_.ClassOf(inst, 0)) << " */\n";
    }
    if (!lock_names_.empty()) g << "\n";
    for (const auto& [fl, name] : flag_vars_)
      g << "bit " << name << " = " << ((init_flags_[fl.first] >> fl.second) & 1) << ";  /* "
        << world_.InodeName(fl.first) << " " << s_.bits[fl.second] << " */\n";
    std::set<int> supers(freezable_.begin(), freezable_.end());
    supers.insert(freezing_.begin(), freezing_.end());
    for (int sb : supers) g << "bit " << Frozen(sb) << ", " << Freezing(sb) << ";\n";
    g << "\n";
    return g.str();
  }

  std::string Env() const {
    if (freezable_.empty()) return "";
    std::string any, thaw;
    for (int sb : freezable_) {
      any += (any.empty() ? "" : " || ") + Frozen(sb);
      thaw += "    if :: " + Frozen(sb) + " -> " + Thaw(sb) + " :: else -> skip fi;\n";
    }
    std::string e =
        "/* The environment: when nobody can run while a superblock is frozen, it is thawed\n"
        " * (fsfreeze -u), so only a waiting freezer can deadlock. */\n"
        "active proctype env() {\n"
        "end_env:\n"
        "  do\n"
        "  :: atomic { timeout && (" +
        any + ") ->\n" + thaw +
        "  }\n"
        "  od\n"
        "}\n";
    for (const auto& [inst, name] : lock_names_) ReplaceAll(&e, "@L" + std::to_string(inst) + "@", name);
    return e;
  }

  const World& world_;
  const Scheme& s_;
  const VerifyOptions& o_;
  const PromelaInfo& info_;
  const std::vector<OpCall> calls_;
  const std::vector<uint64_t> init_flags_;
  bool per_open_ = false;

  std::set<std::pair<int, int>> written_, read_;
  std::map<std::pair<int, int>, std::string> flag_vars_;
  std::set<int> freezable_, freezing_, insts_;
  std::map<int, std::string> lock_names_;

  std::string out_;
  int indent_ = 0;
  std::string pending_label_;
  std::map<std::string, int> mids_, steps_;
  std::vector<Ctx> step_queue_;
};

}  // namespace

std::string ExportPromela(const World& world, const VerifyOptions& o, const PromelaInfo& info) {
  if (o.fixed_program || o.preemptions >= 0)
    throw std::invalid_argument("a Promela export has no fixed program and no preemption bound");
  return Flattener(world, o, info).Run();
}

}  // namespace ovlfuzz
