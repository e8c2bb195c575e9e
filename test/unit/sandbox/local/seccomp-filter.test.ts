import { describe, expect, it } from 'vitest';
import { DENIED_SYSCALLS_X86_64, buildSeccompFilter } from '../../../../src/sandbox/local/seccomp-filter.js';

/** Decodes the struct sock_filter array and runs it like the kernel would, for a given system call. */
function evaluate(program: Buffer, data: { arch: number; nr: number; arg0?: number }): number {
  const load = (k: number): number => (k === 0 ? data.nr : k === 4 ? data.arch : k === 16 ? (data.arg0 ?? 0) >>> 0 : Number.NaN);
  let acc = 0;
  for (let pc = 0; pc < program.length / 8; ) {
    const code = program.readUInt16LE(pc * 8);
    const jt = program.readUInt8(pc * 8 + 2);
    const jf = program.readUInt8(pc * 8 + 3);
    const k = program.readUInt32LE(pc * 8 + 4);
    if (code === 0x20) acc = load(k);
    else if (code === 0x06) return k;
    else if (code === 0x15) { pc += 1 + (acc === k ? jt : jf); continue; }
    else if (code === 0x35) { pc += 1 + (acc >= k ? jt : jf); continue; }
    else if (code === 0x45) { pc += 1 + ((acc & k) !== 0 ? jt : jf); continue; }
    else throw new Error(`unknown opcode ${code}`);
    pc++;
  }
  throw new Error('fell off the program');
}

const X86_64 = 0xc000003e;
const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;
const ENOSYS = 0x00050026;

describe('buildSeccompFilter', () => {
  const program = buildSeccompFilter('x64')!;

  it('is a whole number of 8-byte instructions, and absent on other CPUs', () => {
    expect(program.length % 8).toBe(0);
    expect(buildSeccompFilter('arm64')).toBeNull();
  });

  it('denies every listed call with EPERM and allows ordinary ones', () => {
    for (const nr of Object.values(DENIED_SYSCALLS_X86_64)) expect(evaluate(program, { arch: X86_64, nr })).toBe(EPERM);
    for (const nr of [0, 1, 2, 3, 9, 39, 57, 59, 60, 231, 257, 434]) expect(evaluate(program, { arch: X86_64, nr })).toBe(ALLOW); // read..openat, pidfd_open
  });

  it('answers clone3 with ENOSYS and filters clone by its namespace flags', () => {
    expect(evaluate(program, { arch: X86_64, nr: 435 })).toBe(ENOSYS);
    expect(evaluate(program, { arch: X86_64, nr: 56, arg0: 0x003d0f00 })).toBe(ALLOW); // pthread_create's flags
    expect(evaluate(program, { arch: X86_64, nr: 56, arg0: 0x11 })).toBe(ALLOW); // fork: SIGCHLD
    expect(evaluate(program, { arch: X86_64, nr: 56, arg0: 0x10000011 })).toBe(EPERM); // CLONE_NEWUSER
    expect(evaluate(program, { arch: X86_64, nr: 56, arg0: 0x00020011 })).toBe(EPERM); // CLONE_NEWNS
  });

  it('denies other ABIs: x32 numbers and foreign architectures', () => {
    expect(evaluate(program, { arch: X86_64, nr: 0x40000000 | 39 })).toBe(EPERM);
    expect(evaluate(program, { arch: 0x40000003, nr: 20 })).toBe(EPERM); // i386 via int 0x80
  });
});
