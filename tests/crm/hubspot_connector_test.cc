// The hubspot connector end to end: contacts and deals exports (quoted
// values, lifecycle "Became a ... Date" columns, API and UI source spellings)
// loaded through baton::LoadSource("hubspot:" + folder), checked against
// values worked out by hand in the comments.
#include <numeric>

#include "crm_fixture.h"

namespace baton {
namespace {

class HubspotExport : public CrmExportTest {
 protected:
  void PutStandardExport() {
    // A UTF-8 byte order mark, as HubSpot writes it.
    Put("contacts-2024.csv",
        "\xEF\xBB\xBF\"Record ID\",\"First Name\",\"Create Date\",\"Lifecycle Stage\","
        "\"Lead Status\",\"Original Source\",\"Original Source Drill-Down 1\","
        "\"Contact owner\",\"Became a Subscriber Date\",\"Became a Lead Date\","
        "\"Became a Marketing Qualified Lead Date\","
        "\"Became a Sales Qualified Lead Date\",\"Became an Opportunity Date\","
        "\"Became a Customer Date\",\"Became an Evangelist Date\"\n"
        "\"101\",\"Zoë\",\"2024-03-01 10:00\",\"customer\",\"CONNECTED\",\"ORGANIC_SEARCH\","
        "\"google\",\"Jo Smith\",\"\",\"2024-03-01 10:00\",\"2024-03-05 00:00\","
        "\"2024-03-10 00:00\",\"2024-03-12 00:00\",\"2024-04-01 00:00\",\"\"\n"
        "\"102\",\"Al\",\"2024-03-02 09:30\",\"marketingqualifiedlead\",\"\",\"Paid Search\","
        "\"\",\"Jo Smith\",\"2024-03-02 09:30\",\"\",\"2024-03-06 00:00\",\"\",\"\",\"\",\"\"\n"
        "\"103\",\"Bea\",\"2024-03-03 08:00\",\"lead\",\"NEW\",\"EMAIL_MARKETING\",\"\","
        "\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"\n"
        "\"104\",\"Cem\",\"2024-03-04 12:00\",\"salesqualifiedlead\",\"\",\"Social Media\","
        "\"\",\"Ann Lee\",\"\",\"2024-03-04 12:00\",\"\",\"2024-03-20 00:00\",\"\",\"\",\"\"\n");
    Put("deals.csv",
        "\"Record ID\",\"Deal Name\",\"Deal Stage\",\"Amount\",\"Close Date\",\"Create Date\","
        "\"Pipeline\",\"Deal owner\",\"Associated Contact IDs\"\n"
        "\"9001\",\"A\",\"closedwon\",\"1000\",\"2024-04-01\",\"2024-03-12\",\"default\","
        "\"Jo Smith\",\"101;102\"\n"
        "\"9002\",\"B\",\"Closed Lost\",\"250.5\",\"2024-04-10\",\"2024-03-20\",\"default\","
        "\"Ann Lee\",\"104\"\n"
        "\"9003\",\"C\",\"appointmentscheduled\",\"700\",\"\",\"2024-03-21\",\"default\","
        "\"Jo Smith\",\"\"\n");
  }
};

TEST_F(HubspotExport, ContactsArePeopleWithNormalisedSources) {
  PutStandardExport();
  Status s = Load("hubspot");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ws_.num_people(), 4u);
  // API values (ORGANIC_SEARCH) and UI labels (Paid Search) both become
  // lower snake case.
  EXPECT_EQ(Label(ws_.people().source[Person("101")]), "organic_search");
  EXPECT_EQ(Label(ws_.people().source[Person("102")]), "paid_search");
  EXPECT_EQ(Label(ws_.people().source[Person("103")]), "email_marketing");
  EXPECT_EQ(Label(ws_.people().source[Person("104")]), "social_media");
  EXPECT_EQ(Label(ws_.people().owner[Person("104")]), "Ann Lee");
  // 2024-03-01 10:00 UTC.
  EXPECT_EQ(FormatTimestamp(ws_.people().created_at[Person("101")]),
            "2024-03-01T10:00:00Z");
}

TEST_F(HubspotExport, BecameDatesAreStageRows) {
  PutStandardExport();
  Status s = Load("hubspot");
  ASSERT_TRUE(s.ok()) << s.ToString();
  // 101: lead, MQL, SQL, opportunity, customer (5); 102: subscriber, MQL
  // (2); 103 has no Became date: lifecycle "lead" at Create Date (1); 104:
  // lead, SQL (2). 10 rows.
  EXPECT_EQ(StageRows(), (std::vector<std::string>{
                             "101 inquiry 2024-03-01T10:00",
                             "101 mql 2024-03-05T00:00",
                             "101 opportunity 2024-03-12T00:00",
                             "101 sql 2024-03-10T00:00",
                             "101 won 2024-04-01T00:00",
                             "102 inquiry 2024-03-02T09:30",
                             "102 mql 2024-03-06T00:00",
                             "103 inquiry 2024-03-03T08:00",
                             "104 inquiry 2024-03-04T12:00",
                             "104 sql 2024-03-20T00:00",
                         }));
  EXPECT_TRUE(HasNoteContaining("1 contacts have no \"Became a ... Date\""));
}

TEST_F(HubspotExport, DealsTakeOutcomeFromStageAndFirstContact) {
  PutStandardExport();
  Status s = Load("hubspot");
  ASSERT_TRUE(s.ok()) << s.ToString();
  const DealColumns& d = ws_.deals();
  ASSERT_EQ(d.size(), 3u);
  // closedwon -> won; Closed Lost -> lost (closed, not won);
  // appointmentscheduled is open.
  EXPECT_EQ(d.is_won[0], 1);
  EXPECT_EQ(d.is_closed[0], 1);
  EXPECT_EQ(PersonId(d.person[0]), "101");  // first of "101;102"
  EXPECT_EQ(d.is_won[1], 0);
  EXPECT_EQ(d.is_closed[1], 1);
  EXPECT_EQ(PersonId(d.person[1]), "104");
  EXPECT_EQ(d.is_won[2], 0);
  EXPECT_EQ(d.is_closed[2], 0);
  EXPECT_EQ(d.person[2], kNoPerson);
  // 1000 + 250.5 + 700.
  EXPECT_DOUBLE_EQ(std::accumulate(d.amount.begin(), d.amount.end(), 0.0), 1950.5);
}

TEST_F(HubspotExport, FunnelCountsReachedFromTheLoadedStages) {
  PutStandardExport();
  Status s = Load("hubspot");
  ASSERT_TRUE(s.ok()) << s.ToString();
  // Furthest stage: 101 won, 102 mql, 103 inquiry, 104 sql. sal is in no
  // record, so it has no row. inquiry 4; mql: 101, 102, 104 = 3;
  // sql: 101, 104 = 2; opportunity 1; won 1.
  EXPECT_EQ(Reached(), (std::map<std::string, int64_t>{
                           {"inquiry", 4}, {"mql", 3}, {"sql", 2}, {"opportunity", 1}, {"won", 1}}));
}

TEST_F(HubspotExport, MissingFolderIsNotFoundNamingIt) {
  const std::string missing = (dir_ / "gone").string();
  Status s = LoadSource(&ws_, "hubspot:" + missing, {}, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find(missing), std::string::npos) << s.message();
}

TEST_F(HubspotExport, BadDateNamesFileRowAndColumn) {
  Put("deals.csv",
      "\"Record ID\",\"Deal Stage\",\"Close Date\"\n"
      "\"9001\",\"closedwon\",\"2024-04-01\"\n"
      "\"9002\",\"closedlost\",\"01/04/2024\"\n");
  Status s = Load("hubspot");
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_NE(s.message().find("deals.csv:3"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("Close Date"), std::string::npos) << s.message();
}

TEST_F(HubspotExport, SeveralContactFilesAreReadAndCp1252IsDetected) {
  // Upper-case headers; the second file is Windows-1252 (0xE9 is "é").
  Put("contacts-1.csv",
      "\"RECORD ID\",\"CREATE DATE\",\"CONTACT OWNER\",\"BECAME A LEAD DATE\"\n"
      "\"201\",\"2024-05-01\",\"Ann Lee\",\"2024-05-01\"\n");
  Put("contacts-2.csv",
      "\"RECORD ID\",\"CREATE DATE\",\"CONTACT OWNER\",\"BECAME A LEAD DATE\"\n"
      "\"202\",\"2024-05-02\",\"Jos\xE9 Ruiz\",\"2024-05-02\"\n");
  Status s = Load("hubspot");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ws_.num_people(), 2u);
  EXPECT_EQ(Label(ws_.people().owner[Person("202")]), "Jos\xC3\xA9 Ruiz");
  EXPECT_EQ(StageRows(), (std::vector<std::string>{"201 inquiry 2024-05-01T00:00",
                                                   "202 inquiry 2024-05-02T00:00"}));
  EXPECT_TRUE(HasNoteContaining("contacts-2.csv: not valid UTF-8, read as Windows-1252"));
}

TEST_F(HubspotExport, CustomLifecycleStageNeedsAStageOption) {
  Put("contacts.csv",
      "\"Record ID\",\"Create Date\",\"Lifecycle Stage\"\n"
      "\"301\",\"2024-05-01\",\"trial user\"\n");
  Status s = Load("hubspot");
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_NE(s.message().find("contacts.csv:2"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("stage.<value>"), std::string::npos) << s.message();
  Workspace fresh;
  s = LoadSource(&fresh, "hubspot:" + dir_.string(), {{"stage.trial user", "sal"}},
                 nullptr);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(fresh.stages().size(), 1u);
  EXPECT_EQ(fresh.stage_map().Name(fresh.stages().stage[0]), "sal");
}

}  // namespace
}  // namespace baton
