// The lines of a kernel log as lockdep printed them: what dmesg, a serial
// console, journalctl or a mail client added around each line is removed,
// and lines a mailer wrapped are joined again. One concern: ParseSplat()
// then reads lockdep's text only.
//
// Removed, in any combination: mail quoting (`> `), a syslog level (`<4>`),
// a journalctl prefix (`Dec 01 10:00:00 host kernel: `), the printk time
// (`[  412.190112]`) and caller id (`[T10113]`, `[C1]`) that syzbot
// consoles add. Joined: an address alone on a line with the `(class)`
// line after it, and `, at:` with the frame on the next line.
#ifndef OVLFUZZ_MODEL_EXPLAIN_REPORT_LINES_H_
#define OVLFUZZ_MODEL_EXPLAIN_REPORT_LINES_H_

#include <string>
#include <string_view>
#include <vector>

namespace ovlfuzz {

struct ReportLine {
  int line = 0;        // 1-based line of the file (the first one, for joined lines)
  std::string text;    // lockdep's text, leading indentation kept, trailing space removed
  std::string tag;     // the caller id ("T10113", "C1"), or empty
  int indent() const;  // leading spaces (a tab counts as 8)
  std::string_view Trimmed() const;
};

std::vector<ReportLine> ReportLines(std::string_view text);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_EXPLAIN_REPORT_LINES_H_
