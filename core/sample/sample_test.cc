#include "sample/sample.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ingest/sink.h"
#include "model/workspace.h"

namespace baton {
namespace {

namespace fs = std::filesystem;

// The tests read the files with this tiny reader, independent of the
// engine's connectors: the generator writes no quotes and no commas inside
// values (checked below), so splitting on ',' is exact.
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  int Col(const std::string& name) const {
    auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? -1 : static_cast<int>(it - header.begin());
  }
};

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == ',')
      out.emplace_back();
    else
      out.back().push_back(c);
  }
  return out;
}

Csv ReadCsv(const fs::path& path) {
  Csv csv;
  std::string text = ReadAll(path);
  size_t pos = 0;
  bool first = true;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::vector<std::string> fields = Split(text.substr(pos, end - pos));
    if (first)
      csv.header = fields;
    else
      csv.rows.push_back(std::move(fields));
    first = false;
    pos = end + 1;
  }
  return csv;
}

// "2025-03-04T10:22:33Z" to seconds since the epoch, with the standard
// library's calendar (not the engine's parser).
int64_t Seconds(const std::string& iso) {
  using namespace std::chrono;
  int y = std::stoi(iso.substr(0, 4));
  unsigned m = std::stoi(iso.substr(5, 2)), d = std::stoi(iso.substr(8, 2));
  int64_t days = sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count();
  int64_t s = 0;
  if (iso.size() >= 19)
    s = std::stoi(iso.substr(11, 2)) * 3600 + std::stoi(iso.substr(14, 2)) * 60 +
        std::stoi(iso.substr(17, 2));
  return days * 86400 + s;
}

const std::vector<std::string> kFunnel = {"inquiry", "mql", "sal",
                                          "sql",     "opportunity", "won"};
const std::vector<std::string> kChannelNames = {
    "paid_search", "organic_search", "paid_social", "email",
    "webinar",     "events",         "referral",    "direct"};

int FunnelRank(const std::string& stage) {
  auto it = std::find(kFunnel.begin(), kFunnel.end(), stage);
  return it == kFunnel.end() ? -1 : static_cast<int>(it - kFunnel.begin());
}

fs::path TempFolder(const std::string& name) {
  return fs::temp_directory_path() /
         ("baton_sample_test_" + std::to_string(::getpid()) + "_" + name);
}

// The default dataset (20,000 people, seed 42, 18 months), written once.
class DefaultSample : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    folder_ = new fs::path(TempFolder("default"));
    fs::remove_all(*folder_);
    Status st = WriteSample(folder_->string(), SampleOptions());
    ASSERT_TRUE(st.ok()) << st.ToString();
    people_ = new Csv(ReadCsv(*folder_ / "people.csv"));
    touches_ = new Csv(ReadCsv(*folder_ / "touches.csv"));
    stages_ = new Csv(ReadCsv(*folder_ / "stages.csv"));
    deals_ = new Csv(ReadCsv(*folder_ / "deals.csv"));
    spend_ = new Csv(ReadCsv(*folder_ / "spend.csv"));

    // The furthest funnel stage each person reached, their source, first
    // MQL time.
    for (const auto& r : people_->rows) source_[r[0]] = r[people_->Col("source")];
    const int stage = stages_->Col("stage"), at = stages_->Col("at");
    for (const auto& r : stages_->rows) {
      int rank = FunnelRank(r[stage]);
      auto it = best_.find(r[0]);
      if (it == best_.end()) it = best_.emplace(r[0], -1).first;
      it->second = std::max(it->second, rank);
      if (r[stage] == "mql" && first_mql_.count(r[0]) == 0)
        first_mql_[r[0]] = Seconds(r[at]);
    }
  }
  // A failed write leaves the tables unset: skip the bodies then.
  void SetUp() override {
    ASSERT_NE(spend_, nullptr) << "the default sample could not be written";
  }
  static void TearDownTestSuite() {
    fs::remove_all(*folder_);
    delete folder_;
    delete people_;
    delete touches_;
    delete stages_;
    delete deals_;
    delete spend_;
  }

  // People whose furthest funnel stage is `stage` or later, among `who`.
  static int64_t Reached(const std::string& stage,
                         const std::string& source = "") {
    int64_t n = 0;
    for (const auto& [person, rank] : best_)
      if (rank >= FunnelRank(stage) && (source.empty() || source_[person] == source))
        ++n;
    return n;
  }

  static fs::path* folder_;
  static Csv *people_, *touches_, *stages_, *deals_, *spend_;
  static std::map<std::string, int> best_;
  static std::map<std::string, std::string> source_;
  static std::map<std::string, int64_t> first_mql_;
};

