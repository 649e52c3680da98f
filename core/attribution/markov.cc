#include "attribution/markov.h"

#include <Eigen/Sparse>
#include <Eigen/SparseLU>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace baton {
namespace {

struct State {
  uint64_t packed = 0;
  uint16_t keys[kMaxMarkovOrder] = {};
  int len = 0;
};

State Decode(uint64_t packed) {
  State s;
  s.packed = packed;
  for (int slot = kMaxMarkovOrder - 1; slot >= 0; --slot) {
    uint64_t v = (packed >> (16 * slot)) & 0xffff;
    if (v != 0) s.keys[s.len++] = static_cast<uint16_t>(v - 1);
  }
  return s;
}

bool KeysBefore(const State& a, const State& b) {
  return std::lexicographical_compare(a.keys, a.keys + a.len, b.keys,
                                      b.keys + b.len);
}

uint64_t StateMask(int order) {
  return order >= kMaxMarkovOrder ? ~0ULL : (1ULL << (16 * order)) - 1;
}

uint64_t Append(uint64_t packed, uint64_t key, uint64_t mask) {
  return ((packed << 16) | (key + 1)) & mask;
}

// The transient states of a chain, ordered by their key tuples ((start),
// the empty tuple, first), with each state's total outgoing weight.
struct ChainIndex {
  std::vector<State> states;
  FlatMap<uint64_t, uint32_t> index;  // packed -> position in states
  std::vector<double> totals;

  explicit ChainIndex(const TransitionCounts& counts) {
    FlatMap<uint64_t, double> total;
    counts.ForEach([&](const PairKey& k, double w) { total[k.a] += w; });
    total.ForEach(
        [&](uint64_t packed, double) { states.push_back(Decode(packed)); });
    std::sort(states.begin(), states.end(), KeysBefore);
    totals.resize(states.size());
    for (uint32_t i = 0; i < states.size(); ++i) {
      index[states[i].packed] = i;
      totals[i] = *total.Find(states[i].packed);
    }
  }
};

struct Entry {
  uint32_t from;
  uint32_t to;
  double p;
};

// The transient part Q (entries between states) and r (the probability of
// converting next) of a chain.
struct Chain {
  size_t size = 0;
  std::vector<Entry> q;
  std::vector<double> r;
};

Result<Chain> BuildChain(const TransitionCounts& counts, const ChainIndex& ix) {
  Chain c;
  c.size = ix.states.size();
  c.r.assign(c.size, 0.0);
  const uint64_t mask = StateMask(counts.order());
  Status bad;
  counts.ForEach([&](const PairKey& k, double w) {
    const uint32_t from = *ix.index.Find(k.a);
    const double p = w / ix.totals[from];
    if (k.b == kConversionOutcome) {
      c.r[from] += p;
    } else if (k.b != kNullOutcome) {
      const uint32_t* to = ix.index.Find(Append(k.a, k.b, mask));
      if (to == nullptr) {
        bad = Status::Internal("Markov chain: a state has no way out");
        return;
      }
      c.q.push_back({from, *to, p});
    }
  });
  if (!bad.ok()) return bad;
  return c;
}

// P(conversion) from (start) with the states flagged in `removed` turned
// into (null): their rows become x = 0 and transitions into them vanish.
Result<double> AbsorptionFromStart(const Chain& c,
                                   const std::vector<uint8_t>* removed) {
  const Eigen::Index n = static_cast<Eigen::Index>(c.size);
  std::vector<Eigen::Triplet<double>> t;
  t.reserve(c.q.size() + c.size);
  Eigen::VectorXd b(n);
  for (size_t i = 0; i < c.size; ++i) {
    t.emplace_back(i, i, 1.0);
    b[i] = removed && (*removed)[i] ? 0.0 : c.r[i];
  }
  for (const Entry& e : c.q) {
    if (removed && ((*removed)[e.from] || (*removed)[e.to])) continue;
    t.emplace_back(e.from, e.to, -e.p);
  }
  Eigen::SparseMatrix<double> a(n, n);
  a.setFromTriplets(t.begin(), t.end());
  a.makeCompressed();
  Eigen::SparseLU<Eigen::SparseMatrix<double>, Eigen::COLAMDOrdering<int>> lu;
  lu.compute(a);
  if (lu.info() != Eigen::Success)
    return Status::Internal("Markov chain: the absorbing system is singular: " +
                            lu.lastErrorMessage());
  Eigen::VectorXd x = lu.solve(b);
  if (lu.info() != Eigen::Success)
    return Status::Internal("Markov chain: the absorbing system did not solve");
  return x[0];
}

// The rows of Q in compressed form, for Gauss-Seidel sweeps.
struct RowMatrix {
  std::vector<uint32_t> start;  // row i is [start[i], start[i+1])
  std::vector<uint32_t> col;
  std::vector<double> p;
};

RowMatrix ToRows(const Chain& c) {
  RowMatrix m;
  m.start.assign(c.size + 1, 0);
  for (const Entry& e : c.q) ++m.start[e.from + 1];
  for (size_t i = 0; i < c.size; ++i) m.start[i + 1] += m.start[i];
  m.col.resize(c.q.size());
  m.p.resize(c.q.size());
  std::vector<uint32_t> fill(m.start.begin(), m.start.end() - 1);
  for (const Entry& e : c.q) {
    m.col[fill[e.from]] = e.to;
    m.p[fill[e.from]++] = e.p;
  }
  return m;
}

constexpr int kMaxSweeps = 5000;

// Gauss-Seidel sweeps on x = Q x + b, rows flagged in `removed` held at 0
// and columns into them dropped, until a sweep changes nothing at double
// precision (or kMaxSweeps). Returns max |Q x + b - x| over the kept rows,
// which the caller turns into an error bound.
double GaussSeidel(const RowMatrix& q, const std::vector<double>& b,
                   const std::vector<uint8_t>* removed,
                   std::vector<double>* x) {
  const size_t n = b.size();
  auto kept = [&](uint32_t i) { return !removed || !(*removed)[i]; };
  x->assign(n, 0.0);
  std::vector<double>& v = *x;
  for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
    double change = 0, scale = 0;
    for (uint32_t i = 0; i < n; ++i) {
      if (!kept(i)) continue;
      double sum = b[i], self = 0;
      for (uint32_t e = q.start[i]; e < q.start[i + 1]; ++e) {
        if (q.col[e] == i)
          self += q.p[e];
        else if (kept(q.col[e]))
          sum += q.p[e] * v[q.col[e]];
      }
      const double next = sum / (1 - self);
      change = std::max(change, std::fabs(next - v[i]));
      scale = std::max(scale, std::fabs(next));
      v[i] = next;
    }
    // Converged when a sweep moves nothing by more than a few units in the
    // last place (exact fixed points can flicker by one ulp).
    if (change <= 4 * std::numeric_limits<double>::epsilon() * scale) break;
  }
  double residual = 0;
  for (uint32_t i = 0; i < n; ++i) {
    if (!kept(i)) continue;
    double r = b[i] - v[i];
    for (uint32_t e = q.start[i]; e < q.start[i + 1]; ++e)
      if (kept(q.col[e])) r += q.p[e] * v[q.col[e]];
    residual = std::max(residual, std::fabs(r));
  }
  return residual;
}

