// Memory-bound kernels that the profile of a Dense training step showed to dominate once matMul is native.
#include "elementwise.h"

#include <cmath>
#include <vector>

#include "args.h"

namespace tb {

// reduceSum(x, outer, reduced, inner, out): x viewed as [outer, reduced, inner], out[o, i] = sum_r x[o, r, i].
// Accumulates in double, as tfjs's cpu Sum does (its sum is a JS number), so cancellation does not lose precision.
Napi::Value ReduceSum(const Napi::CallbackInfo& info) {
  const char* fn = "reduceSum";
  if (info.Length() != 5) throw Napi::TypeError::New(info.Env(), "reduceSum: expected 5 arguments");
  const F32 x = Floats(info, 0, fn, "x");
  const int64_t outer = Dim(info, 1, fn, "outer"), reduced = Dim(info, 2, fn, "reduced"), inner = Dim(info, 3, fn, "inner");
  const F32 out = Floats(info, 4, fn, "out");
  Require(info, outer * reduced * inner == static_cast<int64_t>(x.length), "reduceSum: x length " + std::to_string(x.length) + " != outer*reduced*inner");
  Require(info, outer * inner == static_cast<int64_t>(out.length), "reduceSum: out length " + std::to_string(out.length) + " != outer*inner");
  if (inner == 1) {
    for (int64_t o = 0; o < outer; o++) {
      const float* p = x.data + o * reduced;
      double s = 0.0;
      for (int64_t r = 0; r < reduced; r++) s += p[r];
      out.data[o] = static_cast<float>(s);
    }
    return info.Env().Undefined();
  }
  std::vector<double> acc(static_cast<size_t>(inner));
  for (int64_t o = 0; o < outer; o++) {
    std::fill(acc.begin(), acc.end(), 0.0);
    const float* base = x.data + o * reduced * inner;
    for (int64_t r = 0; r < reduced; r++) {
      const float* row = base + r * inner;
      for (int64_t i = 0; i < inner; i++) acc[i] += row[i];
    }
    float* dst = out.data + o * inner;
    for (int64_t i = 0; i < inner; i++) dst[i] = static_cast<float>(acc[i]);
  }
  return info.Env().Undefined();
}

// tanh through expf: glibc's tanhf costs ~20 ns; this is ~2 ns and within 1e-6 relative of Math.tanh.
// |x| < 1/16: odd Taylor series (error < 1e-12 there); elsewhere 1 - 2/(e^{2x}+1), which saturates to ±1 for
// large |x| (expf overflow to inf gives 1; underflow to 0 gives -1) and passes NaN through.
static inline float FastTanh(float x) {
  if (std::fabs(x) < 0.0625f) {
    const float x2 = x * x;
    return x * (1.0f + x2 * (-1.0f / 3.0f + x2 * (2.0f / 15.0f + x2 * (-17.0f / 315.0f))));
  }
  return 1.0f - 2.0f / (std::exp(2.0f * x) + 1.0f);
}

template <int kOpU>
static void RunUnary(const float* x, float* out, size_t n, float p) {
  for (size_t i = 0; i < n; i++) {
    const float v = x[i];
    float r;
    switch (kOpU) {
      case kTanh: r = FastTanh(v); break;
      case kSigmoidOp: r = 1.0f / (1.0f + std::exp(-v)); break;
      case kSquare: r = v * v; break;
      case kReluOp: r = v < 0.0f ? 0.0f : v; break;
      case kRelu6Op: r = v < 0.0f ? 0.0f : (v > 6.0f ? 6.0f : v); break;
      case kEluOp: r = v >= 0.0f ? v : static_cast<float>(std::exp(static_cast<double>(v)) - 1.0); break;  // as tfjs: exp(x)-1 in double
      case kLeakyReluOp: r = v < 0.0f ? p * v : v; break;
      case kStep: r = std::isnan(v) ? v : (v > 0.0f ? 1.0f : p); break;
      case kExp: r = std::exp(v); break;
      case kLog: r = std::log(v); break;
      case kNeg: r = -v; break;
      case kAbs: r = std::fabs(v); break;
      case kSqrt: r = std::sqrt(v); break;
      case kRsqrt: r = 1.0f / std::sqrt(v); break;
      default: r = 1.0f / v; break;  // kReciprocal
    }
    out[i] = r;
  }
}

// unary(op, x, out, param): out = op(x) elementwise (out may be x); param is leakyrelu's / step's alpha.
// Formulas follow tfjs-backend-cpu's kernels (NaN in → NaN out, as Math.* does).
Napi::Value Unary(const Napi::CallbackInfo& info) {
  const char* fn = "unary";
  if (info.Length() != 4) throw Napi::TypeError::New(info.Env(), "unary: expected 4 arguments");
  const int64_t op = Dim(info, 0, fn, "op");
  const F32 x = Floats(info, 1, fn, "x");
  const F32 out = Floats(info, 2, fn, "out");
  const float p = static_cast<float>(Num(info, 3, fn, "param"));
  Require(info, x.length == out.length, "unary: x and out lengths differ");
  const size_t n = x.length;
  switch (op) {
#define TB_UNARY(code) case code: RunUnary<code>(x.data, out.data, n, p); break;
    TB_UNARY(kTanh) TB_UNARY(kSigmoidOp) TB_UNARY(kSquare) TB_UNARY(kReluOp) TB_UNARY(kRelu6Op) TB_UNARY(kEluOp)
    TB_UNARY(kLeakyReluOp) TB_UNARY(kStep) TB_UNARY(kExp) TB_UNARY(kLog) TB_UNARY(kNeg) TB_UNARY(kAbs)
    TB_UNARY(kSqrt) TB_UNARY(kRsqrt) TB_UNARY(kReciprocal)
#undef TB_UNARY
    default: throw Napi::RangeError::New(info.Env(), "unary: unknown op code " + std::to_string(op));
  }
  return info.Env().Undefined();
}

// Math.max / Math.min semantics: NaN if either side is NaN. Comparisons give 0/1 (false for NaN, as in JS).
template <int kOp>
static inline float Op(float a, float b) {
  switch (kOp) {
    case kGreater: return a > b;
    case kGreaterEqual: return a >= b;
    case kLess: return a < b;
    case kLessEqual: return a <= b;
    case kEqual: return a == b;
    case kNotEqual: return a != b;
    case kAdd: return a + b;
    case kSub: return a - b;
    case kMul: return a * b;
    case kDiv: return a / b;
    case kMax: return (std::isnan(a) || std::isnan(b)) ? NAN : (a > b ? a : b);
    default: return (std::isnan(a) || std::isnan(b)) ? NAN : (a < b ? a : b);  // kMin
  }
}

// out = a op b where the shorter operand repeats cyclically: the JS side only calls this when that is numpy
// broadcasting (the shorter operand's shape, minus leading 1s, is the trailing part of the output shape).
// The output buffer: float32 for arithmetic, uint8 (tfjs bool) for comparisons.
template <typename T>
struct Out {
  T* data;
  size_t length;
};

template <int kOp, typename T>
static void RunBinary(const F32& a, const F32& b, const Out<T>& out) {
  const size_t n = out.length;
  if (a.length == n && b.length == n) {
    for (size_t i = 0; i < n; i++) out.data[i] = Op<kOp>(a.data[i], b.data[i]);
  } else if (b.length == 1) {
    const float bv = b.data[0];
    for (size_t i = 0; i < n; i++) out.data[i] = Op<kOp>(a.data[i], bv);
  } else if (a.length == 1) {
    const float av = a.data[0];
    for (size_t i = 0; i < n; i++) out.data[i] = Op<kOp>(av, b.data[i]);
  } else if (a.length == n) {
    for (size_t o = 0; o < n; o += b.length)
      for (size_t j = 0; j < b.length; j++) out.data[o + j] = Op<kOp>(a.data[o + j], b.data[j]);
  } else {
    for (size_t o = 0; o < n; o += a.length)
      for (size_t j = 0; j < a.length; j++) out.data[o + j] = Op<kOp>(a.data[j], b.data[o + j]);
  }
}

// Output of binary/binaryStrided: a Float32Array for arithmetic ops, a Uint8Array for comparisons.
static bool IsComparison(int64_t op) { return op >= kGreater && op <= kNotEqual; }

template <typename T>
static Out<T> OutArg(const Napi::CallbackInfo& info, size_t i, const char* fn, napi_typedarray_type type, const char* what) {
  const Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) {
    throw Napi::TypeError::New(info.Env(), Where(fn, "out") + " must be a " + what);
  }
  Napi::TypedArrayOf<T> a = v.As<Napi::TypedArrayOf<T>>();
  return {a.Data(), a.ElementLength()};
}

