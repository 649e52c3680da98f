// Timed driver: the analyses on an already loaded workspace.
//
// Builds a synthetic workspace in memory (no CSV: these numbers are the
// analyses alone, "after loading"), then times, best of --repeat runs:
//   attribution  every rule model + markov order 1 + shapley (--model all)
//   markov3      markov order 3 alone
//   alignment    handoff + spend + deals + scorecard together
// for each size given (people; default 100000 1000000). Journeys: 8
// channels, 3.3 marketing touches per person on average, about 13%
// convert; each person also has ~5 stage entries (inquiry, mql, sal, sql,
// opportunity, won for the converted) and 3 sales touches for the
// alignment analyses. Prints one line per measurement and the resident memory.
//
// With --attribution-only, only the first measurement runs (for profiling).
// Each figure is the best wall time of the repeats, with the process CPU
// time (user + system, all threads) of that run and the 1-minute load
// average before it, as the machine is shared.
//
// usage: baton_analyses_bench [--repeat R] [--attribution-only] [PEOPLE...]
#include <time.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "attribution/attribution.h"
#include "handoff/handoff.h"
#include "model/workspace.h"
#include "pipeline/deals.h"
#include "scorecard/scorecard.h"
#include "spend/spend.h"

namespace {

using Clock = std::chrono::steady_clock;

// splitmix64: a small deterministic generator for the synthetic data.
struct Rng {
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Uniform() { return (Next() >> 11) * (1.0 / 9007199254740992.0); }
};

long ResidentKiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

void Check(const baton::Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "error: %s\n", s.ToString().c_str());
    std::exit(1);
  }
}

