#include "model/dictionary.h"

#include <cstdlib>
#include <cstring>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace baton {
namespace {

// Little-endian reads on every machine: byte i of a string is byte i of the
// word, which LoadPadded (overlapping reads) and Before (byte order) need.
inline uint64_t Read64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

inline uint64_t Read32(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return v;
}

inline uint64_t Mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

constexpr uint64_t kSecret0 = 0xA0761D6478BD642Full;
constexpr uint64_t kSecret1 = 0xE7037ED1A0B428DBull;
constexpr uint64_t kSecret2 = 0x8EBC6AF09C88C6E3ull;
constexpr uint64_t kSecret3 = 0x589965CC75374CC3ull;

constexpr size_t kFirstBlock = 1 << 16;
constexpr size_t kFirstSlots = 64;
constexpr size_t kHugePage = size_t{2} << 20;

// The n <= 8 bytes at p as a little-endian word, zero above byte n, read
// without touching memory past p + n.
inline uint64_t LoadPadded(const unsigned char* p, size_t n) {
  if (n == 8) return Read64(p);
  if (n >= 4) return Read32(p) | (Read32(p + n - 4) << ((n - 4) * 8));
  if (n == 0) return 0;
  return p[0] | (static_cast<uint64_t>(p[n >> 1]) << ((n >> 1) * 8)) |
         (static_cast<uint64_t>(p[n - 1]) << ((n - 1) * 8));
}

// Shortlex order: shorter strings first, then by bytes. Ascending numeric
// ids ascend in it, unlike in plain byte order ("999" > "1000").
inline bool Before(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size();
  const size_t n = a.size();
  if (n <= 8) {
    // Byte order is the order of the big-endian words.
    return __builtin_bswap64(LoadPadded(reinterpret_cast<const unsigned char*>(a.data()), n)) <
           __builtin_bswap64(LoadPadded(reinterpret_cast<const unsigned char*>(b.data()), n));
  }
  return std::memcmp(a.data(), b.data(), n) < 0;
}

}  // namespace

uint64_t HashBytes(const void* data, size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  uint64_t a, b;
  if (size <= 16) {
    // Overlapping reads cover every byte without a loop or a tail copy.
    if (size >= 8) {
      a = Read64(p);
      b = Read64(p + size - 8);
    } else if (size >= 4) {
      a = Read32(p);
      b = Read32(p + size - 4);
    } else if (size > 0) {
      a = (static_cast<uint64_t>(p[0]) << 16) |
          (static_cast<uint64_t>(p[size >> 1]) << 8) | p[size - 1];
      b = 0;
    } else {
      a = b = 0;
    }
  } else {
    uint64_t h = kSecret0 ^ (size * kSecret3);
    size_t i = 0;
    for (; i + 16 < size; i += 16)
      h = Mix(Read64(p + i) ^ kSecret1, Read64(p + i + 8) ^ h);
    // The last 16 bytes, overlapping what the loop read.
    a = Read64(p + size - 16) ^ h;
    b = Read64(p + size - 8);
  }
  const __uint128_t r = static_cast<__uint128_t>(a ^ kSecret1) * (b ^ kSecret2);
  return Mix(static_cast<uint64_t>(r) ^ kSecret0 ^ size,
             static_cast<uint64_t>(r >> 64) ^ kSecret1);
}

// A string prepared for probing: its hash, the slot's check word and, when
// short, the slot's payload.
struct Dictionary::Key {
  Key() = default;
  explicit Key(std::string_view s) : data(s.data()), size(s.size()) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    if (size <= 8) {
      word = LoadPadded(p, size);
      hash = ShortHash(word, size);
    } else {
      hash = HashBytes(p, size);
    }
    check = CheckWord(hash, size);
  }
  static uint64_t ShortHash(uint64_t word, size_t size) {
    return Mix(Mix(word ^ kSecret1, size ^ kSecret2), kSecret3);
  }
  static uint32_t CheckWord(uint64_t hash, size_t size) {
    return (static_cast<uint32_t>(hash >> 40) << 8) |
           static_cast<uint32_t>(size < 255 ? size : 255);
  }
  const char* data = nullptr;
  size_t size = 0;
  uint64_t word = 0;
  uint64_t hash = 0;
  uint32_t check = 0;
};