fs::path* DefaultSample::folder_ = nullptr;
Csv* DefaultSample::people_ = nullptr;
Csv* DefaultSample::touches_ = nullptr;
Csv* DefaultSample::stages_ = nullptr;
Csv* DefaultSample::deals_ = nullptr;
Csv* DefaultSample::spend_ = nullptr;
std::map<std::string, int> DefaultSample::best_;
std::map<std::string, std::string> DefaultSample::source_;
std::map<std::string, int64_t> DefaultSample::first_mql_;

bool SameBytes(const fs::path& a, const fs::path& b) {
  return ReadAll(a) == ReadAll(b);
}

const char* const kFiles[] = {"people.csv", "touches.csv", "stages.csv",
                              "deals.csv",  "spend.csv",   "sample.toml"};

TEST(Sample, SameOptionsGiveIdenticalBytesAndAnotherSeedDiffers) {
  fs::path a = TempFolder("a"), b = TempFolder("b"), c = TempFolder("c");
  SampleOptions o;
  o.people = 3000;
  o.seed = 7;
  ASSERT_TRUE(WriteSample(a.string(), o).ok());
  ASSERT_TRUE(WriteSample(b.string(), o).ok());
  o.seed = 8;
  ASSERT_TRUE(WriteSample(c.string(), o).ok());
  for (const char* f : kFiles) {
    EXPECT_TRUE(SameBytes(a / f, b / f)) << f;
    EXPECT_GT(fs::file_size(a / f), 0u) << f;
  }
  for (const char* f : {"people.csv", "touches.csv", "stages.csv", "deals.csv",
                        "spend.csv"})
    EXPECT_FALSE(SameBytes(a / f, c / f)) << f;
  // Only the six files: every temporary was renamed.
  EXPECT_EQ(std::distance(fs::directory_iterator(a), fs::directory_iterator()), 6);
  for (const fs::path& p : {a, b, c}) fs::remove_all(p);
}

TEST(Sample, ShortRangeCoversOnlyItsMonthsAndCampaigns) {
  // 3 months end 2025-12-31: October to December 2025, one quarter (q4).
  // Campaigns: 2025-q4 search/social/webinar/events and the second
  // half-year's email nurture "2025-q3-email-nurture": 5. Spend: one row
  // per month and channel, 3 * 8 = 24.
  fs::path dir = TempFolder("short");
  SampleOptions o;
  o.people = 500;
  o.months = 3;
  ASSERT_TRUE(WriteSample(dir.string(), o).ok());
  Csv people = ReadCsv(dir / "people.csv");
  ASSERT_EQ(people.rows.size(), 500u);
  const int64_t begin = Seconds("2025-10-01"), end = Seconds("2026-01-01");
  for (const auto& r : people.rows) {
    int64_t t = Seconds(r[people.Col("created_at")]);
    EXPECT_GE(t, begin);
    EXPECT_LT(t, end);
  }
  Csv spend = ReadCsv(dir / "spend.csv");
  EXPECT_EQ(spend.rows.size(), 24u);
  std::set<std::string> campaigns;
  for (const auto& r : spend.rows)
    if (!r[1].empty()) campaigns.insert(r[1]);
  EXPECT_EQ(campaigns,
            (std::set<std::string>{"2025-q4-search-pricing", "2025-q4-social-founders",
                                   "2025-q4-webinar-pipeline-review",
                                   "2025-q4-events-executive-dinner",
                                   "2025-q3-email-nurture"}));
  fs::remove_all(dir);
}

