// Compiles a seccomp plan (already translated to libseccomp numbers by
// TypeScript) into classic BPF bytes, and reports what this build supports.
// Policy (names, defaults, which rules to split) lives in src/seccomp/.

#include "seccomp.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

// Our own header shares the name of libseccomp's: with addon/ on the <...>
// include path the line above would pick up ours instead.
#ifndef SCMP_VER_MAJOR
#error "<seccomp.h> resolved to addon/seccomp.h: use -iquote, not -I, for addon/"
#endif

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace {

// A syscall has at most six arguments; a rule comparing more than that
// is a plan bug, not something libseccomp should be asked about.
constexpr uint32_t kMaxArgs = 6;

Napi::Value Fail(Napi::Env env, const std::string& msg) {
  Napi::Error::New(env, msg).ThrowAsJavaScriptException();
  return env.Undefined();
}

// Like Fail, and tags the error with the plan's rule index so TypeScript can
// name the config entry the rule came from.
Napi::Value FailRule(Napi::Env env, const std::string& msg, uint32_t rule) {
  Napi::Error err = Napi::Error::New(env, msg);
  err.Set("ruleIndex", Napi::Number::New(env, rule));
  err.ThrowAsJavaScriptException();
  return env.Undefined();
}

std::string Hex(uint32_t v) {
  char buf[16];
  snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

struct FilterGuard {
  scmp_filter_ctx ctx;
  ~FilterGuard() {
    if (ctx != nullptr) seccomp_release(ctx);
  }
};

struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) close(fd);
  }
};

// Reads a property; false (with a JS exception pending) when the getter threw.
bool GetProp(Napi::Env env, Napi::Object obj, const char* key, Napi::Value* out) {
  *out = obj.Get(key);
  return !env.IsExceptionPending();
}

bool ToU32(Napi::Env env, Napi::Value v, const std::string& what, uint32_t* out) {
  if (!v.IsNumber()) {
    Fail(env, what + ": expected a number");
    return false;
  }
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 4294967295.0) || d != std::floor(d)) {
    Fail(env, what + ": not a 32-bit unsigned integer");
    return false;
  }
  *out = static_cast<uint32_t>(d);
  return true;
}

// uint64 from a BigInt, a decimal string, or a number that is a safe integer;
// undefined reads as 0 (valueTwo is optional).
bool ToU64(Napi::Env env, Napi::Value v, const std::string& what, uint64_t* out) {
  if (v.IsUndefined()) {
    *out = 0;
    return true;
  }
  if (v.IsBigInt()) {
    bool lossless = false;
    uint64_t x = v.As<Napi::BigInt>().Uint64Value(&lossless);
    if (env.IsExceptionPending()) return false;
    if (!lossless) {
      Fail(env, what + ": not an unsigned 64-bit integer");
      return false;
    }
    *out = x;
    return true;
  }
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= 0 && d <= 9007199254740991.0) || d != std::floor(d)) {
      Fail(env, what + ": a number must be a non-negative safe integer (use a BigInt or string)");
      return false;
    }
    *out = static_cast<uint64_t>(d);
    return true;
  }
  if (v.IsString()) {
    std::string s = v.As<Napi::String>().Utf8Value();
    if (s.empty() || s.size() > 20 || s.find_first_not_of("0123456789") != std::string::npos) {
      Fail(env, what + ": \"" + s + "\" is not a decimal unsigned integer");
      return false;
    }
    errno = 0;
    unsigned long long x = strtoull(s.c_str(), nullptr, 10);
    if (errno == ERANGE) {
      Fail(env, what + ": " + s + " does not fit in 64 bits");
      return false;
    }
    *out = static_cast<uint64_t>(x);
    return true;
  }
  Fail(env, what + ": expected a BigInt, decimal string or number");
  return false;
}

bool ToArray(Napi::Env env, Napi::Value v, const std::string& what, Napi::Array* out) {
  if (!v.IsArray()) {
    Fail(env, what + ": expected an array");
    return false;
  }
  *out = v.As<Napi::Array>();
  return true;
}

