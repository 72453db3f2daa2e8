// Scheme parser and compiler. One pass over the token lines collects the
// declarations and routine signatures (so routines may call each other in any
// order), a second pass compiles each routine body into flat instructions.
#include "model/scheme/parser.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "model/core/hash.h"
#include "model/core/input_error.h"
#include "model/scheme/cursor.h"
#include "model/scheme/lexer.h"

namespace ovlfuzz {
namespace {

const char* const kKinds[] = {"lock-inversion", "recursive-locking",       "deadlock",
                              "missed-trylock-fallback", "unprotected-modification", "skipped-xattr-update",
                              "hang",           "bad-unlock",              "scheme-error"};

enum class RefType { kInode, kPipe, kSb };

constexpr int kMaxRepeat = 16;
constexpr int kMaxRefDepth = 64;
// Nested repeats multiply; past this a routine is refused.
constexpr size_t kMaxInstructions = 1 << 16;

class Parser {
 public:
  Parser(Scheme& s, const std::string& file) : s_(s), file_(file) {}

  void Run(const std::vector<TokenLine>& lines) {
    AddBuiltins();
    // Declarations first (wherever they appear), so that routine bodies can
    // name any superblock or lock; routine bodies are skipped here.
    std::vector<size_t> routine_starts;
    for (size_t i = 0; i < lines.size(); ++i) {
      Cursor c(lines[i], file_);
      const Token& head = c.Word("a directive");
      const std::string& w = head.text;
      if (w == "op" || w == "sub") {
        routine_starts.push_back(i);
        i = SkipRoutine(lines, i);
      } else if (w == "scheme") {
        if (!s_.name.empty()) c.Fail(head, "second 'scheme' line");
        s_.name = c.Word("scheme name").text;
        c.ExpectEnd();
      } else if (w == "expect") {
        ParseExpect(c);
      } else if (w == "world") {
        ParseWorld(c);
      } else if (w == "super") {
        ParseSuper(c);
      } else if (w == "lock") {
        ParseLockDecl(c, head);
      } else if (w == "init") {
        init_lines_.push_back(i);  // after `world` and `super` are all known
      } else if (w == "end") {
        c.Fail(head, "'end' without an open op, sub or block");
      } else {
        c.Fail(head, "unknown directive '" + w + "' (expected scheme, expect:, world, super, lock, init, op or sub)");
      }
    }
    SetDefaultOverlay(lines);
    CollectSignatures(lines);
    for (size_t i : init_lines_) {
      Cursor c(lines[i], file_);
      c.Next();
      ParseInit(c);
    }
    for (size_t i : routine_starts) CompileRoutine(lines, i);
    Finish(lines);
  }

  // Returns the index of the `end` closing the routine starting at `start`.
  size_t SkipRoutine(const std::vector<TokenLine>& lines, size_t start) {
    int depth = 0;
    for (size_t i = start + 1; i < lines.size(); ++i) {
      const std::string& w = lines[i].tokens.front().text;
      if (w == "if" || w == "block" || w == "repeat") ++depth;
      if (w == "op" || w == "sub") break;
      if (w == "end" && depth-- == 0) return i;
    }
    const Token& t = lines[start].tokens[1 < lines[start].tokens.size() ? 1 : 0];
    throw InputError(file_, t.line, t.col, "'" + t.text + "' has no matching 'end'");
  }

  void SetDefaultOverlay(const std::vector<TokenLine>& lines) {
    s_.default_overlay = -1;
    for (size_t i = 0; i < s_.supers.size(); ++i)
      if (s_.supers[i].overlay && s_.default_overlay < 0) s_.default_overlay = static_cast<int>(i);
    if (s_.default_overlay < 0)
      throw InputError(file_, lines.front().line, 1, "no overlay superblock is declared");
  }

  // ---- declarations -------------------------------------------------------

  void AddBuiltins() {
    auto fam = [&](const char* name, FamilyKind fk, LockKind k, Domain d,
                   std::vector<std::string> levels) {
      LockFamily f;
      f.name = name;
      f.family = fk;
      f.kind = k;
      f.domain = d;
      f.levels = std::move(levels);
      s_.families.push_back(f);
    };
    fam("i_rwsem", FamilyKind::kIRwsem, LockKind::kRwsem, Domain::kInode, {"-"});
    fam("ovl_lock", FamilyKind::kOvlLock, LockKind::kMutex, Domain::kInode, {"-"});
    fam("pipe_mutex", FamilyKind::kPipeMutex, LockKind::kMutex, Domain::kPipe, {"-"});
    fam("sb_writers", FamilyKind::kSbWriters, LockKind::kPercpuRwsem, Domain::kSb,
        {"write", "pagefault", "fs"});
    fam("s_umount", FamilyKind::kSUmount, LockKind::kRwsem, Domain::kSb, {"-"});
    fam("s_vfs_rename_mutex", FamilyKind::kRenameMutex, LockKind::kMutex, Domain::kSb, {"-"});
    // The three superblocks of the seed thread; a scheme may redeclare them.
    s_.supers.push_back({"ovl", "overlay", 10, true, 1, false, 0, -1, {}});
    s_.supers.push_back({"upper", "ext4", 4, false, 0, false, 1, -1, {}});
    s_.supers.push_back({"lower", "xfs", 5, false, 0, true, 2, -1, {}});
  }

