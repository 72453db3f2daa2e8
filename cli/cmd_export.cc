// `ovlfuzz export --format promela`: the state space `verify` explores at
// the same bounds, as a Promela model for SPIN (model/export/promela.h), so
// SPIN's invalid-end-state search checks ovlfuzz's deadlock verdicts and
// both tools can be timed on one model (ci/bench-verify).
#include <iostream>
#include <sstream>

#include "cli/cli_common.h"
#include "cli/verify_common.h"
#include "model/export/promela.h"

namespace ovlfuzz::cli {

namespace po = boost::program_options;

namespace {

const char kUsage[] =
    "--format promela --scheme NAME|FILE --threads T --ops K [--only-ops LIST] [--files N] [--dirs N]\n"
    "               [--pipes N] [-o FILE]\n\n"
    "Writes the state space of 'ovlfuzz verify' at the same bounds as a Promela model: one atomic step\n"
    "per acquisition slice, the executor's lock semantics, and every process choosing its next op and\n"
    "arguments as verify's threads do. SPIN's invalid-end-state search on it finds a deadlock exactly\n"
    "when 'ovlfuzz verify --oracles deadlock' does:\n"
    "  spin -a model.pml && gcc -O2 -DSAFETY -o pan pan.c && ./pan";

// The command as it would be typed, with the options in a fixed order, so
// the header (and the whole model) does not depend on how they were given.
std::string CanonicalCommand(const po::variables_map& vm) {
  std::ostringstream c;
  c << "ovlfuzz export --format promela --scheme " << ShellQuote(vm["scheme"].as<std::string>()) << " --threads "
    << vm["threads"].as<int>() << " --ops " << vm["ops"].as<int>();
  if (!vm["only-ops"].defaulted()) c << " --only-ops " << ShellQuote(vm["only-ops"].as<std::string>());
  for (const char* name : {"files", "dirs", "pipes"})
    if (vm.count(name)) c << " --" << name << " " << vm[name].as<int>();
  return c.str();
}

}  // namespace

int CmdExport(const std::vector<std::string>& args) {
  po::options_description opts("options");
  AddVerifyBoundOptions(&opts);
  opts.add_options()("format", po::value<std::string>()->required(), "output format: promela")(
      "scheme", po::value<std::string>()->required(), "built-in scheme name (see 'ovlfuzz schemes') or a .scheme file")(
      "output,o", po::value<std::string>(), "output file, replaced atomically (default: stdout)");
  po::positional_options_description pos;
  po::variables_map vm;
  if (!ParseArgs("export", kUsage, args, opts, pos, &vm)) return kExitClean;
  const std::string format = vm["format"].as<std::string>();
  if (format != "promela") throw UsageError("--format must be promela (got '" + format + "')");
  if (vm.count("preemptions"))
    throw UsageError("--preemptions has no Promela counterpart (SPIN explores every schedule)");
  if (!vm["max-steps"].defaulted()) throw UsageError("--max-steps has no Promela counterpart");
  const World& world = Schemes().Load(vm["scheme"].as<std::string>());
  const VerifyOptions o = VerifyBoundsFrom(vm, world);
  PromelaInfo info;
  info.bounds = DescribeBounds(world, o);
  info.command = CanonicalCommand(vm);
  const std::string model = ExportPromela(world, o, info);
  if (!vm.count("output")) {
    std::cout << model;
    return kExitClean;
  }
  WriteAtomic(vm["output"].as<std::string>(), model);
  return kExitClean;
}

}  // namespace ovlfuzz::cli
