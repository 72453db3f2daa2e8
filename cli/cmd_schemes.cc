// `ovlfuzz schemes` and `ovlfuzz check-scheme FILE`.
#include <iostream>

#include "cli/cli_common.h"
#include "model/analysis/scheme_lint.h"
#include "model/core/input_error.h"
#include "model/scheme/builtin.h"
#include "model/scheme/parser.h"

namespace ovlfuzz::cli {

namespace po = boost::program_options;

namespace {

// A scheme's description: its leading comment block, whole (up to the
// first line that is not a comment, or a bare '#'), one line per line.
std::vector<std::string> Description(const std::string& text) {
  std::vector<std::string> lines;
  for (size_t p = 0; p < text.size() && text[p] == '#';) {
    size_t e = text.find('\n', p);
    if (e == std::string::npos) e = text.size();
    std::string line = text.substr(p + 1, e - p - 1);
    if (line.find_first_not_of(" \t\r") == std::string::npos) break;
    if (!line.empty() && line[0] == ' ') line.erase(0, 1);
    lines.push_back(line);
    p = e + 1;
  }
  return lines;
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : " ") + x;
  return s.empty() ? "(clean)" : s;
}

}  // namespace

int CmdSchemes(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("show", po::value<std::string>(),
                     "print this scheme (built-in name or file) flattened: its base's lines with the delta's "
                     "replacements and additions, each run of lines preceded by '# from FILE:LINE'");
  po::positional_options_description pos;
  po::variables_map vm;
  if (!ParseArgs("schemes", "[--show NAME|FILE]", args, opts, pos, &vm)) return kExitClean;
  if (vm.count("show")) {
    const std::string ref = vm["show"].as<std::string>();
    Schemes().Load(ref);  // reports parse errors at their origin
    std::cout << Schemes().Flat(ref).Annotated();
    return kExitClean;
  }
  std::cout << "built-in schemes (use with --scheme NAME; or pass a .scheme file):\n\n";
  for (const BuiltinScheme& b : BuiltinSchemes()) {
    const World& w = Schemes().Load(b.name);
    std::string base;
    const std::string text = b.text;
    if (size_t e = text.find("\nextends "); e != std::string::npos)
      base = " (extends " + text.substr(e + 9, text.find('\n', e + 1) - e - 9) + ")";
    std::cout << "  " << b.name << "\n";
    for (const std::string& line : Description(b.text)) std::cout << "      " << line << "\n";
    std::cout << "      expect: " << Join(w.scheme().expect) << "\n"
              << "      ops: " << w.scheme().ops.size() << ", source: " << b.path << base << "\n\n";
  }
  return kExitClean;
}

int CmdCheckScheme(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("file", po::value<std::string>()->required(), "scheme file to validate");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (!ParseArgs("check-scheme", "FILE", args, opts, pos, &vm)) return kExitClean;
  const std::string path = vm["file"].as<std::string>();
  Scheme s = LoadScheme({ReadFile(path), path, path}, Schemes().Loader());
  World world(s);
  SchemeLint lint = LintScheme(world);
  for (const LintMessage& w : lint.warnings)
    std::cerr << path << ":" << w.line << ":" << w.col << ": warning: " << w.message << "\n";
  if (!lint.errors.empty()) {
    const LintMessage& e = lint.errors.front();
    throw InputError(path, e.line, e.col,
                     e.message + (lint.errors.size() > 1
                                      ? " (and " + std::to_string(lint.errors.size() - 1) + " more such unlock(s))"
                                      : ""));
  }
  std::cout << path << ": ok: scheme " << s.name << ", " << s.ops.size() << " ops, "
            << s.routines.size() - s.ops.size() << " subs, " << s.families.size() << " lock families, expect: "
            << Join(s.expect) << "\n";
  return kExitClean;
}

}  // namespace ovlfuzz::cli
