// The fixture of the end-to-end CLI tests: runs the ovlfuzz binary in a
// fresh temporary directory and captures status, stdout and stderr.
#ifndef OVLFUZZ_TESTS_CLI_CLI_FIXTURE_H_
#define OVLFUZZ_TESTS_CLI_CLI_FIXTURE_H_

#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ovlfuzz::testing {

struct Result {
  int status = -1;
  std::string out, err;
};

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ovlfuzz-cli-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  Result Run(const std::string& args) { return Shell(std::string(OVLFUZZ_BINARY) + " " + args); }
  // Any command, run in the test's directory.
  Result Shell(const std::string& command) {
    Result r;
    std::string out = dir_ + "/stdout", err = dir_ + "/stderr";
    std::string cmd = "cd " + dir_ + " && " + command + " >" + out + " 2>" + err;
    int rc = std::system(cmd.c_str());
    r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }
  std::string Write(const std::string& name, const std::string& data) {
    std::ofstream(dir_ + "/" + name, std::ios::binary) << data;
    return name;
  }
  std::vector<std::string> List(const std::string& sub) {
    std::vector<std::string> names;
    if (DIR* d = opendir((dir_ + "/" + sub).c_str())) {
      while (dirent* e = readdir(d))
        if (e->d_name[0] != '.') names.push_back(e->d_name);
      closedir(d);
    }
    return names;
  }
  static bool OneLineError(const Result& r, const std::string& file) {
    return r.err.find('\n') == r.err.size() - 1 && r.err.rfind(file + ":", 0) == 0 &&
           r.err.find(": error: ") != std::string::npos;
  }
  std::string dir_;
};

}  // namespace ovlfuzz::testing

#endif  // OVLFUZZ_TESTS_CLI_CLI_FIXTURE_H_
