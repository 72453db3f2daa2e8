#include "model/oracle/oracle.h"

#include <algorithm>

#include "model/exec/execution.h"

namespace ovlfuzz {

bool FindingCollector::Add(Finding f, const Execution& x) {
  if (std::find(signatures_.begin(), signatures_.end(), f.signature) != signatures_.end()) return false;
  signatures_.push_back(f.signature);
  f.threads = x.SnapshotAll();
  found_.push_back(std::move(f));
  return true;
}

void FindingCollector::Collect(const Execution&, std::vector<Finding>* out) {
  for (Finding& f : found_) out->push_back(std::move(f));
  found_.clear();
}

std::string SchemeSiteName(const Execution& x, const Site& site) {
  const Scheme& s = x.world().scheme();
  const Routine& r = s.routines[site.routine];
  return r.name + " (" + s.Where(r.code[site.pc].line) + ")";
}

}  // namespace ovlfuzz