  void CollectSignatures(const std::vector<TokenLine>& lines) {
    for (const TokenLine& l : lines) {
      Cursor c(l, file_);
      const Token& head = c.Next();
      if (head.text != "op" && head.text != "sub") continue;
      const Token& name = c.Word("routine name");
      if (routine_index_.count(name.text))
        c.Fail(name, "'" + name.text + "' is already defined");
      Routine r;
      r.name = name.text;
      r.is_op = head.text == "op";
      r.line = l.line;
      c.Expect("(");
      if (!c.Accept(")")) {
        for (;;) {
          const Token& type = c.Word("a parameter type");
          ParamType pt;
          if (type.text == "file") pt = ParamType::kFile;
          else if (type.text == "dir") pt = ParamType::kDir;
          else if (type.text == "node") pt = ParamType::kNode;
          else if (type.text == "pipe") pt = ParamType::kPipe;
          else c.Fail(type, "unknown parameter type '" + type.text + "' (file, dir, node or pipe)");
          const Token& pname = c.Word("a parameter name");
          if (std::find(r.param_names.begin(), r.param_names.end(), pname.text) != r.param_names.end())
            c.Fail(pname, "duplicate parameter '" + pname.text + "'");
          if (IsReservedRefWord(pname.text))
            c.Fail(pname, "'" + pname.text + "' is reserved and cannot name a parameter");
          if (r.params.size() == kMaxParams)
            c.Fail(pname, "at most " + std::to_string(kMaxParams) + " parameters");
          r.params.push_back(pt);
          r.param_names.push_back(pname.text);
          if (c.Accept(")")) break;
          c.Expect(",");
        }
      }
      c.Expect(":");
      c.ExpectEnd();
      routine_index_[r.name] = static_cast<int>(s_.routines.size());
      if (r.is_op) s_.ops.push_back(static_cast<int>(s_.routines.size()));
      s_.routines.push_back(std::move(r));
    }
  }

  bool IsReservedRefWord(const std::string& w) const {
    return w == "root" || w == "workdir" || w == "indexdir" || w == "parent" || w == "first" ||
           w == "second" || FindSuper(w) >= 0;
  }

  void ParseExpect(Cursor& c) {
    c.Expect(":");
    while (!c.AtEnd()) {
      const Token& k = c.Word("a finding kind");
      if (!IsKnownFindingKind(k.text)) c.Fail(k, "unknown finding kind '" + k.text + "'");
      s_.expect.push_back(k.text);
    }
  }

  void ParseWorld(Cursor& c) {
    while (!c.AtEnd()) {
      const Token& key = c.Word("files=, dirs= or pipes=");
      c.Expect("=");
      if (key.text == "files") s_.files = ParseInt(c, "a file count", 1, 8);
      else if (key.text == "dirs") s_.dirs = ParseInt(c, "a dir count", 1, 4);
      else if (key.text == "pipes") s_.pipes = ParseInt(c, "a pipe count", 1, 4);
      else c.Fail(key, "unknown world setting '" + key.text + "'");
    }
  }

  int FindSuper(const std::string& name) const {
    for (size_t i = 0; i < s_.supers.size(); ++i)
      if (s_.supers[i].name == name) return static_cast<int>(i);
    return -1;
  }

