#include "store/sync.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "common/temp_folder_test.h"

namespace baton {
namespace {

class SyncTest : public TempFolderTest {
 protected:
  std::vector<std::string> PersonIds(const Workspace& ws) const {
    std::vector<std::string> ids;
    for (uint32_t p = 0; p < ws.num_people(); ++p)
      if (ws.people().listed[p]) ids.emplace_back(ws.person_ids().Get(p));
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  // A sync of map.toml into ws.baton, both in the folder, with since=auto.
  SyncRequest MapIntoWorkspaceFile() const {
    SyncRequest r;
    r.source = Path("map.toml");
    r.into = Path("ws.baton");
    r.since = "auto";
    return r;
  }

  bool HasNote(const Workspace& ws, const std::string& text) const {
    for (const std::string& n : ws.notes())
      if (n.find(text) != std::string::npos) return true;
    return false;
  }
};

TEST_F(SyncTest, CsvSinceSkipsRowsModifiedBeforeItAndCountsThem) {
  Put("people.csv",
      "id,source,updated\n"
      "p1,web,2024-01-10T08:00:00Z\n"
      "p2,event,2024-02-28 23:59:59\n"
      "p3,web,2024-03-01\n"
      "p4,ads,2024-03-05T10:00:00+02:00\n");
  Put("map.toml",
      "[[people]]\nfile = \"people.csv\"\nperson_id = \"id\"\nsource = \"source\"\n"
      "modified_at = \"updated\"\n");
  Workspace ws;
  Status s = LoadSource(&ws, Path("map.toml"), {{"since", "2024-03-01T00:00:00Z"}}, nullptr);
  ASSERT_TRUE(s.ok()) << s.message();
  // p1 and p2 are before 2024-03-01T00:00Z; p3 is exactly at it (kept);
  // p4 is 2024-03-05T08:00Z.
  EXPECT_EQ(PersonIds(ws), (std::vector<std::string>{"p3", "p4"}));
  EXPECT_TRUE(HasNote(ws, "people.csv: 2 rows modified before the since time"));

  Workspace all;
  ASSERT_TRUE(LoadSource(&all, Path("map.toml"), {}, nullptr).ok());
  EXPECT_EQ(all.num_people(), 4u);
}

TEST_F(SyncTest, CsvSinceThatIsNotATimeIsAnError) {
  Put("people.csv", "id,updated\np1,2024-01-10\n");
  Put("map.toml",
      "[[people]]\nfile = \"people.csv\"\nperson_id = \"id\"\nmodified_at = \"updated\"\n");
  Workspace ws;
  Status s = LoadSource(&ws, Path("map.toml"), {{"since", "yesterday"}}, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("since \"yesterday\" is not a time"), std::string::npos)
      << s.message();
}

TEST_F(SyncTest, SalesforceSinceReadsOnlyRowsWithANewerSystemModstamp) {
  // L1 unchanged since January; L2 changed in March; L3 created in March.
  // Opportunity O1 (of L1) changed in March, O2 not. Campaign.csv has no
  // modification column: all read.
  Put("Lead.csv",
      "Id,Status,LeadSource,CreatedDate,SystemModstamp\n"
      "L1,Open - Not Contacted,Web,2024-01-02T09:00:00.000Z,2024-01-02T09:00:00.000Z\n"
      "L2,Working - Contacted,Web,2024-01-03T09:00:00.000Z,2024-03-02T10:00:00.000+0000\n"
      "L3,Open - Not Contacted,Event,2024-03-03T09:00:00.000Z,2024-03-03T09:00:00.000Z\n");
  Put("Opportunity.csv",
      "Id,ContactId,StageName,Amount,CreatedDate,IsWon,IsClosed,SystemModstamp\n"
      "O1,,Closed Won,900,2024-01-20T00:00:00.000Z,true,true,2024-03-04T00:00:00.000Z\n"
      "O2,,Prospecting,100,2024-01-21T00:00:00.000Z,false,false,2024-01-21T00:00:00.000Z\n");
  Workspace ws;
  Status s = LoadSource(&ws, "salesforce:" + dir_.string(), {{"since", "2024-03-01T00:00:00Z"}},
                        nullptr);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(PersonIds(ws), (std::vector<std::string>{"L2", "L3"}));
  // Each lead gives one stage row (its Status at CreatedDate): L2 and L3.
  EXPECT_EQ(ws.stages().size(), 2u);
  ASSERT_EQ(ws.deals().size(), 1u);
  EXPECT_EQ(ws.labels().Get(ws.deals().id[0]), "O1");
  EXPECT_EQ(ws.deals().amount[0], 900);
  EXPECT_TRUE(HasNote(ws, "Lead.csv: 1 of 3 rows not read into people: modified before the "
                          "since time (column SystemModstamp)"));

  Workspace all;
  ASSERT_TRUE(LoadSource(&all, "salesforce:" + dir_.string(), {}, nullptr).ok());
  EXPECT_EQ(PersonIds(all), (std::vector<std::string>{"L1", "L2", "L3"}));
  EXPECT_EQ(all.deals().size(), 2u);
}

TEST_F(SyncTest, HubspotSinceReadsOnlyRowsWithANewerLastModifiedDate) {
  // 101 last modified in January, 102 in March; deal 9001 in March, 9002
  // in January.
  Put("contacts.csv",
      "\"Record ID\",\"Create Date\",\"Contact owner\",\"Last Modified Date\"\n"
      "\"101\",\"2024-01-02\",\"Ann\",\"2024-01-20 10:00\"\n"
      "\"102\",\"2024-01-03\",\"Bo\",\"2024-03-02 10:00\"\n");
  Put("deals.csv",
      "\"Record ID\",\"Deal Stage\",\"Amount\",\"Create Date\",\"Last Modified Date\"\n"
      "\"9001\",\"closedwon\",\"500\",\"2024-02-01\",\"2024-03-03 09:00\"\n"
      "\"9002\",\"closedlost\",\"80\",\"2024-01-05\",\"2024-01-06 09:00\"\n");
  Workspace ws;
  Status s = LoadSource(&ws, "hubspot:" + dir_.string(), {{"since", "2024-03-01T00:00:00Z"}},
                        nullptr);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(PersonIds(ws), (std::vector<std::string>{"102"}));
  ASSERT_EQ(ws.deals().size(), 1u);
  EXPECT_EQ(ws.labels().Get(ws.deals().id[0]), "9001");
  EXPECT_TRUE(HasNote(ws, "contacts.csv: 1 rows not read: modified before the since time"));
}

TEST_F(SyncTest, SyncTwiceFromACsvMappingAddsOnlyWhatChanged) {
  Put("people.csv",
      "id,owner,updated\n"
      "p1,ann,2024-01-10\n"
      "p2,bob,2024-01-11\n");
  Put("touches.csv",
      "id,at,channel,updated\n"
      "p1,2024-01-12,email,2024-01-12\n"
      "p2,2024-01-13,ads,2024-01-13\n");
  Put("map.toml",
      "[[people]]\nfile = \"people.csv\"\nperson_id = \"id\"\nowner = \"owner\"\n"
      "modified_at = \"updated\"\n"
      "[[touches]]\nfile = \"touches.csv\"\nperson_id = \"id\"\nat = \"at\"\n"
      "channel = \"channel\"\nmodified_at = \"updated\"\n");
  SyncRequest r = MapIntoWorkspaceFile();
  Result<SyncResult> first = Sync(r);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->since, kNoTime);  // first sync: everything
  EXPECT_EQ(first->counts.people.added, 2);
  EXPECT_EQ(first->counts.touches.added, 2);

