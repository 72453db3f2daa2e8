// Shared by `ovlfuzz verify` and `ovlfuzz diff --verify-bounds`: the bound
// flags, the one-line description of what a run proves, running the
// explorer in one or several processes with progress lines, and artifacts.
#ifndef OVLFUZZ_CLI_VERIFY_COMMON_H_
#define OVLFUZZ_CLI_VERIFY_COMMON_H_

#include <string>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "model/verify/explorer.h"
#include "model/world/world.h"

namespace ovlfuzz::cli {

// --threads --ops --preemptions --only-ops --files --dirs --pipes --max-steps
void AddVerifyBoundOptions(boost::program_options::options_description* opts);
// Throws UsageError for values out of range or unknown op names.
VerifyOptions VerifyBoundsFrom(const boost::program_options::variables_map& vm, const World& world);
// --oracles: a comma-separated list of finding kinds (the names of the
// scheme's expect: line) as a VerifyOptions::kinds mask. Throws UsageError
// for an unknown or empty name.
uint32_t ParseOracleKinds(const std::string& list);
// The kinds of a mask, comma-separated, in FindingKind order.
std::string OracleKindNames(uint32_t kinds);

// "up to 3 threads x 3 ops, no preemption bound, ops write,fsync (2 of 18),
// args from 1 file, 1 dir, 1 pipe"
std::string DescribeBounds(const World& world, const VerifyOptions& o);

struct VerifyRun {
  VerifyResult result;
  double seconds = 0;
};
// Runs Verify in `jobs` processes (fork; each takes every jobs-th top-level
// subtree, and they share a visited set of `memory_mib` MiB), printing a
// progress line to stderr every 2 s unless `label` is empty. Stops after
// `max_seconds` (> 0) with stats.complete false.
VerifyRun RunVerify(const World& world, const VerifyOptions& o, int jobs, size_t memory_mib, double max_seconds,
                    const std::string& label);

// The smallest --memory (a power of two, MiB) whose shared visited set
// holds `states` states below its fill limit, with a quarter to spare.
size_t MemoryFor(int64_t states);

// Writes the finding as `<out>/<kind>-<hash>.ovl` (kept if it exists).
std::string WriteVerifyArtifact(const World& world, const std::string& scheme_ref, const std::string& out_dir,
                                const VerifyFinding& f);

// The counters of a verify run as JSON (verify.json, and the lines --jobs
// children send their parent).
nlohmann::json StatsJson(const VerifyStats& s);

// 1234567 -> "1.23M"
std::string FormatCount(int64_t n);

}  // namespace ovlfuzz::cli

#endif  // OVLFUZZ_CLI_VERIFY_COMMON_H_
