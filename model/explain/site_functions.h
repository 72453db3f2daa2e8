// Kernel functions behind scheme lines, and how well a model site matches
// a splat entry's stack. A scheme lock line names the kernel function it
// mirrors in its comment (the built-ins' convention, docs/schemes.md:
// `lock i_rwsem(f)  # ovl_write_iter(): inode_lock()`): every identifier
// followed by `(` in the comment is a function the line stands for, the
// first one most of all. Matching prefers, never requires.
#ifndef OVLFUZZ_MODEL_EXPLAIN_SITE_FUNCTIONS_H_
#define OVLFUZZ_MODEL_EXPLAIN_SITE_FUNCTIONS_H_

#include <string>
#include <utility>
#include <vector>

#include "model/explain/splat.h"
#include "model/scheme/scheme.h"

namespace ovlfuzz {

// "ovl_write_iter(): file_start_write(real.file)" -> {ovl_write_iter, file_start_write}.
std::vector<std::string> CommentFunctions(const std::string& line);
// The functions of the scheme line of instruction (routine, pc).
std::vector<std::string> InstrFunctions(const Scheme& s, int routine, int pc);

struct FrameMatch {
  int score = 0;
  std::vector<std::string> matched;  // the scheme's functions found in the stack, best first
};

// How the model site of a dependency matches the splat stack that created
// it: the acquiring line's first function counts 4, its others 2, the
// functions of the `call` lines on the model's stack 1 each; `held_lines`
// (the lines that took the held lock) against `held_frames` 1 each.
FrameMatch MatchFrames(const Scheme& s, int routine, int pc, const std::vector<std::pair<int, int>>& stack,
                       const std::vector<SplatFrame>& frames, const std::vector<std::pair<int, int>>& held_lines = {},
                       const std::vector<SplatFrame>& held_frames = {});

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_EXPLAIN_SITE_FUNCTIONS_H_
