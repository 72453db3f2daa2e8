// `ovlfuzz replay FILE`: re-executes a reproducer with its recorded schedule
// and prints the report. Same file => same output, bit for bit.
#include <iostream>

#include "cli/cli_common.h"
#include "model/core/input_error.h"
#include "model/harness/run_once.h"
#include "model/program/repro.h"
#include "model/report/json_report.h"
#include "model/report/text_report.h"

namespace ovlfuzz::cli {

namespace po = boost::program_options;

int CmdReplay(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("file", po::value<std::string>()->required(), "reproducer (.ovl) to replay")(
      "format", po::value<std::string>()->default_value("text"), "report format: text or json")(
      "output,o", po::value<std::string>(), "write the report to this file instead of stdout")(
      "max-steps", po::value<int64_t>()->default_value(RunLimits{}.max_steps), "step budget of the run");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (!ParseArgs("replay", "FILE [--format text|json] [-o OUT]", args, opts, pos, &vm)) return kExitClean;
  const std::string path = vm["file"].as<std::string>();
  const std::string format = vm["format"].as<std::string>();
  if (format != "text" && format != "json") throw UsageError("--format must be text or json, got '" + format + "'");
  if (vm["max-steps"].as<int64_t>() < 1) throw UsageError("--max-steps must be positive");

  const World* world = nullptr;
  Repro repro = ParseRepro(
      ReadFile(path), path,
      [&](const std::string& ref, int line, int col) -> const World& {
        try {
          return Schemes().Load(ref);
        } catch (const InputError& e) {
          // An error inside an existing scheme file keeps its own FILE:LINE:COL.
          if (e.file() != ref || e.message().rfind("not a built-in scheme", 0) != 0) throw;
          throw InputError(path, line, col, "cannot load scheme '" + ref + "': " + e.message());
        }
      },
      &world);
  auto strategy = MakeReplayStrategy(repro.schedule);
  RunLimits limits;
  limits.max_steps = vm["max-steps"].as<int64_t>();
  RunResult result = RunOnce(*world, repro.program, *strategy, limits);
  if (repro.scheme_changed)
    std::cerr << "ovlfuzz replay: warning: scheme '" << repro.scheme_ref
              << "' changed since this reproducer was recorded; replaying against its current text\n";
  if (!ScheduleFits(repro, result.diverged, result.schedule))
    throw InputError(path, 1, 1,
                     repro.scheme_changed
                         ? "the recorded schedule does not fit the changed scheme (re-record the reproducer)"
                         : "the recorded schedule does not fit this program (edited or corrupt reproducer)");

  const std::string replay = "ovlfuzz replay " + ShellQuote(path);
  std::string out;
  if (format == "json") {
    out = RenderJsonReport(*world, repro, result, replay);
  } else {
    ReportContext ctx(*world, repro.program);
    out = "ovlfuzz replay: scheme " + world->scheme().name + " (" + world->scheme().path + "), " +
          std::to_string(repro.program.threads.size()) + " threads, " + std::to_string(repro.program.OpCount()) +
          " ops, " + std::to_string(result.steps) + " steps\n";
    for (size_t t = 0; t < repro.program.threads.size(); ++t) {
      out += "  T" + std::to_string(t) + ":";
      for (const OpCall& c : repro.program.threads[t]) out += "  " + FormatOpCall(*world, c) + ";";
      out += "\n";
    }
    out += "\n";
    for (const Finding& f : result.findings) out += ctx.Render(f) + "\n";
    if (result.skipped_updates > 0)
      out += "xattr updates skipped by failed trylocks: " + std::to_string(result.skipped_updates) + "\n";
    out += result.findings.empty() ? "result: clean (no finding)\n"
                                   : "result: " + std::to_string(result.findings.size()) + " finding(s)\n";
    out += "replay: " + replay + "\n";
  }
  if (vm.count("output")) {
    WriteAtomic(vm["output"].as<std::string>(), out);
  } else {
    std::cout << out;
  }
  return result.findings.empty() ? kExitClean : kExitFinding;
}

}  // namespace ovlfuzz::cli