template <typename T>
T Check(baton::Result<T> r) {
  if (!r.ok()) {
    std::fprintf(stderr, "error: %s\n", r.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

void Build(baton::Workspace* ws, int64_t people, int64_t* touches_out) {
  static const char* const kChannels[] = {"paid_search", "organic_search", "paid_social",
                                          "email",       "webinar",        "events",
                                          "referral",    "direct"};
  const baton::StageMap& m = ws->stage_map();
  const int mql = m.CodeOf("mql"), sal = m.CodeOf("sal"), sql = m.CodeOf("sql"),
            opp = m.CodeOf("opportunity"), won = m.CodeOf("won");
  const int64_t t0 = 1704067200000;  // 2024-01-01
  Rng rng{42};
  int64_t touches = 0;
  char id[32], deal[32];
  for (int64_t p = 0; p < people; ++p) {
    std::snprintf(id, sizeof id, "P%08lld", static_cast<long long>(p));
    int64_t start = t0 + static_cast<int64_t>(rng.Uniform() * 500) * baton::kMillisPerDay;
    baton::PersonRow pr;
    pr.person_id = id;
    pr.source = kChannels[rng.Next() % 8];
    Check(ws->AddPerson(pr));
    // 1 to 6 marketing touches (mean 3.3), a day apart on average.
    int n = 1 + static_cast<int>(rng.Uniform() * 5.6);
    int64_t at = start;
    double propensity = 0;
    for (int i = 0; i < n; ++i) {
      uint64_t c = rng.Next() % 8;
      propensity += (c == 6 || c == 4) ? 0.06 : 0.03;
      baton::TouchRow t;
      t.person_id = id;
      t.at = at;
      t.channel = kChannels[c];
      t.campaign = kChannels[c];
      Check(ws->AddTouch(t));
      at += static_cast<int64_t>(rng.Uniform() * 2 * baton::kMillisPerDay);
      ++touches;
    }
    baton::StageRow s;
    s.person_id = id;
    s.stage = m.CodeOf("inquiry");
    s.at = start;
    Check(ws->AddStage(s));
    s.stage = mql;
    s.at = at;
    Check(ws->AddStage(s));
    for (int i = 0; i < 3; ++i) {  // sales touches after the hand-off
      baton::TouchRow t;
      t.person_id = id;
      t.at = at + static_cast<int64_t>(rng.Uniform() * 72) * baton::kMillisPerHour;
      t.side = baton::Side::kSales;
      Check(ws->AddTouch(t));
    }
    for (int stage : {sal, sql, opp}) {
      s.stage = stage;
      s.at = (at += baton::kMillisPerDay);
      Check(ws->AddStage(s));
    }
    if (rng.Uniform() < propensity) {  // about 13% convert
      s.stage = won;
      s.at = (at += baton::kMillisPerDay);
      Check(ws->AddStage(s));
      std::snprintf(deal, sizeof deal, "D%08lld", static_cast<long long>(p));
      baton::DealRow d;
      d.deal_id = deal;
      d.person_id = id;
      d.created_at = at - 2 * baton::kMillisPerDay;
      d.closed_at = at;
      d.amount = 1000 + static_cast<double>(rng.Next() % 50000);
      d.is_won = d.is_closed = true;
      d.owner = kChannels[rng.Next() % 8];
      Check(ws->AddDeal(d));
    }
  }
  for (const char* c : kChannels) {
    baton::SpendRow sp;
    sp.channel = c;
    sp.period_start = t0;
    sp.period_end = t0 + 500 * baton::kMillisPerDay;
    sp.amount = 100000;
    Check(ws->AddSpend(sp));
  }
  *touches_out = touches;
  Check(ws->Freeze());
}

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one;
}

// The fastest of `repeat` runs: wall seconds, CPU seconds, load average.
struct Timing {
  double wall = 1e100;
  double cpu = 0;
  std::string load;
  std::string Format() const {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%8.3f s (cpu %.3f s, load %s)", wall, cpu, load.c_str());
    return buf;
  }
};

template <typename F>
Timing Best(int repeat, F&& f) {
  Timing best;
  for (int i = 0; i < repeat; ++i) {
    std::string load = LoadAverage();
    auto a = Clock::now();
    double c = CpuSeconds();
    f();
    double cpu = CpuSeconds() - c;
    double wall = std::chrono::duration<double>(Clock::now() - a).count();
    if (wall < best.wall) best = Timing{wall, cpu, load};
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 3;
  bool attribution_only = false;
  std::vector<int64_t> sizes;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc) repeat = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--attribution-only")) attribution_only = true;
    else sizes.push_back(std::atoll(argv[i]));
  }
  if (sizes.empty()) sizes = {100000, 1000000};
  const char* kConfig =
      "[scorecard]\nperiod = \"quarter\"\n"
      "[[scorecard.kpi]]\nname = \"MQL to SQL\"\nmetric = \"funnel.rate:mql->sql\"\ntarget = 0.35\n"
      "[[scorecard.kpi]]\nname = \"SLA\"\nmetric = \"handoff.sla_rate\"\ntarget = 0.9\n"
      "[[scorecard.kpi]]\nname = \"Win rate\"\nmetric = \"deals.win_rate\"\ntarget = 0.3\n"
      "[[scorecard.kpi]]\nname = \"Pipeline\"\nmetric = \"deals.pipeline_amount:side=marketing\"\n"
      "target = 2500000\n";
  baton::ScorecardConfig config = Check(baton::ParseScorecardText(kConfig, "bench"));
  for (int64_t people : sizes) {
    long before = ResidentKiB();
    baton::Workspace ws;
    int64_t touches = 0;
    Build(&ws, people, &touches);
    long loaded = ResidentKiB();
    baton::AttributionOptions all;
    all.models = {"all"};
    baton::AttributionOptions markov3;
    markov3.models = {"markov"};
    markov3.markov_order = 3;
    // Peak memory while attribution runs: a thread samples VmRSS every ms.
    std::atomic<bool> running{true};
    std::atomic<long> peak_attr{loaded};
    std::thread sampler([&] {
      while (running.load()) {
        long r = ResidentKiB();
        if (r > peak_attr.load()) peak_attr.store(r);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
    Timing t_all = Best(repeat, [&] { baton::Table t = Check(baton::Attribute(ws, all)); });
    running.store(false);
    sampler.join();
    if (attribution_only) {
      std::printf("people %lld, touches %lld: attribution --model all %s\n",
                  static_cast<long long>(people), static_cast<long long>(ws.touches().size()),
                  t_all.Format().c_str());
      continue;
    }
    Timing t_m3 = Best(repeat, [&] { Check(baton::Attribute(ws, markov3)); });
    Timing t_align = Best(repeat, [&] {
      baton::HandoffOptions ho;
      Check(baton::Handoff(ws, ho));
      Check(baton::Spend(ws, baton::SpendOptions{}));
      Check(baton::Deals(ws, baton::DealsOptions{}));
      Check(baton::Scorecard(ws, config));
    });
    std::printf(
        "people %lld, touches %lld (marketing %.2f per person), stage entries %lld, "
        "workspace %.0f MiB\n"
        "  attribution --model all (13 models)   %s\n"
        "  markov order 3                         %s\n"
        "  handoff+spend+deals+scorecard          %s\n"
        "  memory above the loaded workspace during attribution: %.1f bytes per touch\n",
        static_cast<long long>(people), static_cast<long long>(ws.touches().size()),
        static_cast<double>(touches) / people, static_cast<long long>(ws.stages().size()),
        (loaded - before) / 1024.0, t_all.Format().c_str(), t_m3.Format().c_str(),
        t_align.Format().c_str(), (peak_attr.load() - loaded) * 1024.0 / static_cast<double>(touches));
    std::fflush(stdout);
  }
  return 0;
}
