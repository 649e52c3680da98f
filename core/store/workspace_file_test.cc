#include "store/workspace_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/temp_folder_test.h"
#include "funnel/funnel.h"
#include "plugin_host/plugin_host.h"
#include "sample/sample.h"
#include "store/store_test_support.h"

namespace baton {
namespace {

using store_test::T;

// Two people, a third named only by a touch, every table non-empty.
void FillSmall(Workspace* ws) {
  ASSERT_TRUE(ws->AddPerson({"p1", "acme", T("2024-01-02"), "web", "ann"}).ok());
  ASSERT_TRUE(ws->AddPerson({"p2", "", kNoTime, "event", ""}).ok());
  ASSERT_TRUE(ws->SetAttribute("p1", "industry", "retail").ok());
  ASSERT_TRUE(ws->AddTouch({"p1", T("2024-01-03"), "email", "jan", Side::kMarketing, "email", 1.5}).ok());
  ASSERT_TRUE(ws->AddTouch({"p3", T("2024-01-01"), "ads", "q1", Side::kMarketing, "ad_click", 0}).ok());
  ASSERT_TRUE(ws->AddStage({"p1", 1, T("2024-01-05"), Disposition::kAdvanced, ""}).ok());
  ASSERT_TRUE(ws->AddStage({"p2", 2, T("2024-01-06"), Disposition::kRejected, "no budget"}).ok());
  DealRow d;
  d.deal_id = "d1";
  d.person_id = "p1";
  d.amount = 1200;
  d.created_at = T("2024-01-10");
  d.closed_at = T("2024-02-01");
  d.is_won = true;
  d.stage = "Closed Won";
  ASSERT_TRUE(ws->AddDeal(d).ok());
  ASSERT_TRUE(ws->AddSpend({"ads", "q1", T("2024-01-01"), T("2024-03-31"), 500, "EUR"}).ok());
  ASSERT_TRUE(ws->AddPath({"ads", "email"}, 3, 300, 7).ok());
}

// Every column of every table, compared code for code: the reader restores
// the dictionaries in their order, so codes must be identical.
void ExpectSameTables(const Workspace& a, const Workspace& b) {
  ASSERT_EQ(a.num_people(), b.num_people());
  for (uint32_t p = 0; p < a.num_people(); ++p)
    EXPECT_EQ(a.person_ids().Get(p), b.person_ids().Get(p));
  ASSERT_EQ(a.labels().size(), b.labels().size());
  for (uint32_t c = 0; c < a.labels().size(); ++c)
    EXPECT_EQ(a.labels().Get(c), b.labels().Get(c));
  EXPECT_EQ(a.stage_map().Describe(), b.stage_map().Describe());
  EXPECT_EQ(a.people().account, b.people().account);
  EXPECT_EQ(a.people().created_at, b.people().created_at);
  EXPECT_EQ(a.people().source, b.people().source);
  EXPECT_EQ(a.people().owner, b.people().owner);
  EXPECT_EQ(a.people().listed, b.people().listed);
  EXPECT_EQ(a.people().attributes, b.people().attributes);
  EXPECT_EQ(a.touches().person, b.touches().person);
  EXPECT_EQ(a.touches().at, b.touches().at);
  EXPECT_EQ(a.touches().channel, b.touches().channel);
  EXPECT_EQ(a.touches().campaign, b.touches().campaign);
  EXPECT_EQ(a.touches().side, b.touches().side);
  EXPECT_EQ(a.touches().activity, b.touches().activity);
  EXPECT_EQ(a.touches().cost, b.touches().cost);
  EXPECT_EQ(a.stages().person, b.stages().person);
  EXPECT_EQ(a.stages().stage, b.stages().stage);
  EXPECT_EQ(a.stages().at, b.stages().at);
  EXPECT_EQ(a.stages().disposition, b.stages().disposition);
  EXPECT_EQ(a.stages().reason, b.stages().reason);
  const DealColumns &da = a.deals(), &db = b.deals();
  EXPECT_EQ(da.id, db.id);
  EXPECT_EQ(da.account, db.account);
  EXPECT_EQ(da.person, db.person);
  EXPECT_EQ(da.created_at, db.created_at);
  EXPECT_EQ(da.closed_at, db.closed_at);
  EXPECT_EQ(da.amount, db.amount);
  EXPECT_EQ(da.currency, db.currency);
  EXPECT_EQ(da.stage, db.stage);
  EXPECT_EQ(da.is_won, db.is_won);
  EXPECT_EQ(da.is_closed, db.is_closed);
  EXPECT_EQ(da.owner, db.owner);
  EXPECT_EQ(da.source, db.source);
  EXPECT_EQ(da.campaign, db.campaign);
  EXPECT_EQ(a.spend().channel, b.spend().channel);
  EXPECT_EQ(a.spend().campaign, b.spend().campaign);
  EXPECT_EQ(a.spend().period_start, b.spend().period_start);
  EXPECT_EQ(a.spend().period_end, b.spend().period_end);
  EXPECT_EQ(a.spend().amount, b.spend().amount);
  EXPECT_EQ(a.spend().currency, b.spend().currency);
  EXPECT_EQ(a.paths().offsets, b.paths().offsets);
  EXPECT_EQ(a.paths().channels, b.paths().channels);
  EXPECT_EQ(a.paths().conversions, b.paths().conversions);
  EXPECT_EQ(a.paths().value, b.paths().value);
  EXPECT_EQ(a.paths().nulls, b.paths().nulls);
  EXPECT_EQ(a.min_time(), b.min_time());
  EXPECT_EQ(a.max_time(), b.max_time());
}

std::string FunnelCsv(const Workspace& ws) {
  Result<Table> t = Funnel(ws, FunnelOptions());
  EXPECT_TRUE(t.ok()) << t.status().message();
  if (!t.ok()) return "";
  Result<std::string> csv = t->Render("csv");
  return csv.ok() ? *csv : "";
}

class WorkspaceFileTest : public TempFolderTest {};

TEST_F(WorkspaceFileTest, SmallWorkspaceRoundTripKeepsEveryTable) {
  Workspace a;
  FillSmall(&a);
  ASSERT_TRUE(a.Freeze().ok());
  const std::vector<SourceState> sources = {
      {"csv:x.toml", T("2024-05-01T10:00:00Z"), T("2024-05-01T10:00:00Z"), 2, 2, 2, 1, 1}};
  const std::string path = (dir_ / "small.baton").string();
  ASSERT_TRUE(SaveWorkspaceFile(a, sources, path).ok());
  EXPECT_TRUE(IsWorkspaceFile(path));

  Workspace b;
  std::vector<SourceState> read;
  Status s = ReadWorkspaceFile(path, &b, &read);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_TRUE(b.Freeze().ok());
  ExpectSameTables(a, b);
  // p3 was named only by a touch: not listed; created_at defaulted to the
  // touch at 2024-01-01 by the first Freeze and kept as saved.
  const uint32_t p3 = b.person_ids().Find("p3");
  EXPECT_EQ(b.people().listed[p3], 0);
  EXPECT_EQ(b.people().created_at[p3], T("2024-01-01"));
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].source, "csv:x.toml");
  EXPECT_EQ(read[0].high_water, T("2024-05-01T10:00:00Z"));
  EXPECT_EQ(read[0].deals, 1);
  EXPECT_EQ(FunnelCsv(a), FunnelCsv(b));
}

