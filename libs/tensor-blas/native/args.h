// Argument readers for the addon's exported functions. Every check throws a JS TypeError/RangeError naming the
// function and the argument, so a wrong call from TypeScript fails loudly instead of reading out of bounds.
#pragma once
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>

namespace tb {

struct F32 {
  float* data = nullptr;
  size_t length = 0;
};

struct I32 {
  const int32_t* data = nullptr;
  size_t length = 0;
};

struct F64 {
  const double* data = nullptr;
  size_t length = 0;
};

inline std::string Where(const char* fn, const char* name) { return std::string(fn) + ": argument '" + name + "'"; }

inline double Num(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  if (!info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), Where(fn, name) + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

// A non-negative integer that fits in int32 (BLAS dimensions and leading dimensions are ints).
inline int64_t Dim(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  const double d = Num(info, i, fn, name);
  if (!(d >= 0) || d != std::floor(d) || d > 2147483647.0) {
    throw Napi::RangeError::New(info.Env(), Where(fn, name) + " must be an integer in [0, 2^31), got " + std::to_string(d));
  }
  return static_cast<int64_t>(d);
}

inline bool Bool(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  if (!info[i].IsBoolean()) throw Napi::TypeError::New(info.Env(), Where(fn, name) + " must be a boolean");
  return info[i].As<Napi::Boolean>().Value();
}

// A Float32Array; with optional=true, null/undefined gives an empty F32 (data == nullptr).
inline F32 Floats(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, bool optional = false) {
  const Napi::Value v = info[i];
  if (optional && (v.IsNull() || v.IsUndefined())) return {};
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(info.Env(), Where(fn, name) + " must be a Float32Array");
  }
  Napi::Float32Array a = v.As<Napi::Float32Array>();
  return {a.Data(), a.ElementLength()};
}

inline I32 Ints(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  const Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(info.Env(), Where(fn, name) + " must be an Int32Array");
  }
  Napi::Int32Array a = v.As<Napi::Int32Array>();
  return {a.Data(), a.ElementLength()};
}

inline F64 Doubles(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  const Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(info.Env(), Where(fn, name) + " must be a Float64Array");
  }
  Napi::Float64Array a = v.As<Napi::Float64Array>();
  return {a.Data(), a.ElementLength()};
}

// A writable Int32Array (Ints gives a read-only view).
inline int32_t* IntsOut(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, size_t* length) {
  const Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(info.Env(), Where(fn, name) + " must be an Int32Array");
  }
  Napi::Int32Array a = v.As<Napi::Int32Array>();
  *length = a.ElementLength();
  return a.Data();
}

// Elements a row-major rows x cols matrix with leading dimension ld needs, starting at offset.
inline int64_t Span(int64_t offset, int64_t rows, int64_t cols, int64_t ld) {
  if (rows == 0 || cols == 0) return 0;
  return offset + (rows - 1) * ld + cols;
}

inline void Require(const Napi::CallbackInfo& info, bool ok, const std::string& message) {
  if (!ok) throw Napi::RangeError::New(info.Env(), message);
}

// starts[s] .. starts[s + 1] − 1 are item s's entries: starts non-decreasing from 0, its last entry at most `limit`
// (the number of `what`: rows, offsets). Messages are built only on failure (callers check once per batch).
inline void CheckStarts(const Napi::CallbackInfo& info, const char* fn, const I32& starts, int64_t limit, const char* what) {
  if (starts.length < 1 || starts.data[0] != 0) Require(info, false, std::string(fn) + ": starts must begin at 0");
  for (size_t s = 1; s < starts.length; s++) {
    if (starts.data[s] < starts.data[s - 1]) Require(info, false, std::string(fn) + ": starts[" + std::to_string(s) + "] is below starts[" + std::to_string(s - 1) + "]");
  }
  if (starts.data[starts.length - 1] > limit) Require(info, false, std::string(fn) + ": starts end at " + std::to_string(starts.data[starts.length - 1]) + ", past the " + std::to_string(limit) + " " + what);
}

}  // namespace tb