// An upper bound on ||(I - Q)^-1||_inf, the largest expected number of
// steps before absorption, or infinity when none can be certified. If
// t >= 0 and (I - Q) t >= m > 0 componentwise then, (I - Q)^-1 being
// non-negative, (I - Q)^-1 1 <= t / m, so ||(I - Q)^-1||_inf <= max t / m.
// Removing states only deletes entries of Q, so the bound holds for every
// removal system too.
double InverseNormBound(const RowMatrix& q, size_t n) {
  std::vector<double> t;
  GaussSeidel(q, std::vector<double>(n, 1.0), nullptr, &t);
  double floor = std::numeric_limits<double>::infinity(), top = 0;
  for (uint32_t i = 0; i < n; ++i) {
    double lhs = t[i];
    for (uint32_t e = q.start[i]; e < q.start[i + 1]; ++e)
      lhs -= q.p[e] * t[q.col[e]];
    floor = std::min(floor, lhs);
    top = std::max(top, t[i]);
  }
  return floor > 0.5 ? top / floor : std::numeric_limits<double>::infinity();
}

std::string StateName(const State& s, const std::vector<std::string>& names) {
  if (s.len == 0) return "(start)";
  std::string out;
  for (int i = 0; i < s.len; ++i) {
    if (i > 0) out += " > ";
    out += names[s.keys[i]];
  }
  return out;
}

}  // namespace

// Chains up to this many states are solved by LU factorisation; beyond,
// fill-in makes each factorisation cost about n^3 (seconds at 3,000
// states) while Gauss-Seidel needs a few dozen sweeps.
constexpr size_t kMaxDirectStates = 600;
// The certified bound on |P - computed P| an iterative solve must meet.
constexpr double kIterativeTolerance = 1e-13;

