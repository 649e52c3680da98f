// Small ASCII text helpers shared by the option parsers and the analyses.
// Option values and canonical names are ASCII; these never look at locale.
// Pure functions, safe from any thread.
#ifndef BATON_COMMON_TEXT_H_
#define BATON_COMMON_TEXT_H_

#include <string>
#include <string_view>

namespace baton {

// `s` with A-Z turned into a-z; other bytes (UTF-8 included) unchanged.
inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// a == b ignoring the case of A-Z.
inline bool AsciiEqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace baton

#endif  // BATON_COMMON_TEXT_H_
