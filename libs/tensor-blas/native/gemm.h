#pragma once
#include <napi.h>

namespace tb {
Napi::Value Sgemm(const Napi::CallbackInfo& info);
Napi::Value SgemmBatched(const Napi::CallbackInfo& info);
}  // namespace tb
