// Trace: the step-by-step events of one run, recorded for the HTML
// timeline (replay --format html). Recording is off in fuzzing.
#ifndef OVLFUZZ_MODEL_REPORT_TRACE_H_
#define OVLFUZZ_MODEL_REPORT_TRACE_H_

#include <string>
#include <vector>

#include "model/oracle/oracle.h"

namespace ovlfuzz {

struct TraceEvent {
  int step = 0;
  int thread = -1;
  std::string kind;      // op, acquire, blocked, release, trylock-failed, xattr-skipped, modify, xattr, frozen, thawed
  std::string cls;       // lock class, if any
  std::string instance;  // lock instance or inode
  bool read = false;
  bool trylock = false;
  int op_index = -1;
  int line = 0;          // scheme line
  std::string text;      // op text or xattr name
};

class TraceRecorder : public Oracle {
 public:
  void OnEvent(const Event& e, const Execution& x) override;
  void Collect(const Execution&, std::vector<Finding>*) override {}
  const std::vector<TraceEvent>& events() const { return events_; }

 private:
  std::vector<TraceEvent> events_;
};

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_REPORT_TRACE_H_