  void ParseSuper(Cursor& c) {
    const Token& name = c.Word("a superblock name");
    int idx = FindSuper(name.text);
    if (idx < 0) {
      if (s_.supers.size() >= kMaxSupers) c.Fail(name, "at most " + std::to_string(kMaxSupers) + " superblocks");
      s_.supers.push_back({name.text, "ext4", 4, false, 0, false, static_cast<int>(s_.supers.size()), -1, {}});
      idx = static_cast<int>(s_.supers.size()) - 1;
    }
    Superblock& sb = s_.supers[idx];
    sb.type = c.Word("a file-system type").text;
    sb.overlay = sb.type == "overlay";
    if (sb.overlay && sb.depth == 0) sb.depth = 1;
    if (!sb.overlay) sb.depth = 0;
    while (!c.AtEnd()) {
      const Token& key = c.Word("a superblock attribute");
      if (key.text == "readonly") { sb.readonly = true; continue; }
      c.Expect("=");
      if (key.text == "class") sb.class_no = ParseInt(c, "a class number", 1, 99);
      else if (key.text == "depth") sb.depth = ParseInt(c, "a stacking depth", 1, 2);
      else if (key.text == "upper" || key.text == "lower") {
        // The overlay's layers, declared before it.
        if (!sb.overlay) c.Fail(key, "only an overlay names its " + key.text + " layer");
        if (key.text == "lower") sb.lower_sbs.clear();
        for (;;) {
          const Token& w = c.Word("a superblock name");
          int layer = FindSuper(w.text);
          if (layer < 0) c.Fail(w, "unknown superblock '" + w.text + "' (declare a layer before the overlay using it)");
          if (layer == idx) c.Fail(w, "an overlay cannot be its own layer");
          if (key.text == "upper") {
            if (s_.supers[layer].readonly) c.Fail(w, "'" + w.text + "' is readonly: it cannot be an upper layer");
            sb.upper_sb = layer;
            break;
          }
          sb.lower_sbs.push_back(layer);
          if (!c.Accept(",")) break;
        }
      }
      else if (key.text == "writers") {
        const Token& w = c.Word("a superblock name");
        int to = FindSuper(w.text);
        if (to < 0) c.Fail(w, "unknown superblock '" + w.text + "'");
        sb.writers_of = to;
      } else c.Fail(key, "unknown superblock attribute '" + key.text +
                              "' (class=, depth=, writers=, upper=, lower=, readonly)");
    }
  }

  void ParseLockDecl(Cursor& c, const Token& head) {
    LockFamily f;
    f.line = head.line;
    const Token& name = c.Word("a lock name");
    for (const LockFamily& g : s_.families)
      if (g.name == name.text) c.Fail(name, "lock '" + name.text + "' is already declared");
    f.name = name.text;
    const Token& kind = c.Word("mutex, rwsem, percpu_rwsem or map");
    if (kind.text == "mutex") f.kind = LockKind::kMutex;
    else if (kind.text == "rwsem") f.kind = LockKind::kRwsem;
    else if (kind.text == "percpu_rwsem") f.kind = LockKind::kPercpuRwsem;
    else if (kind.text == "map") f.kind = LockKind::kMap;  // lockdep_map: fs_reclaim, ...
    else c.Fail(kind, "unknown lock kind '" + kind.text + "' (mutex, rwsem, percpu_rwsem or map)");
    c.Expect("per");
    const Token& dom = c.Word("inode, open, pipe, sb or global");
    if (dom.text == "inode") f.domain = Domain::kInode;
    else if (dom.text == "open") f.domain = Domain::kOpen;
    else if (dom.text == "pipe") f.domain = Domain::kPipe;
    else if (dom.text == "sb") f.domain = Domain::kSb;
    else if (dom.text == "global") f.domain = Domain::kGlobal;
    else c.Fail(dom, "unknown domain '" + dom.text + "' (inode, open, pipe, sb or global)");
    const Token& cls = c.Peek();
    if (cls.kind != Token::Kind::kString) c.Fail(cls, "expected the lockdep class name as a \"string\"" + Cursor::Found(cls));
    f.class_name = c.Next().text;
    if (f.class_name.empty()) c.Fail(cls, "empty class name");
    if (c.Accept("levels")) {
      if (f.kind != LockKind::kPercpuRwsem) c.Fail(head, "only a percpu_rwsem has levels");
      for (;;) {
        f.levels.push_back(c.Word("a level name").text);
        if (f.levels.size() > 4) c.Fail(head, "at most 4 levels");
        if (!c.Accept(",")) break;
      }
    }
    if (f.levels.empty()) f.levels.push_back("-");
    c.ExpectEnd();
    if (s_.families.size() >= 32) c.Fail(head, "at most 32 lock families");
    s_.families.push_back(std::move(f));
  }

  int Bit(Cursor& c, const Token& t) {
    for (size_t i = 0; i < s_.bits.size(); ++i)
      if (s_.bits[i] == t.text) return static_cast<int>(i);
    if (s_.bits.size() >= 64) c.Fail(t, "at most 64 distinct flag/xattr names");
    s_.bits.push_back(t.text);
    return static_cast<int>(s_.bits.size()) - 1;
  }

