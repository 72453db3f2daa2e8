#include "model/report/json_report.h"

#include <nlohmann/json.hpp>

#include "model/core/hash.h"
#include "model/oracle/signature.h"
#include "model/report/text_report.h"

namespace ovlfuzz {
namespace {

using nlohmann::json;

json SiteJson(const ReportContext& ctx, const Site& s) {
  return json{{"thread", s.thread}, {"op_index", s.op_index}, {"op", ctx.OpText(s)},
              {"step", s.step},     {"scheme_line", ctx.LineOf(s)}};
}

json HeldJson(const World& w, const ReportContext& ctx, const std::vector<HeldLock>& held) {
  json a = json::array();
  for (const HeldLock& h : held)
    a.push_back({{"class", w.ClassName(h.cls)}, {"instance", w.InstanceName(h.inst)}, {"read", h.read},
                 {"trylock", h.trylock}, {"at", SiteJson(ctx, h.site)}});
  return a;
}

json FindingJson(const World& w, const ReportContext& ctx, const Finding& f) {
  json j{{"kind", FindingKindName(f.kind)},
         {"signature", f.signature},
         {"signature_hash", SignatureHash(f.signature)},
         {"bug", f.bug},
         {"bug_hash", SignatureHash(f.bug)},
         {"summary", ctx.Short(f)},
         {"site", SiteJson(ctx, f.site)},
         {"notes", f.notes}};
  json chain = json::array();
  for (size_t i = 0; i < f.chain.size(); ++i) {
    const ChainLink& l = f.chain[i];
    chain.push_back({{"index", i}, {"class", w.ClassName(l.cls)}, {"held_class", w.ClassName(l.from_cls)},
                     {"read", l.read}, {"at", SiteJson(ctx, l.site)}});
  }
  j["chain"] = chain;
  j["cycle_threads"] = f.cycle;
  json threads = json::array();
  for (const ThreadSnapshot& t : f.threads) {
    json tj{{"thread", t.thread}, {"state", t.done ? "done" : t.blocked ? "blocked" : "runnable"},
            {"at", SiteJson(ctx, t.at)}, {"held", HeldJson(w, ctx, t.held)}};
    if (t.blocked) {
      tj["waits_for_class"] = w.ClassName(t.wait_cls);
      tj["waits_for_instance"] = w.InstanceName(t.wait_inst);
      tj["waits_for_read"] = t.wait_read;
      tj["waits_for_threads"] = t.waits_for;
    }
    threads.push_back(tj);
  }
  j["threads"] = threads;
  if (f.kind == FindingKind::kSkippedXattr) j["skipped_updates"] = f.skipped_updates;
  return j;
}

}  // namespace

std::string RenderJsonReport(const World& world, const Repro& repro, const RunResult& result,
                             const std::string& replay_command) {
  ReportContext ctx(world, repro.program);
  const Scheme& s = world.scheme();
  json ops = json::array();
  for (size_t t = 0; t < repro.program.threads.size(); ++t) {
    json ts = json::array();
    for (const OpCall& c : repro.program.threads[t]) ts.push_back(FormatOpCall(world, c));
    ops.push_back(ts);
  }
  json findings = json::array();
  for (const Finding& f : result.findings) findings.push_back(FindingJson(world, ctx, f));
  json doc{{"schema_version", kReportSchemaVersion},
           {"scheme", {{"name", s.name}, {"ref", repro.scheme_ref}, {"path", s.path}, {"hash", Hex64(s.hash)}}},
           {"strategy", {{"kind", StrategyName(repro.strategy.kind)}, {"pct_depth", repro.strategy.pct_depth},
                         {"seed", repro.strategy.seed}}},
           {"threads", ops},
           {"schedule", repro.schedule},
           {"steps", result.steps},
           {"skipped_updates", result.skipped_updates},
           {"findings", findings},
           {"replay", replay_command}};
  return doc.dump(2) + "\n";
}

}  // namespace ovlfuzz
