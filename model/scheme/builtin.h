// The built-in schemes (model/schemes/*.scheme), embedded at build time.
#ifndef OVLFUZZ_MODEL_SCHEME_BUILTIN_H_
#define OVLFUZZ_MODEL_SCHEME_BUILTIN_H_

#include <string>
#include <vector>

namespace ovlfuzz {

struct BuiltinScheme {
  const char* name;  // file stem, e.g. "v5.0"
  const char* path;  // "model/schemes/v5.0.scheme"
  const char* text;
};

const std::vector<BuiltinScheme>& BuiltinSchemes();

// nullptr when `name` is not a built-in scheme.
inline const BuiltinScheme* FindBuiltinScheme(const std::string& name) {
  for (const BuiltinScheme& b : BuiltinSchemes())
    if (name == b.name) return &b;
  return nullptr;
}

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_SCHEME_BUILTIN_H_