  void ParseInit(Cursor& c) {
    InitFlag f;
    const Token* t = &c.Word("files, dirs, root, fN, dN or LAYER(...)");
    std::vector<std::string> layers;  // outermost first: upper(lovl(dirs))
    while (FindSuper(t->text) >= 0 && c.PeekIs("(")) {
      layers.push_back(t->text);
      c.Expect("(");
      t = &c.Word("files, dirs, root, fN, dN or LAYER(...)");
    }
    if (!layers.empty()) {
      int sb = s_.default_overlay;
      for (auto it = layers.rbegin(); it != layers.rend(); ++it) sb = Layer(*it, sb);
      f.sb = static_cast<int8_t>(sb);
    }
    const std::string& w = t->text;
    if (w == "files") f.sel = InitFlag::Sel::kFiles;
    else if (w == "dirs") f.sel = InitFlag::Sel::kDirs;
    else if (w == "root") f.sel = InitFlag::Sel::kRoot;
    else if ((w[0] == 'f' || w[0] == 'd') && w.size() >= 2 &&
             w.find_first_not_of("0123456789", 1) == std::string::npos) {
      int n = std::stoi(w.substr(1));
      int limit = w[0] == 'f' ? s_.files : s_.dirs;
      if (n >= limit) c.Fail(*t, "'" + w + "' is outside the world (" + std::to_string(limit) + ")");
      f.sel = InitFlag::Sel::kOne;
      f.index = w[0] == 'f' ? n : s_.files + n;
    } else {
      c.Fail(*t, "expected files, dirs, root, fN or dN, found '" + w + "'");
    }
    for (size_t i = 0; i < layers.size(); ++i) c.Expect(")");
    f.bit = static_cast<int8_t>(Bit(c, c.Word("a flag or xattr name")));
    c.ExpectEnd();
    s_.init.push_back(f);
  }

  // ---- routine bodies -------------------------------------------------------

  struct Block {
    enum class Kind { kIf, kElse, kPlain, kRepeat } kind;
    int jump_if_not = -1;  // kIf: the instruction to patch
    int jump_over = -1;    // kElse: the jump at the end of the then-branch
    std::vector<int> skips;  // trylock-skip instructions to patch at `end`
    Token at;
    // kRepeat: the body is compiled once per iteration (unrolled), so each
    // iteration is a block of its own: a failed `trylock ... else skip`
    // skips the rest of that iteration.
    size_t body = 0;  // index of the body's first line
    int left = 0;     // iterations still to compile after this one
  };