bool ReadArg(Napi::Env env, Napi::Value v, const std::string& what, scmp_arg_cmp* out) {
  if (!v.IsObject()) {
    Fail(env, what + ": expected an object");
    return false;
  }
  Napi::Object o = v.As<Napi::Object>();
  Napi::Value index, op, value, valueTwo;
  if (!GetProp(env, o, "index", &index) || !GetProp(env, o, "op", &op) ||
      !GetProp(env, o, "value", &value) || !GetProp(env, o, "valueTwo", &valueTwo))
    return false;
  uint32_t idx = 0, opn = 0;
  uint64_t a = 0, b = 0;
  if (!ToU32(env, index, what + ".index", &idx) || !ToU32(env, op, what + ".op", &opn) ||
      !ToU64(env, value, what + ".value", &a) || !ToU64(env, valueTwo, what + ".valueTwo", &b))
    return false;
  if (idx >= kMaxArgs) {
    Fail(env, what + ".index: " + std::to_string(idx) + " is not a syscall argument (0-5)");
    return false;
  }
  if (opn <= _SCMP_CMP_MIN || opn >= _SCMP_CMP_MAX) {
    Fail(env, what + ".op: " + std::to_string(opn) + " is not a libseccomp comparison");
    return false;
  }
  // libseccomp's layout: datum_a is the value (or the mask for MASKED_EQ),
  // datum_b the second value (the masked result for MASKED_EQ).
  out->arg = idx;
  out->op = static_cast<scmp_compare>(opn);
  out->datum_a = a;
  out->datum_b = b;
  return true;
}

// Exports the filter through a memfd (a pipe could fill up and block on a
// large filter) and copies it into a Node buffer.
Napi::Value ExportBpf(Napi::Env env, scmp_filter_ctx ctx) {
  FdGuard mem{static_cast<int>(syscall(SYS_memfd_create, "seccomp-bpf", MFD_CLOEXEC))};
  if (mem.fd < 0) return Fail(env, std::string("seccomp: memfd_create: ") + strerror(errno));
  int rc = seccomp_export_bpf(ctx, mem.fd);
  if (rc < 0) return Fail(env, std::string("seccomp: export BPF: ") + strerror(-rc));
  off_t size = lseek(mem.fd, 0, SEEK_END);
  if (size < 0) return Fail(env, std::string("seccomp: lseek: ") + strerror(errno));
  if (size == 0 || size % 8 != 0)
    return Fail(env, "seccomp: exported BPF has " + std::to_string(size) +
                         " bytes, not a whole number of instructions");
  if (size / 8 > BPF_MAXINSNS)
    return Fail(env, "seccomp: filter has " + std::to_string(size / 8) +
                         " instructions, the kernel accepts at most " + std::to_string(BPF_MAXINSNS));
  Napi::Buffer<uint8_t> buf = Napi::Buffer<uint8_t>::New(env, static_cast<size_t>(size));
  if (env.IsExceptionPending()) return env.Undefined();
  size_t done = 0;
  while (done < static_cast<size_t>(size)) {
    ssize_t n = pread(mem.fd, buf.Data() + done, static_cast<size_t>(size) - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Fail(env, std::string("seccomp: read exported BPF: ") + (n < 0 ? strerror(errno) : "short read"));
    done += static_cast<size_t>(n);
  }
  return buf;
}

// compileSeccomp(plan) -> { bpf: Buffer, skipped: string[] }
Napi::Value CompileSeccomp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) return Fail(env, "compileSeccomp: plan: expected an object");
  Napi::Object plan = info[0].As<Napi::Object>();

  Napi::Value defVal, archVal, rulesVal, optVal;
  if (!GetProp(env, plan, "defaultAction", &defVal) || !GetProp(env, plan, "architectures", &archVal) ||
      !GetProp(env, plan, "rules", &rulesVal) || !GetProp(env, plan, "optimize", &optVal))
    return env.Undefined();

  uint32_t defaultAction = 0;
  if (!ToU32(env, defVal, "compileSeccomp: defaultAction", &defaultAction)) return env.Undefined();
  FilterGuard filter{seccomp_init(defaultAction)};
  if (filter.ctx == nullptr)
    return Fail(env, "compileSeccomp: defaultAction " + Hex(defaultAction) + " is not a valid libseccomp action");

  // The runtime sets no_new_privs itself, from process.noNewPrivileges; the
  // attribute only matters to seccomp_load, which we never call, but keep the
  // context honest about it.
  int rc = seccomp_attr_set(filter.ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (rc < 0) return Fail(env, std::string("compileSeccomp: clear NNP attribute: ") + strerror(-rc));

  if (!optVal.IsUndefined()) {
    uint32_t level = 0;
    if (!ToU32(env, optVal, "compileSeccomp: optimize", &level)) return env.Undefined();
    rc = seccomp_attr_set(filter.ctx, SCMP_FLTATR_CTL_OPTIMIZE, level);
    if (rc < 0)
      return Fail(env, "compileSeccomp: optimize level " + std::to_string(level) + ": " + strerror(-rc));
  }

  Napi::Array archs;
  if (!ToArray(env, archVal, "compileSeccomp: architectures", &archs)) return env.Undefined();
  for (uint32_t i = 0; i < archs.Length(); i++) {
    std::string what = "compileSeccomp: architectures[" + std::to_string(i) + "]";
    Napi::Value v = archs.Get(i);
    if (env.IsExceptionPending()) return env.Undefined();
    uint32_t token = 0;
    if (!ToU32(env, v, what, &token)) return env.Undefined();
    // The native architecture is always in a new context; adding it again
    // would fail with EEXIST.
    rc = seccomp_arch_exist(filter.ctx, token);
    if (rc == -EEXIST) rc = seccomp_arch_add(filter.ctx, token);
    if (rc < 0) return Fail(env, what + ": architecture " + Hex(token) + ": " + strerror(-rc));
  }

  Napi::Array rules;
  if (!ToArray(env, rulesVal, "compileSeccomp: rules", &rules)) return env.Undefined();
  Napi::Array skipped = Napi::Array::New(env);
  uint32_t nskipped = 0;
  for (uint32_t i = 0; i < rules.Length(); i++) {
    std::string what = "compileSeccomp: rules[" + std::to_string(i) + "]";
    Napi::Value rv = rules.Get(i);
    if (env.IsExceptionPending()) return env.Undefined();
    if (!rv.IsObject()) return Fail(env, what + ": expected an object");
    Napi::Object rule = rv.As<Napi::Object>();
    Napi::Value nameVal, actVal, argsVal;
    if (!GetProp(env, rule, "syscall", &nameVal) || !GetProp(env, rule, "action", &actVal) ||
        !GetProp(env, rule, "args", &argsVal))
      return env.Undefined();
    if (!nameVal.IsString()) return Fail(env, what + ".syscall: expected a string");
    std::string name = nameVal.As<Napi::String>().Utf8Value();
    uint32_t action = 0;
    if (!ToU32(env, actVal, what + ".action", &action)) return env.Undefined();

    std::vector<scmp_arg_cmp> cmps;
    if (!argsVal.IsUndefined()) {
      Napi::Array args;
      if (!ToArray(env, argsVal, what + ".args", &args)) return env.Undefined();
      if (args.Length() > kMaxArgs)
        return Fail(env, what + ".args: " + std::to_string(args.Length()) + " comparisons, at most 6 per rule");
      for (uint32_t j = 0; j < args.Length(); j++) {
        Napi::Value av = args.Get(j);
        if (env.IsExceptionPending()) return env.Undefined();
        scmp_arg_cmp cmp{};
        if (!ReadArg(env, av, what + ".args[" + std::to_string(j) + "]", &cmp)) return env.Undefined();
        cmps.push_back(cmp);
      }
    }

    // Resolved against the native architecture; libseccomp translates the
    // number for every other architecture in the filter. A name it does not
    // know at all (a syscall newer than this libseccomp) is left out, as runc
    // does, so profiles written for newer kernels still load.
    int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) {
      skipped.Set(nskipped++, Napi::String::New(env, name));
      if (env.IsExceptionPending()) return env.Undefined();
      continue;
    }
    rc = seccomp_rule_add_array(filter.ctx, action, nr, static_cast<unsigned int>(cmps.size()),
                                cmps.empty() ? nullptr : cmps.data());
    if (rc < 0)
      return FailRule(env, what + ": add rule for syscall " + name + " (action " + Hex(action) + "): " + strerror(-rc),
                      i);
  }

  Napi::Value bpf = ExportBpf(env, filter.ctx);
  if (env.IsExceptionPending()) return env.Undefined();
  Napi::Object result = Napi::Object::New(env);
  result.Set("bpf", bpf);
  result.Set("skipped", skipped);
  return result;
}

