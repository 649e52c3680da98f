// ASCII text helpers for plugins: case-insensitive comparison, lower-casing
// and trimming of protocol text (HTTP header names, XML attribute values,
// option values). Plugins link nothing of the engine, so they cannot use
// core/common/text.h; this header-only copy serves every plugin and the
// plugin tests. Only ASCII letters change case and only ASCII white space
// (" \t\n\v\f\r") is trimmed, whatever the locale: the inputs are protocol
// tokens, not user text, and must compare the same on every machine.
//
// Stateless inline functions; thread-safe.
#ifndef BATON_PLUGINS_HTTP_ASCII_H_
#define BATON_PLUGINS_HTTP_ASCII_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace baton::ascii {

// `ch` lower-cased when it is 'A'..'Z', else unchanged.
inline char ToLower(char ch) {
  return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch;
}

// True for ' ', '\t', '\n', '\v', '\f' and '\r'.
inline bool IsSpace(char ch) {
  return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

// `text` with 'A'..'Z' lower-cased.
inline std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) ch = ToLower(ch);
  return out;
}

// True when `a` and `b` are equal but for the case of ASCII letters.
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ToLower(a[i]) != ToLower(b[i])) return false;
  return true;
}

// `text` without leading and trailing ASCII white space.
inline std::string Trim(std::string_view text) {
  size_t begin = 0, end = text.size();
  while (begin < end && IsSpace(text[begin])) ++begin;
  while (end > begin && IsSpace(text[end - 1])) --end;
  return std::string(text.substr(begin, end - begin));
}

}  // namespace baton::ascii

#endif  // BATON_PLUGINS_HTTP_ASCII_H_
