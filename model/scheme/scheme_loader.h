// SchemeSet: parsed schemes with their worlds, cached by reference, so a
// scheme is parsed once per process however many programs use it.
// A reference is a built-in name ("v5.0") or, through the caller-supplied
// file reader, a path to a .scheme file.
#ifndef OVLFUZZ_MODEL_SCHEME_SCHEME_LOADER_H_
#define OVLFUZZ_MODEL_SCHEME_SCHEME_LOADER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "model/scheme/compose.h"
#include "model/scheme/scheme.h"
#include "model/world/world.h"

namespace ovlfuzz {

class SchemeSet {
 public:
  // Reads a file's text or throws InputError(path, 0, 0, why).
  using FileReader = std::function<std::string(const std::string& path)>;
  explicit SchemeSet(FileReader reader) : reader_(std::move(reader)) {}

  // Built-in name first, then a file path; `extends` resolved
  // (compose.h). Throws InputError.
  const World& Load(const std::string& ref);
  // A scheme parsed by the caller (e.g. the text a reproducer carries),
  // cached under `key`: `parse` runs only the first time.
  const World& LoadParsed(const std::string& key, const std::function<Scheme()>& parse);
  // The flattened text of `ref` with its origins (`schemes --show`).
  FlatScheme Flat(const std::string& ref);
  // Bases: built-in names, or paths relative to the including file.
  BaseLoader Loader();

 private:
  SchemeSource Source(const std::string& ref);

  struct Entry {
    std::unique_ptr<Scheme> scheme;
    std::unique_ptr<World> world;
  };
  FileReader reader_;
  std::map<std::string, Entry> cache_;
};

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_SCHEME_SCHEME_LOADER_H_