TEST_F(WorkspaceFileTest, SampleRoundTripGivesTheSameTablesAndFunnel) {
  SampleOptions o;
  o.people = 400;
  ASSERT_TRUE(WriteSample(dir_.string(), o).ok());
  Workspace a;
  Status s = LoadSource(&a, (dir_ / "sample.toml").string(), {}, nullptr);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_TRUE(a.Freeze().ok());
  ASSERT_EQ(a.num_people(), 400u);
  const std::string path = (dir_ / "sample.baton").string();
  ASSERT_TRUE(SaveWorkspaceFile(a, {}, path).ok());

  // Through LoadSource, as every command reads a .baton SOURCE.
  Workspace b;
  s = LoadSource(&b, path, {}, nullptr);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_TRUE(b.Freeze().ok());
  ExpectSameTables(a, b);
  const std::string funnel = FunnelCsv(a);
  EXPECT_FALSE(funnel.empty());
  EXPECT_EQ(funnel, FunnelCsv(b));
}

TEST_F(WorkspaceFileTest, EveryTruncationAndEveryFlippedByteIsAnErrorNamingTheFile) {
  Workspace a;
  FillSmall(&a);
  ASSERT_TRUE(a.Freeze().ok());
  const std::string bytes = EncodeWorkspace(a, {{"csv:x.toml", 1, 2, 3, 4, 5, 6, 7}});
  for (size_t n = 0; n < bytes.size(); ++n) {
    Workspace b;
    Status s = ReadWorkspaceBytes(std::string_view(bytes).substr(0, n), "w.baton", &b, nullptr);
    ASSERT_FALSE(s.ok()) << "truncated to " << n << " bytes";
    EXPECT_NE(s.message().find("w.baton"), std::string::npos) << s.message();
  }
  // Every byte is covered by the header checks, the section table's CRC or
  // a section's CRC.
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    Workspace b;
    Status s = ReadWorkspaceBytes(bad, "w.baton", &b, nullptr);
    ASSERT_FALSE(s.ok()) << "byte " << i << " flipped";
    EXPECT_NE(s.message().find("w.baton"), std::string::npos) << s.message();
  }
  Workspace ok;
  EXPECT_TRUE(ReadWorkspaceBytes(bytes, "w.baton", &ok, nullptr).ok());
}

