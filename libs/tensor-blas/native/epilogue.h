#pragma once
#include <napi.h>

namespace tb {
// Activation codes; src/native.ts mirrors this list (keep in order).
enum Activation { kLinear = 0, kRelu = 1, kRelu6 = 2, kElu = 3, kLeakyRelu = 4, kPrelu = 5, kSigmoid = 6 };
Napi::Value BiasActivation(const Napi::CallbackInfo& info);
}  // namespace tb