void Dictionary::AllocateSlots(size_t n) {
  const size_t bytes = n * sizeof(Slot);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (bytes >= kHugePage) {
    // Map one huge page more than needed, keep an aligned run of whole huge
    // pages and return the rest, so that the kernel can back the run with
    // huge pages. Anonymous memory reads as zeros: no clearing pass.
    const size_t length = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* base = mmap(nullptr, length + kHugePage, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base != MAP_FAILED) {
      const uintptr_t b = reinterpret_cast<uintptr_t>(base);
      const uintptr_t aligned = (b + kHugePage - 1) & ~(kHugePage - 1);
      if (aligned > b) munmap(base, aligned - b);
      const uintptr_t end = b + length + kHugePage;
      if (end > aligned + length)
        munmap(reinterpret_cast<void*>(aligned + length), end - (aligned + length));
      madvise(reinterpret_cast<void*>(aligned), length, MADV_HUGEPAGE);
      slots_ = reinterpret_cast<Slot*>(aligned);
      num_slots_ = n;
      slots_mapped_bytes_ = length;
      return;
    }
  }
#endif
  Slot* slots = static_cast<Slot*>(std::calloc(n, sizeof(Slot)));
  if (!slots) throw std::bad_alloc();
  slots_ = slots;
  num_slots_ = n;
  slots_mapped_bytes_ = 0;
}

void Dictionary::FreeSlots(Slot* slots, size_t mapped_bytes) {
#if defined(__linux__)
  if (mapped_bytes > 0) {
    munmap(slots, mapped_bytes);
    return;
  }
#endif
  std::free(slots);
}

Dictionary::Dictionary(bool reserve_empty) : reserve_empty_(reserve_empty) {
  AllocateSlots(kFirstSlots);
  if (reserve_empty) Intern(std::string_view());
}

Dictionary::~Dictionary() { FreeSlots(slots_, slots_mapped_bytes_); }

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

inline uint32_t Dictionary::Lookup(const Key& key, size_t* free_slot) const {
  const size_t mask = num_slots_ - 1;
  for (size_t i = key.hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.code1 == 0) {
      *free_slot = i;
      return kNotFound;
    }
    if (slot.check != key.check) continue;
    if (key.size <= 8) {
      if (slot.payload == key.word) return slot.code1 - 1;
      continue;
    }
    // The check word holds sizes below 255 exactly.
    if (key.size >= 255 && strings_[slot.code1 - 1].size() != key.size) continue;
    if (SameBytes(reinterpret_cast<const char*>(slot.payload), key.data, key.size))
      return slot.code1 - 1;
  }
}

