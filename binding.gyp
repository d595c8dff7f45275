{
  "targets": [
    {
      "target_name": "runtime_native",
      "sources": ["addon/native.cc", "addon/seccomp.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-O2"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++1y", "-std=gnu++17"],
      "libraries": ["-lseccomp"]
    },
    {
      "target_name": "runtime-init",
      "type": "executable",
      "sources": ["<!@(ls -1 addon/init/*.cc)"],
      "cflags_cc": ["-std=c++17", "-O2"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++1y", "-std=gnu++17"],
      "ldflags": ["-static"]
    },
    {
      "target_name": "oci-checker",
      "type": "executable",
      "sources": ["<!@(ls -1 conformance/checker/*.c)"],
      "cflags": ["-O2"],
      "ldflags": ["-static"]
    }
  ]
}