  size_t CompileRoutine(const std::vector<TokenLine>& lines, size_t start) {
    Cursor hc(lines[start], file_);
    hc.Next();
    Routine& r = s_.routines[routine_index_.at(hc.Word("name").text)];
    cur_ = &r;
    std::vector<Block> blocks;
    std::vector<int> top_skips;
    for (size_t i = start + 1; i < lines.size(); ++i) {
      Cursor c(lines[i], file_);
      const Token& head = c.Word("a statement");
      const std::string& w = head.text;
      Instr in;
      in.line = head.line;
      in.col = head.col;
      if (w == "end") {
        c.ExpectEnd();
        if (blocks.empty()) {
          for (int k : top_skips) r.code[k].target = static_cast<int>(r.code.size());
          Emit(Opc::kReturn, head);
          cur_ = nullptr;
          return i;
        }
        Block b = blocks.back();
        blocks.pop_back();
        int here = static_cast<int>(r.code.size());
        if (b.kind == Block::Kind::kIf) r.code[b.jump_if_not].target = here;
        if (b.kind == Block::Kind::kElse) r.code[b.jump_over].target = here;
        for (int k : b.skips) r.code[k].target = here;
        if (r.code.size() > kMaxInstructions) c.Fail(head, "'" + r.name + "' unrolls to too many instructions");
        if (b.kind == Block::Kind::kRepeat && b.left > 0) {
          b.skips.clear();
          --b.left;
          blocks.push_back(b);
          i = b.body - 1;  // compile the body again
        }
        continue;
      }
      if (w == "op" || w == "sub") c.Fail(head, "'" + w + "' inside '" + r.name + "': missing 'end'");
      if (w == "if") {
        in.op = Opc::kJumpIfNot;
        in.cond = ParseCond(c);
        c.Expect(":");
        c.ExpectEnd();
        blocks.push_back({Block::Kind::kIf, static_cast<int>(r.code.size()), -1, {}, head});
        r.code.push_back(in);
        continue;
      }
      if (w == "else") {
        c.Expect(":");
        c.ExpectEnd();
        if (blocks.empty() || blocks.back().kind != Block::Kind::kIf)
          c.Fail(head, "'else' without an open 'if'");
        Block& b = blocks.back();
        in.op = Opc::kJump;
        b.jump_over = static_cast<int>(r.code.size());
        r.code.push_back(in);
        r.code[b.jump_if_not].target = static_cast<int>(r.code.size());
        b.kind = Block::Kind::kElse;
        continue;
      }
      if (w == "block") {
        c.Expect(":");
        c.ExpectEnd();
        blocks.push_back({Block::Kind::kPlain, -1, -1, {}, head});
        continue;
      }
      if (w == "repeat") {
        // `repeat N:` ... `end`: the body N times (a kernel loop with a
        // bound, e.g. copy-up's per-chunk data loop).
        int n = ParseInt(c, "a repeat count", 1, kMaxRepeat);
        c.Expect(":");
        c.ExpectEnd();
        Block b{Block::Kind::kRepeat, -1, -1, {}, head};
        b.body = i + 1;
        b.left = n - 1;
        blocks.push_back(b);
        if (r.code.size() > kMaxInstructions) c.Fail(head, "'" + r.name + "' unrolls to too many instructions");
        continue;
      }
      if (w == "lock" || w == "trylock" || w == "unlock" || w == "might_lock") {
        in.op = w == "lock"      ? Opc::kLock
                : w == "trylock" ? Opc::kTrylock
                : w == "unlock"  ? Opc::kUnlock
                                 : Opc::kMightLock;
        in.lock = ParseLockRef(c);
        const LockFamily& fam = s_.families[in.lock.family];
        if (in.op != Opc::kUnlock) {
          if (c.Accept("read")) {
            if (fam.kind == LockKind::kMutex) c.Fail(head, "'" + fam.name + "' is a mutex: it has no read side");
            in.read = true;
            in.recursive = c.Accept("recursive");
          } else {
            c.Accept("write");
          }
        }
        if (in.op == Opc::kTrylock && fam.kind == LockKind::kMap)
          c.Fail(head, "'" + fam.name + "' is a lockdep map: it never blocks, so a trylock means nothing");
        if (in.op == Opc::kTrylock) {
          c.Expect("else");
          const Token& fb = c.Word("skip, fail or ignore");
          if (fb.text == "skip") {
            in.fallback = Fallback::kSkip;
            (blocks.empty() ? top_skips : blocks.back().skips).push_back(static_cast<int>(r.code.size()));
          } else if (fb.text == "fail") {
            in.fallback = Fallback::kFail;
          } else if (fb.text == "ignore") {
            in.fallback = Fallback::kIgnore;
          } else {
            c.Fail(fb, "unknown trylock fallback '" + fb.text + "' (skip, fail or ignore)");
          }
        }
        c.ExpectEnd();
        r.code.push_back(in);
        continue;
      }
      if (w == "freeze" || w == "thaw") {
        int sb = ParseSbName(c);
        c.ExpectEnd();
        if (w == "thaw") {
          in.op = Opc::kThaw;
          in.sb = static_cast<int8_t>(sb);
          r.code.push_back(in);
          continue;
        }
        // freeze_super(): EBUSY when already frozen, else sb_wait_write() on
        // each level in order, then lockdep_sb_freeze_release().
        int begin = static_cast<int>(r.code.size());
        in.op = Opc::kFreezeBegin;
        in.sb = static_cast<int8_t>(sb);
        r.code.push_back(in);
        for (int lvl = 0; lvl < 3; ++lvl) {
          Instr l = in;
          l.op = Opc::kLock;
          l.in_freeze = true;
          l.lock.family = 3;  // sb_writers
          l.lock.level = static_cast<int8_t>(lvl);
          l.lock.obj.base = Ref::Base::kSb;
          l.lock.obj.a = static_cast<int8_t>(sb);
          r.code.push_back(l);
        }
        in.op = Opc::kFreezeEnd;
        r.code.push_back(in);
        r.code[begin].target = static_cast<int>(r.code.size());
        continue;
      }
      if (w == "setxattr" || w == "removexattr" || w == "set" || w == "clear") {
        in.op = w == "setxattr" ? Opc::kSetXattr : w == "removexattr" ? Opc::kRemoveXattr
              : w == "set" ? Opc::kSetFlag : Opc::kClearFlag;
        in.ref = ParseTypedRef(c, RefType::kInode);
        in.bit = static_cast<int8_t>(Bit(c, c.Word("a flag or xattr name")));
        c.ExpectEnd();
        r.code.push_back(in);
        continue;
      }
      if (w == "modify") {
        in.op = Opc::kModify;
        in.ref = ParseTypedRef(c, RefType::kInode);
        c.ExpectEnd();
        r.code.push_back(in);
        continue;
      }
      if (w == "return" || w == "fail") {
        in.op = w == "return" ? Opc::kReturn : Opc::kFail;
        c.ExpectEnd();
        r.code.push_back(in);
        continue;
      }
      if (w == "call") {
        ParseCall(c, in);
        r.code.push_back(in);
        continue;
      }
      c.Fail(head, "unknown statement '" + w + "'");
    }
    Cursor c(lines[start], file_);
    c.Fail(c.Peek(), "'" + r.name + "' has no matching 'end'");
  }

  void Emit(Opc op, const Token& at) {
    Instr in;
    in.op = op;
    in.line = at.line;
    in.col = at.col;
    cur_->code.push_back(in);
  }