uint32_t Dictionary::FindPending(std::string_view s) const {
  uint32_t lo = indexed_, hi = size();
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (Before(strings_[mid], s)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo < size() && Equals(lo, s) ? lo : kNotFound;
}

void Dictionary::Place(uint32_t first, uint32_t last) {
  // Each string's slot is a likely cache miss: keys are computed kAhead
  // codes ahead and their slots prefetched, so that the misses overlap.
  constexpr uint32_t kAhead = 16;
  const size_t mask = num_slots_ - 1;
  Key ring[kAhead];
  for (uint32_t c = first; c < last && c - first < kAhead; ++c) {
    ring[c % kAhead] = Key(strings_[c]);
    __builtin_prefetch(&slots_[ring[c % kAhead].hash & mask], 1);
  }
  for (uint32_t c = first; c < last; ++c) {
    const Key key = ring[c % kAhead];
    if (last - c > kAhead) {
      Key& ahead = ring[c % kAhead];
      ahead = Key(strings_[c + kAhead]);
      __builtin_prefetch(&slots_[ahead.hash & mask], 1);
    }
    size_t i = key.hash & mask;
    while (slots_[i].code1 != 0) i = (i + 1) & mask;
    slots_[i] = Slot{key.check, c + 1,
                     key.size <= 8 ? key.word
                                   : reinterpret_cast<uint64_t>(strings_[c].data())};
  }
}

void Dictionary::IndexPending() {
  const uint32_t n = size();
  if (indexed_ == n) return;
  if (size_t{n} * 2 > num_slots_) {
    size_t slots = num_slots_;
    while (size_t{n} * 2 > slots) slots *= 2;
    Slot* const old = slots_;
    const size_t old_mapped = slots_mapped_bytes_;
    AllocateSlots(slots);  // on failure it throws and changes nothing
    FreeSlots(old, old_mapped);
    Place(0, n);
  } else {
    Place(indexed_, n);
  }
  indexed_ = n;
}

void Dictionary::Prefetch(std::string_view s) const {
  __builtin_prefetch(&slots_[Key(s).hash & (num_slots_ - 1)]);
}

uint32_t Dictionary::Find(std::string_view s) const {
  if (s.empty() && reserve_empty_) return 0;
  size_t free_slot;
  const uint32_t code = Lookup(Key(s), &free_slot);
  if (code != kNotFound || indexed_ == size()) return code;
  return FindPending(s);
}

bool Dictionary::AfterLargest(std::string_view s, uint64_t word) const {
  const int64_t n = static_cast<int64_t>(s.size());
  if (n != largest_size_) return n > largest_size_;
  if (n <= 8) return __builtin_bswap64(word) > __builtin_bswap64(largest_word_);
  return std::memcmp(s.data(), strings_[largest_].data(), s.size()) > 0;
}

uint32_t Dictionary::AppendLargest(std::string_view s, uint64_t word) {
  const uint32_t code = size();
  strings_.push_back(Store(s));
  largest_ = code;
  largest_size_ = static_cast<int64_t>(s.size());
  largest_word_ = word;
  return code;
}

uint32_t Dictionary::Insert(size_t slot, const Key& key, std::string_view s) {
  const uint32_t code = size();
  const std::string_view stored = Store(s);
  strings_.push_back(stored);
  slots_[slot] =
      Slot{key.check, code + 1,
           key.size <= 8 ? key.word : reinterpret_cast<uint64_t>(stored.data())};
  indexed_ = size();
  if (strings_.size() * 2 > num_slots_) Grow();
  return code;
}

uint32_t Dictionary::Intern(std::string_view s) {
  const size_t n = s.size();
  if (n == 0 && reserve_empty_ && !strings_.empty()) return 0;
  const uint64_t word =
      n <= 8 ? LoadPadded(reinterpret_cast<const unsigned char*>(s.data()), n) : 0;
  // After every string so far: new, and the next of the sorted run.
  if (AfterLargest(s, word)) return AppendLargest(s, word);
  if (indexed_ != size()) IndexPending();
  Key key;
  key.data = s.data();
  key.size = n;
  key.word = word;
  key.hash = n <= 8 ? Key::ShortHash(word, n)
                    : HashBytes(reinterpret_cast<const unsigned char*>(s.data()), n);
  key.check = Key::CheckWord(key.hash, n);
  size_t free_slot = 0;
  const uint32_t code = Lookup(key, &free_slot);
  if (code != kNotFound) return code;
  return Insert(free_slot, key, s);
}

void Dictionary::Grow() {
  Slot* const old = slots_;
  const size_t old_mapped = slots_mapped_bytes_;
  AllocateSlots(num_slots_ * 2);  // on failure it throws and changes nothing
  FreeSlots(old, old_mapped);
  Place(0, indexed_);
}

size_t Dictionary::MemoryBytes() const {
  return arena_bytes_ + strings_.capacity() * sizeof(std::string_view) +
         num_slots_ * sizeof(Slot);
}

}  // namespace baton