// resolveSyscalls(names: string[], archs: number[]) -> number[][]
// The syscall number of each name on each architecture (libseccomp's table,
// x32 numbers with their 0x40000000 bit), or -1 where the name is unknown or
// the syscall does not exist on that architecture.
Napi::Value ResolveSyscalls(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array names, archs;
  if (info.Length() < 2 || !ToArray(env, info[0], "resolveSyscalls: names", &names) ||
      !ToArray(env, info[1], "resolveSyscalls: archs", &archs))
    return env.Undefined();
  std::vector<std::string> nameList;
  for (uint32_t i = 0; i < names.Length(); i++) {
    Napi::Value v = names.Get(i);
    if (env.IsExceptionPending()) return env.Undefined();
    if (!v.IsString()) return Fail(env, "resolveSyscalls: names[" + std::to_string(i) + "]: expected a string");
    nameList.push_back(v.As<Napi::String>().Utf8Value());
  }
  Napi::Array out = Napi::Array::New(env, archs.Length());
  for (uint32_t a = 0; a < archs.Length(); a++) {
    Napi::Value v = archs.Get(a);
    if (env.IsExceptionPending()) return env.Undefined();
    uint32_t token = 0;
    if (!ToU32(env, v, "resolveSyscalls: archs[" + std::to_string(a) + "]", &token)) return env.Undefined();
    Napi::Array row = Napi::Array::New(env, nameList.size());
    for (size_t i = 0; i < nameList.size(); i++) {
      int nr = seccomp_syscall_resolve_name_arch(token, nameList[i].c_str());
      row.Set(static_cast<uint32_t>(i), Napi::Number::New(env, nr < 0 ? -1 : nr));
    }
    out.Set(a, row);
  }
  return out;
}

