// `ovlfuzz minimize IN -o OUT`: shrink a reproducer (text, or a binary
// engine input with --scheme) to the smallest program and the fewest
// preemptions that still show the same finding signature; writes text.
#include <cstdio>
#include <iostream>

#include "cli/cli_common.h"
#include "model/core/input_error.h"
#include "model/harness/minimize.h"
#include "model/harness/replay.h"
#include "model/oracle/signature.h"

namespace ovlfuzz::cli {

namespace po = boost::program_options;

int CmdMinimize(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("file", po::value<std::string>()->required(), "reproducer: .ovl text or a binary engine input")(
      "output,o", po::value<std::string>()->required(), "minimized text reproducer to write (replaced atomically)")(
      "scheme", po::value<std::string>()->default_value(""), "scheme of a binary input (built-in name or file)")(
      "signature", po::value<std::string>()->default_value(""),
      "finding to preserve (default: the artifact's '# signature:' line, else the first finding)")(
      "max-seconds", po::value<double>()->default_value(30), "time budget")(
      "binary", po::value<std::string>()->default_value(""),
      "also write the shortest binary encoding that still reproduces (for engine corpora, AFL++/libFuzzer)");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (!ParseArgs("minimize", "IN -o OUT [--scheme S] [--signature SIG] [--max-seconds N] [--binary OUT.bin]", args, opts, pos, &vm))
    return kExitClean;
  const std::string path = vm["file"].as<std::string>();
  const std::string out_path = vm["output"].as<std::string>();
  const double budget = vm["max-seconds"].as<double>();
  if (!(budget > 0)) throw UsageError("--max-seconds must be positive");

  Replayable r = LoadReplayable(ReadFile(path), path, vm["scheme"].as<std::string>(), Schemes());
  RunResult input = Replay(&r, path, RunLimits{});
  std::string signature = vm["signature"].as<std::string>();
  // An artifact records the finding it was written for.
  for (const std::string& c : r.repro.comments)
    if (signature.empty() && c.rfind("# signature: ", 0) == 0) signature = c.substr(13);
  if (signature.empty()) {
    if (input.findings.empty()) throw InputError(path, 1, 1, "replay is clean: there is no finding to preserve");
    signature = input.findings.front().signature;
  } else {
    if (!ShowsSignature(input, signature)) throw InputError(path, 1, 1, "replay does not show the finding '" + signature + "'");
  }

  const MinimizeOptions options = MinimizeBudget(budget);
  MinimizeResult m = Minimize(*r.world, r.repro, input, signature, options);

  if (m.repro.scheme_ref == "any") m.repro.scheme_ref = r.world->scheme().name;
  m.repro.comments = {"# ovlfuzz reproducer, minimized from " + path, "# signature: " + signature};
  WriteAtomic(out_path, FormatRepro(*r.world, m.repro));
  const std::string binary_path = vm["binary"].as<std::string>();
  std::string binary;
  if (!binary_path.empty()) {
    binary = ShortestBinary(*r.world, m.repro, signature);
    WriteAtomic(binary_path, binary);
  }
  auto row = [](const char* what, long long a, long long b) {
    std::printf("  %-12s %8lld -> %lld\n", what, a, b);
  };
  std::printf("ovlfuzz minimize: %s\n  signature: %s\n", path.c_str(), signature.c_str());
  row("threads", m.before.threads, m.after.threads);
  row("ops", m.before.ops, m.after.ops);
  row("steps", m.before.steps, m.after.steps);
  row("preemptions", m.before.preemptions, m.after.preemptions);
  row("bytes", static_cast<long long>(m.before.bytes), static_cast<long long>(m.after.bytes));
  if (!binary_path.empty())
    std::printf("  %-12s %8s -> %zu (%s)\n", "binary bytes", "", binary.size(), binary_path.c_str());
  std::printf("  %d candidate programs, %lld runs, %.2fs%s\n", m.candidates, static_cast<long long>(m.runs),
              options.elapsed(), m.out_of_time ? " (time budget reached)" : "");
  std::printf("replay: ovlfuzz replay %s\n", ShellQuote(out_path).c_str());
  return kExitFinding;  // the output shows the finding: that is what minimizing keeps
}

}  // namespace ovlfuzz::cli