TEST_F(DefaultSample, HeadersAndRowCounts) {
  EXPECT_EQ(people_->header,
            Split("person_id,account_id,created_at,source,owner,industry,country,"
                  "company_size,email"));
  EXPECT_EQ(touches_->header, Split("person_id,at,channel,campaign,side,activity,cost"));
  EXPECT_EQ(stages_->header, Split("person_id,stage,at,disposition,reason"));
  EXPECT_EQ(deals_->header,
            Split("deal_id,account_id,person_id,created_at,closed_at,amount,"
                  "currency,stage,is_won,is_closed,owner,source,campaign"));
  EXPECT_EQ(spend_->header,
            Split("channel,campaign,period_start,period_end,amount,currency"));
  for (const Csv* csv : {people_, touches_, stages_, deals_, spend_})
    for (const auto& r : csv->rows) ASSERT_EQ(r.size(), csv->header.size());

  ASSERT_EQ(people_->rows.size(), 20000u);
  std::set<std::string> ids;
  for (const auto& r : people_->rows) ids.insert(r[0]);
  EXPECT_EQ(ids.size(), 20000u);
  // About 3.3 touches per person.
  const double touches_per_person = touches_->rows.size() / 20000.0;
  EXPECT_GT(touches_per_person, 2.9);
  EXPECT_LT(touches_per_person, 3.7);
  // 18 months * 8 channels, one spend row each.
  EXPECT_EQ(spend_->rows.size(), 144u);
  // One deal per opportunity entry.
  int64_t opportunities = 0;
  for (const auto& r : stages_->rows) opportunities += r[1] == "opportunity";
  EXPECT_EQ(static_cast<int64_t>(deals_->rows.size()), opportunities);
  EXPECT_GT(opportunities, 500);
}

TEST_F(DefaultSample, ValuesAreCanonicalAndInsideTheRange) {
  const std::set<std::string> stages = {"inquiry", "mql", "sal", "sql", "opportunity",
                                        "won", "lost", "rejected", "recycled"};
  const std::set<std::string> dispositions = {"advanced", "accepted", "rejected",
                                              "recycled"};
  const int64_t begin = Seconds("2024-07-01"), end = Seconds("2026-01-01");
  for (const auto& r : stages_->rows) {
    ASSERT_EQ(stages.count(r[1]), 1u) << r[1];
    ASSERT_EQ(dispositions.count(r[3]), 1u) << r[3];
    int64_t t = Seconds(r[2]);
    ASSERT_GE(t, begin);
    ASSERT_LT(t, end);
    if (r[1] == "sal" || r[1] == "rejected" || r[1] == "recycled") {
      EXPECT_EQ(r[3], r[1] == "sal" ? "accepted" : r[1]);
    }
  }
  for (const auto& r : touches_->rows) {
    ASSERT_TRUE(r[4] == "marketing" || r[4] == "sales") << r[4];
    ASSERT_LT(Seconds(r[1]), end);
  }
  for (const auto& r : deals_->rows) {
    double amount = std::stod(r[deals_->Col("amount")]);
    EXPECT_GE(amount, 5000);
    EXPECT_LE(amount, 150000);
    const std::string& stage = r[deals_->Col("stage")];
    const std::string& won = r[deals_->Col("is_won")];
    const std::string& closed = r[deals_->Col("is_closed")];
    if (stage == "Closed Won") {
      EXPECT_EQ(won + closed, "truetrue");
    } else if (stage == "Closed Lost") {
      EXPECT_EQ(won + closed, "falsetrue");
    } else {
      EXPECT_EQ(stage, "Negotiation");
      EXPECT_EQ(won + closed, "falsefalse");
      EXPECT_EQ(r[deals_->Col("closed_at")], "");
    }
  }
  for (const char* f : kFiles)
    EXPECT_EQ(ReadAll(*folder_ / f).find('"') == std::string::npos,
              std::string(f) != "sample.toml")
        << f;
}

