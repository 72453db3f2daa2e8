#include "cli/cli_common.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <vector>

#include "model/core/input_error.h"
#include "model/scheme/builtin.h"

namespace ovlfuzz::cli {

namespace po = boost::program_options;

std::string ReadFile(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) throw InputError(path, 1, 1, std::string("cannot open: ") + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw InputError(path, 1, 1, "is a directory");
  if (st.st_size > 16 * 1024 * 1024) throw InputError(path, 1, 1, "file too large (over 16 MiB)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 1, 1, std::string("cannot open: ") + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

static void WriteAll(int fd, const std::string& data, const std::string& path) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    }
    off += static_cast<size_t>(n);
  }
}

static std::string TempFor(const std::string& path) {
  return path + ".tmp." + std::to_string(getpid());
}

static void WriteTemp(const std::string& tmp, const std::string& data) {
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + tmp + ": " + std::strerror(errno));
  try {
    WriteAll(fd, data, tmp);
  } catch (...) {
    close(fd);
    unlink(tmp.c_str());
    throw;
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    unlink(tmp.c_str());
    throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
  }
}

bool WriteExclusive(const std::string& path, const std::string& data) {
  std::string tmp = TempFor(path);
  WriteTemp(tmp, data);
  int rc = link(tmp.c_str(), path.c_str());
  int err = errno;
  unlink(tmp.c_str());
  if (rc == 0) return true;
  if (err == EEXIST) return false;
  throw std::runtime_error("cannot create " + path + ": " + std::strerror(err));
}

void WriteAtomic(const std::string& path, const std::string& data) {
  std::string tmp = TempFor(path);
  WriteTemp(tmp, data);
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(err));
  }
}

void MakeDirs(const std::string& dir) {
  std::string cur;
  std::stringstream ss(dir);
  std::string part;
  if (!dir.empty() && dir[0] == '/') cur = "/";
  while (std::getline(ss, part, '/')) {
    if (part.empty()) continue;
    cur += part + "/";
    if (mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST)
      throw UsageError("cannot create directory " + cur + ": " + std::strerror(errno));
  }
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) throw UsageError(dir + " is not a directory");
}

SchemeSet& Schemes() {
  static SchemeSet set(ReadFile);
  return set;
}

// Boost converts "-1" to an unsigned option by wrapping it and "inf" to a
// double: both would be silent nonsense (a seed of 2^64-1, a fuzz session
// that never ends), so every such value is refused here, for every command.
static void CheckValues(const po::parsed_options& parsed, const po::options_description& all) {
  for (const po::option& o : parsed.options) {
    const po::option_description* d = all.find_nothrow(o.string_key, false);
    if (!d || o.value.empty()) continue;
    const po::value_semantic* sem = d->semantic().get();
    const std::string& v = o.value.back();
    const bool is_unsigned = dynamic_cast<const po::typed_value<unsigned long>*>(sem) ||
                             dynamic_cast<const po::typed_value<unsigned>*>(sem) ||
                             dynamic_cast<const po::typed_value<unsigned long long>*>(sem);
    if (is_unsigned && v.find('-') != std::string::npos)
      throw UsageError("--" + d->long_name() + " must not be negative (got '" + v + "')");
    if (dynamic_cast<const po::typed_value<double>*>(sem)) {
      char* end = nullptr;
      double x = std::strtod(v.c_str(), &end);
      if (!std::isfinite(x)) throw UsageError("--" + d->long_name() + " must be a finite number (got '" + v + "')");
    }
  }
}

