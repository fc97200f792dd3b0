#pragma once
#include <napi.h>

namespace tb {
// Unary op codes; src/native.ts mirrors this list (keep in order).
enum UnaryOp { kTanh = 0, kSigmoidOp = 1, kSquare = 2 };
// Binary op codes; src/native.ts mirrors this list (keep in order).
enum BinaryOp { kAdd = 0, kSub = 1, kMul = 2 };
Napi::Value ReduceSum(const Napi::CallbackInfo& info);
Napi::Value Unary(const Napi::CallbackInfo& info);
Napi::Value Binary(const Napi::CallbackInfo& info);
}  // namespace tb
