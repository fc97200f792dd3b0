#pragma once
#include <napi.h>

namespace tb {
Napi::Value CrfViterbiBatch(const Napi::CallbackInfo& info);
Napi::Value CrfMarginalsBatch(const Napi::CallbackInfo& info);
}  // namespace tb
