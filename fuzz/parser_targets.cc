#include "fuzz/parser_targets.h"

#include <string>

#include "model/analysis/scheme_lint.h"
#include "model/core/input_error.h"
#include "model/harness/replay.h"
#include "model/report/html_report.h"
#include "model/report/json_report.h"
#include "model/report/text_report.h"
#include "model/report/trace.h"
#include "model/scheme/builtin.h"
#include "model/scheme/compose.h"
#include "model/scheme/scheme_loader.h"
#include "model/world/world.h"

namespace ovlfuzz::fuzz {

namespace {

// The name the input goes by in diagnostics. It has no directory, so a
// relative `extends` path stays what it says (and is refused below).
constexpr char kSchemePath[] = "fuzz-input.scheme";
constexpr char kReproPath[] = "fuzz-input.ovl";

// Keeps the targets hermetic: a non-built-in reference is refused the way
// an unreadable file is, so the parsers' "not a built-in scheme and not a
// readable file" paths still run, but the fuzzer never opens a file.
std::string NoFiles(const std::string& path) { throw InputError(path, 0, 0, "the fuzz targets read no files"); }

// One set for the process: it caches only the built-in schemes (no file
// can load), so inputs do not influence each other beyond parse-once.
SchemeSet& BuiltinOnly() {
  static SchemeSet* set = new SchemeSet(NoFiles);  // never destroyed: no exit-time order issues
  return *set;
}

}  // namespace

bool CheckSchemeText(std::string_view data) {
  const std::string text(data);
  SchemeSet& schemes = BuiltinOnly();
  try {
    // `ovlfuzz check-scheme FILE`.
    Scheme s = LoadScheme({text, kSchemePath, kSchemePath}, schemes.Loader());
    World world(s);
    SchemeLint lint = LintScheme(world);
    if (!lint.errors.empty()) return false;
    // `ovlfuzz schemes --show FILE`: the flattened text with its origins.
    Flatten({text, kSchemePath, kSchemePath}, schemes.Loader()).Annotated();
    return true;
  } catch (const InputError&) {
    return false;
  }
}

bool ReplayReproText(std::string_view data) {
  const std::string bytes(data);
  SchemeSet& schemes = BuiltinOnly();
  const std::vector<BuiltinScheme>& builtins = BuiltinSchemes();
  // `ovlfuzz replay FILE`; a binary input needs `--scheme S`, and a text one
  // that names `scheme any` too: the scheme is then picked from the input's
  // size, so every built-in's op table meets the decoders.
  const std::string fallback = builtins[bytes.size() % builtins.size()].name;
  std::string scheme = LooksText(bytes) ? "" : fallback;
  try {
    Replayable r;
    try {
      r = LoadReplayable(bytes, kReproPath, scheme, schemes);
    } catch (const InputError& e) {
      if (!scheme.empty() || e.message().find("names no scheme") == std::string::npos) throw;
      scheme = fallback;
      r = LoadReplayable(bytes, kReproPath, scheme, schemes);
    }
    TraceRecorder trace;
    RunResult result = Replay(&r, kReproPath, RunLimits{}, {&trace});
    const std::string replay =
        std::string("ovlfuzz replay ") + kReproPath + (scheme.empty() ? "" : " --scheme " + scheme);
    // Every format of the report: each walks the findings and the trace.
    RenderReplayText(*r.world, r.repro, result, replay);
    RenderJsonReport(*r.world, r.repro, result, replay);
    RenderHtmlReport(*r.world, r.repro, result, trace.events(), replay);
    // `ovlfuzz convert`: the text form of what ran, which must parse back.
    FormatRepro(*r.world, r.repro);
    return true;
  } catch (const InputError&) {
    return false;
  }
}

}  // namespace ovlfuzz::fuzz
