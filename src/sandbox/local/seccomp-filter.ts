/**
 * A seccomp filter for bubblewrap sandboxes (`bwrap --seccomp FD`), as a classic BPF program.
 * Defence in depth under the namespaces and rlimits: no Python program needs these system calls,
 * and several are the usual ways from an unprivileged process into a kernel bug (io_uring, bpf,
 * userfaultfd, perf events, nested user namespaces, keyrings, new mount API). Denied calls fail
 * with EPERM, so a program sees an ordinary error; `clone3` fails with ENOSYS, which makes glibc
 * fall back to `clone`, whose flags the filter can read (it cannot read `clone3`'s, which sit in
 * memory): `clone` with any namespace flag is denied, so is any call of another ABI (x32, i386).
 */

/** x86-64 system calls the sandbox denies (name: number). */
export const DENIED_SYSCALLS_X86_64: Readonly<Record<string, number>> = {
  ptrace: 101,
  syslog: 103,
  vhangup: 153,
  pivot_root: 155,
  adjtimex: 159,
  chroot: 161,
  acct: 163,
  settimeofday: 164,
  mount: 165,
  umount2: 166,
  swapon: 167,
  swapoff: 168,
  reboot: 169,
  sethostname: 170,
  setdomainname: 171,
  iopl: 172,
  ioperm: 173,
  init_module: 175,
  delete_module: 176,
  quotactl: 179,
  lookup_dcookie: 212,
  clock_settime: 227,
  kexec_load: 246,
  add_key: 248,
  request_key: 249,
  keyctl: 250,
  unshare: 272,
  perf_event_open: 298,
  fanotify_init: 300,
  name_to_handle_at: 303,
  open_by_handle_at: 304,
  clock_adjtime: 305,
  setns: 308,
  process_vm_readv: 310,
  process_vm_writev: 311,
  finit_module: 313,
  kexec_file_load: 320,
  bpf: 321,
  userfaultfd: 323,
  io_uring_setup: 425,
  io_uring_enter: 426,
  io_uring_register: 427,
  open_tree: 428,
  move_mount: 429,
  fsopen: 430,
  fsconfig: 431,
  fsmount: 432,
  fspick: 433,
  pidfd_getfd: 438,
  mount_setattr: 442,
};

const NR_CLONE = 56;
const NR_CLONE3 = 435;
/** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET | NEWTIME. */
const CLONE_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x00000080;
const X32_SYSCALL_BIT = 0x40000000;
const AUDIT_ARCH_X86_64 = 0xc000003e;

// Classic BPF opcodes and seccomp return values (linux/filter.h, linux/seccomp.h).
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const JSET_K = 0x45;
const RET_K = 0x06;
const SECCOMP_RET_ALLOW = 0x7fff0000;
const SECCOMP_RET_ERRNO = 0x00050000;
const EPERM = 1;
const ENOSYS = 38;
/** Offsets in struct seccomp_data: nr, arch, args[0] (its low 32 bits on little-endian). */
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
const OFFSET_ARG0_LOW = 16;

interface Instruction {
  code: number;
  jt: number | Target;
  jf: number | Target;
  k: number;
}
type Target = 'allow' | 'eperm' | 'enosys';

/**
 * The filter as the bytes of a `struct sock_filter[]` (what `bwrap --seccomp` reads), or null on
 * an architecture it does not cover (only x86-64 system call numbers are listed).
 */
export function buildSeccompFilter(arch: string = process.arch): Buffer | null {
  if (arch !== 'x64') return null;
  const body: Instruction[] = [
    { code: LD_W_ABS, jt: 0, jf: 0, k: OFFSET_ARCH },
    { code: JEQ_K, jt: 0, jf: 'eperm', k: AUDIT_ARCH_X86_64 },
    { code: LD_W_ABS, jt: 0, jf: 0, k: OFFSET_NR },
    { code: JGE_K, jt: 'eperm', jf: 0, k: X32_SYSCALL_BIT },
    ...Object.values(DENIED_SYSCALLS_X86_64).map((nr): Instruction => ({ code: JEQ_K, jt: 'eperm', jf: 0, k: nr })),
    { code: JEQ_K, jt: 'enosys', jf: 0, k: NR_CLONE3 },
    { code: JEQ_K, jt: 0, jf: 'allow', k: NR_CLONE },
    { code: LD_W_ABS, jt: 0, jf: 0, k: OFFSET_ARG0_LOW },
    { code: JSET_K, jt: 'eperm', jf: 'allow', k: CLONE_NAMESPACE_FLAGS },
  ];
  const returns: Record<Target, number> = { allow: body.length, eperm: body.length + 1, enosys: body.length + 2 };
  const program: Instruction[] = [
    ...body,
    { code: RET_K, jt: 0, jf: 0, k: SECCOMP_RET_ALLOW },
    { code: RET_K, jt: 0, jf: 0, k: SECCOMP_RET_ERRNO | EPERM },
    { code: RET_K, jt: 0, jf: 0, k: SECCOMP_RET_ERRNO | ENOSYS },
  ];
  const out = Buffer.alloc(program.length * 8);
  program.forEach((ins, i) => {
    const offset = (t: number | Target): number => {
      const o = typeof t === 'number' ? t : returns[t] - (i + 1);
      if (o < 0 || o > 255) throw new Error(`seccomp filter: jump out of range at ${i}`);
      return o;
    };
    out.writeUInt16LE(ins.code, i * 8);
    out.writeUInt8(offset(ins.jt), i * 8 + 2);
    out.writeUInt8(offset(ins.jf), i * 8 + 3);
    out.writeUInt32LE(ins.k >>> 0, i * 8 + 4);
  });
  return out;
}
