#pragma once
#include <napi.h>

namespace tb {
Napi::Value WindowScores(const Napi::CallbackInfo& info);
}  // namespace tb
