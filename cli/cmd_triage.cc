// `ovlfuzz triage DIR`: replays every artifact in a directory (text .ovl,
// or binary crash files with --scheme), groups them by finding signature,
// and prints one row per signature with its count and smallest reproducer.
// Exit 1 when any artifact reproduces a finding: the command CI runs after
// a fuzzing job. Artifacts: *.ovl, *.bin, libFuzzer crash-*, AFL++ id:*,
// searched recursively.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>

#include "cli/cli_common.h"
#include "model/core/input_error.h"
#include "model/harness/replay.h"
#include "model/oracle/signature.h"

namespace ovlfuzz::cli {

namespace po = boost::program_options;

namespace {

struct Group {
  std::string kind;
  int count = 0;
  std::string smallest;
  size_t smallest_ops = SIZE_MAX;
};

bool IsArtifact(const std::string& dir, const std::string& name) {
  auto ends = [&](const char* suffix) {
    size_t n = std::char_traits<char>::length(suffix);
    return name.size() > n && name.compare(name.size() - n, n, suffix) == 0;
  };
  if (ends(".report") || ends(".log") || name.find(".tmp.") != std::string::npos) return false;
  // ovlfuzz artifacts, converted .bin, libFuzzer crash-*, AFL++ crashes/id:*
  // (not its queue/, which holds ordinary inputs).
  bool in_crashes = dir.size() >= 7 && dir.compare(dir.size() - 7, 7, "crashes") == 0;
  bool in_queue = dir.size() >= 5 && dir.compare(dir.size() - 5, 5, "queue") == 0;
  if (in_queue) return false;
  return ends(".ovl") || ends(".bin") || name.rfind("crash-", 0) == 0 || (in_crashes && name.rfind("id:", 0) == 0);
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

}  // namespace

int CmdTriage(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("dir", po::value<std::string>()->required(), "directory of artifacts (.ovl or crash files)")(
      "scheme", po::value<std::string>()->default_value(""), "scheme of binary crash files");
  po::positional_options_description pos;
  pos.add("dir", 1);
  po::variables_map vm;
  if (!ParseArgs("triage", "DIR [--scheme S]", args, opts, pos, &vm)) return kExitClean;
  const std::string scheme = vm["scheme"].as<std::string>();

  std::map<std::string, Group> groups;
  int clean = 0, unreadable = 0, total = 0;
  std::vector<std::string> files;
  ListFiles(vm["dir"].as<std::string>(), &files);
  std::sort(files.begin(), files.end());
  for (const std::string& path : files) {
    ++total;
    try {
      Replayable r = LoadReplayable(ReadFile(path), path, scheme, Schemes());
      RunResult result = Replay(&r, path, RunLimits{});
      if (result.findings.empty()) ++clean;
      for (const Finding& f : result.findings) {
        Group& g = groups[f.signature];
        g.kind = FindingKindName(f.kind);
        ++g.count;
        size_t ops = static_cast<size_t>(r.repro.program.OpCount());
        if (ops < g.smallest_ops || (ops == g.smallest_ops && path < g.smallest)) {
          g.smallest_ops = ops;
          g.smallest = path;
        }
      }
    } catch (const InputError& e) {
      ++unreadable;
      std::cerr << e.what() << "\n";
    }
  }
  std::printf("%-24s %6s  %-12s %s\n", "kind", "count", "hash", "smallest reproducer (ops) / signature");
  for (const auto& [sig, g] : groups) {
    std::printf("%-24s %6d  %-12s %s (%zu ops)\n", g.kind.c_str(), g.count, SignatureHash(sig).c_str(),
                g.smallest.c_str(), g.smallest_ops);
    std::printf("%-24s %6s  %-12s   %s\n", "", "", "", sig.c_str());
  }
  std::printf("\n%d artifact(s): %zu distinct signature(s), %d clean, %d unreadable\n", total, groups.size(), clean,
              unreadable);
  for (const auto& [sig, g] : groups)
    std::printf("replay: ovlfuzz replay %s%s\n", ShellQuote(g.smallest).c_str(),
                scheme.empty() ? "" : (" --scheme " + ShellQuote(scheme)).c_str());
  if (unreadable > 0 && groups.empty()) return kExitBadInput;
  return groups.empty() ? kExitClean : kExitFinding;
}

}  // namespace ovlfuzz::cli