#define TB_BINARY_CASES(RUN)                                                                              \
  RUN(kAdd) RUN(kSub) RUN(kMul) RUN(kDiv) RUN(kMax) RUN(kMin)
#define TB_COMPARE_CASES(RUN)                                                                             \
  RUN(kGreater) RUN(kGreaterEqual) RUN(kLess) RUN(kLessEqual) RUN(kEqual) RUN(kNotEqual)

// binary(op, a, b, out): see RunBinary. Each operand's length is out's length, 1, or a divisor of it.
Napi::Value Binary(const Napi::CallbackInfo& info) {
  const char* fn = "binary";
  if (info.Length() != 4) throw Napi::TypeError::New(info.Env(), "binary: expected 4 arguments");
  const int64_t op = Dim(info, 0, fn, "op");
  const F32 a = Floats(info, 1, fn, "a");
  const F32 b = Floats(info, 2, fn, "b");
  const bool cmp = IsComparison(op);
  const size_t n = cmp ? OutArg<uint8_t>(info, 3, fn, napi_uint8_array, "Uint8Array").length
                       : Floats(info, 3, fn, "out").length;
  if (n == 0) return info.Env().Undefined();
  Require(info, a.length == n || b.length == n, "binary: one operand must have out's length " + std::to_string(n));
  Require(info, a.length > 0 && b.length > 0 && n % a.length == 0 && n % b.length == 0,
          "binary: operand lengths " + std::to_string(a.length) + ", " + std::to_string(b.length) + " do not divide " + std::to_string(n));
  if (cmp) {
    const Out<uint8_t> out = OutArg<uint8_t>(info, 3, fn, napi_uint8_array, "Uint8Array");
    switch (op) {
#define TB_RUN(code) case code: RunBinary<code>(a, b, out); break;
      TB_COMPARE_CASES(TB_RUN)
#undef TB_RUN
    }
  } else {
    const F32 f = Floats(info, 3, fn, "out");
    const Out<float> out{f.data, f.length};
    switch (op) {
#define TB_RUN(code) case code: RunBinary<code>(a, b, out); break;
      TB_BINARY_CASES(TB_RUN)
#undef TB_RUN
      default: throw Napi::RangeError::New(info.Env(), "binary: unknown op code " + std::to_string(op));
    }
  }
  return info.Env().Undefined();
}

