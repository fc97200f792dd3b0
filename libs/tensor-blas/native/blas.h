// The one place that knows which BLAS we link: OpenBLAS (Linux, pkg-config) or Accelerate (macOS).
#pragma once
#ifdef WINDOW_NER_ACCELERATE
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif
