// `ovlfuzz graph`: the lock graph as a picture. Lock classes are nodes,
// lockdep dependencies (held -> acquired) are edges labelled with the ops
// and scheme lines that create them; edges on a lock-order cycle are red,
// a finding's cycle thicker. The edges come from the scheme's static lock
// graph (every path of every op: complete and deterministic), a short
// fuzz session (--runs/--seconds/--seed), or replays (--from: one
// reproducer, or every finding of a `fuzz --out` directory).
#include <sys/stat.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli_common.h"
#include "cli/graphviz.h"
#include "model/analysis/static_locks.h"
#include "model/core/input_error.h"
#include "model/harness/fuzz_session.h"
#include "model/harness/replay.h"
#include "model/report/lock_graph_dot.h"
#include "model/report/lock_graph_sources.h"

namespace ovlfuzz::cli {

namespace po = boost::program_options;

namespace {

constexpr int64_t kDefaultFuzzRuns = 2000;

const char kUsage[] =
    "--scheme S [--from DIR|FILE] [--format svg|dot] [-o FILE] [--runs N] [--seconds N] [--seed N]\n\n"
    "Draws the lock graph of a scheme. Edges come from its static lock graph (default: every path of\n"
    "every op), a fuzz session (--runs/--seconds/--seed), or replays (--from a .ovl reproducer, or a\n"
    "'fuzz --out' directory: every finding of its summary.json). Red: edges on a lock-order cycle;\n"
    "thick red: a finding's cycle. --format defaults to svg when -o names a file (dot for .dot/.gv),\n"
    "to dot on stdout without -o; svg needs graphviz's 'dot'.";

bool IsDir(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Replays one reproducer into the picture; returns its scheme's world.
const World& AddReplay(const std::string& path, const std::string& scheme, LockGraphPicture* picture,
                       size_t* findings) {
  Replayable r = LoadReplayable(ReadFile(path), path, scheme, Schemes());
  RunResult result = Replay(&r, path, RunLimits{});
  AddRunEdges(*r.world, r.repro.program, result, picture);
  *findings += result.findings.size();
  return *r.world;
}

// The artifacts a `fuzz --out DIR` session listed in DIR/summary.json. The
// paths there are as the session was given them; a directory moved since
// is found by the artifact's name inside DIR.
std::vector<std::string> SummaryArtifacts(const std::string& dir, std::string* scheme) {
  const std::string path = dir + "/summary.json";
  nlohmann::json summary;
  try {
    summary = nlohmann::json::parse(ReadFile(path));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path, 1, 1, std::string("not a summary.json: ") + e.what());
  }
  if (!summary.is_object() || !summary.contains("findings") || !summary["findings"].is_array())
    throw InputError(path, 1, 1, "not a summary.json of 'ovlfuzz fuzz --out' (no findings array)");
  if (summary.contains("scheme") && summary["scheme"].is_string()) *scheme = summary["scheme"].get<std::string>();
  std::vector<std::string> artifacts;
  for (const auto& f : summary["findings"]) {
    if (!f.is_object() || !f.contains("artifact") || !f["artifact"].is_string())
      throw InputError(path, 1, 1, "a finding without an artifact path");
    const std::string a = f["artifact"].get<std::string>();
    const std::string inside = dir + "/" + a.substr(a.rfind('/') == std::string::npos ? 0 : a.rfind('/') + 1);
    struct stat st;
    artifacts.push_back(stat(inside.c_str(), &st) == 0 ? inside : a);
  }
  return artifacts;
}

}  // namespace

int CmdGraph(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("scheme", po::value<std::string>(), "built-in scheme name or .scheme file (optional with --from)")(
      "from", po::value<std::string>(), "a .ovl reproducer, or a 'fuzz --out' directory with summary.json")(
      "format", po::value<std::string>(), "svg or dot (default: by -o's extension; dot on stdout)")(
      "output,o", po::value<std::string>(), "output file, replaced atomically (default: stdout)")(
      "runs", po::value<int64_t>(), "fuzz source: runs of the session (default 2000 unless --seconds)")(
      "seconds", po::value<double>(), "fuzz source: time budget in seconds (not deterministic)")(
      "seed", po::value<uint64_t>(), "fuzz source: session seed (default 1)");
  po::positional_options_description pos;
  po::variables_map vm;
  if (!ParseArgs("graph", kUsage, args, opts, pos, &vm)) return kExitClean;

  const std::string output = vm.count("output") ? vm["output"].as<std::string>() : "";
  std::string format = vm.count("format") ? vm["format"].as<std::string>()
                       : output.empty() || EndsWith(output, ".dot") || EndsWith(output, ".gv") ? "dot"
                                                                                               : "svg";
  if (format != "svg" && format != "dot") throw UsageError("--format must be svg or dot, got '" + format + "'");
  const bool fuzz = vm.count("runs") || vm.count("seconds") || vm.count("seed");
  if (vm.count("from") && fuzz) throw UsageError("--from draws replays: --runs, --seconds and --seed do not apply");
  if (!vm.count("from") && !vm.count("scheme")) throw UsageError("--scheme is required (unless --from is given)");
  // Fail before any work: a missing graphviz is known up front.
  if (format == "svg" && FindDot().empty())
    throw UsageError("graphviz 'dot' not found (apt-get install graphviz); use --format dot");
  const std::string scheme_ref = vm.count("scheme") ? vm["scheme"].as<std::string>() : "";

  LockGraphPicture picture;
  const World* world = nullptr;
  size_t findings = 0;
  if (vm.count("from")) {
    const std::string from = vm["from"].as<std::string>();
    if (IsDir(from)) {
      std::string summary_scheme;
      const std::vector<std::string> artifacts = SummaryArtifacts(from, &summary_scheme);
      for (const std::string& a : artifacts) world = &AddReplay(a, scheme_ref, &picture, &findings);
      if (!world) world = &Schemes().Load(scheme_ref.empty() ? summary_scheme : scheme_ref);
      picture.source = "replays of the " + std::to_string(artifacts.size()) + " finding(s) in " + from +
                       "/summary.json (first site of each edge)";
    } else {
      world = &AddReplay(from, scheme_ref, &picture, &findings);
      picture.source = "replay of " + from + " (first site of each edge)";
    }
  } else if (fuzz) {
    world = &Schemes().Load(scheme_ref);
    FuzzConfig cfg;
    cfg.seed = vm.count("seed") ? vm["seed"].as<uint64_t>() : 1;
    double seconds = 0;
    if (vm.count("seconds")) {
      seconds = vm["seconds"].as<double>();
      if (!(seconds > 0)) throw UsageError("--seconds must be positive");
    }
    if (vm.count("runs") || !vm.count("seconds")) {
      cfg.max_runs = vm.count("runs") ? vm["runs"].as<int64_t>() : kDefaultFuzzRuns;
      if (cfg.max_runs < 1) throw UsageError("--runs must be positive");
    }
    FuzzHooks hooks;
    const auto start = std::chrono::steady_clock::now();
    hooks.should_stop = [&](const FuzzStats&) {
      return seconds > 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= seconds;
    };
    hooks.on_finding = [&](const Finding& f, const Repro&, const Program& program, const FuzzStats&) {
      MarkFindingCycle(*world, f, &program, &picture);
      ++findings;
    };
    FuzzSession session(*world, scheme_ref, cfg, hooks);
    session.Run();
    AddChainEdges(
        *world, session.graph().edges(),
        [&](const ChainLink& l) {
          auto it = session.edge_ops().find({l.from_cls, l.cls});
          return it == session.edge_ops().end() ? -1 : static_cast<int>(it->second.routine);
        },
        &picture);
    picture.source = "fuzz session: " + std::to_string(session.stats().runs) + " runs, seed " +
                     std::to_string(cfg.seed) + " (first site of each edge)";
  } else {
    world = &Schemes().Load(scheme_ref);
    StaticLockGraph graph(*world);
    AddStaticEdges(*world, graph, &picture);
    picture.source = "static lock graph: every path of every op (" + std::to_string(graph.calls()) + " op calls)";
  }
  picture.title = "ovlfuzz lock graph: scheme " + world->scheme().name;

  const std::string dot = RenderLockGraphDot(picture);
  std::string out = dot;
  if (format == "svg") {
    try {
      out = RenderSvg(dot);
    } catch (const GraphvizMissing& e) {
      throw UsageError(e.what());
    }
  }
  if (output.empty())
    std::cout << out << std::flush;
  else
    WriteAtomic(output, out);

  size_t finding_edges = 0;
  for (const auto& [key, edge] : picture.edges()) finding_edges += edge.finding;
  std::cerr << "ovlfuzz graph: scheme " << world->scheme().name << ": " << picture.Nodes().size() << " classes, "
            << picture.edges().size() << " edges, " << picture.CycleEdges().size() << " on lock-order cycles, "
            << finding_edges << " on the cycles of " << findings << " finding(s); source: " << picture.source
            << (output.empty() ? "" : "; wrote " + output) << "\n";
  return kExitClean;
}

}  // namespace ovlfuzz::cli
