// Text rendering of findings in lockdep's shape (see text_report.cc).
#ifndef OVLFUZZ_MODEL_REPORT_TEXT_REPORT_H_
#define OVLFUZZ_MODEL_REPORT_TEXT_REPORT_H_

#include <string>

#include "model/harness/run_once.h"
#include "model/oracle/finding.h"
#include "model/program/program.h"
#include "model/program/repro.h"

namespace ovlfuzz {

class World;

class ReportContext {
 public:
  ReportContext(const World& world, const Program& program);

  // The full report, ending with a "signature: ..." line (no replay line:
  // the front end that knows the artifact path appends it).
  std::string Render(const Finding& f) const;
  // One line: kind, the cycle, and the ops that created its edges.
  std::string Short(const Finding& f) const;

  std::string ThreadName(int thread, int op_index) const;  // "T1/splice_to_ovl"
  std::string OpText(const Site& s) const;                 // "splice_to_ovl p0 f0"
  std::string SchemeLine(const Site& s) const;             // "path:42: lock i_rwsem(f)"
  int LineOf(const Site& s) const;
  std::string Where(const Site& s) const;

 private:
  std::string HeldLocks(const ThreadSnapshot& t) const;
  std::string ThreadState(const ThreadSnapshot& t) const;
  std::string Inversion(const Finding& f) const;
  std::string Deadlock(const Finding& f) const;
  std::string Generic(const Finding& f, const char* title) const;

  const World& world_;
  const Program& program_;
};

// The whole text report of `ovlfuzz replay`: header, program, every finding,
// the result and the replay command. In the model (not the CLI) so the
// fuzz_repro_text target renders exactly what the command prints.
std::string RenderReplayText(const World& world, const Repro& repro, const RunResult& result,
                             const std::string& replay_command);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_REPORT_TEXT_REPORT_H_
