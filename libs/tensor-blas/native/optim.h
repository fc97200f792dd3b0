#pragma once
#include <napi.h>

namespace tb {
Napi::Value AdamUpdate(const Napi::CallbackInfo& info);
}  // namespace tb
