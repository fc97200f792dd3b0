#pragma once
#include <napi.h>

namespace tb {
// Unary op codes; src/native.ts mirrors this list (keep in order).
enum UnaryOp {
  kTanh = 0, kSigmoidOp = 1, kSquare = 2, kReluOp = 3, kRelu6Op = 4, kEluOp = 5, kLeakyReluOp = 6, kStep = 7,
  kExp = 8, kLog = 9, kNeg = 10, kAbs = 11, kSqrt = 12, kRsqrt = 13, kReciprocal = 14
};
// Binary op codes; src/native.ts mirrors this list (keep in order).
// Codes 6-11 are comparisons: their output is a Uint8Array (tfjs 'bool'), 0 or 1.
enum BinaryOp { kAdd = 0, kSub = 1, kMul = 2, kDiv = 3, kMax = 4, kMin = 5, kGreater = 6, kGreaterEqual = 7, kLess = 8, kLessEqual = 9, kEqual = 10, kNotEqual = 11 };
Napi::Value ReduceSum(const Napi::CallbackInfo& info);
Napi::Value Unary(const Napi::CallbackInfo& info);
Napi::Value Binary(const Napi::CallbackInfo& info);
Napi::Value BinaryStrided(const Napi::CallbackInfo& info);
}  // namespace tb
