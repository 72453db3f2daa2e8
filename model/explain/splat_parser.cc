// ParseSplat(): reads lockdep's circular and recursive reports section by
// section (kernel/locking/lockdep.c: print_circular_bug_header(),
// print_circular_bug_entry(), print_circular_lock_scenario(),
// print_deadlock_bug(), lockdep_print_held_locks()). Lines that belong to
// none of the expected shapes (other tasks' output interleaved on the
// console) are skipped and counted in Splat::warnings.
#include <algorithm>
#include <cctype>

#include "model/core/input_error.h"
#include "model/explain/report_lines.h"
#include "model/explain/splat.h"

namespace ovlfuzz {
namespace {

constexpr std::string_view kCircular = "possible circular locking dependency detected";
constexpr std::string_view kRecursive = "possible recursive locking detected";
constexpr std::string_view kTrying = " is trying to acquire lock:";
// Other lockdep reports: recognized so the error can name them.
constexpr std::string_view kUnsupported[] = {
    "inconsistent lock state",
    "possible irq lock inversion dependency detected",
    "lock order detected",  // "HARDIRQ-safe -> HARDIRQ-unsafe lock order detected"
    "bad unlock balance detected",
    "suspicious RCU usage",
    "held lock freed",
    "lock held when returning to user space",
    "lock held at task exit",
    "bad contention detected",
};

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
bool Contains(std::string_view s, std::string_view p) { return s.find(p) != std::string_view::npos; }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsSymbolChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '$'; }

// A stack frame: `[? ][[<addr>] ]func[+0xOFF/0xLEN][ path:line][ [inline]][ [module]]`.
bool ParseFrame(std::string_view s, int line, SplatFrame* f) {
  s = Trim(s);
  if (StartsWith(s, "? ")) s.remove_prefix(2);
  if (StartsWith(s, "[<")) {
    size_t e = s.find(">]");
    if (e == std::string_view::npos) return false;
    s = Trim(s.substr(e + 2));
  }
  size_t i = 0;
  while (i < s.size() && IsSymbolChar(s[i])) ++i;
  if (i == 0 || IsDigit(s[0]) || s[0] == '.') return false;
  SplatFrame out;
  out.function = std::string(s.substr(0, i));
  out.line = line;
  std::string_view rest = s.substr(i);
  bool offset = false;
  if (StartsWith(rest, "+0x")) {
    size_t e = rest.find_first_of(" \t");
    if (e == std::string_view::npos) e = rest.size();
    if (rest.substr(0, e).find("/0x") == std::string_view::npos) return false;
    rest = rest.substr(e);
    offset = true;
  }
  rest = Trim(rest);
  bool located = false;
  while (!rest.empty()) {
    size_t e = rest.find_first_of(" \t");
    std::string_view tok = rest.substr(0, e);
    if (tok == "[inline]") {
      out.inlined = true;
    } else if (tok.size() > 2 && tok.front() == '[' && tok.back() == ']') {
      // a module name, e.g. [nf_tables]
    } else if (!located && Contains(tok, ":") && (Contains(tok, "/") || Contains(tok, ".c") || Contains(tok, ".h"))) {
      out.location = std::string(tok);
      located = true;
    } else {
      return false;  // prose, not a frame
    }
    rest = e == std::string_view::npos ? std::string_view() : Trim(rest.substr(e));
  }
  if (!offset && !located) return false;  // a bare word is not a frame
  *f = std::move(out);
  return true;
}

// `[ADDR ](CLASS){USAGE}[-{a:b}][, at: FRAME]`; the class may itself hold
// parentheses (`(wq_completion)events`, `&q->q_usage_counter(io)#10`).
bool ParseLockText(std::string_view s, int line, SplatLock* lock, SplatFrame* at, bool* has_at) {
  s = Trim(s);
  size_t open = s.find('(');
  size_t close = s.find("){");
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return false;
  // Only an address may come before the class.
  std::string_view addr = Trim(s.substr(0, open));
  if (!addr.empty() && addr != "(____ptrval____)" &&
      !std::all_of(addr.begin(), addr.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
    return false;
  if (addr == "(____ptrval____)") {
    s = Trim(s.substr(open + addr.size()));
    open = s.find('(');
    close = s.find("){");
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) return false;
  }
  lock->cls = std::string(s.substr(open + 1, close - open - 1));
  size_t usage_end = s.find('}', close);
  if (usage_end == std::string_view::npos) return false;
  std::string_view after = s.substr(usage_end + 1);
  if (StartsWith(after, "-{")) {
    size_t e = after.find('}');
    if (e != std::string_view::npos) usage_end += e + 1;
  }
  lock->usage = std::string(s.substr(close + 1, usage_end - close));
  lock->line = line;
  *has_at = false;
  std::string_view rest = Trim(s.substr(usage_end + 1));
  if (StartsWith(rest, ", at:"))
    *has_at = ParseFrame(rest.substr(5), line, at);
  else if (StartsWith(rest, "at:"))
    *has_at = ParseFrame(rest.substr(3), line, at);
  return true;
}

class Parser {
 public:
  Parser(std::string_view text, std::string path) : path_(std::move(path)), lines_(ReportLines(text)) {}

  Splat Parse() {
    FindHeader();
    ReadHead();
    Expect(kTrying, "'... is trying to acquire lock:'");
    s_.task = std::string(Trim(Cur().Trimmed().substr(0, Cur().Trimmed().size() - kTrying.size())));
    ++i_;
    ReadLock(&s_.acquiring, "the lock being acquired");
    Expect("but task is already holding lock:", "'but task is already holding lock:'");
    ++i_;
    ReadLock(&s_.held, "the held lock");
    if (s_.kind == SplatKind::kCircular) {
      Expect("the existing dependency chain (in reverse order) is:", "'the existing dependency chain'");
      ++i_;
      ReadChain();
    }
    ReadTail();
    Validate();
    if (noise_ > 0)
      s_.warnings.push_back("skipped " + std::to_string(noise_) +
                            " line(s) inside the report that are not lockdep's (first at line " +
                            std::to_string(first_noise_) + ")");
    return std::move(s_);
  }

 private:
  const ReportLine& Cur() const { return lines_[i_]; }
  bool AtEnd() const { return i_ >= lines_.size(); }
  int LastLine() const { return lines_.empty() ? 1 : lines_.back().line; }

  [[noreturn]] void Fail(int line, const std::string& msg) const { throw InputError(path_, line, 1, msg); }
  [[noreturn]] void Truncated(const std::string& what) const {
    Fail(LastLine(), "truncated lockdep report: the file ends before " + what + " (report starts at line " +
                         std::to_string(s_.header_line) + ")");
  }

  // A line of this report: the header's caller id, or none. Lines of other
  // tasks interleaved on the console are skipped.
  bool Foreign(const ReportLine& l) const { return !tag_.empty() && !l.tag.empty() && l.tag != tag_; }

  void Noise(const ReportLine& l) {
    std::string_view t = l.Trimmed();
    if (t.empty() || t == s_.kernel || t == "which lock already depends on the new lock." ||
        t.find_first_not_of("=-") == t.npos)
      return;
    if (noise_++ == 0) first_noise_ = l.line;
  }

  void FindHeader() {
    for (i_ = 0; i_ < lines_.size(); ++i_) {
      std::string_view t = Cur().Trimmed();
      if (Contains(t, kCircular) || Contains(t, kRecursive)) {
        s_.kind = Contains(t, kCircular) ? SplatKind::kCircular : SplatKind::kRecursive;
        s_.title = std::string(t);
        s_.header_line = Cur().line;
        tag_ = Cur().tag;
        ++i_;
        return;
      }
      if (StartsWith(t, "WARNING:") || StartsWith(t, "INFO:") || StartsWith(t, "[ INFO:")) {
        for (std::string_view u : kUnsupported)
          if (Contains(t, u))
            Fail(Cur().line, "unsupported lockdep report '" + std::string(t) + "': explain takes '" +
                                 std::string(kCircular) + "' and '" + std::string(kRecursive) + "'");
      }
    }
    bool blank = std::all_of(lines_.begin(), lines_.end(), [](const ReportLine& l) { return l.Trimmed().empty(); });
    Fail(1, blank ? "empty file: expected a lockdep report"
                  : "no lockdep report found: expected a line 'WARNING: " + std::string(kCircular) +
                        "' or 'WARNING: " + std::string(kRecursive) + "'");
  }

  // Between the header and the task line: separators and the kernel line.
  void ReadHead() {
    for (size_t j = i_; j < lines_.size() && j < i_ + 6; ++j) {
      std::string_view t = lines_[j].Trimmed();
      if (EndsWith(t, kTrying)) break;
      if (t.empty() || t.find_first_not_of("=-") == std::string_view::npos) continue;
      if (s_.kernel.empty() && !Foreign(lines_[j]) && (Contains(t, "tainted") || Contains(t, "Tainted"))) s_.kernel = t;
    }
  }

  // Advances to the line ending with `marker`. Only noise may come first.
  void Expect(std::string_view marker, const std::string& what) {
    for (; !AtEnd(); ++i_) {
      if (Foreign(Cur())) continue;
      std::string_view t = Cur().Trimmed();
      if (EndsWith(t, marker)) return;
      if (IsSectionStart(t)) Fail(Cur().line, "expected " + what + " before this line in the lockdep report");
      Noise(Cur());
    }
    Truncated(what);
  }

  static bool IsSectionStart(std::string_view t) {
    return Contains(t, kCircular) || Contains(t, kRecursive) || t == "but task is already holding lock:" ||
           t == "the existing dependency chain (in reverse order) is:" ||
           t == "other info that might help us debug this:" || t == "Chain exists of:" ||
           t == "Possible unsafe locking scenario:" || t == "stack backtrace:" || StartsWith(t, "-> #");
  }

  // The lock lines after "is trying to acquire" / "already holding": one
  // per inlined frame, all with the same class.
  void ReadLock(SplatLock* lock, const std::string& what) {
    bool got = false;
    for (; !AtEnd(); ++i_) {
      if (Foreign(Cur())) continue;
      std::string_view t = Cur().Trimmed();
      if (t.empty()) {
        if (got) break;
        continue;
      }
      SplatLock l;
      SplatFrame at;
      bool has_at = false;
      if (!ParseLockText(t, Cur().line, &l, &at, &has_at)) {
        if (got || IsSectionStart(t) || Contains(t, "which lock already depends")) break;
        Noise(Cur());
        continue;
      }
      if (l.cls.empty()) Fail(Cur().line, "lock line without a lock class: '" + std::string(t) + "'");
      if (got && l.cls != lock->cls) break;
      if (!got) *lock = l;
      got = true;
      if (has_at) lock->frames.push_back(at);
    }
    if (!got) AtEnd() ? Truncated(what) : Fail(Cur().line, "expected a lock line '(class){usage}' for " + what);
  }

  void ReadChain() {
    int expected = -1;
    for (; !AtEnd(); ++i_) {
      if (Foreign(Cur())) continue;
      std::string_view t = Cur().Trimmed();
      if (t.empty()) continue;
      if (StartsWith(t, "-> #")) {
        size_t k = 4;
        while (k < t.size() && IsDigit(t[k])) ++k;
        if (k == 4) Fail(Cur().line, "chain entry without a number: '" + std::string(t) + "'");
        int n = std::stoi(std::string(t.substr(4, k - 4)));
        if (expected >= 0 && n != expected)
          Fail(Cur().line,
               "chain entry -> #" + std::to_string(n) + " where -> #" + std::to_string(expected) + " was expected");
        SplatEntry e;
        e.number = n;
        SplatFrame unused;
        bool has_at = false;
        std::string_view body = Trim(t.substr(k));
        if (EndsWith(body, ":")) body.remove_suffix(1);
        if (!ParseLockText(body, Cur().line, &e.lock, &unused, &has_at) || Trim(e.lock.cls).empty())
          Fail(Cur().line, "chain entry -> #" + std::to_string(n) + " has no lock class");
        s_.chain.push_back(std::move(e));
        expected = n - 1;
        continue;
      }
      if (IsSectionStart(t) || Contains(t, " held by ")) break;
      SplatFrame f;
      if (!s_.chain.empty() && ParseFrame(t, Cur().line, &f)) {
        s_.chain.back().lock.frames.push_back(std::move(f));
        continue;
      }
      Noise(Cur());
    }
    if (s_.chain.empty()) Truncated("the first '-> #N' entry of the dependency chain");
    if (expected >= 0)
      AtEnd() ? Truncated("'-> #" + std::to_string(expected) + "' of the dependency chain")
              : Fail(Cur().line, "the dependency chain stops at -> #" + std::to_string(expected + 1) + "; -> #" +
                                     std::to_string(expected) + " is missing");
  }

  // "Chain exists of:", the scenario and the held locks, up to the stack
  // backtrace; all optional (a report cut after the chain is still usable).
  void ReadTail() {
    for (; !AtEnd(); ++i_) {
      if (Foreign(Cur())) continue;
      std::string_view t = Cur().Trimmed();
      if (t.empty()) continue;
      if (t == "stack backtrace:" || t == "Call Trace:") {
        ReadBacktrace();
        return;
      }
      if (Contains(t, kCircular) || Contains(t, kRecursive)) {
        s_.warnings.push_back("the file holds another lockdep report (line " + std::to_string(Cur().line) +
                              "); explaining the first");
        return;
      }
      if (t == "Chain exists of:") {
        ReadChainExists();
        continue;
      }
      if (StartsWith(t, "lock(") || StartsWith(t, "rlock(") || StartsWith(t, "sync(")) {
        ReadScenarioStep(t);
        continue;
      }
      if (Contains(t, " held by ")) {
        s_.held_by = std::string(t);
        if (EndsWith(s_.held_by, ":") || EndsWith(s_.held_by, ".")) s_.held_by.pop_back();
        continue;
      }
      if (StartsWith(t, "#") && t.size() > 1 && IsDigit(t[1]) && t.find(':') != std::string_view::npos) {
        ReadHeldLock(t);
        continue;
      }
      static constexpr std::string_view kKnown[] = {"other info that might help us debug this:",
                                                    "Possible unsafe locking scenario:",
                                                    "*** DEADLOCK ***",
                                                    "May be due to missing lock nesting notation",
                                                    "CPU0",
                                                    "----"};
      if (std::any_of(std::begin(kKnown), std::end(kKnown), [&](std::string_view k) { return StartsWith(t, k); }))
        continue;
      Noise(Cur());
    }
  }

  // The frames after "stack backtrace:" up to the first line that is
  // neither a frame nor the header lines dump_stack() prints.
  void ReadBacktrace() {
    for (++i_; !AtEnd(); ++i_) {
      if (Foreign(Cur())) continue;
      std::string_view t = Cur().Trimmed();
      if (t.empty() || StartsWith(t, "CPU: ") || StartsWith(t, "Hardware name:") || t == "Call Trace:" ||
          t == "<TASK>" || t == "Call trace:")
        continue;
      SplatFrame f;
      if (!ParseFrame(t, Cur().line, &f)) return;
      s_.backtrace.push_back(std::move(f));
    }
  }

  void ReadChainExists() {
    for (++i_; !AtEnd(); ++i_) {
      if (Foreign(Cur()) || Cur().Trimmed().empty()) continue;
      std::string_view t = Cur().Trimmed();
      size_t pos = 0;
      for (;;) {
        size_t arrow = t.find(" --> ", pos);
        s_.chain_exists.emplace_back(Trim(t.substr(pos, arrow == std::string_view::npos ? arrow : arrow - pos)));
        if (arrow == std::string_view::npos) break;
        pos = arrow + 5;
      }
      chain_exists_line_ = Cur().line;
      return;
    }
  }

  void ReadScenarioStep(std::string_view t) {
    ScenarioStep st;
    size_t open = t.find('(');
    st.verb = std::string(t.substr(0, open));
    std::string_view cls = t.substr(open + 1);
    if (EndsWith(cls, ");")) cls.remove_suffix(2);
    st.cls = std::string(cls);
    // lockdep's CPU1 column starts 31 columns in; CPU0 lines 2 in.
    st.cpu = Cur().indent() >= 16 ? 1 : 0;
    st.line = Cur().line;
    s_.scenario.push_back(std::move(st));
  }

  void ReadHeldLock(std::string_view t) {
    size_t colon = t.find(':');
    int index = std::stoi(std::string(t.substr(1, colon - 1)));
    SplatLock l;
    SplatFrame at;
    bool has_at = false;
    if (!ParseLockText(t.substr(colon + 1), Cur().line, &l, &at, &has_at)) {
      Noise(Cur());
      return;
    }
    if (index < static_cast<int>(s_.held_locks.size())) {
      if (has_at) s_.held_locks[index].frames.push_back(at);
      return;
    }
    if (index != static_cast<int>(s_.held_locks.size())) {
      s_.warnings.push_back("held-locks list skips to #" + std::to_string(index) + " at line " +
                            std::to_string(Cur().line));
    }
    if (has_at) l.frames.push_back(at);
    s_.held_locks.push_back(std::move(l));
  }

  void Validate() {
    if (s_.kind == SplatKind::kRecursive) {
      if (s_.acquiring.cls != s_.held.cls)
        Fail(s_.held.line, "a recursive-locking report must acquire the class it holds, but it acquires '" +
                               s_.acquiring.cls + "' and holds '" + s_.held.cls + "'");
      return;
    }
    const SplatEntry& first = s_.chain.front();  // #n
    const SplatEntry& last = s_.chain.back();    // #0
    if (first.number < 1) Fail(first.lock.line, "the dependency chain needs at least the entries -> #1 and -> #0");
    if (first.number >= kMaxSplatClasses)
      Fail(first.lock.line, "the dependency chain has " + std::to_string(first.number + 1) +
                                " entries; explain handles up to " + std::to_string(kMaxSplatClasses));
    if (last.lock.cls != s_.acquiring.cls)
      Fail(last.lock.line, "chain entry -> #0 (" + last.lock.cls + ") is not the lock being acquired (" +
                               s_.acquiring.cls + ", line " + std::to_string(s_.acquiring.line) + ")");
    if (first.lock.cls != s_.held.cls)
      Fail(first.lock.line, "chain entry -> #" + std::to_string(first.number) + " (" + first.lock.cls +
                                ") is not the held lock (" + s_.held.cls + ", line " + std::to_string(s_.held.line) +
                                ")");
    if (!s_.chain_exists.empty()) {
      const std::string& parent = s_.chain[1].lock.cls;  // #(n-1)
      std::vector<std::string> want = {s_.acquiring.cls, parent, s_.held.cls};
      if (first.number == 1) {
        s_.warnings.push_back("'Chain exists of:' with only two classes (line " + std::to_string(chain_exists_line_) +
                              "); lockdep prints it for three or more");
      } else if (s_.chain_exists != want) {
        Fail(chain_exists_line_, "'Chain exists of:' names " + Join(s_.chain_exists) + " but the chain entries give " +
                                     Join(want) + " (source --> parent --> target)");
      }
    }
    for (const ScenarioStep& st : s_.scenario)
      if (st.cls != s_.acquiring.cls && st.cls != s_.held.cls && st.cls != s_.chain[1].lock.cls)
        s_.warnings.push_back("scenario line " + std::to_string(st.line) + " names '" + st.cls +
                              "', a class outside the chain's source, parent and target");
  }

  static std::string Join(const std::vector<std::string>& v) {
    std::string s;
    for (const std::string& x : v) s += (s.empty() ? "" : " --> ") + x;
    return s;
  }

  std::string path_;
  std::vector<ReportLine> lines_;
  size_t i_ = 0;
  std::string tag_;
  Splat s_;
  int noise_ = 0, first_noise_ = 0;
  int chain_exists_line_ = 0;
};

}  // namespace

std::string SplatFrame::Base() const {
  std::string b = function;
  size_t dot = b.find('.');
  if (dot != std::string::npos && dot > 0) b.resize(dot);
  return b;
}

bool SplatFrame::IsLockingInternal() const {
  // lockdep itself and the lock primitives (their wrappers such as
  // inode_lock() or file_start_write() are what scheme lines name).
  static const char* const kInternal[] = {"lock_acquire",
                                          "__lock_acquire",
                                          "check_prev_add",
                                          "check_prevs_add",
                                          "validate_chain",
                                          "arch_stack_walk",
                                          "stack_trace_save",
                                          "save_trace",
                                          "check_noncircular",
                                          "print_circular_bug",
                                          "down_write",
                                          "down_read",
                                          "down_write_nested",
                                          "down_read_nested",
                                          "down_write_killable",
                                          "mutex_lock",
                                          "mutex_lock_nested",
                                          "__mutex_lock",
                                          "__mutex_lock_common",
                                          "mutex_lock_interruptible_nested",
                                          "percpu_down_read",
                                          "percpu_down_read_preempt_disable",
                                          "percpu_down_write",
                                          "rwsem_down_read_slowpath",
                                          "rwsem_down_write_slowpath",
                                          "_raw_spin_lock",
                                          "dump_stack",
                                          "dump_stack_lvl",
                                          "__dump_stack"};
  if (location.rfind("kernel/locking/", 0) == 0) return true;
  std::string b = Base();
  return std::any_of(std::begin(kInternal), std::end(kInternal), [&](const char* k) { return b == k; });
}

std::string SplatFrame::Short() const { return location.empty() ? function : function + " " + location; }

const char* Splat::KindName() const { return kind == SplatKind::kCircular ? "circular" : "recursive"; }

std::vector<std::string> Splat::Cycle() const {
  if (kind == SplatKind::kRecursive) return {acquiring.cls};
  std::vector<std::string> c;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) c.push_back(it->lock.cls);
  return c;
}

const SplatEntry* Splat::Entry(int k) const {
  for (const SplatEntry& e : chain)
    if (e.number == k) return &e;
  return nullptr;
}

std::vector<SplatFrame> Splat::EdgeFrames(int k) const {
  std::vector<SplatFrame> out;
  if (k > 0 || kind == SplatKind::kCircular) {
    if (const SplatEntry* e = Entry(k)) out = e->lock.frames;
    if (k > 0) return out;
  }
  out.insert(out.end(), acquiring.frames.begin(), acquiring.frames.end());
  out.insert(out.end(), backtrace.begin(), backtrace.end());
  return out;
}

bool Splat::AcquiringRead() const {
  for (auto it = scenario.rbegin(); it != scenario.rend(); ++it)
    if (it->cpu == 0 && it->cls == acquiring.cls) return it->verb == "rlock";
  return false;
}

bool Splat::HeldRead() const {
  for (const ScenarioStep& st : scenario)
    if (st.cpu == 0 && st.cls == held.cls) return st.verb == "rlock";
  return false;
}

Splat ParseSplat(std::string_view text, const std::string& path) {
  Splat s = Parser(text, path).Parse();
  s.path = path;
  return s;
}

}  // namespace ovlfuzz
