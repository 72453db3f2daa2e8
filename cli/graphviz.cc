#include "cli/graphviz.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <sstream>

extern char** environ;

namespace ovlfuzz::cli {
namespace {

// Closes the fds it holds on every path out of RenderSvg.
struct Fds {
  int fd[6] = {-1, -1, -1, -1, -1, -1};
  ~Fds() {
    for (int f : fd)
      if (f >= 0) close(f);
  }
  void Close(int i) {
    if (fd[i] >= 0) close(fd[i]);
    fd[i] = -1;
  }
};

std::string FirstLine(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  return line.empty() ? "no message" : line;
}

}  // namespace

std::string FindDot() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/dot";
    struct stat st;
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return "";
}

std::string RenderSvg(const std::string& dot_text) {
  const std::string dot = FindDot();
  if (dot.empty()) throw GraphvizMissing("graphviz 'dot' not found (apt-get install graphviz); use --format dot");
  // fd[0,1]: dot's stdin; fd[2,3]: its stdout; fd[4,5]: its stderr.
  Fds p;
  for (int i = 0; i < 6; i += 2)
    if (pipe2(p.fd + i, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, p.fd[0], 0);
  posix_spawn_file_actions_adddup2(&actions, p.fd[3], 1);
  posix_spawn_file_actions_adddup2(&actions, p.fd[5], 2);
  char arg0[] = "dot", arg1[] = "-Tsvg";
  char* argv[] = {arg0, arg1, nullptr};
  // dot starts with no signal blocked: fuzz blocks SIGINT/SIGTERM to poll
  // them, and a blocked mask would otherwise be inherited.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  pid_t pid;
  const int rc = posix_spawn(&pid, dot.c_str(), &actions, &attr, argv, environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot run " + dot + ": " + std::strerror(rc));
  p.Close(0);
  p.Close(3);
  p.Close(5);

  // Feed stdin while draining stdout and stderr, so neither side blocks on
  // a full pipe. SIGPIPE (dot exiting before reading everything) is blocked
  // here and its pending instance consumed, so it becomes EPIPE, not death.
  sigset_t pipe_set, old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  fcntl(p.fd[1], F_SETFL, O_NONBLOCK);
  std::string out, err;
  size_t written = 0;
  if (dot_text.empty()) p.Close(1);
  while (p.fd[1] >= 0 || p.fd[2] >= 0 || p.fd[4] >= 0) {
    pollfd fds[3] = {{p.fd[1], POLLOUT, 0}, {p.fd[2], POLLIN, 0}, {p.fd[4], POLLIN, 0}};
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents) {
      ssize_t n = write(p.fd[1], dot_text.data() + written, dot_text.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == dot_text.size()) p.Close(1);
    }
    for (int i = 1; i < 3; ++i) {
      if (!fds[i].revents) continue;
      char buf[65536];
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 1 ? out : err).append(buf, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        p.Close(i == 1 ? 2 : 4);
      }
    }
  }
  timespec zero = {0, 0};
  while (sigtimedwait(&pipe_set, nullptr, &zero) > 0) {
  }
  pthread_sigmask(SIG_SETMASK, &old_set, nullptr);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || written != dot_text.size())
    throw std::runtime_error("graphviz 'dot' failed (" +
                             (WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                                : "signal " + std::to_string(WTERMSIG(status))) +
                             "): " + FirstLine(err));
  return out;
}

std::string InlineSvg(const std::string& svg) {
  const size_t start = svg.find("<svg");
  if (start == std::string::npos) return svg;
  std::string out = svg.substr(start);
  // The HTML parser puts inline <svg> (and xlink:title) in their namespaces
  // itself; dropping the declarations keeps a report free of URLs, so
  // "no http:// in the page" stays a simple self-containedness check.
  const size_t tag_end = out.find('>');
  for (const char* attr : {" xmlns=\"", " xmlns:xlink=\""}) {
    const size_t at = out.find(attr);
    if (at == std::string::npos || at > tag_end) continue;
    const size_t close = out.find('"', at + std::strlen(attr));
    if (close != std::string::npos) out.erase(at, close + 1 - at);
  }
  return out;
}

std::string InlineSvgOrEmpty(const std::string& dot_text) {
  try {
    return InlineSvg(RenderSvg(dot_text));
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace ovlfuzz::cli
