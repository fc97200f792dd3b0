// A linear-chain CRF's per-sentence algorithms over a whole tagging batch (one call, not one per sentence: the
// N-API call and its argument checks cost as much as a short sentence's work), with the contracts of libs/nn's
// crf/viterbi.ts and crf/marginals.ts, which keep them in JS for the other backends (nn's crfViterbiBatch and
// crfConfidenceBatch call these when the native backend is on).
// Scores e [n x L] float32, transitions T [(L + 2) x L] float64: T[i·L + j] scores tag i then tag j, row L the
// start and row L + 1 the end score of each tag; −Infinity forbids a pair. All sums in double.
// In JS the two cost ~0.3 and ~0.45 µs a token (9 tags): V8 neither keeps L in a register-friendly constant nor
// overlaps the short dependent sums, while softmax's whole decode costs ~0.35 µs a token.
#include "crf.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "args.h"

namespace tb {

// Messages are built only on failure: a tagger calls these once per sentence, and building the strings cost more
// than a short sentence's work.
static void CheckShape(const Napi::CallbackInfo& info, const char* fn, const F32& e, int64_t n, int64_t L, size_t tLength) {
  if (L < 1) Require(info, false, std::string(fn) + ": L must be >= 1");
  if (static_cast<int64_t>(e.length) < n * L) Require(info, false, std::string(fn) + ": e holds " + std::to_string(e.length) + " scores, need n x L = " + std::to_string(n * L));
  if (static_cast<int64_t>(tLength) != (L + 2) * L) Require(info, false, std::string(fn) + ": T holds " + std::to_string(tLength) + " scores, need (L + 2) x L = " + std::to_string((L + 2) * L));
}

// Best path of one sequence into out[0..n); returns its score. Ties go to the lower tag (as crf/viterbi.ts).
static double Viterbi(const float* x, int64_t n, int64_t L, const double* t, int32_t* out, std::vector<double>& cols, std::vector<int32_t>& back) {
  if (n == 0) return 0;
  cols.resize(2 * L);
  if (back.size() < static_cast<size_t>(n * L)) back.resize(n * L);
  double* prev = cols.data();
  double* cur = prev + L;
  for (int64_t j = 0; j < L; j++) prev[j] = t[L * L + j] + x[j];
  for (int64_t p = 1; p < n; p++) {
    // Selects instead of jumps: which predecessor wins is data-dependent, and the mispredicted branches of the
    // first version cost ~25% of the decode (swapping the loops to vectorise over labels was slower still). Ties
    // keep the first predecessor. A forbidden transition (−inf) never wins; where none is allowed the score stays
    // −inf and its back pointer (0) is never followed.
    for (int64_t j = 0; j < L; j++) {
      double best = -INFINITY;
      int32_t arg = 0;
      for (int64_t i = 0; i < L; i++) {
        const double s = prev[i] + t[i * L + j];
        const bool better = s > best;
        best = better ? s : best;
        arg = better ? static_cast<int32_t>(i) : arg;
      }
      cur[j] = best + x[p * L + j];
      back[p * L + j] = arg;
    }
    std::swap(prev, cur);
  }
  int64_t j = 0;
  double best = -INFINITY;
  for (int64_t k = 0; k < L; k++) {
    const double s = prev[k] + t[(L + 1) * L + k];
    if (s > best) {
      best = s;
      j = k;
    }
  }
  for (int64_t p = n - 1; p >= 0; p--) {
    out[p] = static_cast<int32_t>(j);
    if (p > 0) j = back[p * L + j];
  }
  return best;
}

// Scaled forward-backward (crf/marginals.ts): false when a scale leaves [1e-280, 1e280] or a result is not finite.
static bool Scaled(const float* x, int64_t n, int64_t L, const double* X, const int32_t* tags, float* out, double* logZ,
                   std::vector<double>& alpha, std::vector<double>& psi, std::vector<double>& scale, std::vector<double>& cols) {
  const double TINY = 1e-280, HUGE_ = 1e280;
  double lz = 0;
  for (int64_t p = 0; p < n; p++) {
    const float* row = x + p * L;
    double m = -INFINITY;
    for (int64_t j = 0; j < L; j++) m = row[j] > m ? row[j] : m;
    if (!(m > -INFINITY && m < INFINITY)) return false;
    for (int64_t j = 0; j < L; j++) psi[p * L + j] = std::exp(row[j] - m);
    lz += m;
  }
  double c = 0;
  for (int64_t j = 0; j < L; j++) c += alpha[j] = X[L * L + j] * psi[j];
  for (int64_t p = 0;; p++) {
    if (!(c > TINY && c < HUGE_)) return false;
    double* a = alpha.data() + p * L;
    const double inv = 1 / c;
    for (int64_t j = 0; j < L; j++) a[j] *= inv;
    scale[p] = c;
    lz += std::log(c);
    if (p == n - 1) break;
    c = 0;
    for (int64_t j = 0; j < L; j++) {
      double z = 0;
      for (int64_t i = 0; i < L; i++) z += a[i] * X[i * L + j];
      c += a[L + j] = z * psi[(p + 1) * L + j];
    }
  }
  double z = 0;
  const double* last = alpha.data() + (n - 1) * L;
  for (int64_t j = 0; j < L; j++) z += last[j] * X[(L + 1) * L + j];
  if (!(z > TINY && z < HUGE_)) return false;
  *logZ = lz + std::log(z);
  double* next = cols.data();
  double* cur = next + L;
  for (int64_t i = 0; i < L; i++) next[i] = X[(L + 1) * L + i];
  const double invZ = 1 / z;
  for (int64_t p = n - 1;; p--) {
    const double q = alpha[p * L + tags[p]] * next[tags[p]] * invZ;
    if (!(q < 2)) return false;
    out[p] = static_cast<float>(q);
    if (p == 0) break;
    const double inv = 1 / scale[p];
    for (int64_t j = 0; j < L; j++) next[j] *= psi[p * L + j] * inv;
    for (int64_t i = 0; i < L; i++) {
      double b = 0;
      for (int64_t j = 0; j < L; j++) b += X[i * L + j] * next[j];
      cur[i] = b;
    }
    std::swap(next, cur);
  }
  return true;
}

static double LogSumExp(const double* v, int64_t L) {
  double m = -INFINITY;
  for (int64_t i = 0; i < L; i++) m = v[i] > m ? v[i] : m;
  if (m == -INFINITY) return m;
  double s = 0;
  for (int64_t i = 0; i < L; i++) s += std::exp(v[i] - m);
  return m + std::log(s);
}

// The same in log space (L² exps a position), for the sequences scaling cannot take.
static double LogSpace(const float* x, int64_t n, int64_t L, const double* T, const int32_t* tags, float* out,
                       std::vector<double>& alpha, std::vector<double>& beta, std::vector<double>& cols) {
  double* v = cols.data();
  for (int64_t j = 0; j < L; j++) alpha[j] = T[L * L + j] + x[j];
  for (int64_t p = 1; p < n; p++) {
    for (int64_t j = 0; j < L; j++) {
      for (int64_t i = 0; i < L; i++) v[i] = alpha[(p - 1) * L + i] + T[i * L + j];
      alpha[p * L + j] = LogSumExp(v, L) + x[p * L + j];
    }
  }
  for (int64_t i = 0; i < L; i++) beta[(n - 1) * L + i] = T[(L + 1) * L + i];
  for (int64_t p = n - 2; p >= 0; p--) {
    for (int64_t i = 0; i < L; i++) {
      for (int64_t j = 0; j < L; j++) v[j] = T[i * L + j] + x[(p + 1) * L + j] + beta[(p + 1) * L + j];
      beta[p * L + i] = LogSumExp(v, L);
    }
  }
  for (int64_t j = 0; j < L; j++) v[j] = alpha[(n - 1) * L + j] + T[(L + 1) * L + j];
  const double logZ = LogSumExp(v, L);
  for (int64_t p = 0; p < n; p++) out[p] = static_cast<float>(std::exp(alpha[p * L + tags[p]] + beta[p * L + tags[p]] - logZ));
  return logZ;
}

// crfViterbiBatch(e, starts, L, T, out): each sequence's best path into out (one tag per row).
Napi::Value CrfViterbiBatch(const Napi::CallbackInfo& info) {
  const char* fn = "crfViterbiBatch";
  if (info.Length() != 5) throw Napi::TypeError::New(info.Env(), "crfViterbiBatch: expected (e, starts, L, T, out)");
  const F32 e = Floats(info, 0, fn, "e");
  const I32 starts = Ints(info, 1, fn, "starts");
  const int64_t L = Dim(info, 2, fn, "L");
  const F64 T = Doubles(info, 3, fn, "T");
  size_t outLength = 0;
  int32_t* out = IntsOut(info, 4, fn, "out", &outLength);
  const int64_t rows = L > 0 ? static_cast<int64_t>(e.length) / L : 0;
  CheckShape(info, fn, e, rows, L, T.length);
  CheckStarts(info, fn, starts, std::min<int64_t>(rows, static_cast<int64_t>(outLength)), "rows");
  thread_local std::vector<double> cols;
  thread_local std::vector<int32_t> back;
  for (size_t s = 0; s + 1 < starts.length; s++) {
    const int64_t a = starts.data[s];
    Viterbi(e.data + a * L, starts.data[s + 1] - a, L, T.data, out + a, cols, back);
  }
  return info.Env().Undefined();
}

// crfMarginalsBatch(e, starts, L, T, expT, tags, out): out[r] = p(y_r = tags[r] | its sequence) for every row.
Napi::Value CrfMarginalsBatch(const Napi::CallbackInfo& info) {
  const char* fn = "crfMarginalsBatch";
  if (info.Length() != 7) throw Napi::TypeError::New(info.Env(), "crfMarginalsBatch: expected (e, starts, L, T, expT, tags, out)");
  const F32 e = Floats(info, 0, fn, "e");
  const I32 starts = Ints(info, 1, fn, "starts");
  const int64_t L = Dim(info, 2, fn, "L");
  const F64 T = Doubles(info, 3, fn, "T");
  const F64 X = Doubles(info, 4, fn, "expT");
  const I32 tags = Ints(info, 5, fn, "tags");
  const F32 out = Floats(info, 6, fn, "out");
  const int64_t rows = L > 0 ? static_cast<int64_t>(e.length) / L : 0;
  CheckShape(info, fn, e, rows, L, T.length);
  if (X.length != T.length) Require(info, false, "crfMarginalsBatch: expT must match T's length");
  CheckStarts(info, fn, starts, std::min<int64_t>(rows, std::min<int64_t>(static_cast<int64_t>(tags.length), static_cast<int64_t>(out.length))), "rows");
  const int64_t used = starts.data[starts.length - 1];
  for (int64_t r = 0; r < used; r++) {
    if (tags.data[r] < 0 || tags.data[r] >= L) Require(info, false, "crfMarginalsBatch: tags[" + std::to_string(r) + "] is outside [0, L)");
  }
  thread_local std::vector<double> alpha, psi, scale, cols;
  for (size_t s = 0; s + 1 < starts.length; s++) {
    const int64_t a = starts.data[s];
    const int64_t n = starts.data[s + 1] - a;
    if (n == 0) continue;
    if (alpha.size() < static_cast<size_t>(n * L)) {
      alpha.resize(n * L);
      psi.resize(n * L);
    }
    if (scale.size() < static_cast<size_t>(n)) scale.resize(n);
    cols.resize(2 * L);
    double logZ = 0;
    const float* x = e.data + a * L;
    if (!Scaled(x, n, L, X.data, tags.data + a, out.data + a, &logZ, alpha, psi, scale, cols)) {
      LogSpace(x, n, L, T.data, tags.data + a, out.data + a, alpha, psi, cols);
    }
  }
  return info.Env().Undefined();
}

}  // namespace tb