  void ParseCall(Cursor& c, Instr& in) {
    const Token& name = c.Word("a sub name");
    auto it = routine_index_.find(name.text);
    if (it == routine_index_.end()) c.Fail(name, "unknown sub '" + name.text + "'");
    const Routine& callee = s_.routines[it->second];
    in.op = Opc::kCall;
    in.callee = it->second;
    c.Expect("(");
    size_t n = 0;
    if (!c.Accept(")")) {
      for (;;) {
        if (n >= callee.params.size())
          c.Fail(c.Peek(), "too many arguments to '" + callee.name + "'");
        ParamType want = callee.params[n];
        const Token& at = c.Peek();
        RefType rt = want == ParamType::kPipe ? RefType::kPipe : RefType::kInode;
        Ref ref = ParseTypedRef(c, rt);
        if (rt == RefType::kInode && ref.sb >= 0 && !s_.supers[ref.sb].overlay)
          c.Fail(at, "arguments name overlay objects; pass 'x', not a layer inode");
        if (rt == RefType::kInode) CheckArgType(c, at, ref, want);
        in.args[n++] = ref;
        if (c.Accept(")")) break;
        c.Expect(",");
      }
    }
    if (n != callee.params.size())
      c.Fail(name, "'" + callee.name + "' takes " + std::to_string(callee.params.size()) + " arguments, got " + std::to_string(n));
    in.nargs = static_cast<uint8_t>(n);
    c.ExpectEnd();
  }

  // Static kind of an inode ref: file, dir or either.
  void CheckArgType(Cursor& c, const Token& at, const Ref& ref, ParamType want) {
    if (want == ParamType::kNode) return;
    bool is_dir = ref.parents > 0 || ref.base == Ref::Base::kRoot ||
                  ref.base == Ref::Base::kWorkdir || ref.base == Ref::Base::kIndexdir;
    ParamType have = ParamType::kNode;
    if (is_dir) have = ParamType::kDir;
    else if (ref.base == Ref::Base::kParam || ref.base == Ref::Base::kFirst || ref.base == Ref::Base::kSecond)
      have = cur_->params[ref.a];
    if (have != want)
      c.Fail(at, std::string("argument must be a ") + (want == ParamType::kFile ? "file" : "dir"));
  }

  // NAME(x) for an inode x on superblock `of`: an overlay's own upper and
  // lower layers when it names them (`super ... upper= lower=`), so that
  // references compose (`upper(lovl(f))`); otherwise the superblock NAME.
  int Layer(const std::string& name, int of) const {
    const Superblock& sb = s_.supers[of];
    if (sb.overlay && name == "upper" && sb.upper_sb >= 0) return sb.upper_sb;
    if (sb.overlay && name == "lower" && !sb.lower_sbs.empty()) return sb.lower_sbs.front();
    return FindSuper(name);
  }

  int ParseSbName(Cursor& c) {
    const Token& t = c.Word("a superblock name");
    int sb = FindSuper(t.text);
    if (sb < 0) c.Fail(t, "unknown superblock '" + t.text + "'");
    return sb;
  }

  int ParamIndex(Cursor& c, const Token& t) {
    for (size_t i = 0; i < cur_->param_names.size(); ++i)
      if (cur_->param_names[i] == t.text) return static_cast<int>(i);
    c.Fail(t, "unknown name '" + t.text + "' (not a parameter of '" + cur_->name + "')");
  }

  // REF := NAME | root | workdir | indexdir | parent(REF) | LAYER(REF) | first(A,B) | second(A,B)
  Ref ParseRef(Cursor& c, RefType* type, int depth = 0) {
    const Token& t = c.Word("an object reference");
    // parent() and layers nest; a reference deeper than any file system
    // path is refused rather than recursed into (a stack overflow).
    if (depth > kMaxRefDepth) c.Fail(t, "reference nested deeper than " + std::to_string(kMaxRefDepth));
    Ref r;
    if (t.text == "parent") {
      c.Expect("(");
      r = ParseRef(c, type, depth + 1);
      c.Expect(")");
      if (*type != RefType::kInode) c.Fail(t, "parent() takes an inode");
      if (r.sb >= 0) c.Fail(t, "write LAYER(parent(x)), not parent(LAYER(x))");
      if (r.parents == 255) c.Fail(t, "too many parent()");
      ++r.parents;
      return r;
    }
    if (t.text == "first" || t.text == "second") {
      c.Expect("(");
      const Token& a = c.Word("a parameter");
      c.Expect(",");
      const Token& b = c.Word("a parameter");
      c.Expect(")");
      r.base = t.text == "first" ? Ref::Base::kFirst : Ref::Base::kSecond;
      r.a = static_cast<int8_t>(ParamIndex(c, a));
      r.b = static_cast<int8_t>(ParamIndex(c, b));
      bool pa = cur_->params[r.a] == ParamType::kPipe, pb = cur_->params[r.b] == ParamType::kPipe;
      if (pa != pb) c.Fail(t, "first()/second() need two parameters of the same kind");
      r.is_pipe = pa;
      *type = pa ? RefType::kPipe : RefType::kInode;
      return r;
    }
    int sb = FindSuper(t.text);
    if (sb >= 0 && c.PeekIs("(")) {
      c.Expect("(");
      r = ParseRef(c, type, depth + 1);
      c.Expect(")");
      if (*type != RefType::kInode) c.Fail(t, "a layer applies to inodes only");
      r.sb = static_cast<int8_t>(Layer(t.text, r.sb < 0 ? s_.default_overlay : r.sb));
      return r;
    }
    if (sb >= 0) {
      r.base = Ref::Base::kSb;
      r.a = static_cast<int8_t>(sb);
      *type = RefType::kSb;
      return r;
    }
    *type = RefType::kInode;
    if (t.text == "root") r.base = Ref::Base::kRoot;
    else if (t.text == "workdir") r.base = Ref::Base::kWorkdir;
    else if (t.text == "indexdir") r.base = Ref::Base::kIndexdir;
    else {
      r.base = Ref::Base::kParam;
      r.a = static_cast<int8_t>(ParamIndex(c, t));
      if (cur_->params[r.a] == ParamType::kPipe) {
        r.is_pipe = true;
        *type = RefType::kPipe;
      }
    }
    return r;
  }