TEST_F(WorkspaceFileTest, ErrorsSayWhatIsWrongAndWhere) {
  Workspace a;
  FillSmall(&a);
  std::string bytes = EncodeWorkspace(a, {});
  {
    Workspace b;
    Status s = ReadWorkspaceBytes("PK\x03\x04 not ours", "x.baton", &b, nullptr);
    EXPECT_EQ(s.code(), StatusCode::kParseError);
    EXPECT_NE(s.message().find("x.baton is not a saved Baton workspace"), std::string::npos)
        << s.message();
  }
  {
    std::string newer = bytes;
    newer[8] = 2;  // format version 2 (little-endian u32 at offset 8)
    Workspace b;
    Status s = ReadWorkspaceBytes(newer, "x.baton", &b, nullptr);
    EXPECT_EQ(s.code(), StatusCode::kUnsupported);
    EXPECT_NE(s.message().find("format version 2"), std::string::npos) << s.message();
  }
  {
    // The last section ("sources") ends the file: damage its last byte.
    std::string bad = bytes;
    bad.back() = static_cast<char>(bad.back() ^ 1);
    Workspace b;
    Status s = ReadWorkspaceBytes(bad, "x.baton", &b, nullptr);
    EXPECT_NE(s.message().find("section \"sources\" fails its checksum"), std::string::npos)
        << s.message();
  }
  {
    // Valid checksums, a code past the label dictionary: caught by the
    // range checks, with the section, column and row.
    Workspace c;
    FillSmall(&c);
    c.mutable_touches().channel[1] = 9999;
    Workspace b;
    Status s = ReadWorkspaceBytes(EncodeWorkspace(c, {}), "x.baton", &b, nullptr);
    EXPECT_EQ(s.code(), StatusCode::kParseError);
    EXPECT_NE(s.message().find("section \"touches\": column channel row 1: code 9999 is out "
                               "of range"),
              std::string::npos)
        << s.message();
  }
  {
    Workspace b;
    Status s = ReadWorkspaceFile((dir_ / "missing.baton").string(), &b, nullptr);
    EXPECT_EQ(s.code(), StatusCode::kNotFound);
  }
  {
    Workspace b;
    ASSERT_TRUE(b.AddPerson({"x", "", kNoTime, "", ""}).ok());
    EXPECT_EQ(ReadWorkspaceBytes(bytes, "x.baton", &b, nullptr).code(),
              StatusCode::kFailedPrecondition);
  }
}

TEST(Crc32, MatchesTheStandardCheckValue) {
  // The CRC-32 check value of "123456789" is 0xCBF43926 (zlib, PNG, Ethernet).
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32(""), 0u);
  // Eight bytes at a time must agree with the bit-by-bit definition for
  // every length and alignment of the tail.
  std::string data;
  for (int i = 0; i < 300; ++i) data.push_back(static_cast<char>(i * 37 + 11));
  for (size_t n = 0; n <= data.size(); n += 7) {
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; ++i) {
      c ^= static_cast<unsigned char>(data[i]);
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    EXPECT_EQ(Crc32(std::string_view(data).substr(0, n)), c ^ 0xffffffffu) << n;
  }
}

}  // namespace
}  // namespace baton
