#include "model/scheme/scheme_loader.h"

#include "model/core/input_error.h"
#include "model/scheme/builtin.h"
#include "model/scheme/parser.h"

namespace ovlfuzz {

const World& SchemeSet::Load(const std::string& ref) {
  auto it = cache_.find(ref);
  if (it != cache_.end()) return *it->second.world;
  Entry e;
  if (const BuiltinScheme* b = FindBuiltinScheme(ref)) {
    e.scheme = std::make_unique<Scheme>(ParseScheme(b->text, b->path));
  } else {
    std::string text;
    try {
      text = reader_(ref);
    } catch (const InputError& err) {
      std::string names;
      for (const BuiltinScheme& b : BuiltinSchemes()) names += std::string(names.empty() ? "" : ", ") + b.name;
      throw InputError(ref, err.line(), err.col(),
                       "not a built-in scheme (" + names + ") and not a readable file: " + err.message());
    }
    e.scheme = std::make_unique<Scheme>(ParseScheme(text, ref));
  }
  e.world = std::make_unique<World>(*e.scheme);
  const World& w = *e.world;
  cache_.emplace(ref, std::move(e));
  return w;
}

}  // namespace ovlfuzz
