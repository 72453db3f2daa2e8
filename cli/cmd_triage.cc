// `ovlfuzz triage DIR...`: replays every artifact below the directories
// (text .ovl, or binary engine inputs: libFuzzer crash-*, AFL++
// crashes/id:*, *.bin), groups them by finding signature under their root
// bug, and prints one row per signature with its count and smallest
// reproducer. With --minimize-to it keeps each signature once, minimized,
// as text; with --markdown it writes the table for a CI job page. Exit 1
// when any artifact reproduces a finding: the command CI runs after a
// fuzzing job.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "cli/cli_common.h"
#include "model/core/input_error.h"
#include "model/harness/minimize.h"
#include "model/harness/replay.h"
#include "model/oracle/signature.h"
#include "model/scheme/builtin.h"

namespace ovlfuzz::cli {

namespace po = boost::program_options;

namespace {

struct Group {
  std::string kind, bug, scheme;
  int count = 0;
  std::string smallest;      // artifact with the fewest ops
  std::string smallest_scheme_flag;  // " --scheme S" when it is binary
  size_t smallest_ops = SIZE_MAX;
  time_t first_seen = 0;
  std::string minimized;     // --minimize-to: the kept reproducer
  size_t minimized_ops = 0;
};

bool IsArtifact(const std::string& dir, const std::string& name) {
  if (EndsWith(name, ".report") || EndsWith(name, ".log") || name.find(".tmp.") != std::string::npos) return false;
  // ovlfuzz artifacts, converted .bin, libFuzzer crash-*, AFL++ crashes/id:*
  // (not its queue/, which holds ordinary inputs).
  if (EndsWith(dir, "queue")) return false;
  return EndsWith(name, ".ovl") || EndsWith(name, ".bin") || name.rfind("crash-", 0) == 0 ||
         (EndsWith(dir, "crashes") && name.rfind("id:", 0) == 0);
}

// Artifacts below `dir`, recursively (AFL++ keeps them in */crashes/).
void ListFiles(const std::string& dir, std::vector<std::string>* files) {
  DIR* d = opendir(dir.c_str());
  if (!d) throw UsageError("cannot open directory " + dir);
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name[0] == '.') continue;
    std::string path = dir + "/" + name;
    struct stat st;
    if (stat(path.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) ListFiles(path, files);
    else if (S_ISREG(st.st_mode) && IsArtifact(dir, name)) files->push_back(path);
  }
  closedir(d);
}

// The scheme of a binary artifact when --scheme is not given: a parent
// directory named after a built-in scheme ("v5.0/crashes/id:...") or after
// its engine target ("fuzz_v5_0/crash-..."), the layouts ci/fuzz and
// ci/afl write.
std::string SchemeFromPath(const std::string& path) {
  std::string best;
  std::stringstream parts(path);
  for (std::string part; std::getline(parts, part, '/');) {
    for (const BuiltinScheme& b : BuiltinSchemes()) {
      std::string id = std::string("fuzz_") + b.name;
      std::replace(id.begin(), id.end(), '-', '_');
      std::replace(id.begin(), id.end(), '.', '_');
      if (part == b.name || part == id) best = b.name;  // innermost wins
    }
  }
  return best;
}

time_t MTime(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? st.st_mtime : 0;
}

std::string IsoTime(time_t t) {
  char buf[32];
  std::tm tm;
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

// Markdown table cells must not break the row.
std::string Cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

}  // namespace

int CmdTriage(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("dir", po::value<std::vector<std::string>>()->required(),
                     "directories of artifacts (.ovl, *.bin, crash-*, crashes/id:*), searched recursively")(
      "scheme", po::value<std::string>()->default_value(""),
      "scheme of binary files (default: a parent directory named after a built-in scheme or fuzz_<scheme>)")(
      "minimize-to", po::value<std::string>()->default_value(""),
      "minimize the smallest reproducer of each signature into this directory as <scheme>-<kind>-<hash>.ovl (kept "
      "when the one already there is as small)")(
      "max-seconds", po::value<double>()->default_value(10), "minimization budget per signature")(
      "markdown", po::value<std::string>()->default_value(""),
      "also write the table as markdown (for a CI job page)");
  po::positional_options_description pos;
  pos.add("dir", -1);
  po::variables_map vm;
  if (!ParseArgs("triage", "DIR... [--scheme S] [--minimize-to DIR] [--markdown FILE]", args, opts, pos, &vm))
    return kExitClean;
  const std::string scheme_flag = vm["scheme"].as<std::string>();
  const std::string min_dir = vm["minimize-to"].as<std::string>();
  const std::string markdown = vm["markdown"].as<std::string>();
  const double budget = vm["max-seconds"].as<double>();
  if (!(budget > 0)) throw UsageError("--max-seconds must be positive");

  using Key = std::pair<std::string, std::string>;  // (scheme, signature)
  std::map<Key, Group> groups;
  std::map<Key, Replayable> smallest;  // the loaded smallest artifact
  std::map<Key, RunResult> smallest_result;
  int clean = 0, unreadable = 0, total = 0;
  std::vector<std::string> files;
  for (const std::string& dir : vm["dir"].as<std::vector<std::string>>()) ListFiles(dir, &files);
  std::sort(files.begin(), files.end());
  for (const std::string& path : files) {
    ++total;
    try {
      const std::string data = ReadFile(path);
      std::string scheme = scheme_flag;
      if (scheme.empty() && !LooksText(data)) scheme = SchemeFromPath(path);
      Replayable r = LoadReplayable(data, path, scheme, Schemes());
      RunResult result = Replay(&r, path, RunLimits{});
      if (result.findings.empty()) ++clean;
      for (const Finding& f : result.findings) {
        const Key k{r.world->scheme().name, f.signature};
        Group& g = groups[k];
        g.kind = FindingKindName(f.kind);
        g.bug = f.bug;
        g.scheme = r.world->scheme().name;
        const time_t t = MTime(path);
        if (g.count == 0 || t < g.first_seen) g.first_seen = t;
        ++g.count;
        size_t ops = static_cast<size_t>(r.repro.program.OpCount());
        if (ops < g.smallest_ops || (ops == g.smallest_ops && path < g.smallest)) {
          g.smallest_ops = ops;
          g.smallest = path;
          g.smallest_scheme_flag = r.binary ? " --scheme " + ShellQuote(g.scheme) : "";
          smallest[k] = r;
          smallest_result[k] = result;
        }
      }
    } catch (const InputError& e) {
      ++unreadable;
      std::cerr << e.what() << "\n";
    }
  }

  if (!min_dir.empty() && !groups.empty()) {
    MakeDirs(min_dir);
    for (auto& [k, g] : groups) {
      const std::string& sig = k.second;
      Replayable& r = smallest.at(k);
      MinimizeResult m = Minimize(*r.world, r.repro, smallest_result.at(k), sig, MinimizeBudget(budget));
      if (m.repro.scheme_ref == "any" || r.binary) m.repro.scheme_ref = g.scheme;
      m.repro.comments = {"# ovlfuzz reproducer, minimized by triage from " + g.smallest, "# signature: " + sig};
      g.minimized = min_dir + "/" + g.scheme + "-" + g.kind + "-" + SignatureHash(sig) + ".ovl";
      g.minimized_ops = static_cast<size_t>(m.repro.program.OpCount());
      // Keep the one already there when it is as small (a previous run's).
      try {
        Replayable old = LoadReplayable(ReadFile(g.minimized), g.minimized, "", Schemes());
        if (old.repro.program.OpCount() <= m.repro.program.OpCount()) {
          g.minimized_ops = static_cast<size_t>(old.repro.program.OpCount());
          continue;
        }
      } catch (const InputError&) {
        // none there, or unreadable: replace it
      }
      WriteAtomic(g.minimized, FormatRepro(*r.world, m.repro));
    }
  }

  // Rows grouped by scheme and bug, then signature.
  std::vector<std::pair<std::string, const Group*>> rows;
  for (const auto& [k, g] : groups) rows.emplace_back(k.second, &g);
  auto key = [](const Group* g) { return std::make_pair(g->scheme, g->bug); };
  std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) { return key(a.second) < key(b.second); });
  auto replay_of = [](const Group& g) {
    return g.minimized.empty() ? "ovlfuzz replay " + ShellQuote(g.smallest) + g.smallest_scheme_flag
                               : "ovlfuzz replay " + ShellQuote(g.minimized);
  };
  std::set<std::pair<std::string, std::string>> bugs;  // (scheme, bug)
  std::printf("%-24s %6s  %-12s %s\n", "kind", "count", "hash", "smallest reproducer (ops) / signature");
  for (const auto& [sig, g] : rows) {
    if (bugs.insert(key(g)).second)
      std::printf("bug %s  %s  [%s]\n", SignatureHash(g->bug).c_str(), g->bug.c_str(), g->scheme.c_str());
    std::printf("  %-22s %6d  %-12s %s (%zu ops)", g->kind.c_str(), g->count, SignatureHash(sig).c_str(),
                g->smallest.c_str(), g->smallest_ops);
    if (!g->minimized.empty()) std::printf(" -> %s (%zu ops)", g->minimized.c_str(), g->minimized_ops);
    std::printf("\n  %-22s %6s  %-12s   %s\n", "", "", "", sig.c_str());
  }
  std::printf("\n%d artifact(s): %zu bug(s), %zu distinct signature(s), %d clean, %d unreadable\n", total,
              bugs.size(), groups.size(), clean, unreadable);
  for (const auto& [sig, g] : rows) std::printf("replay: %s\n", replay_of(*g).c_str());

  if (!markdown.empty()) {
    std::string md = "## ovlfuzz triage\n\n";
    md += std::to_string(total) + " artifact(s): " + std::to_string(bugs.size()) + " bug(s), " +
          std::to_string(groups.size()) + " distinct signature(s), " + std::to_string(clean) + " clean, " +
          std::to_string(unreadable) + " unreadable.\n\n";
    if (!rows.empty()) {
      md += "| bug | signature | scheme | count | first seen | reproducer | replay |\n";
      md += "| --- | --- | --- | ---: | --- | --- | --- |\n";
      for (const auto& [sig, g] : rows) {
        md += "| `" + SignatureHash(g->bug) + "` " + Cell(g->bug) + " | " + Cell(sig) + " | " + Cell(g->scheme) +
              " | " + std::to_string(g->count) + " | " + IsoTime(g->first_seen) + " | " +
              Cell(g->minimized.empty() ? g->smallest : g->minimized) + " (" +
              std::to_string(g->minimized.empty() ? g->smallest_ops : g->minimized_ops) + " ops) | `" +
              Cell(replay_of(*g)) + "` |\n";
      }
    }
    WriteAtomic(markdown, md);
  }
  if (unreadable > 0 && groups.empty()) return kExitBadInput;
  return groups.empty() ? kExitClean : kExitFinding;
}

}  // namespace ovlfuzz::cli