// Dense counts up to this many entries (1 MB) per chain.
constexpr uint64_t kMaxDenseEntries = uint64_t{1} << 17;

TransitionCounts::TransitionCounts(int order, size_t num_keys)
    : order_(std::clamp(order, 1, kMaxMarkovOrder)),
      num_keys_(num_keys),
      mask_(StateMask(order_)) {
  radix_ = num_keys + 1;
  outcomes_ = num_keys + 2;
  uint64_t states = 1;
  bool fits = true;
  for (int i = 0; i < order_ && fits; ++i) {
    states *= radix_;
    fits = states * outcomes_ <= kMaxDenseEntries;
  }
  if (fits) {
    dense_ = true;
    num_states_ = states;
    dense_weights_.assign(num_states_ * outcomes_, 0.0);
  }
}

void TransitionCounts::Add(const JourneyView& j) {
  const double w = j.conversions + j.nulls;
  if (!(w > 0) || j.n == 0) return;
  any_ = true;
  if (!dense_) {
    uint64_t state = 0;
    for (uint32_t i = 0; i < j.n; ++i) {
      if (i > 0 && j.keys[i] == j.keys[i - 1]) continue;  // merge repeats
      sparse_[PairKey{state, j.keys[i]}] += w;
      state = Append(state, j.keys[i], mask_);
    }
    if (j.conversions > 0)
      sparse_[PairKey{state, kConversionOutcome}] += j.conversions;
    if (j.nulls > 0) sparse_[PairKey{state, kNullOutcome}] += j.nulls;
    return;
  }
  // The dense state is the tuple in base radix_, newest digit lowest; the
  // digit that falls off the top when a key is appended is the merged key
  // `order_` places back, kept in a ring (orders are at most 4).
  uint64_t state = 0;
  uint64_t ring[kMaxMarkovOrder] = {};
  uint64_t merged = 0;
  for (uint32_t i = 0; i < j.n; ++i) {
    if (i > 0 && j.keys[i] == j.keys[i - 1]) continue;  // merge repeats
    const uint64_t key = j.keys[i];
    dense_weights_[state * outcomes_ + key] += w;
    state = state * radix_ + key + 1;
    if (merged >= static_cast<uint64_t>(order_))
      state -= ring[(merged - order_) % kMaxMarkovOrder] * num_states_;
    ring[merged % kMaxMarkovOrder] = key + 1;
    ++merged;
  }
  if (j.conversions > 0)
    dense_weights_[state * outcomes_ + num_keys_] += j.conversions;
  if (j.nulls > 0) dense_weights_[state * outcomes_ + num_keys_ + 1] += j.nulls;
}

void TransitionCounts::Merge(const TransitionCounts& other) {
  any_ = any_ || other.any_;
  if (dense_) {
    for (size_t i = 0; i < dense_weights_.size(); ++i)
      dense_weights_[i] += other.dense_weights_[i];
    return;
  }
  other.sparse_.ForEach([&](const PairKey& k, double w) { sparse_[k] += w; });
}

double TransitionCounts::Weight(const PairKey& k) const {
  if (!dense_) {
    const double* w = sparse_.Find(k);
    return w ? *w : 0.0;
  }
  uint64_t s = 0;
  for (int slot = kMaxMarkovOrder - 1; slot >= 0; --slot)
    s = s * radix_ + ((k.a >> (16 * slot)) & 0xffff);
  const uint64_t o = k.b == kConversionOutcome ? num_keys_
                     : k.b == kNullOutcome     ? num_keys_ + 1
                                               : k.b;
  if (s >= num_states_ || o >= outcomes_) return 0.0;
  return dense_weights_[s * outcomes_ + o];
}