  // The export a night later: p2's owner changed, p3 is new, the old touch
  // rows are still there (re-exported), one new touch. An explicit since
  // between the two exports reads only the changed rows.
  Put("people.csv",
      "id,owner,updated\n"
      "p1,ann,2024-01-10\n"
      "p2,cy,2024-02-01\n"
      "p3,dee,2024-02-02\n");
  Put("touches.csv",
      "id,at,channel,updated\n"
      "p1,2024-01-12,email,2024-01-12\n"
      "p2,2024-01-13,ads,2024-01-13\n"
      "p3,2024-02-02,email,2024-02-02\n");
  r.since = "2024-01-31";
  Result<SyncResult> second = Sync(r);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->counts.people.added, 1);     // p3
  EXPECT_EQ(second->counts.people.replaced, 1);  // p2
  EXPECT_EQ(second->counts.people.unchanged, 0); // p1 not read
  EXPECT_EQ(second->counts.touches.added, 1);
  EXPECT_EQ(second->people, 3);
  EXPECT_EQ(second->touches, 3);

  // Without since the whole export is read again; the merge drops or
  // keeps everything: nothing added.
  r.since = "";
  Result<SyncResult> third = Sync(r);
  ASSERT_TRUE(third.ok()) << third.status().message();
  EXPECT_EQ(third->counts.people.added, 0);
  EXPECT_EQ(third->counts.people.unchanged, 3);
  EXPECT_EQ(third->counts.touches.unchanged, 3);
  EXPECT_EQ(third->touches, 3);

  Workspace saved;
  std::vector<SourceState> sources;
  ASSERT_TRUE(ReadWorkspaceFile(Path("ws.baton"), &saved, &sources).ok());
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0].source, Path("map.toml"));
  EXPECT_GE(sources[0].high_water, first->state.high_water);
  const uint32_t p2 = saved.person_ids().Find("p2");
  EXPECT_EQ(saved.labels().Get(saved.people().owner[p2]), "cy");
}

TEST_F(SyncTest, AutoSinceUsesTheMarkSavedForTheSource) {
  Put("people.csv", "id,updated\np1,2024-01-10\n");
  Put("map.toml",
      "[[people]]\nfile = \"people.csv\"\nperson_id = \"id\"\nmodified_at = \"updated\"\n");
  SyncRequest r = MapIntoWorkspaceFile();
  Result<SyncResult> first = Sync(r);
  ASSERT_TRUE(first.ok()) << first.status().message();
  Result<SyncResult> second = Sync(r);
  ASSERT_TRUE(second.ok()) << second.status().message();
  // The second sync starts from the first one's start time: p1 (modified
  // in 2024) is not read again.
  EXPECT_EQ(second->since, first->state.high_water);
  EXPECT_EQ(second->counts.people.added + second->counts.people.unchanged, 0);
  EXPECT_EQ(second->people, 1);
}

TEST_F(SyncTest, ADamagedFileIsAnErrorAndIsLeftAsItWas) {
  Put("people.csv", "id\np1\n");
  Put("map.toml", "[[people]]\nfile = \"people.csv\"\nperson_id = \"id\"\n");
  Put("ws.baton", "BATONWS");  // 7 bytes: shorter than a header
  SyncRequest r;
  r.source = Path("map.toml");
  r.into = Path("ws.baton");
  Result<SyncResult> res = Sync(r);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kParseError);
  EXPECT_NE(res.status().message().find(Path("ws.baton")), std::string::npos);
  EXPECT_EQ(std::filesystem::file_size(dir_ / "ws.baton"), 7u);
}

}  // namespace
}  // namespace baton
