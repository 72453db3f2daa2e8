// InputError: the single error type for bad user input (scheme files, .ovl
// reproducers, program text). It carries FILE:LINE:COL so every front end can
// print the one-line diagnostic ovlfuzz promises and exit with status 2.
#ifndef OVLFUZZ_MODEL_CORE_INPUT_ERROR_H_
#define OVLFUZZ_MODEL_CORE_INPUT_ERROR_H_

#include <stdexcept>
#include <string>

namespace ovlfuzz {

class InputError : public std::runtime_error {
 public:
  InputError(std::string file, int line, int col, const std::string& message)
      : std::runtime_error(Format(file, line, col, message)),
        file_(std::move(file)),
        line_(line),
        col_(col),
        message_(message) {}

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int col() const { return col_; }
  const std::string& message() const { return message_; }

 private:
  static std::string Format(const std::string& file, int line, int col,
                            const std::string& message) {
    return file + ":" + std::to_string(line) + ":" + std::to_string(col) +
           ": error: " + message;
  }
  std::string file_;
  int line_;
  int col_;
  std::string message_;
};

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_CORE_INPUT_ERROR_H_
