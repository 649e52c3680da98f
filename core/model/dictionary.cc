#include "model/dictionary.h"

#include <cstring>

namespace baton {
namespace {

inline uint64_t Read64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline uint64_t Mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

constexpr size_t kFirstBlock = 1 << 16;

}  // namespace

uint64_t HashBytes(const void* data, size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (size * 0xA0761D6478BD642Full);
  size_t i = 0;
  for (; i + 16 <= size; i += 16) {
    h = Mix(Read64(p + i) ^ 0xE7037ED1A0B428DBull, Read64(p + i + 8) ^ h);
  }
  if (i + 8 <= size) {
    h = Mix(Read64(p + i) ^ 0x8EBC6AF09C88C6E3ull, h ^ 0x589965CC75374CC3ull);
    i += 8;
  }
  uint64_t tail = 0;
  size_t rest = size - i;
  if (rest > 0) std::memcpy(&tail, p + i, rest);
  h = Mix(tail ^ 0x1D8E4E27C47D124Full, h ^ (rest + 1));
  return h;
}

Dictionary::Dictionary(bool reserve_empty) {
  slots_.assign(64, 0);
  if (reserve_empty) Intern(std::string_view());
}

std::string_view Dictionary::Store(std::string_view s) {
  if (s.empty()) return std::string_view();
  if (block_used_ + s.size() > block_size_) {
    size_t size = block_size_ == 0 ? kFirstBlock : block_size_ * 2;
    if (size > (size_t{1} << 24)) size = size_t{1} << 24;
    if (size < s.size()) size = s.size();
    blocks_.emplace_back(new char[size]);
    block_size_ = size;
    block_used_ = 0;
    arena_bytes_ += size;
  }
  char* dst = blocks_.back().get() + block_used_;
  std::memcpy(dst, s.data(), s.size());
  block_used_ += s.size();
  return std::string_view(dst, s.size());
}

uint32_t Dictionary::Find(std::string_view s) const {
  uint32_t h = static_cast<uint32_t>(HashBytes(s.data(), s.size()));
  size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    uint32_t slot = slots_[i];
    if (slot == 0) return kNotFound;
    uint32_t code = slot - 1;
    if (hashes_[code] == h && strings_[code] == s) return code;
  }
}

uint32_t Dictionary::Intern(std::string_view s) {
  uint32_t h = static_cast<uint32_t>(HashBytes(s.data(), s.size()));
  size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  for (;; i = (i + 1) & mask) {
    uint32_t slot = slots_[i];
    if (slot == 0) break;
    uint32_t code = slot - 1;
    if (hashes_[code] == h && strings_[code] == s) return code;
  }
  uint32_t code = static_cast<uint32_t>(strings_.size());
  strings_.push_back(Store(s));
  hashes_.push_back(h);
  slots_[i] = code + 1;
  if (strings_.size() * 2 > slots_.size()) Grow();
  return code;
}

void Dictionary::Grow() {
  std::vector<uint32_t> slots(slots_.size() * 2, 0);
  size_t mask = slots.size() - 1;
  for (uint32_t code = 0; code < strings_.size(); ++code) {
    size_t i = hashes_[code] & mask;
    while (slots[i] != 0) i = (i + 1) & mask;
    slots[i] = code + 1;
  }
  slots_.swap(slots);
}

size_t Dictionary::MemoryBytes() const {
  return arena_bytes_ + strings_.capacity() * sizeof(std::string_view) +
         hashes_.capacity() * 4 + slots_.capacity() * 4;
}

}  // namespace baton
