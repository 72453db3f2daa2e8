#include "model/report/html_report.h"

#include <iterator>
#include <set>
#include <sstream>

#include "model/core/hash.h"
#include "model/oracle/signature.h"
#include "model/report/lock_graph_dot.h"
#include "model/report/lock_graph_sources.h"
#include "model/report/text_report.h"
#include "model/world/world.h"

namespace ovlfuzz {
namespace {

std::string Esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

const char kStyle[] = R"(
body { font: 13px/1.4 system-ui, sans-serif; margin: 1.2em; color: #222; }
h1 { font-size: 18px; } h2 { font-size: 15px; margin-top: 1.5em; }
pre { background: #f6f6f6; padding: .8em; overflow-x: auto; font: 12px/1.35 monospace; }
table.lanes { border-collapse: collapse; font: 12px monospace; }
table.lanes th { position: sticky; top: 0; background: #fff; border-bottom: 2px solid #888; padding: 4px 8px; }
table.lanes td { border-bottom: 1px solid #eee; padding: 2px 8px; vertical-align: top; min-width: 16em; }
td.step { color: #888; min-width: 3em !important; text-align: right; }
td.ev { cursor: pointer; }
.holds { display: flex; gap: 2px; margin-top: 2px; }
.bar { height: 4px; flex: 1; background: #9bb7d4; border-radius: 2px; }
.bar.cycle { background: #d9534f; }
.k-acquire { color: #1b6e1b; } .k-blocked { color: #b00; font-weight: bold; }
.k-release { color: #777; } .k-trylock-failed { color: #c60; font-weight: bold; }
.k-xattr-skipped { color: #c60; font-style: italic; } .k-op { font-weight: bold; color: #224; }
.cls.cycle { background: #fde2e1; color: #a00; font-weight: bold; padding: 0 2px; }
td.sel { outline: 2px solid #337ab7; }
#detail { position: fixed; bottom: 0; left: 0; right: 0; background: #fffbe6; border-top: 1px solid #cc9;
          padding: 6px 12px; font: 12px monospace; min-height: 1.4em; }
.legend span { margin-right: 1.2em; }
.lockgraph svg { max-width: 100%; height: auto; }
)";

const char kScript[] = R"(
(function () {
  var detail = document.getElementById('detail');
  var cells = document.querySelectorAll('td.ev');
  for (var i = 0; i < cells.length; i++) {
    cells[i].addEventListener('click', function () {
      var sel = document.querySelectorAll('td.sel');
      for (var j = 0; j < sel.length; j++) sel[j].classList.remove('sel');
      this.classList.add('sel');
      detail.textContent = this.getAttribute('data-detail');
    });
  }
  document.body.setAttribute('data-ready', 'yes');
})();
)";

// The run's dependencies as a picture when the front end can render one,
// else as DOT text to paste into any Graphviz viewer. The SVG comes from
// Graphviz, which escapes the names itself; it is inlined as is.
std::string LockGraphSection(const World& world, const Repro& repro, const RunResult& result,
                             const SvgRenderer& render_svg) {
  LockGraphPicture picture;
  AddRunEdges(world, repro.program, result, &picture);
  if (picture.edges().empty()) return "<p>no lock dependencies in this run</p>\n";
  picture.title = "ovlfuzz lock graph: scheme " + world.scheme().name;
  picture.source = "this run's dependencies (first site of each edge)";
  const std::string dot = RenderLockGraphDot(picture);
  const std::string svg = render_svg ? render_svg(dot) : "";
  const std::string legend =
      "<p class=\"legend\">held class &rarr; acquired class, labelled with the op and scheme line that created "
      "the dependency; red: on a lock-order cycle; thick red: the finding's cycle.</p>\n";
  if (!svg.empty()) return legend + "<div class=\"lockgraph\">" + svg + "</div>\n";
  return legend + "<details class=\"lockgraph-dot\"><summary>DOT text (install graphviz for a picture)</summary><pre>" +
         Esc(dot) + "</pre></details>\n";
}

}  // namespace

std::string RenderHtmlReport(const World& world, const Repro& repro, const RunResult& result,
                             const std::vector<TraceEvent>& trace, const std::string& replay_command,
                             const SvgRenderer& render_svg) {
  const Scheme& s = world.scheme();
  ReportContext ctx(world, repro.program);
  std::set<std::string> cycle;
  for (const Finding& f : result.findings) {
    for (const ChainLink& l : f.chain) cycle.insert(world.ClassName(l.cls));
    for (int t : f.cycle) cycle.insert(world.ClassName(f.threads[t].wait_cls));
  }
  const int threads = static_cast<int>(repro.program.threads.size());
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>ovlfuzz: "
    << Esc(s.name) << (result.findings.empty() ? " (clean)" : ": " + Esc(FindingKindName(result.findings[0].kind)))
    << "</title>\n<style>" << kStyle << "</style></head><body>\n";
  o << "<h1>ovlfuzz report: scheme " << Esc(s.name) << "</h1>\n<p>" << Esc(s.path) << " (hash "
    << Esc(Hex64(s.hash)) << "), " << threads << " threads, " << repro.program.OpCount() << " ops, " << result.steps
    << " steps, " << result.preemptions << " preemptions. Replay: <code>" << Esc(replay_command) << "</code></p>\n";
  o << "<h2>Findings</h2>\n";
  if (result.findings.empty()) o << "<p>none: the run is clean</p>\n";
  for (const Finding& f : result.findings)
    o << "<p class=\"cycle-summary\">" << Esc(ctx.Short(f)) << "</p>\n<pre>" << Esc(ctx.Render(f))
      << "</pre>\n";

  o << "<h2>Lock graph</h2>\n" << LockGraphSection(world, repro, result, render_svg);

  o << "<h2>Timeline</h2>\n<p class=\"legend\"><span class=\"k-acquire\">acquire</span><span class=\"k-blocked\">"
       "blocked</span><span class=\"k-release\">release</span><span class=\"k-trylock-failed\">trylock-failed</span>"
       "<span class=\"k-xattr-skipped\">xattr-skipped</span><span class=\"cls cycle\">class in the cycle</span> "
       "bars: locks held after the event (red: a cycle class). Click an event for its scheme line.</p>\n";
  o << "<table class=\"lanes\"><thead><tr><th>step</th>";
  for (int t = 0; t < threads; ++t) o << "<th>T" << t << "</th>";
  o << "</tr></thead><tbody>\n";
  std::vector<std::vector<std::string>> held(threads);  // classes held, per thread
  for (const TraceEvent& e : trace) {
    if (e.thread < 0 || e.thread >= threads) {
      o << "<tr><td class=\"step\">" << e.step << "</td><td colspan=\"" << threads << "\"><i>" << Esc(e.kind) << " "
        << Esc(e.text) << "</i></td></tr>\n";
      continue;
    }
    auto& h = held[e.thread];
    if (e.kind == "acquire") h.push_back(e.cls);
    if (e.kind == "release") {
      for (auto it = h.rbegin(); it != h.rend(); ++it)
        if (*it == e.cls) {
          h.erase(std::next(it).base());
          break;
        }
    }
    std::string label = e.kind;
    if (e.kind == "op") label = "op " + e.text;
    std::string line = e.line > 0 ? s.Where(e.line) + ": " + s.Line(e.line) : "";
    std::string detail = "T" + std::to_string(e.thread) + " step " + std::to_string(e.step) + " " + e.kind +
                         (e.instance.empty() ? "" : " " + e.instance) + (line.empty() ? "" : "  |  " + line);
    o << "<tr><td class=\"step\">" << e.step << "</td>";
    for (int t = 0; t < threads; ++t) {
      if (t != e.thread) {
        o << "<td></td>";
        continue;
      }
      o << "<td class=\"ev\" title=\"" << Esc(line) << "\" data-detail=\"" << Esc(detail) << "\"><span class=\"k-"
        << Esc(e.kind) << "\">" << Esc(label) << "</span>";
      if (!e.cls.empty())
        o << " <span class=\"cls" << (cycle.count(e.cls) ? " cycle" : "") << "\">" << (e.read ? "r " : "")
          << Esc(e.cls) << "</span>";
      if (e.kind == "xattr" || e.kind == "modify") o << " " << Esc(e.instance) << " " << Esc(e.text);
      o << "<div class=\"holds\">";
      for (const std::string& c : h)
        o << "<div class=\"bar" << (cycle.count(c) ? " cycle" : "") << "\" title=\"" << Esc(c) << "\"></div>";
      o << "</div></td>";
    }
    o << "</tr>\n";
  }
  o << "</tbody></table>\n<div id=\"detail\">click an event</div>\n<script>" << kScript << "</script>\n</body></html>\n";
  return o.str();
}

}  // namespace ovlfuzz
