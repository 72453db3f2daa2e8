// Rendering DOT text with Graphviz's own `dot` binary (Debian package
// graphviz): its layout is the reason for drawing a graph at all, so no
// layout is reimplemented here. Kept out of the model library, which never
// spawns processes.
#ifndef OVLFUZZ_CLI_GRAPHVIZ_H_
#define OVLFUZZ_CLI_GRAPHVIZ_H_

#include <stdexcept>
#include <string>

namespace ovlfuzz::cli {

// `dot` is not on PATH.
struct GraphvizMissing : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The full path of `dot` on PATH, or "" when there is none.
std::string FindDot();

// `dot -Tsvg` with `dot_text` on its stdin; returns its stdout. Throws
// GraphvizMissing when there is no `dot`, std::runtime_error (with dot's
// first line of stderr) when it fails.
std::string RenderSvg(const std::string& dot_text);

// The SVG without the XML prolog and DOCTYPE dot writes first, for inlining
// into an HTML page.
std::string InlineSvg(const std::string& svg);

// For HTML reports (html_report.h's SvgRenderer): the inline SVG of
// `dot_text`, or "" when graphviz is missing or fails, so a report is
// still written, with the DOT text instead of the picture.
std::string InlineSvgOrEmpty(const std::string& dot_text);

}  // namespace ovlfuzz::cli

#endif  // OVLFUZZ_CLI_GRAPHVIZ_H_