Result<MarkovSolution> SolveMarkov(const TransitionCounts& counts,
                                   size_t num_keys, MarkovSolver solver) {
  MarkovSolution s;
  s.order = counts.order();
  s.removal_effect.assign(num_keys, 0.0);
  s.p_without.assign(num_keys, 0.0);
  if (counts.empty()) return s;
  const ChainIndex ix(counts);
  s.num_states = ix.states.size();
  BATON_ASSIGN_OR_RETURN(Chain chain, BuildChain(counts, ix));

  // States holding each key, so each removal flags only its own states.
  std::vector<std::vector<uint32_t>> holding(num_keys);
  for (uint32_t i = 0; i < ix.states.size(); ++i) {
    const State& st = ix.states[i];
    for (int a = 0; a < st.len; ++a) {
      bool seen = false;
      for (int b = 0; b < a; ++b) seen = seen || st.keys[b] == st.keys[a];
      if (!seen) holding[st.keys[a]].push_back(i);
    }
  }
  std::vector<size_t> solve_keys;
  for (size_t k = 0; k < num_keys; ++k)
    if (!holding[k].empty()) solve_keys.push_back(k);

  // Large chains: certified Gauss-Seidel (see markov.h), falling back to
  // the LU factorisation for any system whose error bound is not met.
  bool iterate =
      solver == MarkovSolver::kIterative ||
      (solver == MarkovSolver::kAuto && chain.size > kMaxDirectStates);
  RowMatrix rows;
  double norm_bound = std::numeric_limits<double>::infinity();
  if (iterate) {
    rows = ToRows(chain);
    norm_bound = InverseNormBound(rows, chain.size);
    iterate = std::isfinite(norm_bound);
  }

  // Task 0 solves the intact chain; task i the chain without solve_keys[i-1].
  std::vector<double> p(solve_keys.size() + 1, 0.0);
  std::vector<Status> status(p.size());
  BATON_RETURN_IF_ERROR(ParallelFor(p.size(), [&](size_t task) {
    std::vector<uint8_t> removed;
    if (task > 0) {
      removed.assign(chain.size, 0);
      for (uint32_t st : holding[solve_keys[task - 1]]) removed[st] = 1;
    }
    const std::vector<uint8_t>* drop = task == 0 ? nullptr : &removed;
    if (iterate) {
      std::vector<double> x;
      const double residual = GaussSeidel(rows, chain.r, drop, &x);
      if (norm_bound * residual <= kIterativeTolerance) {
        p[task] = x[0];
        return;
      }
    }
    Result<double> r = AbsorptionFromStart(chain, drop);
    if (r.ok())
      p[task] = *r;
    else
      status[task] = r.status();
  }));
  for (const Status& st : status) BATON_RETURN_IF_ERROR(st);
  s.p_conversion = p[0];
  std::fill(s.p_without.begin(), s.p_without.end(), p[0]);
  for (size_t i = 0; i < solve_keys.size(); ++i) {
    const size_t k = solve_keys[i];
    s.p_without[k] = p[i + 1];
    // Removing a key can only lower P; the clamp drops rounding noise.
    s.removal_effect[k] =
        p[0] > 0 ? std::clamp(1.0 - p[i + 1] / p[0], 0.0, 1.0) : 0.0;
  }
  return s;
}

Table MarkovTransitionTable(const TransitionCounts& counts,
                            const std::vector<std::string>& key_names) {
  Table table("markov_transitions");
  const size_t c_from = table.AddColumn("from", ColumnType::kString);
  const size_t c_to = table.AddColumn("to", ColumnType::kString);
  const size_t c_p = table.AddColumn("probability", ColumnType::kFloat64);
  if (counts.empty()) return table;
  const ChainIndex ix(counts);
  const uint64_t mask = StateMask(counts.order());
  // (from, rank of to) -> probability; absorbing states rank after the
  // transient ones, conversion before null.
  struct Row {
    uint32_t from;
    uint64_t to;
    double p;
  };
  std::vector<Row> rows;
  const uint64_t n = ix.states.size();
  counts.ForEach([&](const PairKey& k, double w) {
    const uint32_t from = *ix.index.Find(k.a);
    uint64_t to = k.b == kConversionOutcome ? n
                  : k.b == kNullOutcome
                      ? n + 1
                      : *ix.index.Find(Append(k.a, k.b, mask));
    rows.push_back({from, to, w / ix.totals[from]});
  });
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.from != b.from ? a.from < b.from : a.to < b.to;
  });
  for (const Row& r : rows) {
    table.AppendString(c_from, StateName(ix.states[r.from], key_names));
    table.AppendString(c_to, r.to == n ? std::string("(conversion)")
                             : r.to == n + 1
                                 ? std::string("(null)")
                                 : StateName(ix.states[r.to], key_names));
    table.AppendDouble(c_p, r.p);
  }
  return table;
}

double HeldOutLogLikelihood(const TransitionCounts& train,
                            const TransitionCounts& held_out, size_t num_keys) {
  FlatMap<uint64_t, double> totals;
  train.ForEach([&](const PairKey& k, double w) { totals[k.a] += w; });
  const double outcomes = static_cast<double>(num_keys) + 2;
  double ll = 0;
  held_out.ForEach([&](const PairKey& k, double w) {
    const double* n_s = totals.Find(k.a);
    ll += w * std::log((train.Weight(k) + 1) / ((n_s ? *n_s : 0.0) + outcomes));
  });
  return ll;
}

}  // namespace baton
