// JSON rendering of a replayed run (schema: docs/report-schema.md).
#ifndef OVLFUZZ_MODEL_REPORT_JSON_REPORT_H_
#define OVLFUZZ_MODEL_REPORT_JSON_REPORT_H_

#include <string>
#include <vector>

#include "model/harness/run_once.h"
#include "model/program/repro.h"

namespace ovlfuzz {

constexpr int kReportSchemaVersion = 1;

// The whole replay report: scheme, program, schedule and findings.
std::string RenderJsonReport(const World& world, const Repro& repro, const RunResult& result,
                             const std::string& replay_command);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_REPORT_JSON_REPORT_H_
