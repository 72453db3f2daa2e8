// HTML report: one self-contained page (no network) for a replayed run:
// the lockdep-shaped text report, and a swimlane timeline with a column
// per model thread and a row per event (acquire, blocked, release,
// trylock-failed, xattr-skipped, …), the locks each thread holds shown as
// bars, the classes of the finding's cycle highlighted, and the scheme line
// of every event on hover or click; and the run's lock graph.
#ifndef OVLFUZZ_MODEL_REPORT_HTML_REPORT_H_
#define OVLFUZZ_MODEL_REPORT_HTML_REPORT_H_

#include <functional>
#include <string>
#include <vector>

#include "model/harness/run_once.h"
#include "model/program/repro.h"
#include "model/report/trace.h"

namespace ovlfuzz {

// Turns DOT text into an inline <svg> element, or "" when it cannot (no
// graphviz): the front end brings it, since the model spawns no process.
using SvgRenderer = std::function<std::string(const std::string& dot)>;

// With `render_svg`, the page shows the run's lock graph (lock_graph_dot.h)
// as a picture; without one, or when it returns "", as DOT text in a
// collapsed <details> block.
std::string RenderHtmlReport(const World& world, const Repro& repro, const RunResult& result,
                             const std::vector<TraceEvent>& trace, const std::string& replay_command,
                             const SvgRenderer& render_svg = nullptr);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_REPORT_HTML_REPORT_H_