std::string ExitStatusHelp(const std::string& cmd) {
  static const std::map<std::string, std::vector<std::string>> kCodes = {
      {"fuzz",
       {"0  no finding (--check-expect: the kinds found equal the scheme's expect: line)",
        "1  finding(s), artifacts written (--check-expect: found kinds differ from expect:)", "2  bad usage or input",
        "130/143  interrupted by SIGINT/SIGTERM: summary written, marked interrupted"}},
      {"replay", {"0  no finding", "1  finding(s)", "2  bad usage or input, or a schedule that does not fit"}},
      {"convert", {"0  converted; the program shows no finding", "1  converted; it shows a finding",
                   "2  bad usage or input"}},
      {"minimize", {"1  minimized: the output still shows the finding (as it must)",
                    "2  bad usage or input, or the input does not show the finding"}},
      {"triage", {"0  no artifact reproduces", "1  some artifact reproduces",
                  "2  bad usage or input (also: nothing readable)"}},
      {"verify", {"0  no finding within the bounds (--check-expect: the kinds found equal expect:)",
                  "1  finding(s) (--check-expect: found kinds differ from expect:)", "2  bad usage or input",
                  "3  cut short (--max-seconds): nothing proven"}},
      {"export", {"0  written", "2  bad usage or input"}},
      {"diff", {"0  B adds no bug", "1  B adds a bug A does not have", "2  bad usage or input"}},
      {"explain", {"0  every scheme is absent or not-expressible", "1  reproduced on some scheme",
                   "2  bad usage or input", "3  some scheme is not-found (the budget ended first)"}},
      {"hitrate", {"1  measured: the reproducer shows the bug", "2  bad usage or input, or no bug to measure"}},
      {"graph", {"0  written", "2  bad usage or input (also: svg without graphviz)"}},
      {"schemes", {"0  listed", "2  bad usage or input"}},
      {"check-scheme", {"0  valid (warnings allowed)", "2  bad usage, or the scheme has an error"}},
  };
  auto it = kCodes.find(cmd);
  if (it == kCodes.end()) return "";
  std::string out = "exit status:\n";
  for (const std::string& line : it->second) out += "  " + line + "\n";
  return out;
}

bool ParseArgs(const std::string& cmd, const std::string& usage, const std::vector<std::string>& args,
               const po::options_description& opts, const po::positional_options_description& pos,
               po::variables_map* vm) {
  po::options_description all(opts);
  all.add_options()("help,h", "show this help");
  try {
    po::parsed_options parsed = po::command_line_parser(args).options(all).positional(pos).run();
    CheckValues(parsed, all);
    po::store(parsed, *vm);
    if (vm->count("help")) {
      std::cout << "usage: ovlfuzz " << cmd << " " << usage << "\n\n" << all << "\n" << ExitStatusHelp(cmd);
      return false;
    }
    po::notify(*vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return true;
}

std::string SchemeRefForRepro(const std::string& ref) {
  if (FindBuiltinScheme(ref)) return ref;
  char buf[PATH_MAX];
  return realpath(ref.c_str(), buf) ? std::string(buf) : ref;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> SplitCommas(const std::string& list) {
  std::vector<std::string> items;
  for (size_t i = 0; i <= list.size();) {
    const size_t j = list.find(',', i);
    items.push_back(list.substr(i, j == std::string::npos ? std::string::npos : j - i));
    i = j == std::string::npos ? list.size() + 1 : j + 1;
  }
  return items;
}

std::string ShellQuote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:+,@") ==
                        std::string::npos)
    return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

int CheckExpect(const std::string& cmd, const Scheme& scheme, const std::set<std::string>& found,
                int incomplete_status) {
  const std::set<std::string> want(scheme.expect.begin(), scheme.expect.end());
  auto join = [](const std::set<std::string>& v) {
    std::string s;
    for (const std::string& k : v) s += (s.empty() ? "" : " ") + k;
    return s.empty() ? std::string("(clean)") : s;
  };
  std::set<std::string> missing, unexpected;
  for (const std::string& k : want)
    if (!found.count(k)) missing.insert(k);
  for (const std::string& k : found)
    if (!want.count(k)) unexpected.insert(k);
  std::cout << "ovlfuzz " << cmd << ": scheme " << scheme.name << ": expect: " << join(want) << "; found: " << join(found);
  if (missing.empty() && unexpected.empty()) {
    std::cout << ": ok\n";
    return kExitClean;
  }
  std::cout << ": MISMATCH";
  if (!missing.empty()) std::cout << " (missing " << join(missing) << ")";
  if (!unexpected.empty()) std::cout << " (unexpected " << join(unexpected) << ")";
  if (unexpected.empty() && incomplete_status != 0) {
    std::cout << ", search cut short\n";
    return incomplete_status;
  }
  std::cout << "\n";
  return kExitFinding;
}

MinimizeOptions MinimizeBudget(double max_seconds) {
  MinimizeOptions options;
  options.max_seconds = max_seconds;
  const auto start = std::chrono::steady_clock::now();
  options.elapsed = [start] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  return options;
}

}  // namespace ovlfuzz::cli