// General broadcasting: out has shape `shape` (rank r); element [i0..ir-1] reads a at sum(i_d * aStrides[d]) and
// b likewise, where a stride is 0 along a broadcast dim. The innermost dim is a tight loop.
template <int kOp, typename T>
static void RunStrided(const F32& a, const I32& as, const F32& b, const I32& bs, const I32& shape, T* out) {
  const size_t r = shape.length;
  const int64_t inner = shape.data[r - 1];
  const int64_t sa = as.data[r - 1], sb = bs.data[r - 1];
  std::vector<int64_t> idx(r, 0);
  int64_t oa = 0, ob = 0, o = 0;
  int64_t rows = 1;
  for (size_t d = 0; d + 1 < r; d++) rows *= shape.data[d];
  for (int64_t row = 0; row < rows; row++) {
    for (int64_t j = 0; j < inner; j++) out[o + j] = Op<kOp>(a.data[oa + j * sa], b.data[ob + j * sb]);
    o += inner;
    for (int64_t d = static_cast<int64_t>(r) - 2; d >= 0; d--) {  // odometer over the outer dims
      oa += as.data[d];
      ob += bs.data[d];
      if (++idx[d] < shape.data[d]) break;
      oa -= as.data[d] * shape.data[d];
      ob -= bs.data[d] * shape.data[d];
      idx[d] = 0;
    }
  }
}

// binaryStrided(op, a, aStrides, b, bStrides, shape, out): see RunStrided; strides and shape are Int32Arrays of
// the output's rank, checked so the largest index stays inside each operand.
Napi::Value BinaryStrided(const Napi::CallbackInfo& info) {
  const char* fn = "binaryStrided";
  if (info.Length() != 7) throw Napi::TypeError::New(info.Env(), "binaryStrided: expected 7 arguments");
  const int64_t op = Dim(info, 0, fn, "op");
  const F32 a = Floats(info, 1, fn, "a");
  const I32 as = Ints(info, 2, fn, "aStrides");
  const F32 b = Floats(info, 3, fn, "b");
  const I32 bs = Ints(info, 4, fn, "bStrides");
  const I32 shape = Ints(info, 5, fn, "shape");
  const bool cmp = IsComparison(op);
  const size_t outLength = cmp ? OutArg<uint8_t>(info, 6, fn, napi_uint8_array, "Uint8Array").length
                               : Floats(info, 6, fn, "out").length;
  const size_t r = shape.length;
  Require(info, r >= 1 && as.length == r && bs.length == r, "binaryStrided: shape and strides must have the same rank >= 1");
  int64_t n = 1, lastA = 0, lastB = 0;
  for (size_t d = 0; d < r; d++) {
    Require(info, shape.data[d] >= 0 && as.data[d] >= 0 && bs.data[d] >= 0, "binaryStrided: negative shape or stride");
    n *= shape.data[d];
    lastA += static_cast<int64_t>(as.data[d]) * (shape.data[d] - 1);
    lastB += static_cast<int64_t>(bs.data[d]) * (shape.data[d] - 1);
  }
  Require(info, n == static_cast<int64_t>(outLength), "binaryStrided: out length " + std::to_string(outLength) + " != product of shape");
  if (n == 0) return info.Env().Undefined();
  Require(info, lastA < static_cast<int64_t>(a.length) && lastB < static_cast<int64_t>(b.length), "binaryStrided: strides reach past an operand");
  if (cmp) {
    uint8_t* out = OutArg<uint8_t>(info, 6, fn, napi_uint8_array, "Uint8Array").data;
    switch (op) {
#define TB_RUN(code) case code: RunStrided<code>(a, as, b, bs, shape, out); break;
      TB_COMPARE_CASES(TB_RUN)
#undef TB_RUN
    }
  } else {
    float* out = Floats(info, 6, fn, "out").data;
    switch (op) {
#define TB_RUN(code) case code: RunStrided<code>(a, as, b, bs, shape, out); break;
      TB_BINARY_CASES(TB_RUN)
#undef TB_RUN
      default: throw Napi::RangeError::New(info.Env(), "binaryStrided: unknown op code " + std::to_string(op));
    }
  }
  return info.Env().Undefined();
}

}  // namespace tb
