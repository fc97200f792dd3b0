#pragma once
#include <napi.h>

namespace tb {
Napi::Value GatherSumReluLinear(const Napi::CallbackInfo& info);
}  // namespace tb
