// Entry point of the tensor_blas addon: raw sgemm for libraries, and the pieces the tfjs kernels call.
#include <napi.h>

#include <string>

#include "blas.h"
#include "elementwise.h"
#include "epilogue.h"
#include "gemm.h"
#include "optim.h"
#include "gather-sum-relu-linear.h"
#include "crf.h"

namespace tb {

// info(): which BLAS this build links and how many threads it uses, for backendInfo() and the bench.
static Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
#ifdef WINDOW_NER_ACCELERATE
  o.Set("blas", "Accelerate");
  o.Set("config", "Accelerate");
  o.Set("threads", Napi::Number::New(env, 0));
#else
  o.Set("blas", "OpenBLAS");
  o.Set("config", std::string(openblas_get_config()) + " core=" + openblas_get_corename());
  o.Set("threads", Napi::Number::New(env, openblas_get_num_threads()));
#endif
  return o;
}

// setThreads(n): OpenBLAS thread count (no-op on Accelerate). OPENBLAS_NUM_THREADS sets the default.
static Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  if (info.Length() != 1 || !info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "setThreads: expected a number");
#ifndef WINDOW_NER_ACCELERATE
  const int n = info[0].As<Napi::Number>().Int32Value();
  if (n < 1) throw Napi::RangeError::New(info.Env(), "setThreads: n must be >= 1");
  openblas_set_num_threads(n);
#endif
  return info.Env().Undefined();
}

}  // namespace tb

// NODE_API_MODULE pastes the init function's name into an identifier, so it cannot be namespace-qualified.
static Napi::Object InitTensorBlas(Napi::Env env, Napi::Object exports) {
  using namespace tb;
  exports.Set("sgemm", Napi::Function::New(env, Sgemm, "sgemm"));
  exports.Set("sgemmBatched", Napi::Function::New(env, SgemmBatched, "sgemmBatched"));
  exports.Set("biasActivation", Napi::Function::New(env, BiasActivation, "biasActivation"));
  exports.Set("reduceSum", Napi::Function::New(env, ReduceSum, "reduceSum"));
  exports.Set("unary", Napi::Function::New(env, Unary, "unary"));
  exports.Set("binary", Napi::Function::New(env, Binary, "binary"));
  exports.Set("binaryStrided", Napi::Function::New(env, BinaryStrided, "binaryStrided"));
  exports.Set("adamUpdate", Napi::Function::New(env, AdamUpdate, "adamUpdate"));
  exports.Set("gatherSumReluLinear", Napi::Function::New(env, GatherSumReluLinear, "gatherSumReluLinear"));
  exports.Set("crfViterbiBatch", Napi::Function::New(env, CrfViterbiBatch, "crfViterbiBatch"));
  exports.Set("crfMarginalsBatch", Napi::Function::New(env, CrfMarginalsBatch, "crfMarginalsBatch"));
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  return exports;
}

NODE_API_MODULE(tensor_blas, InitTensorBlas)
