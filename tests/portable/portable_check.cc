// Proves the analyses need no plugin host: this program is linked from the
// core's sources without core/plugin_host and core/capi, without Boost.DLL
// and without libdl (see CMakeLists.txt), the way a WebAssembly build of the
// core would be. It builds a workspace in memory, runs the funnel and the
// linear attribution, and checks figures computed by hand below.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "attribution/attribution.h"
#include "funnel/funnel.h"
#include "model/workspace.h"

namespace {

int failures = 0;

void Expect(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FAILED: %s\n", what);
    ++failures;
  }
}

void ExpectCell(const baton::Table& t, const char* column, size_t row,
                const std::string& want) {
  int col = t.ColumnIndex(column);
  std::string got = col < 0 ? "(no column)" : t.CellText(static_cast<size_t>(col), row);
  if (got != want) {
    std::fprintf(stderr, "FAILED: %s row %zu: got \"%s\", want \"%s\"\n", column, row,
                 got.c_str(), want.c_str());
    ++failures;
  }
}

}  // namespace

int main() {
  using baton::kMillisPerDay;
  baton::Workspace ws;
  const int mql = ws.stage_map().CodeOf("mql");
  const int won = ws.stage_map().CodeOf("won");
  // Three people, all MQLs; p1 and p2 are won. Touches: p1 email then
  // search; p2 search; p3 email (never converts).
  for (const char* id : {"p1", "p2", "p3"}) {
    baton::PersonRow p;
    p.person_id = id;
    p.created_at = 0;
    Expect(ws.AddPerson(p).ok(), "AddPerson");
    baton::StageRow s;
    s.person_id = id;
    s.stage = mql;
    s.at = kMillisPerDay;
    Expect(ws.AddStage(s).ok(), "AddStage mql");
  }
  for (const char* id : {"p1", "p2"}) {
    baton::StageRow s;
    s.person_id = id;
    s.stage = won;
    s.at = 10 * kMillisPerDay;
    Expect(ws.AddStage(s).ok(), "AddStage won");
  }
  struct {
    const char* person;
    int day;
    const char* channel;
  } touches[] = {{"p1", 2, "email"}, {"p1", 3, "search"}, {"p2", 2, "search"},
                 {"p3", 2, "email"}};
  for (const auto& t : touches) {
    baton::TouchRow r;
    r.person_id = t.person;
    r.at = t.day * kMillisPerDay;
    r.channel = t.channel;
    Expect(ws.AddTouch(r).ok(), "AddTouch");
  }
  Expect(ws.Freeze().ok(), "Freeze");

  // Funnel: 3 reached mql, 2 of them won: rate 2/3.
  auto funnel = baton::Funnel(ws, baton::FunnelOptions{});
  Expect(funnel.ok(), "Funnel");
  if (funnel.ok()) {
    ExpectCell(*funnel, "stage", 0, "mql");
    ExpectCell(*funnel, "reached", 0, "3");
    ExpectCell(*funnel, "won", 0, "2");
  }

  // Linear attribution of the 2 won conversions: p1 gives email 0.5 and
  // search 0.5, p2 gives search 1: email 0.5, search 1.5 (rows by key).
  auto options = baton::ParseAttributionOptions({{"attribution.model", "linear"}});
  Expect(options.ok(), "ParseAttributionOptions");
  if (options.ok()) {
    auto credit = baton::Attribute(ws, *options);
    Expect(credit.ok(), "Attribute");
    if (credit.ok()) {
      double email = -1, search = -1;
      int key = credit->ColumnIndex("key"), conv = credit->ColumnIndex("conversions");
      for (size_t r = 0; key >= 0 && conv >= 0 && r < credit->num_rows(); ++r) {
        std::string k = credit->CellText(static_cast<size_t>(key), r);
        double v = std::atof(credit->CellText(static_cast<size_t>(conv), r).c_str());
        if (k == "email") email = v;
        if (k == "search") search = v;
      }
      Expect(email == 0.5, "linear credit of email is 0.5");
      Expect(search == 1.5, "linear credit of search is 1.5");
    }
  }
  if (failures == 0) std::puts("portable core: funnel and attribution without the plugin host: ok");
  return failures == 0 ? 0 : 1;
}
