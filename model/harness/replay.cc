#include "model/harness/replay.h"

#include "model/core/hash.h"
#include "model/core/input_error.h"
#include "model/scheme/lexer.h"

namespace ovlfuzz {

namespace {

// Text files are UTF-8 without control characters other than tab and line
// breaks. Engine inputs need no magic, so one may well start with '#'; its
// other bytes then give it away.
bool PlainText(const std::string& data) {
  for (size_t i = 0; i < data.size();) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return false;
      ++i;
      continue;
    }
    int extra = (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : -1;
    if (extra < 0 || c == 0xc0 || c == 0xc1) return false;
    for (int k = 1; k <= extra; ++k)
      if (i + k >= data.size() || (static_cast<unsigned char>(data[i + k]) & 0xc0) != 0x80) return false;
    i += extra + 1;
  }
  return true;
}

}  // namespace

bool LooksText(const std::string& raw) {
  if (LooksBinary(raw)) return false;
  const std::string data = NormalizeSourceText(raw);  // a BOM does not make a reproducer binary
  size_t i = data.find_first_not_of(" \t\r\n");
  return i != std::string::npos && (data[i] == '#' || data.compare(i, 7, "ovlfuzz") == 0) && PlainText(data);
}

Replayable LoadReplayable(const std::string& data, const std::string& path, const std::string& scheme,
                          SchemeSet& schemes) {
  Replayable r;
  if (LooksText(data)) {
    r.repro = ParseRepro(
        data, path,
        [&](const Repro& rep, int line, int col) -> const World& {
          const std::string& ref = rep.scheme_ref;
          auto embedded = [&]() -> const World& {
            return schemes.LoadParsed("<embedded " + path + " " + Hex64(Fnv1a64(rep.embedded.text)) + ">",
                                      [&] { return ParseEmbedded(rep.embedded, path); });
          };
          // --scheme overrides what the file names; its text is compared
          // by hash (scheme_changed), not by name.
          if (!scheme.empty()) return schemes.Load(scheme);
          if (ref == "any") {
            if (rep.embedded.present) return embedded();
            throw InputError(path, line, col, "this program names no scheme: pass --scheme");
          }
          const World* named = nullptr;
          try {
            named = &schemes.Load(ref);
          } catch (const InputError& e) {
            // An error inside an existing scheme file keeps its own FILE:LINE:COL.
            if (e.file() != ref || e.message().rfind("not a built-in scheme", 0) != 0) throw;
            if (!rep.embedded.present)
              throw InputError(path, line, col, "cannot load scheme '" + ref + "': " + e.message());
            r.scheme_note = "scheme '" + ref + "' is not here; replaying against the scheme text embedded in " + path;
            return embedded();
          }
          if (named->scheme().hash != rep.scheme_hash && rep.embedded.present) {
            r.scheme_note = "scheme '" + ref +
                            "' changed since this reproducer was recorded; replaying against the "
                            "scheme text embedded in it (--scheme " +
                            ref + " replays against the current text)";
            return embedded();
          }
          return *named;
        },
        &r.world);
    if (r.repro.scheme_changed)
      r.scheme_note = "scheme '" + (scheme.empty() ? r.repro.scheme_ref : scheme) +
                      "' is not the text this reproducer was recorded against; replaying against it";
    return r;
  }
  if (scheme.empty())
    throw InputError(path, 1, 1, "binary input (libFuzzer/AFL++ crash file): name its scheme with --scheme");
  r.binary = true;
  r.world = &schemes.Load(scheme);
  r.bin = DecodeBinary(*r.world, reinterpret_cast<const uint8_t*>(data.data()), data.size());
  r.repro.scheme_ref = scheme;
  r.repro.scheme_hash = r.world->scheme().hash;
  r.repro.strategy = {StrategyKind::kRandom, 3, r.bin.seed};
  r.repro.program = r.bin.program;
  return r;
}

RunResult Replay(Replayable* r, const std::string& path, const RunLimits& limits,
                 const std::vector<Oracle*>& observers) {
  if (r->binary) {
    auto strategy = MakeByteStrategy(r->bin.choices, r->bin.seed);
    RunResult result = RunOnce(*r->world, r->repro.program, *strategy, limits, observers);
    r->repro.schedule = result.schedule;
    return result;
  }
  if (r->repro.schedule.empty()) {
    // A program without a recorded schedule runs under its strategy line.
    if (r->repro.scheme_ref == "any") r->repro.scheme_ref = r->world->scheme().name;
    auto strategy = MakeStrategy(r->repro.strategy);
    RunResult result = RunOnce(*r->world, r->repro.program, *strategy, limits, observers);
    r->repro.schedule = result.schedule;
    return result;
  }
  auto strategy = MakeReplayStrategy(r->repro.schedule);
  RunResult result = RunOnce(*r->world, r->repro.program, *strategy, limits, observers);
  if (!ScheduleFits(r->repro, result.diverged, result.schedule))
    throw InputError(path, 1, 1,
                     r->repro.scheme_changed
                         ? "the recorded schedule does not fit the changed scheme (re-record the reproducer)"
                         : "the recorded schedule does not fit this program (edited or corrupt reproducer)");
  return result;
}

}  // namespace ovlfuzz
