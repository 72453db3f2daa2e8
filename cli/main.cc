// ovlfuzz: fuzz overlayfs locking schemes in a deterministic model.
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "cli/cli_common.h"
#include "model/core/input_error.h"

namespace {

const char kUsage[] =
    "usage: ovlfuzz <command> [options]\n"
    "\n"
    "Fuzz Linux overlayfs locking schemes in a deterministic user-space model.\n"
    "\n"
    "commands:\n"
    "  fuzz          generate and run programs against a scheme, report findings\n"
    "  replay        re-execute a reproducer (.ovl or engine input) exactly, print its report\n"
    "  convert       convert a reproducer between text (.ovl) and binary (engine input)\n"
    "  minimize      shrink a reproducer's program and schedule, keeping its finding\n"
    "  triage        replay every artifact in a directory, group by signature\n"
    "  verify        explore every program and schedule within bounds (exhaustive, reduced)\n"
    "  export        write verify's state space as a Promela model for SPIN (--format promela)\n"
    "  diff          compare the findings of two schemes on the same programs\n"
    "  explain       turn a lockdep splat into a model reproducer, or prove its chain absent\n"
    "  hitrate       how often a randomized strategy hits a reproducer's bug, vs PCT's bound\n"
    "  graph         draw the lock graph (classes, dependencies, cycles in red) as SVG or DOT\n"
    "  schemes       list the built-in schemes\n"
    "  check-scheme  validate a scheme file\n"
    "\n"
    "Run 'ovlfuzz <command> --help' for the options of a command.\n"
    "Exit status: 0 clean, 1 finding, 2 bad usage or input, 3 cut short (verify, explain).\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace ovlfuzz::cli;
  // Past a file-size limit (ulimit -f) a write fails with EFBIG instead of
  // killing the process: the command reports it (exit 2) and removes its
  // temporary file, so no *.tmp.PID is left behind.
  std::signal(SIGXFSZ, SIG_IGN);
  if (argc < 2) {
    std::cerr << kUsage;
    return kExitBadInput;
  }
  std::string cmd = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    std::cout << kUsage;
    return kExitClean;
  }
  try {
    if (cmd == "fuzz") return CmdFuzz(args);
    if (cmd == "replay") return CmdReplay(args);
    if (cmd == "convert") return CmdConvert(args);
    if (cmd == "minimize") return CmdMinimize(args);
    if (cmd == "triage") return CmdTriage(args);
    if (cmd == "verify") return CmdVerify(args);
    if (cmd == "export") return CmdExport(args);
    if (cmd == "diff") return CmdDiff(args);
    if (cmd == "explain") return CmdExplain(args);
    if (cmd == "hitrate") return CmdHitrate(args);
    if (cmd == "graph") return CmdGraph(args);
    if (cmd == "schemes") return CmdSchemes(args);
    if (cmd == "check-scheme") return CmdCheckScheme(args);
    std::cerr << "ovlfuzz: error: unknown command '" << cmd << "' (try 'ovlfuzz --help')\n";
    return kExitBadInput;
  } catch (const ovlfuzz::InputError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const UsageError& e) {
    std::cerr << "ovlfuzz " << cmd << ": error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "ovlfuzz " << cmd << ": error: " << e.what() << "\n";
    return kExitBadInput;
  }
}
