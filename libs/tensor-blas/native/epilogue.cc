// The fused tail of _FusedMatMul, in place on the product: C = act(C + bias), one pass over C.
// Formulas follow tfjs-backend-cpu's kernels exactly (including NaN passing through relu/relu6).
#include "epilogue.h"

#include <cmath>

#include "args.h"

namespace tb {

template <int kAct>
static inline float Apply(float x, float alpha, float preluAlpha) {
  switch (kAct) {
    case kRelu: return x < 0.0f ? 0.0f : x;
    case kRelu6: return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
    case kElu: return x >= 0.0f ? x : static_cast<float>(std::exp(static_cast<double>(x)) - 1.0);  // as tfjs: exp(x)-1 in double
    case kLeakyRelu: return x < 0.0f ? alpha * x : x;
    case kPrelu: return x < 0.0f ? preluAlpha * x : x;
    case kSigmoid: return 1.0f / (1.0f + std::exp(-x));
    default: return x;
  }
}

// Bias and prelu weights each have length 0 (absent), 1 (scalar) or cols (one per output column).
template <int kAct>
static void Run(float* c, int64_t rows, int64_t cols, const F32& bias, float alpha, const F32& prelu) {
  for (int64_t i = 0; i < rows; i++) {
    float* row = c + i * cols;
    for (int64_t j = 0; j < cols; j++) {
      float x = row[j];
      if (bias.length == 1) x += bias.data[0];
      else if (bias.length) x += bias.data[j];
      const float pa = prelu.length == 1 ? prelu.data[0] : (prelu.length ? prelu.data[j] : 0.0f);
      row[j] = Apply<kAct>(x, alpha, pa);
    }
  }
}

// biasActivation(C, cols, bias | null, activation, leakyAlpha, preluWeights | null)
Napi::Value BiasActivation(const Napi::CallbackInfo& info) {
  const char* fn = "biasActivation";
  if (info.Length() != 6) throw Napi::TypeError::New(info.Env(), "biasActivation: expected 6 arguments");
  const F32 c = Floats(info, 0, fn, "C");
  const int64_t cols = Dim(info, 1, fn, "cols");
  const F32 bias = Floats(info, 2, fn, "bias", true);
  const int64_t act = Dim(info, 3, fn, "activation");
  const float alpha = static_cast<float>(Num(info, 4, fn, "leakyAlpha"));
  const F32 prelu = Floats(info, 5, fn, "preluWeights", true);
  if (cols == 0 || c.length == 0) return info.Env().Undefined();
  Require(info, c.length % cols == 0, "biasActivation: C length " + std::to_string(c.length) + " is not a multiple of cols=" + std::to_string(cols));
  Require(info, bias.length <= 1 || static_cast<int64_t>(bias.length) == cols, "biasActivation: bias length must be 0, 1 or cols");
  Require(info, prelu.length <= 1 || static_cast<int64_t>(prelu.length) == cols, "biasActivation: prelu weights length must be 0, 1 or cols");
  Require(info, act != kPrelu || prelu.length > 0, "biasActivation: prelu needs weights");
  const int64_t rows = static_cast<int64_t>(c.length) / cols;
  switch (act) {
    case kLinear: Run<kLinear>(c.data, rows, cols, bias, alpha, prelu); break;
    case kRelu: Run<kRelu>(c.data, rows, cols, bias, alpha, prelu); break;
    case kRelu6: Run<kRelu6>(c.data, rows, cols, bias, alpha, prelu); break;
    case kElu: Run<kElu>(c.data, rows, cols, bias, alpha, prelu); break;
    case kLeakyRelu: Run<kLeakyRelu>(c.data, rows, cols, bias, alpha, prelu); break;
    case kPrelu: Run<kPrelu>(c.data, rows, cols, bias, alpha, prelu); break;
    case kSigmoid: Run<kSigmoid>(c.data, rows, cols, bias, alpha, prelu); break;
    default: throw Napi::RangeError::New(info.Env(), "biasActivation: unknown activation code " + std::to_string(act));
  }
  return info.Env().Undefined();
}

}  // namespace tb
