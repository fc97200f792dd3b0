// Gather-sum of rows, bias, relu and a small linear layer, for each item t < n:
//   pre = bias + Σ_{j<k} rows[off[t·k + j] .. + H]   (k row runs of H floats, anywhere in `rows`)
// or, given `starts` (n + 1 values), a run count per item: item t sums runs off[starts[t] .. starts[t + 1]).
//   a = relu(pre);  out[t, c] = Σ_h a[h] · wt[c, h] + outBias[c]
// (A one-hidden-layer network whose first-layer products were cached per input part computes exactly this.)
// It is memory-bound on the rows and FMA-bound on the output product, so it is compiled twice — a baseline and an
// AVX2+FMA clone picked at run time where the CPU has them — instead of once for the oldest x86-64.
#include "gather-sum-relu-linear.h"

#include <cstring>
#include <string>
#include <vector>

#include "args.h"

namespace tb {

// Every helper is always_inline, so no V8 value crosses a call (the ABI note GCC warns about cannot apply).
#pragma GCC diagnostic ignored "-Wpsabi"
// 8 floats; GCC/Clang lower it to one AVX register in the AVX2 clone and to two SSE registers in the baseline.
typedef float V8 __attribute__((vector_size(32)));

static inline __attribute__((always_inline)) V8 Load8(const float* p) {
  V8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

#ifndef PREFETCH
#define PREFETCH 4
#endif
static inline __attribute__((always_inline)) void Store8(float* p, V8 v) { std::memcpy(p, &v, sizeof v); }

// acc[h] = src[h] + Σ_{j<N} rows[o[j] + h], relu'd when Relu; N is a constant, so the N run pointers stay in
// registers and the inner sum unrolls (a run-time count reloaded the pointers for every 8 floats).
template <int N, bool Relu>
static inline __attribute__((always_inline)) void SumRuns(float* __restrict acc, const float* src, const float* __restrict rows,
                                                          const int32_t* __restrict o, int64_t H) {
  const float* r[N > 0 ? N : 1];
  for (int j = 0; j < N; j++) r[j] = rows + o[j];
  const V8 zero = {};
  int64_t h = 0;
  for (; h + 8 <= H; h += 8) {
    V8 v = Load8(src + h);
    for (int j = 0; j < N; j++) v += Load8(r[j] + h);
    if (Relu) v = v > zero ? v : zero;
    Store8(acc + h, v);
  }
  for (; h < H; h++) {
    float v = src[h];
    for (int j = 0; j < N; j++) v += r[j][h];
    acc[h] = Relu ? (v > 0.0f ? v : 0.0f) : v;
  }
}

// Up to kRunsPerPass runs per pass over acc; the last pass applies the relu.
constexpr int64_t kRunsPerPass = 5;

static inline __attribute__((always_inline)) void SumAllRuns(float* __restrict acc, const float* __restrict bias, const float* __restrict rows,
                                                             const int32_t* __restrict o, int64_t k, int64_t H) {
  const float* src = bias;
  for (int64_t p = 0; p < k || p == 0; p += kRunsPerPass) {
    const int64_t left = k - p;
    const bool last = left <= kRunsPerPass;
    switch (last ? left : kRunsPerPass) {
      case 0: SumRuns<0, true>(acc, src, rows, o + p, H); break;
      case 1: last ? SumRuns<1, true>(acc, src, rows, o + p, H) : SumRuns<1, false>(acc, src, rows, o + p, H); break;
      case 2: last ? SumRuns<2, true>(acc, src, rows, o + p, H) : SumRuns<2, false>(acc, src, rows, o + p, H); break;
      case 3: last ? SumRuns<3, true>(acc, src, rows, o + p, H) : SumRuns<3, false>(acc, src, rows, o + p, H); break;
      case 4: last ? SumRuns<4, true>(acc, src, rows, o + p, H) : SumRuns<4, false>(acc, src, rows, o + p, H); break;
      default: last ? SumRuns<5, true>(acc, src, rows, o + p, H) : SumRuns<5, false>(acc, src, rows, o + p, H); break;
    }
    src = acc;
  }
}

// s[j] = a · wt[j] + outBias[j] for G classes at once: G independent FMA chains share each load of a (one chain
// per class left the FMA unit waiting on its latency).
template <int G>
static inline __attribute__((always_inline)) void DotGroup(const float* __restrict a, const float* __restrict wt, const float* __restrict outBias,
                                                           int64_t H, float* __restrict s) {
  V8 sum[G] = {};
  int64_t h = 0;
  for (; h + 8 <= H; h += 8) {
    const V8 x = Load8(a + h);
    for (int j = 0; j < G; j++) sum[j] += x * Load8(wt + j * H + h);
  }
  for (int j = 0; j < G; j++) {
    const V8 v = sum[j];
    float d = ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
    for (int64_t t = h; t < H; t++) d += a[t] * wt[j * H + t];
    s[j] = d + outBias[j];
  }
}

// out[c] for every class, in groups of at most 8 of about equal size (9 classes: 5 + 4, not 8 + 1).
static inline __attribute__((always_inline)) void OutputLayer(const float* __restrict a, const float* __restrict wt, const float* __restrict outBias,
                                                              int64_t H, int64_t C, float* __restrict s) {
  const int64_t groups = (C + 7) / 8;
  const int64_t size = (C + groups - 1) / groups;
  for (int64_t c = 0; c < C; c += size) {
    const int64_t g = C - c < size ? C - c : size;
    const float* w = wt + c * H;
    switch (g) {
      case 1: DotGroup<1>(a, w, outBias + c, H, s + c); break;
      case 2: DotGroup<2>(a, w, outBias + c, H, s + c); break;
      case 3: DotGroup<3>(a, w, outBias + c, H, s + c); break;
      case 4: DotGroup<4>(a, w, outBias + c, H, s + c); break;
      case 5: DotGroup<5>(a, w, outBias + c, H, s + c); break;
      case 6: DotGroup<6>(a, w, outBias + c, H, s + c); break;
      case 7: DotGroup<7>(a, w, outBias + c, H, s + c); break;
      default: DotGroup<8>(a, w, outBias + c, H, s + c); break;
    }
  }
}

// Inlined into each clone below, so each gets its own instruction selection.
static inline __attribute__((always_inline)) void GatherSumReluLinearItems(const float* __restrict rows, const int32_t* __restrict off,
                               const int32_t* __restrict starts, int64_t n, int64_t k,
                               int64_t H, const float* __restrict bias, const float* __restrict wt,
                               const float* __restrict outBias, int64_t C, float* __restrict out, float* __restrict acc) {
  for (int64_t t = 0; t < n; t++) {
    const int32_t* o = off + (starts ? starts[t] : t * k);
    const int64_t runs = starts ? starts[t + 1] - starts[t] : k;
    // An item's runs of H floats are scattered, mostly outside the caches: ask for the runs of the item four
    // ahead now, so their misses overlap this item's arithmetic.
    if (PREFETCH && t + PREFETCH < n) {
      const int64_t a = starts ? starts[t + PREFETCH] : (t + PREFETCH) * k;
      const int64_t b = starts ? starts[t + PREFETCH + 1] : a + k;
      for (int64_t p = a; p < b; p++) {
        for (int64_t h = 0; h < H; h += 16) __builtin_prefetch(rows + off[p] + h, 0, 1);
      }
    }
    SumAllRuns(acc, bias, rows, o, runs, H);
    OutputLayer(acc, wt, outBias, H, C, out + t * C);
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TB_HAVE_AVX2_CLONE 1
__attribute__((target("avx2,fma"))) static void GatherSumReluLinearAvx2(const float* rows, const int32_t* off, const int32_t* starts, int64_t n, int64_t k,
                                                         int64_t H, const float* bias, const float* wt, const float* outBias,
                                                         int64_t C, float* out, float* acc) {
  GatherSumReluLinearItems(rows, off, starts, n, k, H, bias, wt, outBias, C, out, acc);
}
#endif

static void GatherSumReluLinearBase(const float* rows, const int32_t* off, const int32_t* starts, int64_t n, int64_t k, int64_t H, const float* bias,
                      const float* wt, const float* outBias, int64_t C, float* out, float* acc) {
  GatherSumReluLinearItems(rows, off, starts, n, k, H, bias, wt, outBias, C, out, acc);
}

// gatherSumReluLinear(rows, offsets, n, k, H, bias, wt, outBias, C, out[, starts]): see the top of this file.
// offsets holds n * k float offsets into rows (each must leave room for H floats), or with starts (n + 1
// non-decreasing values) starts[n] of them; wt is C x H row-major.
Napi::Value GatherSumReluLinear(const Napi::CallbackInfo& info) {
  const char* fn = "gatherSumReluLinear";
  const bool ragged = info.Length() == 11 && !info[10].IsUndefined();
  if (info.Length() != 10 && info.Length() != 11) throw Napi::TypeError::New(info.Env(), "gatherSumReluLinear: expected 10 or 11 arguments");
  const F32 rows = Floats(info, 0, fn, "rows");
  const I32 off = Ints(info, 1, fn, "offsets");
  const int64_t n = Dim(info, 2, fn, "n"), k = Dim(info, 3, fn, "k"), H = Dim(info, 4, fn, "H");
  const F32 bias = Floats(info, 5, fn, "bias"), wt = Floats(info, 6, fn, "wt"), outBias = Floats(info, 7, fn, "outBias");
  const int64_t C = Dim(info, 8, fn, "C");
  const F32 out = Floats(info, 9, fn, "out");
  I32 starts = {nullptr, 0};
  int64_t used = n * k;
  if (ragged) {
    starts = Ints(info, 10, fn, "starts");
    Require(info, static_cast<int64_t>(starts.length) >= n + 1, "gatherSumReluLinear: starts has " + std::to_string(starts.length) + " values, n + 1 = " + std::to_string(n + 1));
    CheckStarts(info, fn, I32{starts.data, static_cast<size_t>(n + 1)}, static_cast<int64_t>(off.length), "offsets");
    used = starts.data[n];
  }
  Require(info, static_cast<int64_t>(off.length) >= used, "gatherSumReluLinear: offsets has " + std::to_string(off.length) + " values, n * k = " + std::to_string(used));
  Require(info, static_cast<int64_t>(bias.length) >= H, "gatherSumReluLinear: bias shorter than H");
  Require(info, static_cast<int64_t>(wt.length) >= C * H, "gatherSumReluLinear: wt shorter than C * H");
  Require(info, static_cast<int64_t>(outBias.length) >= C, "gatherSumReluLinear: outBias shorter than C");
  Require(info, static_cast<int64_t>(out.length) >= n * C, "gatherSumReluLinear: out shorter than n * C");
  for (int64_t i = 0; i < used; i++) {
    if (off.data[i] < 0 || static_cast<int64_t>(off.data[i]) + H > static_cast<int64_t>(rows.length)) {
      Require(info, false, "gatherSumReluLinear: offset " + std::to_string(off.data[i]) + " at " + std::to_string(i) + " leaves no room for H floats in rows");
    }
  }
  std::vector<float> acc(static_cast<size_t>(H));
#ifdef TB_HAVE_AVX2_CLONE
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (avx2) {
    GatherSumReluLinearAvx2(rows.data, off.data, starts.data, n, k, H, bias.data, wt.data, outBias.data, C, out.data, acc.data());
    return info.Env().Undefined();
  }
#endif
  GatherSumReluLinearBase(rows.data, off.data, starts.data, n, k, H, bias.data, wt.data, outBias.data, C, out.data, acc.data());
  return info.Env().Undefined();
}

}  // namespace tb