TEST_F(DefaultSample, ConversionRatesResembleTheDemandWaterfall) {
  const double inquiry = Reached("inquiry"), mql = Reached("mql"),
               sal = Reached("sal"), sql = Reached("sql"),
               opportunity = Reached("opportunity"), won = Reached("won");
  EXPECT_EQ(inquiry, 20000);
  EXPECT_GE(mql / inquiry, 0.10);
  EXPECT_LE(mql / inquiry, 0.25);
  EXPECT_GE(sal / mql, 0.40);
  EXPECT_LE(sal / mql, 0.60);
  EXPECT_GE(sql / sal, 0.50);
  EXPECT_LE(sql / sal, 0.70);
  EXPECT_GE(opportunity / sql, 0.70);
  EXPECT_LE(opportunity / sql, 0.90);
  EXPECT_GE(won / sql, 0.20);
  EXPECT_LE(won / sql, 0.30);
}

TEST_F(DefaultSample, ReferralConvertsBetterThanPaidSocial) {
  const double referral = static_cast<double>(Reached("sql", "referral")) /
                          Reached("mql", "referral");
  const double social = static_cast<double>(Reached("sql", "paid_social")) /
                        Reached("mql", "paid_social");
  EXPECT_GT(referral, social + 0.1);
  EXPECT_GT(Reached("mql", "paid_social"), 100);
  EXPECT_GT(Reached("mql", "referral"), 100);
}

TEST_F(DefaultSample, EngagementAndFastResponseRaiseConversion) {
  // Marketing touches in the 30 days up to the first MQL, and the first
  // sales touch after it.
  std::map<std::string, int> recent;
  std::map<std::string, int64_t> first_sales;
  for (const auto& r : touches_->rows) {
    auto mql = first_mql_.find(r[0]);
    if (mql == first_mql_.end()) continue;
    int64_t t = Seconds(r[1]);
    if (r[4] == "marketing" && t <= mql->second && t >= mql->second - 30 * 86400)
      ++recent[r[0]];
    if (r[4] == "sales" && t >= mql->second && first_sales.count(r[0]) == 0)
      first_sales[r[0]] = t;
  }
  int64_t low_n = 0, low_sql = 0, high_n = 0, high_sql = 0;
  for (const auto& [person, mql] : first_mql_) {
    const bool sql = best_[person] >= FunnelRank("sql");
    if (recent[person] <= 1) {
      ++low_n;
      low_sql += sql;
    } else if (recent[person] >= 4) {
      ++high_n;
      high_sql += sql;
    }
  }
  ASSERT_GT(low_n, 100);
  ASSERT_GT(high_n, 100);
  EXPECT_GT(static_cast<double>(high_sql) / high_n,
            static_cast<double>(low_sql) / low_n + 0.1);

  int64_t fast_n = 0, fast_won = 0, slow_n = 0, slow_won = 0;
  for (const auto& [person, best] : best_) {
    if (best < FunnelRank("opportunity") || first_sales.count(person) == 0) continue;
    const int64_t wait = first_sales[person] - first_mql_[person];
    if (wait < 3600) {
      ++fast_n;
      fast_won += best == FunnelRank("won");
    } else if (wait > 24 * 3600) {
      ++slow_n;
      slow_won += best == FunnelRank("won");
    }
  }
  ASSERT_GT(fast_n, 100);
  ASSERT_GT(slow_n, 100);
  EXPECT_GT(static_cast<double>(fast_won) / fast_n,
            static_cast<double>(slow_won) / slow_n + 0.05);
}

