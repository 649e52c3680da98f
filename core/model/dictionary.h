// Dictionary: interns strings to dense 32-bit codes.
//
// Codes are assigned in first-seen order, from 0. A Dictionary made with
// `reserve_empty = true` gives the empty string code 0, so code 0 means
// "missing" in every label column. Strings are copied into an arena owned by
// the dictionary; views returned by Get() stay valid for its lifetime.
// Not thread-safe for writes; concurrent reads of a dictionary that is no
// longer written are safe.
//
// Layout (why it is fast): loading millions of ids makes the table larger
// than the caches, so a lookup costs what it misses. Each slot of the
// open-addressing table holds bits of the string's hash and its length beside
// its code, and either the string itself (up to 8 bytes, the length of many
// ids) or the address of its text: a probe that meets another string is
// refused without reading that string, a short string is found with one
// cache miss and a longer one with two. Large slot tables ask the kernel for
// huge pages, since random probes would otherwise miss the TLB as well.
//
// Exports usually list ids in ascending order. A string that sorts after
// every string interned so far (by length, then bytes) cannot be in the
// dictionary, so it gets its code without a probe and joins a sorted run of
// codes not yet in the hash table; the run is placed in the table in one
// pass, prefetching slots ahead (many cache misses in flight instead of one
// per row), when a lookup first needs the table, and by Seal(). Until then
// Find() binary-searches the run.
#ifndef BATON_MODEL_DICTIONARY_H_
#define BATON_MODEL_DICTIONARY_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace baton {

class Dictionary {
 public:
  static constexpr uint32_t kNotFound = 0xffffffffu;

  explicit Dictionary(bool reserve_empty = true);
  ~Dictionary();
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;

  // Returns the code of `s`, adding it if new.
  uint32_t Intern(std::string_view s);
  // Returns the code of `s`, or kNotFound.
  uint32_t Find(std::string_view s) const;
  std::string_view Get(uint32_t code) const { return strings_[code]; }
  // True when code `code` (< size()) stands for `s`: the same answer as
  // Get(code) == s, without a library call for short strings.
  bool Equals(uint32_t code, std::string_view s) const {
    std::string_view t = strings_[code];
    return t.size() == s.size() && SameBytes(t.data(), s.data(), s.size());
  }
  uint32_t size() const { return static_cast<uint32_t>(strings_.size()); }
  // True when the empty string is code 0 (made with reserve_empty).
  bool reserves_empty() const { return reserve_empty_; }
  // A hint, for a caller about to Intern or Find `s` among many strings:
  // starts loading the table slot where the lookup of `s` begins, so that
  // the cache miss overlaps the caller's other work. Changes nothing.
  void Prefetch(std::string_view s) const;
  // Places every string in the hash table, so that later lookups are single
  // probes. Call it when writing is done (Workspace::Freeze does).
  void Seal() { IndexPending(); }
  // Bytes held (arena, views and hash slots), for memory reports.
  size_t MemoryBytes() const;

