// Shared pieces of the ovlfuzz subcommands: exit codes, file I/O with
// one-line errors, scheme loading, exclusive artifact writes, and the
// Boost.Program_options glue (parse errors become exit status 2).
#ifndef OVLFUZZ_CLI_CLI_COMMON_H_
#define OVLFUZZ_CLI_CLI_COMMON_H_

#include <set>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "model/harness/minimize.h"
#include "model/scheme/scheme_loader.h"

namespace ovlfuzz::cli {

constexpr int kExitClean = 0;
constexpr int kExitFinding = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitCutShort = 3;       // a bound or budget ended the search before a verdict
constexpr int kExitInterrupted = 128;  // + the signal number (SIGINT 130, SIGTERM 143)

// The "exit status:" block of a command's --help (every command documents
// its codes; they keep to 0 clean, 1 finding, 2 bad input, 3 cut short).
std::string ExitStatusHelp(const std::string& cmd);

// Thrown for bad usage; main() prints "ovlfuzz <cmd>: error: ..." and exits 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads a whole file; throws InputError(path, 1, 1, reason) on failure.
std::string ReadFile(const std::string& path);

// Writes `data` to `path` only if `path` does not exist yet: the data goes
// to a temporary file first and is then hard-linked into place, so a
// reader never sees a half-written artifact and parallel jobs never
// clobber each other. Returns false when `path` already exists.
bool WriteExclusive(const std::string& path, const std::string& data);
// Replaces `path` atomically (write temp + rename).
void WriteAtomic(const std::string& path, const std::string& data);
void MakeDirs(const std::string& dir);

SchemeSet& Schemes();

// Parses `args` against `opts` (+ positional), handling --help. Returns
// false when help was printed.
bool ParseArgs(const std::string& cmd, const std::string& usage, const std::vector<std::string>& args,
               const boost::program_options::options_description& opts,
               const boost::program_options::positional_options_description& pos,
               boost::program_options::variables_map* vm);

// Minimization options with a wall-clock budget starting now (the model
// keeps no clock; the caller brings one).
MinimizeOptions MinimizeBudget(double max_seconds);

// --check-expect: compares the finding kinds a session found with the
// scheme's `expect:` line and prints "expect: A B; found: A C: MISMATCH
// (missing B, unexpected C)". Returns 0 when they are equal, 1 when not,
// and `incomplete_status` when a kind is missing but the search was cut
// short (so nothing is known yet); `incomplete_status` 0 means it wasn't.
int CheckExpect(const std::string& cmd, const Scheme& scheme, const std::set<std::string>& found,
                int incomplete_status = 0);

// Shell-quotes an argument for copy-pasteable commands.
std::string ShellQuote(const std::string& s);

bool EndsWith(const std::string& s, const std::string& suffix);
// The items of a comma-separated flag value, empty ones included ("a,,b"
// has three), so that a caller can refuse a typo instead of ignoring it.
std::vector<std::string> SplitCommas(const std::string& list);

// How a reproducer names the scheme `ref`: a built-in by name, a file by
// its absolute path, so the file replays from any directory (and the text
// it embeds covers the case where the scheme file is gone).
std::string SchemeRefForRepro(const std::string& ref);

int CmdFuzz(const std::vector<std::string>& args);
int CmdReplay(const std::vector<std::string>& args);
int CmdConvert(const std::vector<std::string>& args);
int CmdMinimize(const std::vector<std::string>& args);
int CmdTriage(const std::vector<std::string>& args);
int CmdVerify(const std::vector<std::string>& args);
int CmdExport(const std::vector<std::string>& args);
int CmdDiff(const std::vector<std::string>& args);
int CmdExplain(const std::vector<std::string>& args);
int CmdHitrate(const std::vector<std::string>& args);
int CmdGraph(const std::vector<std::string>& args);
int CmdSchemes(const std::vector<std::string>& args);
int CmdCheckScheme(const std::vector<std::string>& args);

}  // namespace ovlfuzz::cli

#endif  // OVLFUZZ_CLI_CLI_COMMON_H_
