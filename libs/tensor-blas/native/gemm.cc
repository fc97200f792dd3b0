// sgemm and a batched variant over the system BLAS (row-major). Bounds are checked before BLAS sees a pointer.
#include "gemm.h"

#include <algorithm>

#include "args.h"
#include "blas.h"

namespace tb {

static void Gemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                 const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    // BLAS implementations disagree on k == 0; the answer is C = beta * C (beta == 0 must clear NaNs too).
    for (int64_t i = 0; i < m; i++) {
      float* row = c + i * ldc;
      for (int64_t j = 0; j < n; j++) row[j] = beta == 0.0f ? 0.0f : beta * row[j];
    }
    return;
  }
  cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
              static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), alpha, a, static_cast<int>(lda), b,
              static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
}

// sgemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc): C = alpha * op(A) op(B) + beta * C, row-major.
Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  const char* fn = "sgemm";
  if (info.Length() != 13) throw Napi::TypeError::New(info.Env(), "sgemm: expected 13 arguments, got " + std::to_string(info.Length()));
  const bool transA = Bool(info, 0, fn, "transA");
  const bool transB = Bool(info, 1, fn, "transB");
  const int64_t m = Dim(info, 2, fn, "m"), n = Dim(info, 3, fn, "n"), k = Dim(info, 4, fn, "k");
  const float alpha = static_cast<float>(Num(info, 5, fn, "alpha"));
  const F32 a = Floats(info, 6, fn, "A");
  const int64_t lda = Dim(info, 7, fn, "lda");
  const F32 b = Floats(info, 8, fn, "B");
  const int64_t ldb = Dim(info, 9, fn, "ldb");
  const float beta = static_cast<float>(Num(info, 10, fn, "beta"));
  const F32 c = Floats(info, 11, fn, "C");
  const int64_t ldc = Dim(info, 12, fn, "ldc");

  const int64_t aRows = transA ? k : m, aCols = transA ? m : k;
  const int64_t bRows = transB ? n : k, bCols = transB ? k : n;
  Require(info, lda >= std::max<int64_t>(1, aCols), "sgemm: lda=" + std::to_string(lda) + " < columns of A (" + std::to_string(aCols) + ")");
  Require(info, ldb >= std::max<int64_t>(1, bCols), "sgemm: ldb=" + std::to_string(ldb) + " < columns of B (" + std::to_string(bCols) + ")");
  Require(info, ldc >= std::max<int64_t>(1, n), "sgemm: ldc=" + std::to_string(ldc) + " < n (" + std::to_string(n) + ")");
  if (m > 0 && n > 0 && k > 0) {
    Require(info, Span(0, aRows, aCols, lda) <= static_cast<int64_t>(a.length), "sgemm: A has " + std::to_string(a.length) + " elements, needs " + std::to_string(Span(0, aRows, aCols, lda)));
    Require(info, Span(0, bRows, bCols, ldb) <= static_cast<int64_t>(b.length), "sgemm: B has " + std::to_string(b.length) + " elements, needs " + std::to_string(Span(0, bRows, bCols, ldb)));
  }
  Require(info, Span(0, m, n, ldc) <= static_cast<int64_t>(c.length), "sgemm: C has " + std::to_string(c.length) + " elements, needs " + std::to_string(Span(0, m, n, ldc)));
  Gemm(transA, transB, m, n, k, alpha, a.data, lda, b.data, ldb, beta, c.data, ldc);
  return info.Env().Undefined();
}

// sgemmBatched(transA, transB, m, n, k, A, aOffsets, B, bOffsets, C): for each i, the m x n block i of C
// (contiguous, C[i*m*n ...]) = op(A at aOffsets[i]) op(B at bOffsets[i]); A and B blocks are dense (ld = their columns).
// Offsets come from JS so broadcasting over batch dims stays in one place (the kernel's shape logic).
Napi::Value SgemmBatched(const Napi::CallbackInfo& info) {
  const char* fn = "sgemmBatched";
  if (info.Length() != 10) throw Napi::TypeError::New(info.Env(), "sgemmBatched: expected 10 arguments, got " + std::to_string(info.Length()));
  const bool transA = Bool(info, 0, fn, "transA");
  const bool transB = Bool(info, 1, fn, "transB");
  const int64_t m = Dim(info, 2, fn, "m"), n = Dim(info, 3, fn, "n"), k = Dim(info, 4, fn, "k");
  const F32 a = Floats(info, 5, fn, "A");
  const I32 aOff = Ints(info, 6, fn, "aOffsets");
  const F32 b = Floats(info, 7, fn, "B");
  const I32 bOff = Ints(info, 8, fn, "bOffsets");
  const F32 c = Floats(info, 9, fn, "C");

  const int64_t batch = static_cast<int64_t>(aOff.length);
  Require(info, bOff.length == aOff.length, "sgemmBatched: aOffsets has " + std::to_string(aOff.length) + " entries, bOffsets " + std::to_string(bOff.length));
  Require(info, batch * m * n <= static_cast<int64_t>(c.length), "sgemmBatched: C has " + std::to_string(c.length) + " elements, needs " + std::to_string(batch * m * n));
  const int64_t lda = transA ? m : k, ldb = transB ? k : n;
  const int64_t aSize = m * k, bSize = k * n;
  for (int64_t i = 0; i < batch; i++) {
    Require(info, aOff.data[i] >= 0 && aOff.data[i] + aSize <= static_cast<int64_t>(a.length), "sgemmBatched: aOffsets[" + std::to_string(i) + "] out of range");
    Require(info, bOff.data[i] >= 0 && bOff.data[i] + bSize <= static_cast<int64_t>(b.length), "sgemmBatched: bOffsets[" + std::to_string(i) + "] out of range");
  }
  for (int64_t i = 0; i < batch; i++) {
    Gemm(transA, transB, m, n, k, 1.0f, a.data + aOff.data[i], std::max<int64_t>(1, lda), b.data + bOff.data[i],
         std::max<int64_t>(1, ldb), 0.0f, c.data + i * m * n, std::max<int64_t>(1, n));
  }
  return info.Env().Undefined();
}

}  // namespace tb
