#include "model/oracle/skipped_xattr.h"

#include <set>

#include "model/exec/execution.h"
#include "model/oracle/signature.h"

namespace ovlfuzz {

void SkippedXattrOracle::OnEvent(const Event& e, const Execution&) {
  if (e.kind != EventKind::kSkipped || e.skipped == nullptr || e.skipped->empty()) return;
  ++skipped_;
  if (skip_sites_.size() < 8) {
    skip_sites_.push_back(EventSite(e));
    skip_classes_.push_back(e.cls);
  }
}

void SkippedXattrOracle::Collect(const Execution& x, std::vector<Finding>* out) {
  if (skipped_ == 0 || reference_.empty() || !x.all_done()) return;
  const World& w = x.world();
  const Scheme& s = w.scheme();
  Finding f;
  f.kind = FindingKind::kSkippedXattr;
  f.skipped_updates = skipped_;
  std::set<std::string> diverged;
  for (int inode = 0; inode < w.inodes(); ++inode) {
    if (s.supers[w.InodeSb(inode)].overlay) continue;  // only on-disk layers
    uint64_t diff = x.flags(inode) ^ reference_[inode];
    for (int bit = 0; diff >> bit; ++bit) {
      if (!((diff >> bit) & 1)) continue;
      bool now = (x.flags(inode) >> bit) & 1;
      f.notes.push_back(w.InodeName(inode) + ": xattr " + s.bits[bit] + (now ? " present" : " missing") +
                        " at quiescence, but " + (now ? "absent" : "present") + " after the serial run");
      diverged.insert(s.bits[bit]);
    }
  }
  if (diverged.empty()) return;
  for (const Site& site : skip_sites_) {
    f.notes.push_back("skipped at " + SchemeSiteName(x, site) + " in T" + std::to_string(site.thread) + " op #" +
                      std::to_string(site.op_index) + " " + x.OpText(site.thread, site.op_index));
  }
  f.threads = x.SnapshotAll();
  // One finding per skip site whose skipped block updates a diverged xattr.
  // The signature names the skipping op and the xattrs that block updates
  // (static, from the scheme), so it does not depend on which subset of
  // skips happened to coincide in one run.
  std::set<std::string> causes;
  for (size_t k = 0; k < skip_sites_.size(); ++k) {
    const Site& site = skip_sites_[k];
    const std::vector<int8_t>& bits = s.routines[site.routine].code[site.pc].skipped_xattrs;
    bool relevant = false;
    std::string cause = x.OpName(site.thread, site.op_index) + " skips";
    for (int8_t bit : bits) {
      cause += " " + s.bits[bit];
      relevant |= diverged.count(s.bits[bit]) > 0;
    }
    if (!relevant || !causes.insert(cause).second) continue;
    Finding g = f;
    g.site = site;
    g.signature = "skipped-xattr-update:" + cause;
    // One bug per failed-trylock class: lookup's origin fix and readdir's
    // impure flag are skipped for one reason (proposal (c) skips an update
    // when upper freeze protection is not there to take).
    if (skip_classes_[k] >= 0) g.bug = BugKey(FindingKind::kSkippedXattr, {w.ClassName(skip_classes_[k])});
    out->push_back(std::move(g));
  }
}

}  // namespace ovlfuzz