TEST_F(DefaultSample, HandoffHasRejectionsRecyclingAndLeaks) {
  std::map<std::string, int64_t> reasons;
  std::map<std::string, int64_t> recycled_at;
  int64_t requalified = 0;
  for (const auto& r : stages_->rows) {
    if (r[1] == "rejected") ++reasons[r[4]];
    if (r[1] == "recycled" && recycled_at.count(r[0]) == 0)
      recycled_at[r[0]] = Seconds(r[2]);
  }
  // Rows of a person are in time order, so an mql after a recycle is a
  // re-entry.
  for (const auto& r : stages_->rows) {
    auto it = recycled_at.find(r[0]);
    if (r[1] == "mql" && it != recycled_at.end() && Seconds(r[2]) > it->second)
      ++requalified;
  }
  for (const char* reason : {"", "no budget", "wrong persona", "competitor",
                             "duplicate", "not reachable"})
    EXPECT_GT(reasons[reason], 10) << '"' << reason << '"';
  EXPECT_GT(recycled_at.size(), 100u);
  EXPECT_GT(requalified, 20);

  std::set<std::string> worked;
  for (const auto& r : touches_->rows)
    if (r[4] == "sales") worked.insert(r[0]);
  int64_t leaks = 0;
  for (const auto& [person, mql] : first_mql_) leaks += worked.count(person) == 0;
  // Between 4% and 17% of hand-offs are dropped, depending on the rep.
  EXPECT_GT(leaks, static_cast<int64_t>(first_mql_.size() / 25));
  EXPECT_LT(leaks, static_cast<int64_t>(first_mql_.size() / 4));
}

TEST_F(DefaultSample, SpendCoversEveryChannelMonthByMonth) {
  std::map<std::string, int> rows_per_channel;
  std::set<std::string> campaigns;
  for (const auto& r : spend_->rows) {
    ++rows_per_channel[r[0]];
    if (!r[1].empty()) campaigns.insert(r[1]);
    // The period runs from the first to the last day of one month.
    EXPECT_EQ(r[2].substr(8), "01");
    const int y = std::stoi(r[2].substr(0, 4)), m = std::stoi(r[2].substr(5, 2));
    std::string next = std::to_string(m == 12 ? y + 1 : y) + "-" +
                       (m >= 9 && m != 12 ? "" : "0") +
                       std::to_string(m == 12 ? 1 : m + 1) + "-01";
    EXPECT_EQ(Seconds(r[3]) + 86400, Seconds(next)) << r[3];
    EXPECT_GT(std::stod(r[4]), 0);
    EXPECT_EQ(r[5], "USD");
  }
  for (const std::string& c : kChannelNames) EXPECT_EQ(rows_per_channel[c], 18) << c;
  EXPECT_EQ(rows_per_channel.size(), 8u);
  // 6 quarters (2024-q3 .. 2025-q4) of search, social, webinar and events
  // campaigns, and 3 half-years of email nurture: 6 * 4 + 3 = 27.
  EXPECT_EQ(campaigns.size(), 27u);
  EXPECT_EQ(campaigns.count("2025-q1-webinar-cfo"), 1u);
}

TEST_F(DefaultSample, MappingNamesEveryColumn) {
  const std::string toml = ReadAll(*folder_ / "sample.toml");
  for (const auto& [table, csv] :
       std::vector<std::pair<std::string, const Csv*>>{{"people", people_},
                                                       {"touches", touches_},
                                                       {"stages", stages_},
                                                       {"deals", deals_},
                                                       {"spend", spend_}}) {
    size_t start = toml.find("[[" + table + "]]\nfile = \"" + table + ".csv\"\n");
    ASSERT_NE(start, std::string::npos) << table;
    size_t end = toml.find("[[", start + 2);
    std::string block = toml.substr(start, end - start);
    for (const std::string& col : csv->header) {
      if (col == "industry" || col == "country" || col == "company_size") continue;
      EXPECT_NE(block.find("\n" + col + " = \"" + col + "\"\n"), std::string::npos)
          << table << "." << col;
    }
  }
  EXPECT_NE(toml.find("attributes = [\"industry\", \"country\", \"company_size\"]"),
            std::string::npos);
}

