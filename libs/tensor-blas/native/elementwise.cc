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

// unary(op, x, out): out = op(x) elementwise; out may be x.
Napi::Value Unary(const Napi::CallbackInfo& info) {
  const char* fn = "unary";
  if (info.Length() != 3) throw Napi::TypeError::New(info.Env(), "unary: expected 3 arguments");
  const int64_t op = Dim(info, 0, fn, "op");
  const F32 x = Floats(info, 1, fn, "x");
  const F32 out = Floats(info, 2, fn, "out");
  Require(info, x.length == out.length, "unary: x and out lengths differ");
  const size_t n = x.length;
  switch (op) {
    case kTanh: for (size_t i = 0; i < n; i++) out.data[i] = FastTanh(x.data[i]); break;
    case kSigmoidOp: for (size_t i = 0; i < n; i++) out.data[i] = 1.0f / (1.0f + std::exp(-x.data[i])); break;
    case kSquare: for (size_t i = 0; i < n; i++) out.data[i] = x.data[i] * x.data[i]; break;
    default: throw Napi::RangeError::New(info.Env(), "unary: unknown op code " + std::to_string(op));
  }
  return info.Env().Undefined();
}

template <int kOp>
static inline float Op(float a, float b) {
  return kOp == kAdd ? a + b : (kOp == kSub ? a - b : a * b);
}

// out = a op b where the shorter operand repeats cyclically: the JS side only calls this when that is numpy
// broadcasting (the shorter operand's shape, minus leading 1s, is the trailing part of the output shape).
template <int kOp>
static void RunBinary(const F32& a, const F32& b, const F32& out) {
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

// binary(op, a, b, out): see RunBinary. Each operand's length is out's length, 1, or a divisor of it.
Napi::Value Binary(const Napi::CallbackInfo& info) {
  const char* fn = "binary";
  if (info.Length() != 4) throw Napi::TypeError::New(info.Env(), "binary: expected 4 arguments");
  const int64_t op = Dim(info, 0, fn, "op");
  const F32 a = Floats(info, 1, fn, "a");
  const F32 b = Floats(info, 2, fn, "b");
  const F32 out = Floats(info, 3, fn, "out");
  const size_t n = out.length;
  if (n == 0) return info.Env().Undefined();
  Require(info, a.length == n || b.length == n, "binary: one operand must have out's length " + std::to_string(n));
  Require(info, a.length > 0 && b.length > 0 && n % a.length == 0 && n % b.length == 0,
          "binary: operand lengths " + std::to_string(a.length) + ", " + std::to_string(b.length) + " do not divide " + std::to_string(n));
  switch (op) {
    case kAdd: RunBinary<kAdd>(a, b, out); break;
    case kSub: RunBinary<kSub>(a, b, out); break;
    case kMul: RunBinary<kMul>(a, b, out); break;
    default: throw Napi::RangeError::New(info.Env(), "binary: unknown op code " + std::to_string(op));
  }
  return info.Env().Undefined();
}

}  // namespace tb
