// Gather-sum of rows, bias, relu and a small linear layer, for each item t < n:
//   pre = bias + Σ_{j<k} rows[off[t·k + j] .. + H]   (k row runs of H floats, anywhere in `rows`)
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

// a · b with two 8-lane partial sums (a strict-FP compiler will not vectorise the plain reduction loop).
static inline __attribute__((always_inline)) float Dot(const float* __restrict a, const float* __restrict b, int64_t n) {
  V8 s0 = {}, s1 = {};
  int64_t h = 0;
  for (; h + 16 <= n; h += 16) {
    s0 += Load8(a + h) * Load8(b + h);
    s1 += Load8(a + h + 8) * Load8(b + h + 8);
  }
  for (; h + 8 <= n; h += 8) s0 += Load8(a + h) * Load8(b + h);
  const V8 s = s0 + s1;
  float d = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
  for (; h < n; h++) d += a[h] * b[h];
  return d;
}

// Inlined into each clone below, so each gets its own instruction selection.
static inline __attribute__((always_inline)) void GatherSumReluLinearItems(const float* __restrict rows, const int32_t* __restrict off, int64_t n, int64_t k,
                               int64_t H, const float* __restrict bias, const float* __restrict wt,
                               const float* __restrict outBias, int64_t C, float* __restrict out, float* __restrict acc) {
  for (int64_t t = 0; t < n; t++) {
    const int32_t* o = off + t * k;
    // An item's k runs of H floats are scattered, mostly outside the caches: ask for the runs of the item four
    // ahead now, so their misses overlap this item's arithmetic.
    if (t + 4 < n) {
      const int32_t* ahead = off + (t + 4) * k;
      for (int64_t p = 0; p < k; p++) {
        for (int64_t h = 0; h < H; h += 16) __builtin_prefetch(rows + ahead[p] + h, 0, 1);
      }
    }
    // Written in V8 ops: GCC does not vectorise the plain loops here (it cannot prove acc and the rows apart).
    int64_t h = 0;
    for (; h + 8 <= H; h += 8) {
      V8 v = Load8(bias + h);
      for (int64_t p = 0; p < k; p++) v += Load8(rows + o[p] + h);
      const V8 zero = {};
      v = v > zero ? v : zero;
      std::memcpy(acc + h, &v, sizeof v);
    }
    for (; h < H; h++) {
      float v = bias[h];
      for (int64_t p = 0; p < k; p++) v += rows[o[p] + h];
      acc[h] = v > 0.0f ? v : 0.0f;
    }
    float* s = out + t * C;
    for (int64_t c = 0; c < C; c++) s[c] = Dot(acc, wt + c * H, H) + outBias[c];
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TB_HAVE_AVX2_CLONE 1
__attribute__((target("avx2,fma"))) static void GatherSumReluLinearAvx2(const float* rows, const int32_t* off, int64_t n, int64_t k,
                                                         int64_t H, const float* bias, const float* wt, const float* outBias,
                                                         int64_t C, float* out, float* acc) {
  GatherSumReluLinearItems(rows, off, n, k, H, bias, wt, outBias, C, out, acc);
}
#endif

static void GatherSumReluLinearBase(const float* rows, const int32_t* off, int64_t n, int64_t k, int64_t H, const float* bias,
                      const float* wt, const float* outBias, int64_t C, float* out, float* acc) {
  GatherSumReluLinearItems(rows, off, n, k, H, bias, wt, outBias, C, out, acc);
}

// gatherSumReluLinear(rows, offsets, n, k, H, bias, wt, outBias, C, out): see the top of this file.
// offsets holds n * k float offsets into rows (each must leave room for H floats); wt is C x H row-major.
Napi::Value GatherSumReluLinear(const Napi::CallbackInfo& info) {
  const char* fn = "gatherSumReluLinear";
  if (info.Length() != 10) throw Napi::TypeError::New(info.Env(), "gatherSumReluLinear: expected 10 arguments");
  const F32 rows = Floats(info, 0, fn, "rows");
  const I32 off = Ints(info, 1, fn, "offsets");
  const int64_t n = Dim(info, 2, fn, "n"), k = Dim(info, 3, fn, "k"), H = Dim(info, 4, fn, "H");
  const F32 bias = Floats(info, 5, fn, "bias"), wt = Floats(info, 6, fn, "wt"), outBias = Floats(info, 7, fn, "outBias");
  const int64_t C = Dim(info, 8, fn, "C");
  const F32 out = Floats(info, 9, fn, "out");
  Require(info, static_cast<int64_t>(off.length) >= n * k, "gatherSumReluLinear: offsets has " + std::to_string(off.length) + " values, n * k = " + std::to_string(n * k));
  Require(info, static_cast<int64_t>(bias.length) >= H, "gatherSumReluLinear: bias shorter than H");
  Require(info, static_cast<int64_t>(wt.length) >= C * H, "gatherSumReluLinear: wt shorter than C * H");
  Require(info, static_cast<int64_t>(outBias.length) >= C, "gatherSumReluLinear: outBias shorter than C");
  Require(info, static_cast<int64_t>(out.length) >= n * C, "gatherSumReluLinear: out shorter than n * C");
  for (int64_t i = 0; i < n * k; i++) {
    if (off.data[i] < 0 || static_cast<int64_t>(off.data[i]) + H > static_cast<int64_t>(rows.length)) {
      Require(info, false, "gatherSumReluLinear: offset " + std::to_string(off.data[i]) + " at " + std::to_string(i) + " leaves no room for H floats in rows");
    }
  }
  std::vector<float> acc(static_cast<size_t>(H));
#ifdef TB_HAVE_AVX2_CLONE
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (avx2) {
    GatherSumReluLinearAvx2(rows.data, off.data, n, k, H, bias.data, wt.data, outBias.data, C, out.data, acc.data());
    return info.Env().Undefined();
  }
#endif
  GatherSumReluLinearBase(rows.data, off.data, n, k, H, bias.data, wt.data, outBias.data, C, out.data, acc.data());
  return info.Env().Undefined();
}

}  // namespace tb
