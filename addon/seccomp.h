// Seccomp filter compilation for the parent process.
//
// The filter is built with libseccomp here, in Node, and exported as raw
// classic-BPF bytes (an array of struct sock_filter, 8 bytes each, host
// endian). The init helper loads those bytes later with the raw
// seccomp(SECCOMP_SET_MODE_FILTER, flags, &sock_fprog) syscall, because
// seccomp_load() allocates and the child must not.
#pragma once

#include <napi.h>

// Adds to `exports`:
//   compileSeccomp(plan) -> { bpf: Buffer, skipped: string[] }
//     plan = { defaultAction: number, architectures: number[],
//              optimize?: number,
//              rules: [{ syscall: string, action: number,
//                        args: [{ index, op, value, valueTwo }] }] }
//     Action, arch and operator values are libseccomp's numbers (SCMP_ACT_*,
//     SCMP_ARCH_*, SCMP_CMP_*); value/valueTwo are uint64 as BigInt, a
//     decimal string or a safe-integer number. Names libseccomp does not
//     know are left out of the filter and listed in `skipped`.
//   resolveSyscalls(names: string[], archs: number[]) -> number[][]
//     Per architecture token, each name's syscall number there (-1: none).
//   seccompInfo() -> { version, apiLevel, nativeArch, actions, operators,
//                      archs, supportedFlags }
void RegisterSeccomp(Napi::Env env, Napi::Object exports);