  Ref ParseTypedRef(Cursor& c, RefType want) {
    const Token& at = c.Peek();
    RefType got;
    Ref r = ParseRef(c, &got);
    static const char* names[] = {"an inode", "a pipe", "a superblock"};
    if (got != want)
      c.Fail(at, std::string("expected ") + names[static_cast<int>(want)] + ", '" + at.text + "' is " + names[static_cast<int>(got)]);
    if (got == RefType::kInode) {
      int sb = r.sb < 0 ? s_.default_overlay : r.sb;
      bool special = r.base == Ref::Base::kWorkdir || r.base == Ref::Base::kIndexdir;
      if (special && s_.supers[sb].overlay)
        c.Fail(at, "workdir and indexdir live on a layer: write upper(" + at.text + ")");
    }
    return r;
  }

  LockRef ParseLockRef(Cursor& c) {
    const Token& name = c.Word("a lock name");
    LockRef lr;
    for (size_t i = 0; i < s_.families.size(); ++i)
      if (s_.families[i].name == name.text) lr.family = static_cast<int16_t>(i);
    if (lr.family < 0) c.Fail(name, "unknown lock '" + name.text + "'");
    const LockFamily& f = s_.families[lr.family];
    if (f.domain != Domain::kGlobal) {
      c.Expect("(");
      RefType want = f.domain == Domain::kInode || f.domain == Domain::kOpen ? RefType::kInode
                   : f.domain == Domain::kPipe                            ? RefType::kPipe
                                                                           : RefType::kSb;
      const Token& at = c.Peek();
      lr.obj = ParseTypedRef(c, want);
      if (f.family == FamilyKind::kOvlLock) {
        int sb = lr.obj.sb < 0 ? s_.default_overlay : lr.obj.sb;
        if (!s_.supers[sb].overlay) c.Fail(at, "ovl_lock exists only on overlay inodes");
      }
      if (c.Accept(",")) {
        const Token& lv = c.Word("a level name");
        auto it = std::find(f.levels.begin(), f.levels.end(), lv.text);
        if (it == f.levels.end() || f.levels.size() == 1)
          c.Fail(lv, "'" + f.name + "' has no level '" + lv.text + "'");
        lr.level = static_cast<int8_t>(it - f.levels.begin());
      }
      c.Expect(")");
    }
    if (c.Accept("/")) lr.subclass = static_cast<uint8_t>(ParseInt(c, "a lockdep subclass", 0, kMaxSubclass));
    return lr;
  }

  int ParseCond(Cursor& c) {
    std::vector<CondAtom> atoms;
    do {
      atoms.push_back(ParseAtom(c));
    } while (c.Accept("and"));
    cur_->conds.push_back(std::move(atoms));
    return static_cast<int>(cur_->conds.size()) - 1;
  }