  // True when the n bytes at a and b are equal (n may be 0).
  static bool SameBytes(const char* a, const char* b, size_t n) {
    if (n >= 8) {
      if (n > 16) return std::memcmp(a, b, n) == 0;
      uint64_t a0, b0, a1, b1;
      std::memcpy(&a0, a, 8);
      std::memcpy(&b0, b, 8);
      std::memcpy(&a1, a + n - 8, 8);
      std::memcpy(&b1, b + n - 8, 8);
      return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    if (n >= 4) {
      uint32_t a0, b0, a1, b1;
      std::memcpy(&a0, a, 4);
      std::memcpy(&b0, b, 4);
      std::memcpy(&a1, a + n - 4, 4);
      std::memcpy(&b1, b + n - 4, 4);
      return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    for (size_t i = 0; i < n; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }

 private:
  struct Slot {
    uint32_t check;    // hash bits 40..63 << 8 | min(size, 255)
    uint32_t code1;    // code + 1; 0 marks an empty slot
    uint64_t payload;  // size <= 8: the bytes, zero-padded; else their address
  };
  struct Key;

  uint32_t Lookup(const Key& key, size_t* free_slot) const;
  // True when s (whose first 8 bytes, zero-padded, are `word` when it is that
  // short) sorts after every string interned so far.
  bool AfterLargest(std::string_view s, uint64_t word) const;
  [[gnu::noinline]] uint32_t AppendLargest(std::string_view s, uint64_t word);
  // Adds s (absent) at the empty slot ending its probe.
  [[gnu::noinline]] uint32_t Insert(size_t slot, const Key& key, std::string_view s);
  // The code of s among the codes not yet indexed, or kNotFound.
  uint32_t FindPending(std::string_view s) const;
  // Puts codes [first, last), known to be absent, into the table.
  void Place(uint32_t first, uint32_t last);
  // Indexes the pending run, growing the table first when needed.
  [[gnu::noinline]] void IndexPending();
  void Grow();
  std::string_view Store(std::string_view s);
  // Sets slots_ to n zero-filled slots; throws std::bad_alloc, changing
  // nothing, when memory is short.
  void AllocateSlots(size_t n);
  static void FreeSlots(Slot* slots, size_t mapped_bytes);

  Slot* slots_ = nullptr;  // num_slots_ (a power of two) zero-filled slots
  size_t num_slots_ = 0;
  size_t slots_mapped_bytes_ = 0;  // 0: slots_ came from calloc
  std::vector<std::string_view> strings_;
  // Codes [indexed_, size()) are in ascending order and not in the table.
  uint32_t indexed_ = 0;
  uint32_t largest_ = kNotFound;  // the code of the largest string, if any
  int64_t largest_size_ = -1;     // its size; -1 while the dictionary is empty
  uint64_t largest_word_ = 0;     // its bytes, zero-padded, when <= 8
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t block_used_ = 0;
  size_t block_size_ = 0;
  size_t arena_bytes_ = 0;
  bool reserve_empty_;
};

// LabelCache: the codes of the values one column repeats, in front of a
// Dictionary. Columns of channels, campaigns, activities, sources or
// attribute values hold a few dozen distinct values over millions of rows;
// finding one here costs a compare of two or three words instead of a hash
// and a probe of a table that may hold millions of ids.
//
// Intern(d, s) gives exactly what d->Intern(s) gives, and interns s in d
// when it is not cached, so label codes come in the same order with or
// without a cache. A cache serves one Dictionary (its entries point into
// that dictionary's arena) and one thread; it owns no memory.
class LabelCache {
 public:
  LabelCache() {
    for (Entry& e : entries_) e.size = kEmpty;
  }

  [[gnu::always_inline]] uint32_t Intern(Dictionary* d, std::string_view s) {
    const size_t n = s.size();
    if (n == 0 && d->reserves_empty()) return 0;  // missing: the commonest value
    if (n == 0 || n >= kEmpty) return d->Intern(s);
    uint64_t head, tail;
    Words(s, &head, &tail);
    // Two ways per set: values that share a set do not evict each other.
    Entry* set = &entries_[2 * (((head ^ tail ^ n) * 0x9E3779B97F4A7C15ull) >> (64 - kSetBits))];
    for (int way = 0; way < 2; ++way) {
      const Entry& e = set[way];
      if (e.size == n && e.head == head && e.tail == tail &&
          (n <= 16 || Dictionary::SameBytes(e.text + 8, s.data() + 8, n - 16)))
        return e.code;
    }
    return Miss(d, s, set, head, tail);
  }

 private:
  static constexpr int kSetBits = 6;
  static constexpr uint32_t kEmpty = 0xffffffffu;
  struct Entry {
    uint64_t head;     // the first 8 bytes, zero-padded
    uint64_t tail;     // the last 8 bytes when longer than 8, else 0
    const char* text;  // the dictionary's copy
    uint32_t size;     // kEmpty for an unused entry
    uint32_t code;
  };

  [[gnu::noinline]] uint32_t Miss(Dictionary* d, std::string_view s, Entry* set,
                                  uint64_t head, uint64_t tail) {
    const uint32_t code = d->Intern(s);
    set[1] = set[0];
    set[0] = Entry{head, tail, d->Get(code).data(), static_cast<uint32_t>(s.size()), code};
    return code;
  }

  // The first 8 bytes (zero-padded) and, past 8, the last 8 bytes of s
  // (1 or more bytes), read in fixed-size pieces: a copy of a variable
  // length would be a library call.
  static void Words(std::string_view s, uint64_t* head, uint64_t* tail) {
    const size_t n = s.size();
    const char* p = s.data();
    *tail = 0;
    if (n >= 8) {
      std::memcpy(head, p, 8);
      if (n > 8) std::memcpy(tail, p + n - 8, 8);
    } else if (n >= 4) {
      // Byte i of s is byte i of the word (hence little-endian reads): the
      // overlapping halves then agree where they overlap.
      uint32_t lo, hi;
      std::memcpy(&lo, p, 4);
      std::memcpy(&hi, p + n - 4, 4);
      if constexpr (std::endian::native == std::endian::big) {
        lo = __builtin_bswap32(lo);
        hi = __builtin_bswap32(hi);
      }
      *head = lo | (static_cast<uint64_t>(hi) << ((n - 4) * 8));
    } else {
      *head = static_cast<unsigned char>(p[0]) |
              (static_cast<uint64_t>(static_cast<unsigned char>(p[n >> 1])) << ((n >> 1) * 8)) |
              (static_cast<uint64_t>(static_cast<unsigned char>(p[n - 1])) << ((n - 1) * 8));
    }
  }

  Entry entries_[2 << kSetBits];
};

// 64-bit hash of a byte string (wyhash-style multiply-mix, not
// cryptographic). Strings of up to 16 bytes, the usual ids and labels, take
// two multiplications and no loop.
uint64_t HashBytes(const void* data, size_t size);

}  // namespace baton

#endif  // BATON_MODEL_DICTIONARY_H_