struct Named {
  const char* name;
  uint32_t value;
};

// What this build of libseccomp knows, by the macro names the spec uses.
// The #ifdefs make a newer libseccomp's additions appear on rebuild.
const Named kArchs[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
#ifdef SCMP_ARCH_LOONGARCH64
    {"SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64},
#endif
#ifdef SCMP_ARCH_M68K
    {"SCMP_ARCH_M68K", SCMP_ARCH_M68K},
#endif
#ifdef SCMP_ARCH_SH
    {"SCMP_ARCH_SH", SCMP_ARCH_SH},
#endif
#ifdef SCMP_ARCH_SHEB
    {"SCMP_ARCH_SHEB", SCMP_ARCH_SHEB},
#endif
};

// Actions without their 16-bit data (ERRNO and TRACE carry it).
const Named kActions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0)},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0)},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
};

const Named kOperators[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

const Named kFlags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_NEW_LISTENER", SECCOMP_FILTER_FLAG_NEW_LISTENER},
#ifdef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
#endif
};

// The kernel validates the flags before it reads the program, so a NULL
// program answers EFAULT for a flag it knows and EINVAL for one it does not;
// nothing is installed either way (libseccomp probes the same way).
bool KernelAcceptsFlag(uint32_t flag) {
#ifdef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
  if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
#endif
  long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, nullptr);
  return rc < 0 && errno == EFAULT;
}

Napi::Array NameList(Napi::Env env, const Named* items, size_t n) {
  Napi::Array out = Napi::Array::New(env, n);
  for (size_t i = 0; i < n; i++) out.Set(static_cast<uint32_t>(i), Napi::String::New(env, items[i].name));
  return out;
}

template <size_t N>
void AddTokens(Napi::Env env, Napi::Object tokens, const Named (&items)[N]) {
  for (const Named& it : items) tokens.Set(it.name, Napi::Number::New(env, it.value));
}

// seccompInfo() -> what this build and kernel support, for `features`.
Napi::Value SeccompInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const scmp_version* v = seccomp_version();
  Napi::Object out = Napi::Object::New(env);
  out.Set("version", Napi::String::New(env, std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                                                std::to_string(v->micro)));
  out.Set("apiLevel", Napi::Number::New(env, seccomp_api_get()));
  uint32_t native = seccomp_arch_native();
  Napi::Value nativeName = env.Null();
  for (const Named& a : kArchs)
    if (a.value == native) nativeName = Napi::String::New(env, a.name);
  out.Set("nativeArch", nativeName);
  out.Set("actions", NameList(env, kActions, sizeof kActions / sizeof kActions[0]));
  out.Set("operators", NameList(env, kOperators, sizeof kOperators / sizeof kOperators[0]));
  out.Set("archs", NameList(env, kArchs, sizeof kArchs / sizeof kArchs[0]));

  Napi::Array supported = Napi::Array::New(env);
  uint32_t n = 0;
  for (const Named& f : kFlags)
    if (KernelAcceptsFlag(f.value)) supported.Set(n++, Napi::String::New(env, f.name));
  out.Set("supportedFlags", supported);

  // The numeric values behind every name, so tests can hold the TypeScript
  // tables to the header this addon was built against.
  Napi::Object tokens = Napi::Object::New(env);
  AddTokens(env, tokens, kArchs);
  AddTokens(env, tokens, kActions);
  AddTokens(env, tokens, kOperators);
  AddTokens(env, tokens, kFlags);
  out.Set("tokens", tokens);
  return out;
}

}  // namespace

void RegisterSeccomp(Napi::Env env, Napi::Object exports) {
  exports.Set("compileSeccomp", Napi::Function::New(env, CompileSeccomp, "compileSeccomp"));
  exports.Set("seccompInfo", Napi::Function::New(env, SeccompInfo, "seccompInfo"));
  exports.Set("resolveSyscalls", Napi::Function::New(env, ResolveSyscalls, "resolveSyscalls"));
}
