#include "model/scheme/scheme_loader.h"

#include "model/core/input_error.h"
#include "model/scheme/builtin.h"
#include "model/scheme/compose.h"

namespace ovlfuzz {

namespace {

std::string BuiltinNames() {
  std::string names;
  for (const BuiltinScheme& b : BuiltinSchemes()) names += std::string(names.empty() ? "" : ", ") + b.name;
  return names;
}

}  // namespace

SchemeSource SchemeSet::Source(const std::string& ref) {
  if (const BuiltinScheme* b = FindBuiltinScheme(ref)) return {b->text, b->path, "builtin:" + ref};
  try {
    return {reader_(ref), ref, ref};
  } catch (const InputError& err) {
    throw InputError(ref, err.line(), err.col(),
                     "not a built-in scheme (" + BuiltinNames() + ") and not a readable file: " + err.message());
  }
}

BaseLoader SchemeSet::Loader() {
  return [this](const std::string& ref, const SchemeSource& from, int line, int col) -> SchemeSource {
    if (const BuiltinScheme* b = FindBuiltinScheme(ref)) return {b->text, b->path, "builtin:" + ref};
    // A path, relative to the file that names it.
    std::string path = ref;
    size_t slash = from.path.rfind('/');
    if (ref.empty() || (ref[0] != '/' && slash != std::string::npos)) path = from.path.substr(0, slash + 1) + ref;
    try {
      return {reader_(path), path, path};
    } catch (const InputError& err) {
      throw InputError(from.path, line, col,
                       "cannot load base '" + ref + "': not a built-in scheme (" + BuiltinNames() +
                           ") and not a readable file (" + path + ": " + err.message() + ")");
    }
  };
}

const World& SchemeSet::Load(const std::string& ref) {
  return LoadParsed(ref, [&] { return LoadScheme(Source(ref), Loader()); });
}

const World& SchemeSet::LoadParsed(const std::string& key, const std::function<Scheme()>& parse) {
  auto it = cache_.find(key);
  if (it != cache_.end()) return *it->second.world;
  Entry e;
  e.scheme = std::make_unique<Scheme>(parse());
  e.world = std::make_unique<World>(*e.scheme);
  const World& w = *e.world;
  cache_.emplace(key, std::move(e));
  return w;
}

FlatScheme SchemeSet::Flat(const std::string& ref) { return Flatten(Source(ref), Loader()); }

}  // namespace ovlfuzz
