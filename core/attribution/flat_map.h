// FlatMap: an open-addressing hash map from a 64- or 128-bit key to a small
// trivially copyable value, used to count transitions and key sets.
//
// Attribution counts millions of journeys into maps of a few hundred to a few
// hundred thousand entries; std::unordered_map's node per entry and pointer
// chase per lookup cost more than the counting itself. This map stores keys
// and values in two flat arrays with linear probing and a load factor of at
// most 1/2, and never erases (counting only grows).
//
// Private to core/attribution. Not thread-safe for writes; each worker owns
// its maps and the owner merges them after the workers finish.
#ifndef BATON_ATTRIBUTION_FLAT_MAP_H_
#define BATON_ATTRIBUTION_FLAT_MAP_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace baton {

// A 128-bit map key: a packed state and an outcome.
struct PairKey {
  uint64_t a = 0;
  uint64_t b = 0;
  bool operator==(const PairKey& o) const { return a == o.a && b == o.b; }
};

inline uint64_t MixHash(uint64_t x) {
  // A 64-bit finaliser (xor-shift-multiply): consecutive packed keys spread
  // over the whole table.
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

inline uint64_t HashKey(uint64_t k) { return MixHash(k); }
inline uint64_t HashKey(const PairKey& k) {
  return MixHash(k.a ^ MixHash(k.b + 0x9e3779b97f4a7c15ULL));
}

template <typename K, typename V>
class FlatMap {
 public:
  FlatMap() { Rehash(16); }

  // The value of `key`, value-initialised when new.
  V& operator[](const K& key) {
    if ((size_ + 1) * 2 > keys_.size()) Rehash(keys_.size() * 2);
    size_t mask = keys_.size() - 1;
    size_t i = HashKey(key) & mask;
    while (used_[i]) {
      if (keys_[i] == key) return values_[i];
      i = (i + 1) & mask;
    }
    used_[i] = 1;
    keys_[i] = key;
    values_[i] = V();
    ++size_;
    return values_[i];
  }

  // The value of `key`, or nullptr.
  const V* Find(const K& key) const {
    size_t mask = keys_.size() - 1;
    size_t i = HashKey(key) & mask;
    while (used_[i]) {
      if (keys_[i] == key) return &values_[i];
      i = (i + 1) & mask;
    }
    return nullptr;
  }

  size_t size() const { return size_; }

  // Calls f(key, value) for every entry, in slot order.
  template <typename F>
  void ForEach(F&& f) const {
    for (size_t i = 0; i < keys_.size(); ++i)
      if (used_[i]) f(keys_[i], values_[i]);
  }

 private:
  void Rehash(size_t capacity) {
    std::vector<K> keys(capacity);
    std::vector<V> values(capacity);
    std::vector<uint8_t> used(capacity, 0);
    keys.swap(keys_);
    values.swap(values_);
    used.swap(used_);
    size_ = 0;
    for (size_t i = 0; i < used.size(); ++i)
      if (used[i]) (*this)[keys[i]] = values[i];
  }

  std::vector<K> keys_;
  std::vector<V> values_;
  std::vector<uint8_t> used_;
  size_t size_ = 0;
};

}  // namespace baton

#endif  // BATON_ATTRIBUTION_FLAT_MAP_H_