TEST_F(DefaultSample, EveryRowLoadsIntoAWorkspace) {
  // Push every row through the sink every connector uses: it parses the
  // times, numbers, booleans and stages the way a load would.
  Workspace ws;
  WorkspaceSink sink(&ws, "test");
  auto load = [&](const std::string& table, const Csv& csv) {
    std::vector<baton_field_spec> fields;
    std::vector<std::string> names;
    for (const std::string& col : csv.header) {
      bool attr = table == "people" &&
                  (col == "industry" || col == "country" || col == "company_size");
      names.push_back(attr ? "attribute:" + col : col);
    }
    for (size_t i = 0; i < names.size(); ++i)
      fields.push_back({names[i].c_str(), csv.header[i].c_str()});
    Result<uint32_t> batch = sink.Open(table, table + ".csv", fields);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    std::vector<baton_str> values(csv.header.size());
    int64_t row = 1;
    for (const auto& r : csv.rows) {
      ++row;
      for (size_t i = 0; i < r.size(); ++i) values[i] = {r[i].data(), r[i].size()};
      Status st = sink.Row(*batch, row, values.data());
      ASSERT_TRUE(st.ok()) << st.ToString();
    }
    ASSERT_TRUE(sink.Close(*batch, static_cast<int64_t>(csv.rows.size()), 0, nullptr).ok());
  };
  load("people", *people_);
  load("touches", *touches_);
  load("stages", *stages_);
  load("deals", *deals_);
  load("spend", *spend_);
  ASSERT_TRUE(ws.Freeze().ok());
  EXPECT_EQ(ws.num_people(), 20000u);
  EXPECT_EQ(ws.touches().size(), touches_->rows.size());
  EXPECT_EQ(ws.stages().size(), stages_->rows.size());
  EXPECT_EQ(ws.deals().size(), deals_->rows.size());
  EXPECT_EQ(ws.spend().size(), 144u);
  // 2024-07-01T00:00:00Z = 1719792000 s; 2026-01-01T00:00:00Z = 1767225600 s.
  EXPECT_GE(ws.min_time(), int64_t{1719792000} * 1000);
  EXPECT_LT(ws.max_time(), int64_t{1767225600} * 1000);
}

TEST(Sample, OptionsAreParsedAndBadValuesNamed) {
  Result<SampleOptions> o = ParseSampleOptions(
      {{"sample.people", "1000000"}, {"sample.seed", "18446744073709551615"},
       {"sample.months", "120"}, {"funnel.by", "source"}});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->people, 1000000);
  EXPECT_EQ(o->seed, 18446744073709551615ULL);
  EXPECT_EQ(o->months, 120);
  Result<SampleOptions> d = ParseSampleOptions({});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->people, 20000);
  EXPECT_EQ(d->seed, 42u);
  EXPECT_EQ(d->months, 18);

  const std::vector<std::pair<std::string, std::string>> bad = {
      {"sample.people", "0"},         {"sample.people", "100000001"},
      {"sample.people", "12x"},       {"sample.people", ""},
      {"sample.people", "-5"},        {"sample.seed", "-1"},
      {"sample.seed", "18446744073709551616"}, {"sample.seed", "1.5"},
      {"sample.months", "0"},         {"sample.months", "121"},
      {"sample.colour", "blue"}};
  for (const auto& [key, value] : bad) {
    Result<SampleOptions> r = ParseSampleOptions({{key, value}});
    ASSERT_FALSE(r.ok()) << key << "=" << value;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(key), std::string::npos)
        << r.status().message();
  }
}

TEST(Sample, UnwritableFolderIsAnIoErrorNamingIt) {
  fs::path file = TempFolder("plainfile");
  { std::ofstream(file) << "x"; }
  const std::string folder = (file / "out").string();
  Status st = WriteSample(folder, SampleOptions());
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_NE(st.message().find(folder), std::string::npos) << st.message();
  fs::remove(file);

  SampleOptions bad;
  bad.people = 0;
  EXPECT_EQ(WriteSample(TempFolder("never").string(), bad).code(),
            StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(TempFolder("never")));
}

}  // namespace
}  // namespace baton
