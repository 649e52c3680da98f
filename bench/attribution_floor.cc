// Timed reference: the least work any loader of a touch-level CSV must do,
// written plainly on one thread, to put the end-to-end attribution time in
// proportion (bench/attribution_e2e.py runs it).
//
// Reads the whole file (person_id,at,channel with "YYYY-MM-DD HH:MM:SS"
// times), interns person ids in a hash map, parses times, maps channels by
// a linear search over the few seen, sorts the touches by (person, time)
// (counting sort on the person code, then by time within each person)
// and counts the touches per channel and the distinct journeys (channel
// sequences). No error reporting, no quoting: a floor, not a loader.
//
// usage: baton_attribution_floor TOUCHES_CSV
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace {

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int Digits(const char* p, int n) {
  int v = 0;
  for (int i = 0; i < n; ++i) v = v * 10 + (p[i] - '0');
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s TOUCHES_CSV\n", argv[0]);
    return 2;
  }
  const auto began = std::chrono::steady_clock::now();
  std::FILE* in = std::fopen(argv[1], "rb");
  if (!in) {
    std::fprintf(stderr, "cannot open %s\n", argv[1]);
    return 1;
  }
  std::string text;
  char block[1 << 16];
  for (size_t got; (got = std::fread(block, 1, sizeof block, in)) > 0;) text.append(block, got);
  std::fclose(in);
  struct Touch {
    uint32_t person;
    uint32_t channel;
    int64_t at;
  };
  std::vector<Touch> touches;
  std::unordered_map<std::string_view, uint32_t> people;
  people.reserve(text.size() / 64);
  touches.reserve(text.size() / 32);
  std::vector<std::string_view> channels;
  size_t pos = text.find('\n') + 1;  // skip the header
  while (pos < text.size()) {
    const void* nl = std::memchr(text.data() + pos, '\n', text.size() - pos);
    const size_t end = nl ? static_cast<const char*>(nl) - text.data() : text.size();
    const std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    const size_t c1 = line.find(','), c2 = line.find(',', c1 + 1);
    if (c1 == std::string_view::npos || c2 == std::string_view::npos || c2 - c1 - 1 < 19)
      continue;
    const std::string_view id = line.substr(0, c1);
    const char* t = line.data() + c1 + 1;
    const int64_t at =
        ((DaysFromCivil(Digits(t, 4), Digits(t + 5, 2), Digits(t + 8, 2)) * 24 +
          Digits(t + 11, 2)) * 60 + Digits(t + 14, 2)) * 60 + Digits(t + 17, 2);
    const std::string_view ch = line.substr(c2 + 1);
    uint32_t code = 0;
    while (code < channels.size() && channels[code] != ch) ++code;
    if (code == channels.size()) channels.push_back(ch);
    auto [it, added] = people.try_emplace(id, static_cast<uint32_t>(people.size()));
    touches.push_back({it->second, code, at * 1000});
  }
  // Sort by (person, time): a counting sort on the dense person codes, then
  // each person's few touches by time.
  std::vector<uint32_t> start(people.size() + 1, 0);
  for (const Touch& t : touches) ++start[t.person + 1];
  for (size_t p = 1; p < start.size(); ++p) start[p] += start[p - 1];
  {
    std::vector<Touch> sorted(touches.size());
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (const Touch& t : touches) sorted[fill[t.person]++] = t;
    touches.swap(sorted);
  }
  for (size_t p = 0; p + 1 < start.size(); ++p)
    std::sort(touches.begin() + start[p], touches.begin() + start[p + 1],
              [](const Touch& a, const Touch& b) { return a.at < b.at; });
  std::vector<uint64_t> per_channel(channels.size(), 0);
  std::unordered_set<uint64_t> paths;
  uint64_t path = 0;
  for (size_t i = 0; i < touches.size(); ++i) {
    ++per_channel[touches[i].channel];
    path = path * 31 + touches[i].channel + 1;
    if (i + 1 == touches.size() || touches[i + 1].person != touches[i].person) {
      paths.insert(path);
      path = 0;
    }
  }
  const double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  std::printf("%zu touches, %zu people, %zu distinct paths in %.3f s\n", touches.size(),
              people.size(), paths.size(), s);
  for (size_t c = 0; c < channels.size(); ++c)
    std::printf("  %.*s %llu\n", static_cast<int>(channels[c].size()), channels[c].data(),
                static_cast<unsigned long long>(per_channel[c]));
  return 0;
}
