// The salesforce connector end to end: a Data Loader style export (every
// value quoted, upper-case headers, null ids 000000000000000AAA, a
// Windows-1252 file, a converted lead and its contact) loaded through
// baton::LoadSource("salesforce:" + folder), checked against values worked
// out by hand in the comments.
#include <numeric>

#include "crm_fixture.h"

namespace baton {
namespace {

class SalesforceExport : public CrmExportTest {
 protected:
  // The export every test but the error cases starts from.
  void PutStandardExport() {
    // cp1252: 0xE4 is "ä". The Trade Show has no ActualCost (no spend row).
    Put("Campaign.csv",
        "\"ID\",\"NAME\",\"TYPE\",\"STARTDATE\",\"ENDDATE\",\"ACTUALCOST\",\"BUDGET__C\"\r\n"
        "\"701A\",\"Webinar J\xE4n\",\"Webinar\",\"2024-01-01\",\"2024-01-31\",\"1500.50\",\"9\"\r\n"
        "\"701B\",\"Trade Show\",\"Event\",\"2024-02-01\",\"2024-02-03\",\"\",\"0\"\r\n"
        "\"701C\",\"Search Q1\",\"Paid Search\",\"2024-01-01 00:00:00\","
        "\"2024-03-31 00:00:00\",\"2500\",\"\"\r\n");
    // 00Q1 is converted into contact 003C1 and opportunity 006O1.
    Put("Lead.csv",
        "\"ID\",\"LASTNAME\",\"STATUS\",\"LEADSOURCE\",\"OWNERID\",\"CREATEDDATE\","
        "\"ISCONVERTED\",\"CONVERTEDDATE\",\"CONVERTEDCONTACTID\",\"CONVERTEDACCOUNTID\","
        "\"CONVERTEDOPPORTUNITYID\",\"SCORE__C\"\n"
        "\"00Q1\",\"Ana\",\"Closed - Converted\",\"Web\",\"005A\",\"2024-01-02 09:00:00\","
        "\"1\",\"2024-01-20\",\"003C1\",\"001A1\",\"006O1\",\"5\"\n"
        "\"00Q2\",\"Bo\",\"Working - Contacted\",\"Webinar\",\"005A\","
        "\"2024-01-05T10:00:00.000+0000\",\"0\",\"\",\"000000000000000AAA\","
        "\"000000000000000AAA\",\"000000000000000AAA\",\"\"\n"
        "\"00Q3\",\"Cy\",\"Open - Not Contacted\",\"\",\"005B\",\"2024-01-10 12:00:00\","
        "\"false\",\"\",\"\",\"\",\"\",\"\"\n"
        "\"00Q4\",\"Di\",\"Closed - Not Converted\",\"Web\",\"005B\",\"2024-01-11 08:00:00\","
        "\"0\",\"\",\"\",\"\",\"\",\"\"\n");
    Put("LeadHistory.csv",
        "\"LEADID\",\"FIELD\",\"OLDVALUE\",\"NEWVALUE\",\"CREATEDDATE\"\n"
        "\"00Q2\",\"Status\",\"Open - Not Contacted\",\"Working - Contacted\","
        "\"2024-01-08 10:00:00\"\n"
        "\"00Q2\",\"Owner\",\"005B\",\"005A\",\"2024-01-06 10:00:00\"\n");
    Put("Contact.csv",
        "\"ID\",\"ACCOUNTID\",\"LEADSOURCE\",\"OWNERID\",\"CREATEDDATE\",\"EMAIL\"\n"
        "\"003C1\",\"001A1\",\"Partner\",\"005A\",\"2024-01-20 00:00:00\",\"ana@x.test\"\n"
        "\"003C2\",\"000000000000000AAA\",\"Partner\",\"005C\",\"2024-02-01 00:00:00\","
        "\"eve@x.test\"\n");
    Put("Opportunity.csv",
        "\"ID\",\"ACCOUNTID\",\"CONTACTID\",\"NAME\",\"STAGENAME\",\"AMOUNT\",\"CLOSEDATE\","
        "\"CREATEDDATE\",\"ISWON\",\"ISCLOSED\",\"OWNERID\",\"LEADSOURCE\",\"CAMPAIGNID\"\n"
        "\"006O1\",\"001A1\",\"000000000000000AAA\",\"Acme\",\"Closed Won\",\"1200\","
        "\"2024-02-15\",\"2024-01-20 00:00:00\",\"1\",\"1\",\"005A\",\"Web\",\"701A\"\n"
        "\"006O2\",\"001A2\",\"003C2\",\"Eve\",\"Closed Lost\",\"300\",\"2024-03-01\","
        "\"2024-02-05 00:00:00\",\"0\",\"1\",\"005C\",\"Partner\",\"000000000000000AAA\"\n"
        "\"006O3\",\"001A3\",\"\",\"Gamma\",\"Qualification\",\"5000\",\"2024-06-30\","
        "\"2024-02-06 00:00:00\",\"false\",\"false\",\"005B\",\"\",\"701C\"\n");
    Put("OpportunityHistory.csv",
        "\"OPPORTUNITYID\",\"STAGENAME\",\"CREATEDDATE\",\"AMOUNT\"\n"
        "\"006O1\",\"Prospecting\",\"2024-01-20 00:00:00\",\"1000\"\n"
        "\"006O1\",\"Closed Won\",\"2024-02-15 00:00:00\",\"1200\"\n"
        "\"006O2\",\"Prospecting\",\"2024-02-05 00:00:00\",\"300\"\n"
        "\"006O3\",\"Qualification\",\"2024-02-06 00:00:00\",\"5000\"\n");
    Put("CampaignMember.csv",
        "\"ID\",\"CAMPAIGNID\",\"LEADID\",\"CONTACTID\",\"STATUS\",\"FIRSTRESPONDEDDATE\","
        "\"CREATEDDATE\"\n"
        "\"00v1\",\"701A\",\"00Q1\",\"003C1\",\"Responded\",\"2024-01-15\",\"2024-01-03 00:00:00\"\n"
        "\"00v2\",\"701A\",\"00Q2\",\"\",\"Sent\",\"\",\"2024-01-06 00:00:00\"\n"
        "\"00v3\",\"701C\",\"\",\"003C2\",\"Responded\",\"2024-02-02\",\"2024-02-01 00:00:00\"\n"
        "\"00v4\",\"701B\",\"000000000000000AAA\",\"003C1\",\"Sent\",\"\",\"2024-02-01 00:00:00\"\n"
        "\"00v5\",\"701B\",\"\",\"\",\"Sent\",\"\",\"2024-02-01\"\n");
    Put("Task.csv",
        "\"ID\",\"WHOID\",\"WHATID\",\"SUBJECT\",\"TASKSUBTYPE\",\"TYPE\",\"ACTIVITYDATE\","
        "\"CREATEDDATE\"\n"
        "\"00T1\",\"00Q2\",\"\",\"Call\",\"Call\",\"\",\"2024-01-09\",\"2024-01-09 08:00:00\"\n"
        "\"00T2\",\"003C1\",\"006O1\",\"Mail\",\"Email\",\"\",\"\",\"2024-01-25 10:00:00\"\n"
        "\"00T3\",\"000000000000000AAA\",\"001A1\",\"Note\",\"Task\",\"Other\",\"2024-01-26\","
        "\"2024-01-26\"\n"
        "\"00T4\",\"003C2\",\"\",\"Visit\",\"Task\",\"Meeting\",\"2024-02-03\",\"2024-02-03\"\n");
    Put("Event.csv",
        "\"ID\",\"WHOID\",\"SUBJECT\",\"STARTDATETIME\",\"ACTIVITYDATE\",\"CREATEDDATE\"\n"
        "\"00U1\",\"00Q1\",\"Demo\",\"2024-01-22T15:00:00.000+0000\",\"2024-01-22\","
        "\"2024-01-21 00:00:00\"\n");
    Put("Account.csv", "\"ID\",\"NAME\"\n\"001A1\",\"Acme\"\n");
  }
};

TEST_F(SalesforceExport, ConvertedLeadAndItsContactAreOnePerson) {
  PutStandardExport();
  Status s = Load("salesforce");
  ASSERT_TRUE(s.ok()) << s.ToString();
  // Leads 00Q1..00Q4, plus contact 003C2; contact 003C1 is lead 00Q1.
  EXPECT_EQ(ws_.num_people(), 5u);
  EXPECT_EQ(Person("003C1"), Dictionary::kNotFound);
  const uint32_t ana = Person("00Q1");
  ASSERT_NE(ana, Dictionary::kNotFound);
  // The lead's own values win: source Web (not the contact's Partner),
  // account from ConvertedAccountId.
  EXPECT_EQ(Label(ws_.people().source[ana]), "Web");
  EXPECT_EQ(Label(ws_.people().account[ana]), "001A1");
  EXPECT_EQ(Label(ws_.people().owner[ana]), "005A");
  // 003C2's AccountId is the null id: no account.
  EXPECT_EQ(Label(ws_.people().account[Person("003C2")]), "");
  EXPECT_EQ(Label(ws_.people().source[Person("003C2")]), "Partner");
  // The summary note lists each file with its data rows and encoding.
  EXPECT_TRUE(HasNoteContaining("Campaign.csv (3 rows, cp1252), Lead.csv (4 rows, utf-8)"));
  EXPECT_TRUE(HasNoteContaining("Account.csv is not mapped to a table"));
}

TEST_F(SalesforceExport, StagesComeFromStatusHistoryConversionAndOpportunities) {
  PutStandardExport();
  Status s = Load("salesforce");
  ASSERT_TRUE(s.ok()) << s.ToString();
  // 00Q1: converted, so Closed - Converted is not dated at CreatedDate; sql
  //   at ConvertedDate; opportunity history Prospecting and Closed Won.
  // 00Q2: history, so its first OldValue (Open - Not Contacted -> mql) at
  //   CreatedDate, then Working - Contacted (sal); the Owner change is not a
  //   stage.
  // 00Q3: Open - Not Contacted (mql); 00Q4: Closed - Not Converted
  //   (rejected).
  // 003C2: Prospecting of 006O2 (its ContactId). 006O3 has no person.
  EXPECT_EQ(StageRows(), (std::vector<std::string>{
                             "003C2 opportunity 2024-02-05T00:00",
                             "00Q1 opportunity 2024-01-20T00:00",
                             "00Q1 sql 2024-01-20T00:00",
                             "00Q1 won 2024-02-15T00:00",
                             "00Q2 mql 2024-01-05T10:00",
                             "00Q2 sal 2024-01-08T10:00",
                             "00Q3 mql 2024-01-10T12:00",
                             "00Q4 rejected 2024-01-11T08:00",
                         }));
}

TEST_F(SalesforceExport, CampaignMembersAreMarketingTouchesAndActivitiesSales) {
  PutStandardExport();
  Status s = Load("salesforce");
  ASSERT_TRUE(s.ok()) << s.ToString();
  // Campaign.csv is cp1252: "J\xE4n" reads as "Jän" (UTF-8 C3 A4).
  // 00v1 uses FirstRespondedDate; 00v4's ContactId 003C1 is lead 00Q1;
  // 00v5 has no person; 00T3's WhoId is the null id; 00T2 has no
  // ActivityDate so CreatedDate; 00T4's Type Meeting; events are meetings.
  EXPECT_EQ(TouchRows(), (std::vector<std::string>{
                             "003C2 marketing Paid Search|Search Q1| 2024-02-02",
                             "003C2 sales ||meeting 2024-02-03",
                             "00Q1 marketing Event|Trade Show| 2024-02-01",
                             "00Q1 marketing Webinar|Webinar J\xC3\xA4n| 2024-01-15",
                             "00Q1 sales ||email 2024-01-25",
                             "00Q1 sales ||meeting 2024-01-22",
                             "00Q2 marketing Webinar|Webinar J\xC3\xA4n| 2024-01-06",
                             "00Q2 sales ||call 2024-01-09",
                         }));
  EXPECT_TRUE(HasNoteContaining("Campaign.csv: not valid UTF-8, read as Windows-1252"));
  EXPECT_TRUE(HasNoteContaining("Task.csv: 1 of 4 rows not read"));
  EXPECT_TRUE(HasNoteContaining("CampaignMember.csv: 1 of 5 rows not read"));
}

TEST_F(SalesforceExport, OpportunitiesAreDealsWithOutcomeAndSpendIsActualCost) {
  PutStandardExport();
  Status s = Load("salesforce");
  ASSERT_TRUE(s.ok()) << s.ToString();
  const DealColumns& d = ws_.deals();
  ASSERT_EQ(d.size(), 3u);
  // Rows in file order: 006O1 won (person = the lead converted into it,
  // campaign 701A's name), 006O2 lost (person = its ContactId 003C2),
  // 006O3 open (no person, no closed_at: its CloseDate is only expected).
  EXPECT_EQ(Label(d.id[0]), "006O1");
  EXPECT_EQ(d.is_won[0], 1);
  EXPECT_EQ(d.is_closed[0], 1);
  EXPECT_EQ(PersonId(d.person[0]), "00Q1");
  EXPECT_EQ(Label(d.campaign[0]), "Webinar J\xC3\xA4n");
  EXPECT_EQ(FormatTimestamp(d.closed_at[0]), "2024-02-15T00:00:00Z");
  EXPECT_DOUBLE_EQ(d.amount[0], 1200);
  EXPECT_EQ(d.is_won[1], 0);
  EXPECT_EQ(d.is_closed[1], 1);
  EXPECT_EQ(PersonId(d.person[1]), "003C2");
  EXPECT_EQ(Label(d.campaign[1]), "");
  EXPECT_EQ(d.is_won[2], 0);
  EXPECT_EQ(d.is_closed[2], 0);
  EXPECT_EQ(d.person[2], kNoPerson);
  EXPECT_EQ(d.closed_at[2], kNoTime);
  EXPECT_EQ(Label(d.campaign[2]), "Search Q1");
  // Spend: 1500.50 (Webinar Jän) + 2500 (Search Q1); the Trade Show has no
  // ActualCost.
  const SpendColumns& sp = ws_.spend();
  ASSERT_EQ(sp.size(), 2u);
  EXPECT_DOUBLE_EQ(std::accumulate(sp.amount.begin(), sp.amount.end(), 0.0), 4000.5);
  EXPECT_EQ(Label(sp.channel[1]), "Paid Search");
  EXPECT_EQ(FormatTimestamp(sp.period_end[1]), "2024-03-31T00:00:00Z");
}

TEST_F(SalesforceExport, FunnelCountsReachedFromTheLoadedStages) {
  PutStandardExport();
  Status s = Load("salesforce");
  ASSERT_TRUE(s.ok()) << s.ToString();
  // Furthest funnel stage per person: 00Q1 won, 00Q2 sal, 00Q3 mql,
  // 003C2 opportunity; 00Q4 only rejected (an exit). Skipped stages count
  // as passed, and inquiry is in no record so it has no row.
  // mql: 4; sal: 00Q1, 00Q2, 003C2 = 3; sql: 00Q1, 003C2 = 2;
  // opportunity: 2; won: 00Q1 = 1.
  EXPECT_EQ(Reached(), (std::map<std::string, int64_t>{
                           {"mql", 4}, {"sal", 3}, {"sql", 2}, {"opportunity", 2}, {"won", 1}}));
}

TEST_F(SalesforceExport, MissingFolderIsNotFoundNamingIt) {
  const std::string missing = (dir_ / "no_such_export").string();
  Status s = LoadSource(&ws_, "salesforce:" + missing, {}, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find(missing), std::string::npos) << s.message();
}

TEST_F(SalesforceExport, FolderWithoutExportFilesIsNotFound) {
  Put("notes.txt", "nothing here");
  Status s = Load("salesforce");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("Lead.csv"), std::string::npos) << s.message();
}

TEST_F(SalesforceExport, BadDateNamesFileRowAndColumn) {
  // Row 3 of the file (header = row 1) holds a month 13.
  Put("Lead.csv",
      "\"ID\",\"STATUS\",\"CREATEDDATE\"\n"
      "\"00Q1\",\"Open - Not Contacted\",\"2024-01-02 09:00:00\"\n"
      "\"00Q2\",\"Open - Not Contacted\",\"2024-13-02 09:00:00\"\n");
  Status s = Load("salesforce");
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_NE(s.message().find("Lead.csv:3"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("CREATEDDATE"), std::string::npos) << s.message();
}

TEST_F(SalesforceExport, UnknownLeadStatusFailsUntilMappedByOption) {
  Put("Lead.csv",
      "\"Id\",\"Status\",\"CreatedDate\"\n"
      "\"00Q1\",\"Nurturing Pool\",\"2024-01-02\"\n");
  Status s = Load("salesforce");
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_NE(s.message().find("Nurturing Pool"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("stage.<value>"), std::string::npos) << s.message();

  Workspace fresh;
  s = LoadSource(&fresh, "salesforce:" + dir_.string(),
                 {{"stage.Nurturing Pool", "mql"}}, nullptr);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(fresh.stages().size(), 1u);
  EXPECT_EQ(fresh.stage_map().Name(fresh.stages().stage[0]), "mql");
  // Only Lead.csv was there: the note lists the other nine as missing.
  bool listed = false;
  for (const auto& n : fresh.notes())
    listed = listed || n.find("not in the export: Contact.csv, Opportunity.csv") !=
                           std::string::npos;
  EXPECT_TRUE(listed);
}

TEST_F(SalesforceExport, StrictUtf8OptionRejectsCp1252File) {
  Put("Campaign.csv", "\"Id\",\"Name\"\n\"701A\",\"J\xE4n\"\n");
  Status s = Load("salesforce", {{"encoding", "utf-8"}});
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_NE(s.message().find("Campaign.csv: line 2"), std::string::npos) << s.message();
}

TEST_F(SalesforceExport, UnknownOptionIsRejected) {
  PutStandardExport();
  Status s = Load("salesforce", {{"encodng", "cp1252"}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("encodng"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace baton
