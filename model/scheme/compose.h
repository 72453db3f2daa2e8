// Scheme composition: a proposal written as a delta of the kernel it changes.
//
//   scheme start-write-callback
//   extends v5.0                      # built-in name, or a path relative to this file
//   expect: lock-inversion deadlock   # optional: replaces the base's
//   replace sub ovl_sb_start_write(): # a whole routine, in place
//     ...
//   end
//   remove op tee
//   replace super ovl overlay class=10 depth=1 writers=upper
//   op new_op(file f): ... end        # new ops, subs, locks, supers and inits add
//
// Flatten() resolves `extends` (chains allowed, cycles refused) into one
// scheme text: the base's lines with the delta's replacements in place and
// its additions at the end. Redefining a name without `replace` is an error
// naming the first definition's FILE:LINE; every error points into the
// file that has the mistake, and every flattened line remembers the file and
// line it came from, so reports cite where a step is written (base or
// delta). The flattened text is what is parsed and hashed; Annotated() adds
// `# from FILE:LINE` comments (`ovlfuzz schemes --show`), which parse the
// same.
#ifndef OVLFUZZ_MODEL_SCHEME_COMPOSE_H_
#define OVLFUZZ_MODEL_SCHEME_COMPOSE_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/scheme/scheme.h"

namespace ovlfuzz {

struct SchemeSource {
  std::string text;
  std::string path;  // as reports name it ("model/schemes/v5.0.scheme", "my/delta.scheme")
  std::string id;    // identity for cycle detection (built-in name or canonical path)
};

// Loads the base `ref` named on line `line` of `from` (a built-in name, or a
// path relative to `from`'s directory). Throws InputError(from, line, col).
using BaseLoader = std::function<SchemeSource(const std::string& ref, const SchemeSource& from, int line, int col)>;

struct FlatScheme {
  std::string text;                  // flattened: parsed and hashed
  std::vector<std::string> files;    // files[0]: the top file
  std::vector<SchemeOrigin> origin;  // per line of `text`
  bool composed = false;             // some `extends` was resolved
  // `text` with `# from FILE:LINE` comment lines wherever the origin jumps.
  std::string Annotated() const;
};

FlatScheme Flatten(const SchemeSource& source, const BaseLoader& load);

// Flattens and parses; parse errors are reported at their origin.
Scheme LoadScheme(const SchemeSource& source, const BaseLoader& load);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_SCHEME_COMPOSE_H_
