// Optimizer updates on host arrays: the element-wise loops of an optimizer step, which in JS cost ~4 ns a value
// (double-precision sqrt and divide) and were the largest non-matMul cost of a training step. Here they are
// float loops the compiler vectorises (built with -fno-math-errno so sqrtf needs no errno path).
#include "optim.h"

#include <cmath>
#include <string>

#include "args.h"

namespace tb {

static inline void AdamRun(float* __restrict w, const float* __restrict g, float* __restrict m, float* __restrict v,
                           int64_t len, float scale, float l2, float b1, float b2, float eps, float a) {
  const float c1 = 1.0f - b1, c2 = 1.0f - b2;
  for (int64_t i = 0; i < len; i++) {
    const float gi = g[i] * scale + l2 * w[i];
    const float mi = b1 * m[i] + c1 * gi;
    const float vi = b2 * v[i] + c2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] -= (a * mi) / (std::sqrt(vi) + eps);
  }
}

// adamUpdate(w, g, m, v, rows, dim, scale, l2, beta1, beta2, eps, a): one Adam step, in place on w, m, v.
//   rows null:  every value, g[i] for w[i] (all four arrays the same length).
//   rows given: row-sparse, row r of g (dim values) updates row rows[r] of w/m/v (lazy moments).
// g is scaled by `scale` (gradient clipping) and gets l2 * w added; a = lr * sqrt(1 - beta2^t) / (1 - beta1^t).
Napi::Value AdamUpdate(const Napi::CallbackInfo& info) {
  const char* fn = "adamUpdate";
  if (info.Length() != 12) throw Napi::TypeError::New(info.Env(), "adamUpdate: expected 12 arguments");
  const F32 w = Floats(info, 0, fn, "w"), g = Floats(info, 1, fn, "g"), m = Floats(info, 2, fn, "m"), v = Floats(info, 3, fn, "v");
  const bool sparse = !(info[4].IsNull() || info[4].IsUndefined());
  const I32 rows = sparse ? Ints(info, 4, fn, "rows") : I32{};
  const int64_t dim = Dim(info, 5, fn, "dim");
  const float scale = static_cast<float>(Num(info, 6, fn, "scale")), l2 = static_cast<float>(Num(info, 7, fn, "l2"));
  const float b1 = static_cast<float>(Num(info, 8, fn, "beta1")), b2 = static_cast<float>(Num(info, 9, fn, "beta2"));
  const float eps = static_cast<float>(Num(info, 10, fn, "eps")), a = static_cast<float>(Num(info, 11, fn, "a"));
  Require(info, m.length == w.length && v.length == w.length, "adamUpdate: m and v must have w's length " + std::to_string(w.length));
  if (!sparse) {
    Require(info, g.length == w.length, "adamUpdate: g length " + std::to_string(g.length) + " != w length " + std::to_string(w.length));
    AdamRun(w.data, g.data, m.data, v.data, static_cast<int64_t>(w.length), scale, l2, b1, b2, eps, a);
    return info.Env().Undefined();
  }
  Require(info, dim > 0 && w.length % dim == 0, "adamUpdate: dim " + std::to_string(dim) + " must divide w length " + std::to_string(w.length));
  Require(info, g.length >= rows.length * dim, "adamUpdate: g has " + std::to_string(g.length) + " values, rows need " + std::to_string(rows.length * dim));
  const int64_t tableRows = static_cast<int64_t>(w.length) / dim;
  for (size_t r = 0; r < rows.length; r++) {
    Require(info, rows.data[r] >= 0 && rows.data[r] < tableRows, "adamUpdate: row " + std::to_string(rows.data[r]) + " outside [0, " + std::to_string(tableRows) + ")");
  }
  for (size_t r = 0; r < rows.length; r++) {
    const int64_t o = static_cast<int64_t>(rows.data[r]) * dim;
    AdamRun(w.data + o, g.data + r * dim, m.data + o, v.data + o, dim, scale, l2, b1, b2, eps, a);
  }
  return info.Env().Undefined();
}

}  // namespace tb
