// Skipped-xattr-update oracle: counts the xattr updates that failed trylocks
// skipped (`trylock ... else skip` over a block containing setxattr or
// removexattr). At quiescence (every thread done, every superblock thawed)
// the harness hands it the layer xattrs of a *reference* run: the same ops,
// one after the other in the order they completed, without freeze/thaw, so
// no trylock can fail. A difference is the finding, with the skipped steps
// as its cause. The count is reported even when nothing diverges.
#ifndef OVLFUZZ_MODEL_ORACLE_SKIPPED_XATTR_H_
#define OVLFUZZ_MODEL_ORACLE_SKIPPED_XATTR_H_

#include <cstdint>
#include <vector>

#include "model/oracle/oracle.h"

namespace ovlfuzz {

class SkippedXattrOracle : public Oracle {
 public:
  void OnEvent(const Event& event, const Execution& x) override;
  EventMask Interests() const override { return EventBit(EventKind::kSkipped); }
  void Collect(const Execution& x, std::vector<Finding>* out) override;

  int64_t skipped_updates() const { return skipped_; }
  // Forgets the last run (RunOnce reuses its oracles).
  void Reset() {
    skipped_ = 0;
    skip_sites_.clear();
    skip_classes_.clear();
    reference_.clear();
  }
  // Flags of every inode after the reference run (same layout as
  // Execution::all_flags()); must be set before Collect() to compare.
  void SetReference(const std::vector<uint64_t>& flags) { reference_.assign(flags.begin(), flags.end()); }

 private:
  int64_t skipped_ = 0;
  std::vector<Site> skip_sites_;
  std::vector<int> skip_classes_;  // per skip site: the class whose trylock failed
  std::vector<uint64_t> reference_;
};

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_ORACLE_SKIPPED_XATTR_H_
