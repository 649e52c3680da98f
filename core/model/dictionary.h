// Dictionary: interns strings to dense 32-bit codes.
//
// Codes are assigned in first-seen order, from 0. A Dictionary made with
// `reserve_empty = true` gives the empty string code 0, so code 0 means
// "missing" in every label column. Strings are copied into an arena owned by
// the dictionary; views returned by Get() stay valid for its lifetime.
// Not thread-safe for writes; concurrent reads of a dictionary that is no
// longer written are safe.
#ifndef BATON_MODEL_DICTIONARY_H_
#define BATON_MODEL_DICTIONARY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace baton {

class Dictionary {
 public:
  static constexpr uint32_t kNotFound = 0xffffffffu;

  explicit Dictionary(bool reserve_empty = true);
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;

  // Returns the code of `s`, adding it if new.
  uint32_t Intern(std::string_view s);
  // Returns the code of `s`, or kNotFound.
  uint32_t Find(std::string_view s) const;
  std::string_view Get(uint32_t code) const { return strings_[code]; }
  uint32_t size() const { return static_cast<uint32_t>(strings_.size()); }
  // Bytes held (arena, views and hash slots), for memory reports.
  size_t MemoryBytes() const;

 private:
  void Grow();
  std::string_view Store(std::string_view s);

  std::vector<std::string_view> strings_;
  std::vector<uint32_t> hashes_;       // per code, to rehash without rehashing text
  std::vector<uint32_t> slots_;        // code + 1, 0 = empty
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t block_used_ = 0;
  size_t block_size_ = 0;
  size_t arena_bytes_ = 0;
};

// 64-bit hash of a byte string (wyhash-style multiply-mix, not cryptographic).
uint64_t HashBytes(const void* data, size_t size);

}  // namespace baton

#endif  // BATON_MODEL_DICTIONARY_H_