  CondAtom ParseAtom(Cursor& c) {
    CondAtom a;
    bool negate = c.Accept("not");
    if (c.Accept("frozen")) {
      a.kind = negate ? CondAtom::Kind::kNotFrozen : CondAtom::Kind::kFrozen;
      a.sb = static_cast<int8_t>(ParseSbName(c));
      return a;
    }
    if (c.PeekIs("any") || c.PeekIs("no")) {
      bool any = c.Next().text == "any";
      if (negate) any = !any;
      c.Expect("child");
      c.Expect("of");
      a.ref = ParseTypedRef(c, RefType::kInode);
      c.Expect("has");
      a.kind = any ? CondAtom::Kind::kAnyChildHas : CondAtom::Kind::kNoChildHas;
      a.bit = static_cast<int8_t>(Bit(c, c.Word("a flag or xattr name")));
      return a;
    }
    const Token& at = c.Peek();
    RefType t1;
    a.ref = ParseRef(c, &t1);
    if (c.Accept("is")) {
      bool diff = c.Accept("not") != negate;
      RefType t2;
      const Token& at2 = c.Peek();
      a.ref2 = ParseRef(c, &t2);
      if (t1 != t2 || t1 == RefType::kSb) c.Fail(at2, "'is' compares two inodes or two pipes");
      a.kind = diff ? CondAtom::Kind::kDiffer : CondAtom::Kind::kSame;
      return a;
    }
    if (t1 != RefType::kInode) c.Fail(at, "'has'/'lacks' test an inode");
    const Token& verb = c.Word("has, lacks or is");
    if (verb.text != "has" && verb.text != "lacks") c.Fail(verb, "expected has, lacks or is, found '" + verb.text + "'");
    bool has = (verb.text == "has") != negate;
    a.kind = has ? CondAtom::Kind::kHas : CondAtom::Kind::kLacks;
    a.bit = static_cast<int8_t>(Bit(c, c.Word("a flag or xattr name")));
    return a;
  }

  // ---- final checks -----------------------------------------------------------

  void Finish(const std::vector<TokenLine>& lines) {
    if (s_.name.empty()) {
      Token t;
      t.line = lines.empty() ? 1 : lines.front().line;
      t.col = 1;
      throw InputError(file_, t.line, t.col, "missing 'scheme NAME' line");
    }
    if (s_.ops.empty()) throw InputError(file_, lines.back().line, 1, "the scheme defines no 'op'");
    for (Routine& r : s_.routines) {
      for (Instr& in : r.code) {
        if (in.op == Opc::kTrylock && in.fallback == Fallback::kSkip) {
          std::set<int8_t> bits;
          std::set<int> seen;
          CollectXattrs(r, static_cast<int>(&in - r.code.data()) + 1, in.target, bits, seen);
          in.skipped_xattrs.assign(bits.begin(), bits.end());
        }
      }
    }
    for (size_t i = 0; i < s_.routines.size(); ++i) {
      std::vector<int> stack;
      s_.routines[i].max_acquisitions = MaxAcq(static_cast<int>(i), stack);
    }
  }

  void CollectXattrs(const Routine& r, int from, int to, std::set<int8_t>& bits, std::set<int>& seen) {
    for (int i = from; i < to && i < static_cast<int>(r.code.size()); ++i) {
      const Instr& in = r.code[i];
      if (in.op == Opc::kSetXattr || in.op == Opc::kRemoveXattr) bits.insert(in.bit);
      if (in.op == Opc::kCall && seen.insert(in.callee).second) {
        const Routine& callee = s_.routines[in.callee];
        CollectXattrs(callee, 0, static_cast<int>(callee.code.size()), bits, seen);
      }
    }
  }

  int MaxAcq(int routine, std::vector<int>& stack) {
    if (static_cast<int>(stack.size()) >= kMaxCallDepth) return 0;
    stack.push_back(routine);
    int n = 0;
    for (const Instr& in : s_.routines[routine].code) {
      if (in.op == Opc::kLock || in.op == Opc::kTrylock) ++n;
      if (in.op == Opc::kCall) n += MaxAcq(in.callee, stack);
    }
    stack.pop_back();
    return n;
  }

  Scheme& s_;
  const std::string& file_;
  std::map<std::string, int> routine_index_;
  std::vector<size_t> init_lines_;
  Routine* cur_ = nullptr;
};

}  // namespace

bool IsKnownFindingKind(const std::string& kind) {
  for (const char* k : kKinds)
    if (kind == k) return true;
  return false;
}

Scheme ParseScheme(std::string_view raw, const std::string& path) {
  const std::string normalized = NormalizeSourceText(raw);
  const std::string_view text = normalized;
  Scheme s;
  s.path = path;
  s.text = normalized;
  s.hash = Fnv1a64(text);
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string line(text.substr(start, nl - start));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    size_t lead = line.find_first_not_of(" \t");
    s.lines.push_back(lead == std::string::npos ? "" : line.substr(lead));
    if (nl == text.size()) break;
    start = nl + 1;
  }
  if (text.find('\0') != std::string_view::npos) {
    size_t off = text.find('\0');
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + off, '\n'));
    throw InputError(path, line, 1, "NUL byte in scheme text");
  }
  std::vector<TokenLine> lines = Tokenize(text, path);
  if (lines.empty()) throw InputError(path, 1, 1, "empty scheme (expected 'scheme NAME')");
  Parser(s, path).Run(lines);
  return s;
}

}  // namespace ovlfuzz
