// The scorer of libs/ner's fast tagging path: for each token t,
//   pre = bias + Σ_p blocks[off[t, p] .. + H]   (the cached first-layer projections of the window's words)
//   a = relu(pre);  scores[t, c] = Σ_h a[h] · Ut[c, h] + outBias[c]
// It is memory-bound on the blocks and FMA-bound on the output layer, so it is compiled twice — a baseline and an
// AVX2+FMA clone picked at run time where the CPU has them — instead of once for the oldest x86-64.
#include "window-scores.h"

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
static inline __attribute__((always_inline)) void ScoreTokens(const float* __restrict blocks, const int32_t* __restrict off, int64_t n, int64_t width,
                               int64_t H, const float* __restrict bias, const float* __restrict ut,
                               const float* __restrict outBias, int64_t C, float* __restrict scores, float* __restrict acc) {
  for (int64_t t = 0; t < n; t++) {
    const int32_t* o = off + t * width;
    // The blocks of a token's window are 5 scattered runs of H floats, mostly outside the caches: ask for the
    // runs of a token four ahead now, so their misses overlap this token's arithmetic.
    if (t + 4 < n) {
      const int32_t* ahead = off + (t + 4) * width;
      for (int64_t p = 0; p < width; p++) {
        for (int64_t h = 0; h < H; h += 16) __builtin_prefetch(blocks + ahead[p] + h, 0, 1);
      }
    }
    // Written in V8 ops: GCC does not vectorise the plain loops here (it cannot prove acc and the blocks apart).
    int64_t h = 0;
    for (; h + 8 <= H; h += 8) {
      V8 v = Load8(bias + h);
      for (int64_t p = 0; p < width; p++) v += Load8(blocks + o[p] + h);
      const V8 zero = {};
      v = v > zero ? v : zero;
      std::memcpy(acc + h, &v, sizeof v);
    }
    for (; h < H; h++) {
      float v = bias[h];
      for (int64_t p = 0; p < width; p++) v += blocks[o[p] + h];
      acc[h] = v > 0.0f ? v : 0.0f;
    }
    float* s = scores + t * C;
    for (int64_t c = 0; c < C; c++) s[c] = Dot(acc, ut + c * H, H) + outBias[c];
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TB_HAVE_AVX2_CLONE 1
__attribute__((target("avx2,fma"))) static void ScoreAvx2(const float* blocks, const int32_t* off, int64_t n, int64_t width,
                                                         int64_t H, const float* bias, const float* ut, const float* outBias,
                                                         int64_t C, float* scores, float* acc) {
  ScoreTokens(blocks, off, n, width, H, bias, ut, outBias, C, scores, acc);
}
#endif

static void ScoreBase(const float* blocks, const int32_t* off, int64_t n, int64_t width, int64_t H, const float* bias,
                      const float* ut, const float* outBias, int64_t C, float* scores, float* acc) {
  ScoreTokens(blocks, off, n, width, H, bias, ut, outBias, C, scores, acc);
}

// windowScores(blocks, offsets, n, width, H, bias, ut, outBias, C, scores): see the top of this file.
// offsets holds n * width float offsets into blocks (each must leave room for H floats); ut is C x H row-major.
Napi::Value WindowScores(const Napi::CallbackInfo& info) {
  const char* fn = "windowScores";
  if (info.Length() != 10) throw Napi::TypeError::New(info.Env(), "windowScores: expected 10 arguments");
  const F32 blocks = Floats(info, 0, fn, "blocks");
  const I32 off = Ints(info, 1, fn, "offsets");
  const int64_t n = Dim(info, 2, fn, "n"), width = Dim(info, 3, fn, "width"), H = Dim(info, 4, fn, "H");
  const F32 bias = Floats(info, 5, fn, "bias"), ut = Floats(info, 6, fn, "ut"), outBias = Floats(info, 7, fn, "outBias");
  const int64_t C = Dim(info, 8, fn, "C");
  const F32 scores = Floats(info, 9, fn, "scores");
  Require(info, static_cast<int64_t>(off.length) >= n * width, "windowScores: offsets has " + std::to_string(off.length) + " values, n * width = " + std::to_string(n * width));
  Require(info, static_cast<int64_t>(bias.length) >= H, "windowScores: bias shorter than H");
  Require(info, static_cast<int64_t>(ut.length) >= C * H, "windowScores: ut shorter than C * H");
  Require(info, static_cast<int64_t>(outBias.length) >= C, "windowScores: outBias shorter than C");
  Require(info, static_cast<int64_t>(scores.length) >= n * C, "windowScores: scores shorter than n * C");
  for (int64_t i = 0; i < n * width; i++) {
    if (off.data[i] < 0 || static_cast<int64_t>(off.data[i]) + H > static_cast<int64_t>(blocks.length)) {
      Require(info, false, "windowScores: offset " + std::to_string(off.data[i]) + " at " + std::to_string(i) + " leaves no room for H floats in blocks");
    }
  }
  std::vector<float> acc(static_cast<size_t>(H));
#ifdef TB_HAVE_AVX2_CLONE
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (avx2) {
    ScoreAvx2(blocks.data, off.data, n, width, H, bias.data, ut.data, outBias.data, C, scores.data, acc.data());
    return info.Env().Undefined();
  }
#endif
  ScoreBase(blocks.data, off.data, n, width, H, bias.data, ut.data, outBias.data, C, scores.data, acc.data());
  return info.Env().Undefined();
}

}  // namespace tb
