#include "model/report/trace.h"

#include "model/exec/execution.h"

namespace ovlfuzz {

void TraceRecorder::OnEvent(const Event& e, const Execution& x) {
  const World& w = x.world();
  TraceEvent t;
  t.step = e.step;
  t.thread = e.thread;
  t.op_index = e.op_index;
  t.read = e.read;
  t.trylock = e.trylock;
  if (e.routine >= 0 && e.pc >= 0) t.line = w.scheme().routines[e.routine].code[e.pc].line;
  if (e.inst >= 0) t.instance = w.InstanceName(e.inst);
  if (e.cls >= 0) t.cls = w.ClassName(e.cls);
  switch (e.kind) {
    case EventKind::kOpBegin: t.kind = "op"; t.text = x.OpText(e.thread, e.op_index); break;
    case EventKind::kAcquired: t.kind = "acquire"; break;
    case EventKind::kBlocked: t.kind = "blocked"; break;
    case EventKind::kReleased: if (e.implicit && e.inst < 0) return; t.kind = "release"; break;
    case EventKind::kTryFailed: t.kind = "trylock-failed"; break;
    case EventKind::kSkipped: t.kind = "xattr-skipped"; break;
    case EventKind::kModify: t.kind = "modify"; t.instance = w.InodeName(e.inode); break;
    case EventKind::kXattr:
      t.kind = "xattr";
      t.instance = w.InodeName(e.inode);
      t.text = (e.set ? "set " : "remove ") + w.scheme().bits[e.bit];
      break;
    case EventKind::kFrozen: t.kind = "frozen"; t.text = w.scheme().supers[e.inode].name; break;
    case EventKind::kThawed:
      t.kind = "thawed";
      t.text = w.scheme().supers[e.inode].name + (e.implicit ? " (environment)" : "");
      break;
    default: return;
  }
  events_.push_back(std::move(t));
}

}  // namespace ovlfuzz
