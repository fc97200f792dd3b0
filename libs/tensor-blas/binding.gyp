# N-API addon calling cblas_sgemm from the system BLAS.
# Linux: OpenBLAS found with pkg-config (Debian: apt-get install libopenblas-dev pkg-config).
# macOS: the Accelerate framework. Built by scripts/build.cjs at npm install; a failed build is not an error.
{
  "targets": [
    {
      "target_name": "tensor_blas",
      "sources": ["native/addon.cc", "native/gemm.cc", "native/epilogue.cc", "native/elementwise.cc", "native/optim.cc", "native/gather-sum-relu-linear.cc", "native/crf.cc"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno"],
      "conditions": [
        ["OS=='mac'", {
          "defines": ["WINDOW_NER_ACCELERATE", "ACCELERATE_NEW_LAPACK"],
          "libraries": ["-framework Accelerate"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17", "-fno-math-errno"], "MACOSX_DEPLOYMENT_TARGET": "11.0" }
        }, {
          "cflags_cc": ["<!@(pkg-config --cflags openblas 2>/dev/null || echo)"],
          "libraries": ["<!@(pkg-config --libs openblas 2>/dev/null || echo -lopenblas)"]
        }]
      ]
    }
  ]
}
