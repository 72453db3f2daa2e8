// HTML report: one self-contained page (no network) for a replayed run:
// the lockdep-shaped text report, and a swimlane timeline with a column
// per model thread and a row per event (acquire, blocked, release,
// trylock-failed, xattr-skipped, …), the locks each thread holds shown as
// bars, the classes of the finding's cycle highlighted, and the scheme line
// of every event on hover or click.
#ifndef OVLFUZZ_MODEL_REPORT_HTML_REPORT_H_
#define OVLFUZZ_MODEL_REPORT_HTML_REPORT_H_

#include <string>
#include <vector>

#include "model/harness/run_once.h"
#include "model/program/repro.h"
#include "model/report/trace.h"

namespace ovlfuzz {

std::string RenderHtmlReport(const World& world, const Repro& repro, const RunResult& result,
                             const std::vector<TraceEvent>& trace, const std::string& replay_command);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_REPORT_HTML_REPORT_H_
