// `ovlfuzz replay FILE` re-executes a reproducer (text, or a binary engine
// input with --scheme) and prints the report: same file, same output, bit
// for bit. `ovlfuzz convert IN -o OUT` turns one form into the other.
#include <iostream>

#include "cli/cli_common.h"
#include "cli/graphviz.h"
#include "model/harness/replay.h"
#include "model/report/html_report.h"
#include "model/report/json_report.h"
#include "model/report/text_report.h"

namespace ovlfuzz::cli {

namespace po = boost::program_options;

int CmdReplay(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("file", po::value<std::string>()->required(), "reproducer: .ovl text or a binary engine input")(
      "scheme", po::value<std::string>()->default_value(""), "scheme of a binary input (built-in name or file)")(
      "format", po::value<std::string>()->default_value("text"), "report format: text, json or html")(
      "output,o", po::value<std::string>(), "write the report to this file instead of stdout")(
      "max-steps", po::value<int64_t>()->default_value(RunLimits{}.max_steps), "step budget of the run");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (!ParseArgs("replay", "FILE [--scheme S] [--format text|json|html] [-o OUT]", args, opts, pos, &vm))
    return kExitClean;
  const std::string path = vm["file"].as<std::string>();
  const std::string scheme = vm["scheme"].as<std::string>();
  const std::string format = vm["format"].as<std::string>();
  if (format != "text" && format != "json" && format != "html")
    throw UsageError("--format must be text, json or html, got '" + format + "'");
  RunLimits limits;
  limits.max_steps = vm["max-steps"].as<int64_t>();
  if (limits.max_steps < 1) throw UsageError("--max-steps must be positive");

  Replayable r = LoadReplayable(ReadFile(path), path, scheme, Schemes());
  // Before the replay: a schedule that does not fit another text is an error.
  if (!r.scheme_note.empty()) std::cerr << "ovlfuzz replay: note: " << r.scheme_note << "\n";
  TraceRecorder trace;
  RunResult result = Replay(&r, path, limits, {&trace});

  std::string replay = "ovlfuzz replay " + ShellQuote(path);
  if (!scheme.empty()) replay += " --scheme " + ShellQuote(scheme);
  std::string out;
  if (format == "json")
    out = RenderJsonReport(*r.world, r.repro, result, replay);
  else if (format == "html")  // with the lock graph as SVG when graphviz is installed
    out = RenderHtmlReport(*r.world, r.repro, result, trace.events(), replay, InlineSvgOrEmpty);
  else
    out = RenderReplayText(*r.world, r.repro, result, replay);
  if (vm.count("output")) {
    WriteAtomic(vm["output"].as<std::string>(), out);
  } else {
    std::cout << out;
  }
  return result.findings.empty() ? kExitClean : kExitFinding;
}

int CmdConvert(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("file", po::value<std::string>()->required(), "input: .ovl text or a binary engine input")(
      "output,o", po::value<std::string>()->required(), "output file (replaced atomically)")(
      "to", po::value<std::string>(), "text or binary (default: the other form)")(
      "scheme", po::value<std::string>()->default_value(""), "scheme of a binary input (built-in name or file)")(
      "quiet,q", "print nothing on success");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (!ParseArgs("convert", "IN -o OUT [--to text|binary] [--scheme S]", args, opts, pos, &vm)) return kExitClean;
  const std::string path = vm["file"].as<std::string>();
  Replayable r = LoadReplayable(ReadFile(path), path, vm["scheme"].as<std::string>(), Schemes());
  std::string to = vm.count("to") ? vm["to"].as<std::string>() : (r.binary ? "text" : "binary");
  if (to != "text" && to != "binary") throw UsageError("--to must be text or binary, got '" + to + "'");
  // Run it once: a binary input's schedule is what its bytes make the
  // scheduler do, and a text one must fit before it is converted. A text
  // program without a schedule (a seed) becomes a binary input without
  // choices: its strategy seed drives the scheduler; nothing needs to run.
  RunResult result;
  const bool ran = r.binary || !r.repro.schedule.empty() || to == "text";
  if (ran) {
    result = Replay(&r, path, RunLimits{});
  } else {
    Replayable seed = r;  // run a copy, for the exit status only: the seed stays without choices
    result = Replay(&seed, path, RunLimits{});
  }
  std::string out;
  if (to == "text") {
    r.repro.comments = {"# ovlfuzz reproducer converted from " + path};
    for (const Finding& f : result.findings) r.repro.comments.push_back("# signature: " + f.signature);
    out = FormatRepro(*r.world, r.repro);
  } else {
    BinaryInput bin;
    bin.program = r.repro.program;
    bin.choices = r.repro.schedule;
    // A recorded schedule covers every decision, so no seed is consulted;
    // a program without one (a seed input) keeps its strategy seed.
    bin.seed = r.repro.schedule.empty() ? r.repro.strategy.seed : 0;
    out = EncodeBinary(*r.world, bin);
  }
  WriteAtomic(vm["output"].as<std::string>(), out);
  const int status = result.findings.empty() ? kExitClean : kExitFinding;
  if (vm.count("quiet")) return status;
  std::cout << "ovlfuzz convert: " << path << " (" << (r.binary ? "binary" : "text") << ") -> "
            << vm["output"].as<std::string>() << " (" << to << "), scheme " << r.world->scheme().name << ", "
            << std::to_string(result.findings.size()) + " finding(s)" << (ran ? "" : " under its strategy line (a seed: no choices written)")
            << "\n";
  return status;
}

}  // namespace ovlfuzz::cli
