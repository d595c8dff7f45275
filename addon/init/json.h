// A minimal JSON reader for the launch plan. The plan is produced by our own TypeScript,
// so this handles exactly RFC 8259 values and nothing more; it runs in the single-threaded
// init helper, where ordinary allocation is safe.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

struct Json {
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  bool b = false;
  double num = 0;
  std::string str;
  std::vector<Json> arr;
  std::map<std::string, Json> obj;

  static Json parse(const std::string &text, std::string *error);

  const Json &operator[](const char *key) const;
  const Json &operator[](size_t i) const { return arr[i]; }
  size_t size() const { return kind == Array ? arr.size() : 0; }
  bool has(const char *key) const { return kind == Object && obj.count(key) && obj.at(key).kind != Null; }
  bool isNull() const { return kind == Null; }

  bool asBool(bool def = false) const { return kind == Bool ? b : def; }
  int64_t asInt(int64_t def = 0) const { return kind == Number ? (int64_t)num : def; }
  uint64_t asU64(uint64_t def = 0) const;  // numbers beyond 2^53 arrive as decimal strings
  const std::string &asString() const { return str; }
  std::vector<std::string> asStrings() const;
};
