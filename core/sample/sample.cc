#include "sample/sample.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string_view>
#include <system_error>
#include <vector>

#include "model/timestamp.h"

namespace baton {
namespace {

// ---------------------------------------------------------------------------
// Deterministic arithmetic. The files must be byte-identical on every
// machine, so nothing here may depend on the C++ library's distributions or
// on libm's last-bit accuracy: randomness is xoshiro256** seeded through
// splitmix64, and exp/log are written with + - * / only (IEEE-754 makes those
// exact-rounded everywhere; the build's -std=c++20 keeps FMA contraction off).
// ---------------------------------------------------------------------------

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A seed for an independent stream (stream kind, index) of the user's seed,
// so each person is simulated from its own stream and the order of
// generation never changes a person's data.
uint64_t StreamSeed(uint64_t seed, uint64_t stream, uint64_t index) {
  uint64_t s = seed ^ (stream * 0xd1b54a32d192ed03ULL);
  uint64_t a = SplitMix64(&s);
  s = a ^ (index * 0x9e3779b97f4a7c15ULL);
  return SplitMix64(&s);
}

constexpr double kLn2 = 0.6931471805599453;

// Natural log for x > 0: x = m * 2^e (exact), log m by the atanh series.
double DetLog(double x) {
  if (!(x > 0)) return -745.0;  // never reached: callers pass (0, 1]
  int e = 0;
  double m = std::frexp(x, &e);
  if (m < 0.7071067811865476) {
    m *= 2;
    --e;
  }
  const double s = (m - 1) / (m + 1);
  const double s2 = s * s;
  double term = s, sum = 0;
  for (int k = 1; k <= 27; k += 2) {
    sum += term / k;
    term *= s2;
  }
  return 2 * sum + e * kLn2;
}

// e^x: x = k ln2 + r with |r| <= ln2/2, e^r by its Taylor series.
double DetExp(double x) {
  x = std::clamp(x, -700.0, 700.0);
  const double k = std::floor(x / kLn2 + 0.5);
  const double r = x - k * kLn2;
  double term = 1, sum = 1;
  for (int n = 1; n <= 20; ++n) {
    term *= r / n;
    sum += term;
  }
  return std::ldexp(sum, static_cast<int>(k));
}

double Logistic(double z) { return 1 / (1 + DetExp(-z)); }

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& w : s_) w = SplitMix64(&seed);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // (0, 1): safe to take the log of.
  double OpenUniform() {
    return (static_cast<double>(Next() >> 11) + 0.5) * 0x1.0p-53;
  }
  // [0, n); the modulo bias is below 2^-40 for the small n used here.
  uint64_t Below(uint64_t n) { return Next() % n; }
  // [lo, hi], inclusive.
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }
  bool Chance(double p) { return Uniform() < p; }
  // Standard normal, Marsaglia's polar method (needs only log and sqrt).
  double Normal() {
    double u, v, s;
    do {
      u = 2 * Uniform() - 1;
      v = 2 * Uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    return u * std::sqrt(-2 * DetLog(s) / s);
  }
  double Exponential(double mean) { return -mean * DetLog(OpenUniform()); }
  // Knuth's product method; means here are small.
  int Poisson(double mean) {
    const double limit = DetExp(-mean);
    int k = 0;
    double p = Uniform();
    while (p > limit && k < 64) {
      ++k;
      p *= Uniform();
    }
    return k;
  }
  template <typename T, size_t N>
  size_t Pick(const T (&items)[N]) {
    double total = 0;
    for (const T& item : items) total += item.weight;
    double u = Uniform() * total;
    for (size_t i = 0; i < N; ++i) {
      u -= items[i].weight;
      if (u < 0) return i;
    }
    return N - 1;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// ---------------------------------------------------------------------------
// The simulated business. Effects are logit shifts; they are the signal the
// analyses are meant to find, so they are documented here in one place.
// ---------------------------------------------------------------------------

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kSecondsPerHour = 3600;

enum ChannelId {
  kPaidSearch = 0,
  kOrganicSearch,
  kPaidSocial,
  kEmail,
  kWebinar,
  kEvents,
  kReferral,
  kDirect,
  kNumChannels
};

struct ChannelInfo {
  const char* name;
  const char* campaign_word;  // nullptr: the channel runs no campaigns
  const char* activity;
  double source_weight;   // share of new people it brings
  double nurture_weight;  // share of later marketing touches
  double mql_lift;        // logit shift of inquiry -> mql
  double quality;         // logit shift of acceptance, sql and win
  int64_t click_cents_lo; // cost of one paid touch (0: free touch)
  int64_t click_cents_hi;
  int64_t cents_per_lead; // spend per new person, before noise
};

// Referral and webinar bring the best leads, paid social the worst.
constexpr ChannelInfo kChannels[kNumChannels] = {
    {"paid_search", "search", "ad_click", 0.22, 0.10, 0.0, 0.0, 250, 1200, 18000},
    {"organic_search", nullptr, "visit", 0.17, 0.15, 0.1, 0.1, 0, 0, 4000},
    {"paid_social", "social", "ad_click", 0.16, 0.10, -0.6, -0.7, 150, 800, 14000},
    {"email", "email", "email", 0.09, 0.30, -0.1, -0.2, 0, 0, 2500},
    {"webinar", "webinar", "webinar", 0.10, 0.12, 0.5, 0.55, 0, 0, 16000},
    {"events", "events", "event", 0.07, 0.05, 0.3, 0.25, 0, 0, 45000},
    {"referral", nullptr, "form", 0.07, 0.03, 0.8, 0.8, 0, 0, 22000},
    {"direct", nullptr, "visit", 0.12, 0.15, 0.2, 0.1, 0, 0, 1500},
};

// Campaign themes per campaign channel, rotated by calendar quarter.
const char* const kSearchThemes[] = {"brand", "competitors", "category", "pricing"};
const char* const kSocialThemes[] = {"cfo", "revops", "it-leaders", "founders"};
const char* const kWebinarThemes[] = {"cfo", "revops", "forecasting",
                                      "pipeline-review"};
const char* const kEventThemes[] = {"summit", "roadshow", "trade-show",
                                    "executive-dinner"};

struct SizeInfo {
  const char* name;
  double weight;
  double quality;      // bigger companies buy more often
  double amount_mult;  // and more
  double cycle_mult;   // and more slowly
};
constexpr SizeInfo kSizes[] = {
    {"1-10", 0.12, -0.6, 0.35, 0.7},      {"11-50", 0.25, -0.3, 0.6, 0.85},
    {"51-200", 0.27, 0.0, 1.0, 1.0},      {"201-1000", 0.20, 0.25, 1.6, 1.2},
    {"1001-5000", 0.10, 0.4, 2.5, 1.4},   {"5001+", 0.06, 0.5, 3.5, 1.6},
};

struct Named {
  const char* name;
  double weight;
};
constexpr Named kIndustries[] = {
    {"software", 0.22},      {"financial services", 0.14},
    {"healthcare", 0.11},    {"manufacturing", 0.13},
    {"retail", 0.10},        {"education", 0.07},
    {"professional services", 0.13}, {"logistics", 0.10},
};
constexpr Named kCountries[] = {
    {"US", 0.42}, {"GB", 0.12}, {"DE", 0.10}, {"FR", 0.07}, {"CA", 0.08},
    {"AU", 0.05}, {"NL", 0.05}, {"SE", 0.03}, {"ES", 0.04}, {"BR", 0.04},
};
// An empty reason is what CRMs hold when a rep rejects without saying why.
constexpr Named kRejectReasons[] = {
    {"no budget", 0.24},     {"wrong persona", 0.19}, {"competitor", 0.11},
    {"duplicate", 0.09},     {"not reachable", 0.19}, {"", 0.18},
};
constexpr Named kLostReasons[] = {
    {"price", 0.26},      {"competitor", 0.24}, {"no decision", 0.30},
    {"timing", 0.12},     {"", 0.08},
};
constexpr Named kNotSqlReasons[] = {
    {"timing", 0.4}, {"no project", 0.35}, {"", 0.25},
};

struct Rep {
  const char* name;
  double median_response_hours;  // from minutes to days
};
constexpr Rep kReps[] = {
    {"amara.okafor", 0.15}, {"ben.hartley", 0.4},   {"chloe.martin", 0.75},
    {"diego.alvarez", 1.5}, {"elena.petrova", 2.5}, {"farid.haddad", 4},
    {"grace.lin", 6},       {"hugo.berg", 9},       {"isla.murphy", 14},
    {"jonas.weber", 22},    {"kiko.tanaka", 36},    {"liam.novak", 60},
};
constexpr int kNumReps = sizeof(kReps) / sizeof(kReps[0]);

// ---------------------------------------------------------------------------
// Text output
// ---------------------------------------------------------------------------

void AppendPadded(std::string* out, uint64_t v, int width) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  for (int pad = width - static_cast<int>(r.ptr - buf); pad > 0; --pad)
    out->push_back('0');
  out->append(buf, r.ptr);
}

void AppendInt(std::string* out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

// Money as integer cents, so no float is ever printed: "1234.50".
void AppendCents(std::string* out, int64_t cents) {
  if (cents < 0) {
    out->push_back('-');
    cents = -cents;
  }
  AppendInt(out, cents / 100);
  out->push_back('.');
  AppendPadded(out, static_cast<uint64_t>(cents % 100), 2);
}

// Seconds since the epoch as 2025-03-04T10:22:33Z.
void AppendTime(std::string* out, int64_t seconds) {
  int64_t days = seconds / kSecondsPerDay;
  int64_t rem = seconds % kSecondsPerDay;
  if (rem < 0) {
    rem += kSecondsPerDay;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  AppendPadded(out, static_cast<uint64_t>(y), 4);
  out->push_back('-');
  AppendPadded(out, m, 2);
  out->push_back('-');
  AppendPadded(out, d, 2);
  out->push_back('T');
  AppendPadded(out, static_cast<uint64_t>(rem / 3600), 2);
  out->push_back(':');
  AppendPadded(out, static_cast<uint64_t>(rem / 60 % 60), 2);
  out->push_back(':');
  AppendPadded(out, static_cast<uint64_t>(rem % 60), 2);
  out->push_back('Z');
}

void AppendDate(std::string* out, int64_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  AppendPadded(out, static_cast<uint64_t>(y), 4);
  out->push_back('-');
  AppendPadded(out, m, 2);
  out->push_back('-');
  AppendPadded(out, d, 2);
}

std::string ErrnoText(int err) { return std::strerror(err); }

// One output file, written through a large buffer to `<path>.tmp.<pid>` and
// renamed into place by Commit(). Destroying an uncommitted file removes the
// temporary, so a failure never leaves a half-written dataset.
class OutputFile {
 public:
  static constexpr size_t kChunk = size_t{4} << 20;

  explicit OutputFile(std::string path)
      : path_(std::move(path)),
        temp_(path_ + ".tmp." + std::to_string(static_cast<long>(::getpid()))) {
    buf_.reserve(kChunk + (size_t{64} << 10));
  }
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile() {
    if (file_ != nullptr) std::fclose(file_);
    if (!committed_ && opened_) std::remove(temp_.c_str());
  }

  Status Open() {
    file_ = std::fopen(temp_.c_str(), "wb");
    if (file_ == nullptr)
      return Status::IoError("cannot create " + temp_ + ": " + ErrnoText(errno) +
                             "; check that the folder is writable");
    opened_ = true;
    return Status::OK();
  }
  std::string* buf() { return &buf_; }
  Status MaybeFlush() { return buf_.size() >= kChunk ? Flush() : Status::OK(); }
  Status Flush() {
    if (!buf_.empty() &&
        std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size())
      return Status::IoError("cannot write " + temp_ + ": " + ErrnoText(errno) +
                             "; check the free disk space");
    buf_.clear();
    return Status::OK();
  }
  Status Close() {
    BATON_RETURN_IF_ERROR(Flush());
    int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0)
      return Status::IoError("cannot write " + temp_ + ": " + ErrnoText(errno) +
                             "; check the free disk space");
    return Status::OK();
  }
  Status Commit() {
    if (std::rename(temp_.c_str(), path_.c_str()) != 0)
      return Status::IoError("cannot rename " + temp_ + " to " + path_ + ": " +
                             ErrnoText(errno));
    committed_ = true;
    return Status::OK();
  }

 private:
  std::string path_;
  std::string temp_;
  std::string buf_;
  std::FILE* file_ = nullptr;
  bool opened_ = false;
  bool committed_ = false;
};

// ---------------------------------------------------------------------------
// Calendar and campaigns
// ---------------------------------------------------------------------------

struct Campaign {
  std::string name;
  int channel;
};

class Calendar {
 public:
  explicit Calendar(int months) : months_(months) {
    // Months are counted as year * 12 + (month - 1); the last is 2025-12.
    const int64_t last = 2025 * 12 + 11;
    first_ = last - (months - 1);
    for (int i = 0; i <= months; ++i) {
      int64_t t = first_ + i;
      month_day_.push_back(
          DaysFromCivil(t / 12, static_cast<unsigned>(t % 12 + 1), 1));
    }
    BuildCampaigns();
  }

  int months() const { return months_; }
  int64_t start() const { return month_day_.front() * kSecondsPerDay; }
  int64_t end() const { return month_day_.back() * kSecondsPerDay; }
  int64_t start_day() const { return month_day_.front(); }
  int64_t span_days() const { return month_day_.back() - month_day_.front(); }
  int64_t month_first_day(int i) const { return month_day_[i]; }
  // Index of the month holding `seconds` (clamped to the range).
  int MonthOf(int64_t seconds) const {
    int64_t day = seconds / kSecondsPerDay;
    auto it = std::upper_bound(month_day_.begin(), month_day_.end(), day);
    int i = static_cast<int>(it - month_day_.begin()) - 1;
    return std::clamp(i, 0, months_ - 1);
  }
  const std::vector<Campaign>& campaigns() const { return campaigns_; }
  // The campaign a channel runs in a month, or -1.
  int CampaignOf(int channel, int month) const {
    return campaign_of_[static_cast<size_t>(month) * kNumChannels + channel];
  }

 private:
  void BuildCampaigns() {
    campaign_of_.assign(static_cast<size_t>(months_) * kNumChannels, -1);
    std::string previous[kNumChannels];
    for (int i = 0; i < months_; ++i) {
      const int64_t t = first_ + i;
      const int64_t year = t / 12;
      const int month0 = static_cast<int>(t % 12);
      const int quarter = month0 / 3;
      const size_t rotation = static_cast<size_t>(year * 4 + quarter) % 4;
      for (int c = 0; c < kNumChannels; ++c) {
        const char* word = kChannels[c].campaign_word;
        if (word == nullptr) continue;
        std::string name = std::to_string(year) + "-q";
        const char* theme = nullptr;
        switch (c) {
          case kPaidSearch: theme = kSearchThemes[rotation]; break;
          case kPaidSocial: theme = kSocialThemes[rotation]; break;
          case kWebinar: theme = kWebinarThemes[rotation]; break;
          case kEvents: theme = kEventThemes[rotation]; break;
          default: theme = "nurture"; break;
        }
        // Email nurture runs by half-year, named after its first quarter.
        int q = c == kEmail ? (month0 / 6) * 2 + 1 : quarter + 1;
        name += std::to_string(q) + "-" + word + "-" + theme;
        if (name != previous[c]) {
          campaigns_.push_back({name, c});
          previous[c] = name;
        }
        campaign_of_[static_cast<size_t>(i) * kNumChannels + c] =
            static_cast<int>(campaigns_.size()) - 1;
      }
    }
  }

  int months_;
  int64_t first_;
  std::vector<int64_t> month_day_;  // first day of each month, then the end
  std::vector<Campaign> campaigns_;
  std::vector<int> campaign_of_;
};

// ---------------------------------------------------------------------------
// The simulation of one person
// ---------------------------------------------------------------------------

struct Touch {
  int64_t at;
  int channel;   // -1 for sales touches
  int campaign;  // -1 when none
  bool sales;
  const char* activity;
  int64_t cost_cents;
};

struct StageEntry {
  int64_t at;
  const char* stage;
  const char* disposition;
  const char* reason;
};

struct Account {
  int industry;
  int country;
  int size;
};

class Generator {
 public:
  Generator(const SampleOptions& options, const Calendar& calendar)
      : options_(options),
        cal_(calendar),
        num_accounts_(std::max<int64_t>(1, options.people / 3)),
        id_width_(std::max(7, static_cast<int>(
                                  std::to_string(options.people).size()))),
        leads_(static_cast<size_t>(calendar.months()) *
                   (kNumChannels + calendar.campaigns().size()),
               0) {}

  // Simulates person `index` and appends their rows to the buffers.
  void Person(int64_t index, std::string* people, std::string* touches,
              std::string* stages, std::string* deals);

  // Spend per month, channel and campaign: the people each brought in,
  // times the channel's cost per lead, with +-15% noise.
  void Spend(std::string* out) const;

 private:
  Account AccountOf(int64_t account) const {
    Rng r(StreamSeed(options_.seed, 2, static_cast<uint64_t>(account)));
    Account a;
    a.industry = static_cast<int>(r.Pick(kIndustries));
    a.country = static_cast<int>(r.Pick(kCountries));
    a.size = static_cast<int>(r.Pick(kSizes));
    return a;
  }
  Touch MarketingTouch(Rng& r, int64_t at, int channel) const {
    const ChannelInfo& c = kChannels[channel];
    int64_t cost = c.click_cents_hi > 0 ? r.Between(c.click_cents_lo, c.click_cents_hi)
                                        : 0;
    return {at, channel, cal_.CampaignOf(channel, cal_.MonthOf(at)), false,
            c.activity, cost};
  }
  // A channel drawn by one of ChannelInfo's weights.
  static int PickChannel(Rng& r, double ChannelInfo::*weight) {
    double total = 0;
    for (const ChannelInfo& c : kChannels) total += c.*weight;
    double u = r.Uniform() * total;
    for (int c = 0; c < kNumChannels; ++c) {
      u -= kChannels[c].*weight;
      if (u < 0) return c;
    }
    return kDirect;
  }
  static int NurtureChannel(Rng& r) {
    return PickChannel(r, &ChannelInfo::nurture_weight);
  }
  void SalesTouch(int64_t at, const char* activity) {
    if (at < cal_.end()) touches_.push_back({at, -1, -1, true, activity, 0});
  }
  // Adds the entry when it falls inside the data's time range; returns
  // whether it did (later steps depend on it).
  bool Stage(int64_t at, const char* stage, const char* disposition,
             const char* reason = "") {
    if (at >= cal_.end()) return false;
    stages_.push_back({at, stage, disposition, reason});
    return true;
  }
  // A recycled person re-entering mql through a new form some weeks later;
  // sales follows up on half of them.
  void Requalify(Rng& r, int64_t recycled_at) {
    if (!r.Chance(0.35)) return;
    const int64_t at = recycled_at + 5 * kSecondsPerDay +
                       static_cast<int64_t>(r.Exponential(40.0 * kSecondsPerDay));
    if (at >= cal_.end()) return;
    Touch form = MarketingTouch(r, at - r.Between(60, 1800), NurtureChannel(r));
    form.activity = "form";
    touches_.push_back(form);
    Stage(at, "mql", "advanced");
    if (r.Chance(0.5)) SalesTouch(at + r.Between(3600, 5 * kSecondsPerDay), "call");
  }
  void Handoff(Rng& r, int64_t mql_at, int owner, double quality,
               const Account& account);
  void Opportunity(Rng& r, int64_t opp_at, double quality, double response_lift,
                   const Account& account);

  const SampleOptions& options_;
  const Calendar& cal_;
  const int64_t num_accounts_;
  const int id_width_;
  std::vector<int64_t> leads_;  // per (month, slot): people brought in

  // Per-person scratch, reused.
  std::vector<Touch> touches_;
  std::vector<StageEntry> stages_;
  struct Deal {
    bool present = false;
    int64_t created_at = 0, closed_at = 0, amount_cents = 0;
    bool won = false, closed = false;
  } deal_;
};

void Generator::Person(int64_t index, std::string* people, std::string* touches,
                       std::string* stages, std::string* deals) {
  Rng r(StreamSeed(options_.seed, 1, static_cast<uint64_t>(index)));
  touches_.clear();
  stages_.clear();
  deal_ = Deal();

  // Arrival: people are numbered in time order, with lead volume growing
  // linearly (+60% over the range): invert F(x) = (x + a x^2 / 2) / (1 + a / 2).
  constexpr double kGrowth = 0.6;
  const double f = (static_cast<double>(index) + r.Uniform()) /
                   static_cast<double>(options_.people);
  const double x =
      (std::sqrt(1 + 2 * kGrowth * f * (1 + kGrowth / 2)) - 1) / kGrowth;
  int64_t day = std::min<int64_t>(
      static_cast<int64_t>(x * static_cast<double>(cal_.span_days())),
      cal_.span_days() - 1);
  // B2B leads come on weekdays: most weekend arrivals move to Monday.
  const int64_t weekday = (cal_.start_day() + day + 4) % 7;  // 0 = Sunday
  if ((weekday == 6 || weekday == 0) && r.Chance(0.75)) {
    day = std::min(day + (weekday == 6 ? 2 : 1), cal_.span_days() - 1);
  }
  const int64_t hour = std::clamp<int64_t>(
      static_cast<int64_t>(std::floor(14.5 + 2.8 * r.Normal())), 0, 23);
  const int64_t created = cal_.start() + day * kSecondsPerDay +
                          hour * kSecondsPerHour + r.Between(0, 3599);

  const int source = PickChannel(r, &ChannelInfo::source_weight);
  const int64_t account_index = static_cast<int64_t>(
      r.Below(static_cast<uint64_t>(num_accounts_)));
  const Account account = AccountOf(account_index);
  const int owner = static_cast<int>(r.Below(kNumReps));
  const double intent = r.Normal();

  // Marketing touches before a possible MQL: more for high intent.
  const int planned =
      1 + std::min(r.Poisson(1.6 * DetExp(0.35 * intent)), 11);
  touches_.push_back(MarketingTouch(r, created, source));
  {
    const int slot = touches_[0].campaign >= 0 ? kNumChannels + touches_[0].campaign
                                               : source;
    ++leads_[static_cast<size_t>(cal_.MonthOf(created)) *
                 (kNumChannels + cal_.campaigns().size()) +
             static_cast<size_t>(slot)];
  }
  int64_t t = created;
  for (int k = 1; k < planned; ++k) {
    t += 600 + static_cast<int64_t>(r.Exponential(8.0 * kSecondsPerDay));
    if (t >= cal_.end()) break;
    touches_.push_back(MarketingTouch(r, t, NurtureChannel(r)));
  }
  const int engaged = static_cast<int>(touches_.size());
  Stage(created, "inquiry", "advanced");

  const double mql_logit = -2.25 + kChannels[source].mql_lift + 0.45 * intent +
                           0.22 * (engaged - 1) + 0.3 * kSizes[account.size].quality;
  if (r.Chance(Logistic(mql_logit))) {
    // The last touch is the form (demo request, content download) that
    // lead scoring turned into an MQL a few minutes later.
    Touch& form = touches_.back();
    form.activity = "form";
    const int64_t mql_at = form.at + r.Between(60, 1800);
    if (Stage(mql_at, "mql", "advanced")) {
      int recent = 0;  // touches in the 30 days before the MQL
      for (const Touch& touch : touches_)
        if (touch.at >= mql_at - 30 * kSecondsPerDay && touch.at <= mql_at) ++recent;
      const double quality = kChannels[source].quality +
                             kSizes[account.size].quality + 0.3 * intent +
                             0.3 * (std::min(recent, 6) - 2);
      // Marketing keeps nurturing after the hand-off.
      int64_t after = mql_at;
      for (int k = r.Poisson(0.6); k > 0; --k) {
        after += 3600 + static_cast<int64_t>(r.Exponential(10.0 * kSecondsPerDay));
        if (after >= cal_.end()) break;
        touches_.push_back(MarketingTouch(r, after, NurtureChannel(r)));
      }
      Handoff(r, mql_at, owner, quality, account);
    }
  }

  // Rows, in time order within the person.
  std::stable_sort(touches_.begin(), touches_.end(),
                   [](const Touch& a, const Touch& b) { return a.at < b.at; });
  std::stable_sort(stages_.begin(), stages_.end(),
                   [](const StageEntry& a, const StageEntry& b) { return a.at < b.at; });

  std::string id;
  id.reserve(16);
  id.push_back('P');
  AppendPadded(&id, static_cast<uint64_t>(index + 1), id_width_);
  std::string account_id;
  account_id.push_back('A');
  AppendPadded(&account_id, static_cast<uint64_t>(account_index + 1), id_width_);

  const char* owner_name = kReps[owner].name;
  const char* source_name = kChannels[source].name;
  // people: person_id, account_id, created_at, source, owner, industry,
  // country, company_size, email
  people->append(id).push_back(',');
  people->append(account_id).push_back(',');
  AppendTime(people, created);
  people->push_back(',');
  people->append(source_name).push_back(',');
  people->append(owner_name).push_back(',');
  people->append(kIndustries[account.industry].name).push_back(',');
  people->append(kCountries[account.country].name).push_back(',');
  people->append(kSizes[account.size].name).push_back(',');
  people->append("lead");
  AppendInt(people, index + 1);
  people->append("@acct");
  AppendInt(people, account_index + 1);
  people->append(".example.com\n");

  int first_campaign = -1;
  for (const Touch& touch : touches_) {
    if (first_campaign < 0 && touch.campaign >= 0) first_campaign = touch.campaign;
    // touches: person_id, at, channel, campaign, side, activity, cost
    touches->append(id).push_back(',');
    AppendTime(touches, touch.at);
    touches->push_back(',');
    if (touch.channel >= 0) touches->append(kChannels[touch.channel].name);
    touches->push_back(',');
    if (touch.campaign >= 0) touches->append(cal_.campaigns()[touch.campaign].name);
    touches->append(touch.sales ? ",sales," : ",marketing,");
    touches->append(touch.activity).push_back(',');
    AppendCents(touches, touch.cost_cents);
    touches->push_back('\n');
  }
  for (const StageEntry& s : stages_) {
    // stages: person_id, stage, at, disposition, reason
    stages->append(id).push_back(',');
    stages->append(s.stage).push_back(',');
    AppendTime(stages, s.at);
    stages->push_back(',');
    stages->append(s.disposition).push_back(',');
    stages->append(s.reason).push_back('\n');
  }
  if (deal_.present) {
    // deals: deal_id, account_id, person_id, created_at, closed_at, amount,
    // currency, stage, is_won, is_closed, owner, source, campaign
    deals->push_back('D');
    AppendPadded(deals, static_cast<uint64_t>(index + 1), id_width_);
    deals->push_back(',');
    deals->append(account_id).push_back(',');
    deals->append(id).push_back(',');
    AppendTime(deals, deal_.created_at);
    deals->push_back(',');
    if (deal_.closed) AppendTime(deals, deal_.closed_at);
    deals->push_back(',');
    AppendCents(deals, deal_.amount_cents);
    deals->append(",USD,");
    deals->append(!deal_.closed ? "Negotiation"
                                : deal_.won ? "Closed Won" : "Closed Lost");
    deals->append(deal_.won ? ",true," : ",false,");
    deals->append(deal_.closed ? "true," : "false,");
    deals->append(owner_name).push_back(',');
    deals->append(source_name).push_back(',');
    if (first_campaign >= 0) deals->append(cal_.campaigns()[first_campaign].name);
    deals->push_back('\n');
  }
}

// From the MQL on: sales responds (or never does), accepts or rejects,
// qualifies, opens an opportunity and wins or loses it.
void Generator::Handoff(Rng& r, int64_t mql_at, int owner, double quality,
                        const Account& account) {
  // Slow reps also drop more hand-offs entirely (leakage).
  if (r.Chance(0.04 + 0.012 * owner)) {
    if (r.Chance(0.5)) {
      int64_t at = mql_at + r.Between(30, 75) * kSecondsPerDay;
      if (Stage(at, "recycled", "recycled", "no sales follow-up")) Requalify(r, at);
    }
    return;
  }
  const double hours = std::max(
      2.0 / 60, kReps[owner].median_response_hours * DetExp(1.1 * r.Normal()));
  const int64_t first = mql_at + static_cast<int64_t>(hours * kSecondsPerHour);
  if (first >= cal_.end()) return;
  // Fast follow-up wins more deals (and qualifies a little more often).
  const double response_lift = hours < 1    ? 0.55
                               : hours < 4  ? 0.25
                               : hours < 24 ? 0.0
                               : hours < 72 ? -0.3
                                            : -0.6;

  if (!r.Chance(Logistic(-0.1 + 0.9 * quality))) {
    const char* reason = kRejectReasons[r.Pick(kRejectReasons)].name;
    int64_t last = first;
    if (std::strcmp(reason, "not reachable") == 0) {
      SalesTouch(first, "call");
      for (int k = static_cast<int>(r.Between(1, 3)); k > 0; --k) {
        last += r.Between(kSecondsPerHour * 4, 3 * kSecondsPerDay);
        SalesTouch(last, r.Chance(0.6) ? "call" : "email");
      }
    } else {
      SalesTouch(first, r.Chance(0.65) ? "call" : "email");
    }
    int64_t at = last + r.Between(600, 2 * kSecondsPerDay);
    if (!Stage(at, "rejected", "rejected", reason)) return;
    if (std::strcmp(reason, "duplicate") != 0 && r.Chance(0.35)) {
      int64_t rec = at + r.Between(30, 90) * kSecondsPerDay;
      if (Stage(rec, "recycled", "recycled", "nurture")) Requalify(r, rec);
    }
    return;
  }

  SalesTouch(first, r.Chance(0.7) ? "call" : "email");
  const int64_t sal_at = first + r.Between(300, kSecondsPerDay);
  if (!Stage(sal_at, "sal", "accepted")) return;
  const int64_t sql_at = sal_at + kSecondsPerHour +
                         static_cast<int64_t>(r.Exponential(6.0 * kSecondsPerDay));
  for (int k = static_cast<int>(r.Between(1, 3)); k > 0; --k)
    SalesTouch(sal_at + r.Between(600, std::max<int64_t>(601, sql_at - sal_at)),
               r.Chance(0.5) ? "call" : "email");
  if (!r.Chance(Logistic(-0.1 + 0.9 * quality + 0.35 * response_lift))) {
    if (r.Chance(0.45)) {
      int64_t at = sal_at + r.Between(20, 60) * kSecondsPerDay;
      if (Stage(at, "recycled", "recycled",
                kNotSqlReasons[r.Pick(kNotSqlReasons)].name) &&
          r.Chance(0.7))
        Requalify(r, at);
    }
    return;
  }
  SalesTouch(sql_at - r.Between(1800, 7200), "meeting");
  if (!Stage(sql_at, "sql", "advanced")) return;

  if (!r.Chance(Logistic(1.55 + 0.4 * quality))) {
    if (r.Chance(0.6))
      Stage(sql_at + r.Between(10, 40) * kSecondsPerDay, "lost", "advanced",
            "no decision");
    return;
  }
  const int64_t opp_at = sql_at + 2 * kSecondsPerHour +
                         static_cast<int64_t>(r.Exponential(4.0 * kSecondsPerDay));
  Opportunity(r, opp_at, quality, response_lift, account);
}

// One deal per opportunity; bigger accounts buy more, more slowly.
void Generator::Opportunity(Rng& r, int64_t opp_at, double quality,
                            double response_lift, const Account& account) {
  if (!Stage(opp_at, "opportunity", "advanced")) return;
  const SizeInfo& size = kSizes[account.size];
  deal_.present = true;
  deal_.created_at = opp_at;
  double amount = 22000.0 * size.amount_mult * DetExp(0.55 * r.Normal());
  amount = std::clamp(amount, 5000.0, 150000.0);
  deal_.amount_cents = static_cast<int64_t>(std::floor(amount / 100 + 0.5)) * 10000;
  const double cycle_days = (15 + r.Exponential(40)) * size.cycle_mult;
  const int64_t close_at =
      opp_at + static_cast<int64_t>(cycle_days * kSecondsPerDay);
  const bool won = r.Chance(Logistic(-1.6 + 0.75 * quality + response_lift));
  // Meetings, calls and emails while the deal is worked.
  const int64_t until = std::min(close_at, cal_.end());
  static const char* const kDealActivities[] = {"meeting", "email", "call"};
  for (int k = static_cast<int>(r.Between(2, 5)); k > 0; --k)
    SalesTouch(opp_at + r.Between(60, std::max<int64_t>(61, until - opp_at)),
               kDealActivities[r.Below(3)]);
  if (close_at >= cal_.end()) return;  // still open at the end of the data
  deal_.closed = true;
  deal_.closed_at = close_at;
  deal_.won = won;
  if (won) {
    Stage(close_at, "won", "advanced");
  } else {
    Stage(close_at, "lost", "advanced", kLostReasons[r.Pick(kLostReasons)].name);
  }
}

void Generator::Spend(std::string* out) const {
  const size_t slots = kNumChannels + cal_.campaigns().size();
  for (int m = 0; m < cal_.months(); ++m) {
    const int64_t first_day = cal_.month_first_day(m);
    const int64_t last_day = cal_.month_first_day(m + 1) - 1;
    for (int c = 0; c < kNumChannels; ++c) {
      // Campaign channels spend per campaign; the others (content, referral
      // bonuses, brand) per channel with no campaign.
      const int campaign = cal_.CampaignOf(c, m);
      const size_t slot =
          campaign >= 0 ? kNumChannels + static_cast<size_t>(campaign) : c;
      Rng r(StreamSeed(options_.seed, 3, static_cast<uint64_t>(m) * slots + slot));
      const int64_t people = leads_[static_cast<size_t>(m) * slots + slot];
      // Some money is spent even in a month that brought nobody.
      const int64_t base = std::max<int64_t>(20000, people * kChannels[c].cents_per_lead);
      const int64_t cents = base * r.Between(85, 115) / 100;
      // spend: channel, campaign, period_start, period_end, amount, currency
      out->append(kChannels[c].name).push_back(',');
      if (campaign >= 0) out->append(cal_.campaigns()[campaign].name);
      out->push_back(',');
      AppendDate(out, first_day);
      out->push_back(',');
      AppendDate(out, last_day);
      out->push_back(',');
      AppendCents(out, cents);
      out->append(",USD\n");
    }
  }
}

std::string Mapping(const SampleOptions& options) {
  std::string m =
      "# Baton sample data: a simulated B2B company's marketing and sales\n"
      "# records (people, touches, stage entries, deals and spend), written by\n"
      "# `baton sample` with people = " +
      std::to_string(options.people) + ", seed = " + std::to_string(options.seed) +
      ", months = " + std::to_string(options.months) +
      ".\n# The same options give the same files. Paths are relative to this "
      "file.\n";
  auto table = [&](const char* name, const char* file,
                   std::initializer_list<const char*> fields) {
    m += std::string("\n[[") + name + "]]\nfile = \"" + file + "\"\n";
    for (const char* f : fields) m += std::string(f) + " = \"" + f + "\"\n";
  };
  table("people", "people.csv",
        {"person_id", "account_id", "created_at", "source", "owner", "email"});
  m += "attributes = [\"industry\", \"country\", \"company_size\"]\n";
  table("touches", "touches.csv",
        {"person_id", "at", "channel", "campaign", "side", "activity", "cost"});
  table("stages", "stages.csv",
        {"person_id", "stage", "at", "disposition", "reason"});
  table("deals", "deals.csv",
        {"deal_id", "account_id", "person_id", "created_at", "closed_at",
         "amount", "currency", "stage", "is_won", "is_closed", "owner", "source",
         "campaign"});
  table("spend", "spend.csv",
        {"channel", "campaign", "period_start", "period_end", "amount",
         "currency"});
  // Shared targets, so the scorecard has something to judge (the csv
  // connector leaves this table to the scorecard).
  m += "\n[scorecard]\n"
       "period = \"quarter\"\n\n"
       "[[scorecard.kpi]]\nname = \"MQL to SQL\"\nmetric = \"funnel.rate:mql->sql\"\n"
       "target = 0.35\n\n"
       "[[scorecard.kpi]]\nname = \"Hand-offs worked within SLA\"\n"
       "metric = \"handoff.sla_rate\"\ntarget = 0.75\n\n"
       "[[scorecard.kpi]]\nname = \"Median response (hours)\"\n"
       "metric = \"handoff.response_median_hours\"\ntarget = 4\n"
       "lower_is_better = true\n\n"
       "[[scorecard.kpi]]\nname = \"Win rate\"\nmetric = \"deals.win_rate\"\n"
       "target = 0.4\n\n"
       "[[scorecard.kpi]]\nname = \"Marketing-sourced pipeline\"\n"
       "metric = \"deals.pipeline_amount:side=marketing\"\ntarget = 1500000\n";
  return m;
}

// Whole-text decimal integer (no sign, no spaces).
template <typename T>
bool ParseWhole(const std::string& text, T* out) {
  if (text.empty() || text[0] == '-' || text[0] == '+') return false;
  auto r = std::from_chars(text.data(), text.data() + text.size(), *out);
  return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

}  // namespace

Result<SampleOptions> ParseSampleOptions(
    const std::map<std::string, std::string>& options) {
  SampleOptions out;
  for (const auto& [key, value] : options) {
    if (key.rfind("sample.", 0) != 0) continue;
    if (key == "sample.people") {
      if (!ParseWhole(value, &out.people) || out.people < 1 ||
          out.people > 100000000)
        return Status::InvalidArgument(
            "option sample.people = \"" + value +
            "\": expected a whole number of people from 1 to 100000000");
    } else if (key == "sample.seed") {
      if (!ParseWhole(value, &out.seed))
        return Status::InvalidArgument(
            "option sample.seed = \"" + value +
            "\": expected a whole number from 0 to 18446744073709551615");
    } else if (key == "sample.months") {
      if (!ParseWhole(value, &out.months) || out.months < 1 || out.months > 120)
        return Status::InvalidArgument(
            "option sample.months = \"" + value +
            "\": expected a whole number of months from 1 to 120");
    } else {
      return Status::InvalidArgument(
          "unknown option \"" + key +
          "\"; the sample options are sample.people, sample.seed and "
          "sample.months");
    }
  }
  return out;
}

Status WriteSample(const std::string& folder, const SampleOptions& options) {
  if (options.people < 1 || options.people > 100000000)
    return Status::InvalidArgument(
        "sample.people = " + std::to_string(options.people) +
        ": expected from 1 to 100000000");
  if (options.months < 1 || options.months > 120)
    return Status::InvalidArgument("sample.months = " +
                                   std::to_string(options.months) +
                                   ": expected from 1 to 120");
  if (folder.empty())
    return Status::InvalidArgument(
        "the sample's output folder is empty; name a folder to write into");
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec || !std::filesystem::is_directory(folder))
    return Status::IoError("cannot create the folder " + folder + ": " +
                           (ec ? ec.message() : std::string("not a folder")));

  auto path = [&](const char* name) {
    return (std::filesystem::path(folder) / name).string();
  };
  OutputFile people(path("people.csv")), touches(path("touches.csv")),
      stages(path("stages.csv")), deals(path("deals.csv")),
      spend(path("spend.csv")), mapping(path("sample.toml"));
  OutputFile* files[] = {&people, &touches, &stages, &deals, &spend, &mapping};
  for (OutputFile* f : files) BATON_RETURN_IF_ERROR(f->Open());

  people.buf()->append(
      "person_id,account_id,created_at,source,owner,industry,country,"
      "company_size,email\n");
  touches.buf()->append("person_id,at,channel,campaign,side,activity,cost\n");
  stages.buf()->append("person_id,stage,at,disposition,reason\n");
  deals.buf()->append(
      "deal_id,account_id,person_id,created_at,closed_at,amount,currency,"
      "stage,is_won,is_closed,owner,source,campaign\n");
  spend.buf()->append(
      "channel,campaign,period_start,period_end,amount,currency\n");

  const Calendar calendar(options.months);
  Generator gen(options, calendar);
  for (int64_t i = 0; i < options.people; ++i) {
    gen.Person(i, people.buf(), touches.buf(), stages.buf(), deals.buf());
    if ((i & 255) == 0) {
      BATON_RETURN_IF_ERROR(people.MaybeFlush());
      BATON_RETURN_IF_ERROR(touches.MaybeFlush());
      BATON_RETURN_IF_ERROR(stages.MaybeFlush());
      BATON_RETURN_IF_ERROR(deals.MaybeFlush());
    }
  }
  gen.Spend(spend.buf());
  mapping.buf()->append(Mapping(options));

  for (OutputFile* f : files) BATON_RETURN_IF_ERROR(f->Close());
  // Renamed only once every file is complete.
  for (OutputFile* f : files) BATON_RETURN_IF_ERROR(f->Commit());
  return Status::OK();
}

}  // namespace baton
