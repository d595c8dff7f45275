// The cgroup v2 device controller is an eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE) attached
// to the container's cgroup. This file builds that program from the device rules, as plain
// data: a list of instructions (readable, unit-tested) and their 8-byte kernel encoding.
// Loading it (bpf(BPF_PROG_LOAD) + bpf(BPF_PROG_ATTACH, BPF_CGROUP_DEVICE)) is a syscall
// job for the addon; see DeviceProgramLoader in manager.ts.
//
// Program shape (the same as runc's and crun's):
//   r2 = ctx->access_type & 0xffff     device type: 1 block, 2 char
//   r3 = ctx->access_type >> 16        requested access: 1 mknod, 2 read, 4 write
//   r4 = ctx->major; r5 = ctx->minor
//   per exception rule: if any field differs, jump to the next block; else return !default
//   last block: return default (1 = allow, 0 = deny)

import { effectiveDeviceRules, type DeviceRule } from './device-rules';

// struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }
const BPF_DEVCG_DEV_BLOCK = 1;
const BPF_DEVCG_DEV_CHAR = 2;
const BPF_DEVCG_ACC_MKNOD = 1;
const BPF_DEVCG_ACC_READ = 2;
const BPF_DEVCG_ACC_WRITE = 4;

// Opcodes (class | op | source), from linux/bpf_common.h and linux/bpf.h.
const OP = {
  ldxw: 0x61, // BPF_LDX | BPF_MEM | BPF_W
  and32Imm: 0x54, // BPF_ALU | BPF_AND | BPF_K
  rsh32Imm: 0x74, // BPF_ALU | BPF_RSH | BPF_K
  mov32Imm: 0xb4, // BPF_ALU | BPF_MOV | BPF_K
  mov32Reg: 0xbc, // BPF_ALU | BPF_MOV | BPF_X
  jneImm: 0x55, // BPF_JMP | BPF_JNE | BPF_K
  jneReg: 0x5d, // BPF_JMP | BPF_JNE | BPF_X
  exit: 0x95, // BPF_JMP | BPF_EXIT
} as const;

export interface BpfInsn {
  op: keyof typeof OP;
  dst: number;
  src: number;
  /** memory offset, or jump offset (relative to the next instruction) */
  off: number;
  imm: number;
  /** human-readable form, for tests and debugging */
  text: string;
}

export interface DeviceProgram {
  insns: BpfInsn[];
  /** struct bpf_insn[] as the kernel reads it (little-endian host assumed, as on x86-64/arm64). */
  bytecode: Buffer;
  license: string;
  defaultAllow: boolean;
}

const insn = (op: keyof typeof OP, dst: number, src: number, off: number, imm: number, text: string): BpfInsn => ({
  op, dst, src, off, imm, text,
});

export function deviceProgram(rules: DeviceRule[]): DeviceProgram {
  const { defaultAllow, exceptions } = effectiveDeviceRules(rules);
  const insns: BpfInsn[] = [
    insn('ldxw', 2, 1, 0, 0, 'r2 = *(u32 *)(r1 + 0)'),
    insn('and32Imm', 2, 0, 0, 0xffff, 'w2 &= 0xffff'),
    insn('ldxw', 3, 1, 0, 0, 'r3 = *(u32 *)(r1 + 0)'),
    insn('rsh32Imm', 3, 0, 0, 16, 'w3 >>= 16'),
    insn('ldxw', 4, 1, 4, 0, 'r4 = *(u32 *)(r1 + 4)'),
    insn('ldxw', 5, 1, 8, 0, 'r5 = *(u32 *)(r1 + 8)'),
  ];
  for (const r of exceptions) {
    const block: BpfInsn[] = [];
    // Jumps are patched below to land on the first instruction after this block.
    const devType = r.type === 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
    block.push(insn('jneImm', 2, 0, 0, devType, `if r2 != ${devType} goto next`));
    let access = 0;
    if (r.access.includes('m')) access |= BPF_DEVCG_ACC_MKNOD;
    if (r.access.includes('r')) access |= BPF_DEVCG_ACC_READ;
    if (r.access.includes('w')) access |= BPF_DEVCG_ACC_WRITE;
    if (access !== 7) {
      // The request must be a subset of the rule's access: (r3 & access) == r3.
      block.push(insn('mov32Reg', 1, 3, 0, 0, 'w1 = w3'));
      block.push(insn('and32Imm', 1, 0, 0, access, `w1 &= ${access}`));
      block.push(insn('jneReg', 1, 3, 0, 0, 'if r1 != r3 goto next'));
    }
    if (r.major !== null) block.push(insn('jneImm', 4, 0, 0, r.major | 0, `if r4 != ${r.major} goto next`));
    if (r.minor !== null) block.push(insn('jneImm', 5, 0, 0, r.minor | 0, `if r5 != ${r.minor} goto next`));
    const verdict = r.allow ? 1 : 0;
    block.push(insn('mov32Imm', 0, 0, 0, verdict, `w0 = ${verdict}`));
    block.push(insn('exit', 0, 0, 0, 0, 'exit'));
    block.forEach((b, i) => {
      if (b.op === 'jneImm' || b.op === 'jneReg') {
        b.off = block.length - i - 1;
        b.text = b.text.replace('goto next', `goto +${b.off}`);
      }
    });
    insns.push(...block);
  }
  const verdict = defaultAllow ? 1 : 0;
  insns.push(insn('mov32Imm', 0, 0, 0, verdict, `w0 = ${verdict}`));
  insns.push(insn('exit', 0, 0, 0, 0, 'exit'));
  return { insns, bytecode: encode(insns), license: 'Apache', defaultAllow };
}

function encode(insns: BpfInsn[]): Buffer {
  const buf = Buffer.alloc(insns.length * 8);
  insns.forEach((x, i) => {
    const o = i * 8;
    buf.writeUInt8(OP[x.op], o);
    buf.writeUInt8(((x.src & 0xf) << 4) | (x.dst & 0xf), o + 1);
    buf.writeInt16LE(x.off, o + 2);
    buf.writeInt32LE(x.imm | 0, o + 4);
  });
  return buf;
}
