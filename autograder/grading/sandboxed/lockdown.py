"""What a child does to itself before it runs student code: limits, another uid, a seccomp
filter, and the audit hook.

The namespaces (bwrap, started by the grader: see grading/sandbox.py) decide what exists for
the child: no course files, no network, no other processes but its fork server's. What is
here closes what namespaces leave open: the child must not trace, signal or outlive anything,
nor make new namespaces or sockets beyond AF_UNIX, nor keep data (SysV IPC) for a later child.
The audit hook stays for its clear messages to students; it is not a boundary.
"""

import ctypes
import os
import platform
import resource
import signal
import struct
import sys

MAX_FILE = 64 * 2**20  # bytes a child may write into one file
MAX_PROCESSES = 16  # processes and threads the child's uid may have at once: with RLIMIT_AS, a bound on its memory
MAX_FILES = 256  # descriptors a child may hold open

# Events refused to graded code. Each names something a graded numpy function never needs and a
# cheat or an escape would: other processes, signals, tracing (a tracer can rewrite the hook's
# locals), raising the limits, finding objects in memory, the network.
REFUSED_EVENTS = frozenset(
    {
        "os.exec",
        "os.fork",
        "os.forkpty",
        "os.posix_spawn",
        "os.spawn",
        "os.system",
        "os.kill",
        "os.killpg",
        "subprocess.Popen",
        "pty.spawn",
        "sys.settrace",
        "sys.setprofile",
        "resource.setrlimit",
        "resource.prlimit",
        "gc.get_objects",
        "gc.get_referrers",
        "gc.get_referents",
        "socket.__new__",
    }
)
# Events whose first argument (or first two) is a path that must not be protected.
PATH_EVENTS = frozenset(
    {
        "open",
        "os.listdir",
        "os.scandir",
        "os.remove",
        "os.rmdir",
        "os.truncate",
        "os.chmod",
        "os.chown",
        "os.utime",
        "shutil.rmtree",
        "os.rename",
        "os.link",
    }
)
TWO_PATH_EVENTS = frozenset({"os.rename", "os.link"})
FROZEN_ATTRIBUTES = frozenset({"__code__", "__defaults__", "__kwdefaults__"})

# ---------------------------------------------------------------------------------------------
# seccomp (x86_64): syscalls refused with EPERM. Numbers from the kernel's syscall_64.tbl.
X86_64_REFUSED = {
    "ptrace": 101,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "kcmp": 312,
    "pidfd_getfd": 438,
    "mount": 165,
    "umount2": 166,
    "pivot_root": 155,
    "chroot": 161,
    "unshare": 272,
    "setns": 308,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "mount_setattr": 442,
    "name_to_handle_at": 303,
    "open_by_handle_at": 304,
    "keyctl": 250,
    "add_key": 248,
    "request_key": 249,
    "bpf": 321,
    "perf_event_open": 298,
    "userfaultfd": 323,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "shmget": 29,
    "msgget": 68,
    "semget": 64,
    "mq_open": 240,
    "personality": 135,
    "kexec_load": 246,
    "kexec_file_load": 320,
    "init_module": 175,
    "finit_module": 313,
    "delete_module": 176,
    "swapon": 167,
    "swapoff": 168,
    "reboot": 169,
    "acct": 163,
    "quotactl": 179,
    "syslog": 103,
}
X86_64 = {"arch": 0xC000003E, "socket": 41, "clone": 56, "clone3": 435, "refused": X86_64_REFUSED}
AF_UNIX = 1
NEW_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x80
X32_BIT = 0x40000000  # x86_64's x32 syscalls: refused whole, they would bypass the numbers above

_BPF_LD_W_ABS, _BPF_JEQ_K, _BPF_JGE_K, _BPF_JSET_K, _BPF_RET_K = 0x20, 0x15, 0x35, 0x45, 0x06
_RET_ALLOW, _RET_KILL, _RET_ERRNO = 0x7FFF0000, 0x80000000, 0x00050000
_NR, _ARCH, _ARG0 = 0, 4, 16  # offsets in struct seccomp_data (args[0]'s low 32 bits: little-endian)
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER, PR_SET_DUMPABLE = 1, 36, 4


def seccomp_supported():
    return sys.platform == "linux" and platform.machine() == "x86_64"


def seccomp_program(table=X86_64):
    """The filter as a list of (code, jt, jf, k) BPF instructions.

    Refused: the syscalls of table["refused"]; socket() of any family but AF_UNIX; clone() with a
    namespace flag; clone3() (ENOSYS: its flags sit in memory a filter cannot read, and glibc
    then falls back to clone()); any other architecture or the x32 ABI (the process is killed).
    """
    eperm, enosys, eafnosupport = _RET_ERRNO | 1, _RET_ERRNO | 38, _RET_ERRNO | 97
    program = [
        (_BPF_LD_W_ABS, 0, 0, _ARCH),
        (_BPF_JEQ_K, 1, 0, table["arch"]),
        (_BPF_RET_K, 0, 0, _RET_KILL),
        (_BPF_LD_W_ABS, 0, 0, _NR),
        (_BPF_JGE_K, 0, 1, X32_BIT),
        (_BPF_RET_K, 0, 0, _RET_KILL),
    ]
    for number in sorted(table["refused"].values()):
        program += [(_BPF_JEQ_K, 0, 1, number), (_BPF_RET_K, 0, 0, eperm)]
    program += [
        (_BPF_JEQ_K, 0, 1, table["clone3"]),
        (_BPF_RET_K, 0, 0, enosys),
        (_BPF_JEQ_K, 0, 4, table["socket"]),
        (_BPF_LD_W_ABS, 0, 0, _ARG0),
        (_BPF_JEQ_K, 1, 0, AF_UNIX),
        (_BPF_RET_K, 0, 0, eafnosupport),
        (_BPF_RET_K, 0, 0, _RET_ALLOW),
        (_BPF_JEQ_K, 0, 3, table["clone"]),
        (_BPF_LD_W_ABS, 0, 0, _ARG0),
        (_BPF_JSET_K, 0, 1, NEW_NAMESPACE_FLAGS),
        (_BPF_RET_K, 0, 0, eperm),
        (_BPF_RET_K, 0, 0, _RET_ALLOW),
    ]
    return program


def install_seccomp(prctl):
    """Set no_new_privs and install seccomp_program() in this process (and all it starts)."""
    program = seccomp_program()
    code = b"".join(struct.pack("=HBBI", *instruction) for instruction in program)
    filters = ctypes.create_string_buffer(code)

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(program), ctypes.addressof(filters))
    if prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    address = ctypes.c_ulong(ctypes.addressof(fprog))  # a pointer: passed as an int, ctypes would cut it to 32 bits
    if prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, address, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")


# ---------------------------------------------------------------------------------------------
# limits and the uid


def limit(memory_mb):
    """Cap the child's memory (address space beyond what the fork server already maps), its
    files, descriptors, processes and core dumps."""
    with open("/proc/self/status") as status:
        mapped = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    cap = mapped + memory_mb * 2**20
    for which, value in (
        (resource.RLIMIT_AS, cap),
        (resource.RLIMIT_FSIZE, MAX_FILE),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_NOFILE, MAX_FILES),
        (resource.RLIMIT_NPROC, MAX_PROCESSES),
    ):
        resource.setrlimit(which, (value, value))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write fails instead of killing


def become(uid):
    """Drop to uid (and the group of the same number), with no supplementary groups: a user that
    owns nothing. Root's capabilities go with the change."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if os.getresuid() != (uid, uid, uid) or os.getresgid() != (uid, uid, uid):
        raise PermissionError(f"could not drop to uid {uid}")


# ---------------------------------------------------------------------------------------------
# the audit hook: clear messages for students, defence in depth only


def install_hook(protected, package_dirs):
    """Forget the grading package and install the audit hook that keeps graded code in bounds.

    protected    -- [[st_dev, st_ino], ...] of files graded code may not use
    package_dirs -- sys.path entries that hold grading code, removed from the path
    """
    for name in [m for m in sys.modules if m.split(".")[0] in ("autograder", "sandboxed")]:
        del sys.modules[name]
    sys.path[:] = [p for p in sys.path if p not in ("", *package_dirs)]
    devices = frozenset([os.stat("/proc").st_dev]) if os.path.isdir("/proc") else frozenset()
    sys.addaudithook(_hook(frozenset(tuple(pair) for pair in protected), devices))


def _hook(protected, devices):
    """The audit hook. Everything it uses is bound as a default argument (immutable, or a builtin),
    so graded code can neither rebind the names it looks up nor change the sets it consults."""

    def hook(
        event,
        args,
        _protected=protected,
        _devices=devices,
        _stat=os.stat,
        _type=type,
        _path_events=PATH_EVENTS,
        _two=TWO_PATH_EVENTS,
        _refused=REFUSED_EVENTS,
        _frozen=FROZEN_ATTRIBUTES,
        _Refused=PermissionError,
        _OSError=OSError,
        _str=str,
        _bytes=bytes,
        _int=int,
        _startswith=str.startswith,
    ):
        if event in _path_events:
            # Only open() (which passes a str mode) cannot take a dir_fd, so only it may use a
            # relative path: the check below resolves it against the same cwd as the call.
            relative_ok = event == "open" and _type(args[1]) is _str
            for path in args[:2] if event in _two else args[:1]:
                if _type(path) is _int or path is None:
                    continue  # an open descriptor (obtained through this hook) or the cwd
                if _type(path) is not _str and _type(path) is not _bytes:
                    raise _Refused(f"{event}: graded code may name files by str paths only")
                if not relative_ok and path[:1] not in ("/", b"/"):
                    raise _Refused(f"{event}: graded code may not use a relative path here")
                try:
                    found = _stat(path)
                except _OSError:
                    continue  # nothing there (yet): nothing to protect
                if (found.st_dev, found.st_ino) in _protected or found.st_dev in _devices:
                    raise _Refused(f"{event}: graded code may not use {path!r}")
        elif event == "import":
            if _startswith(args[0], "autograder") or _startswith(args[0], "sandboxed"):
                raise _Refused("graded code may not import the grading package")
        elif event in _refused or event.startswith("ctypes."):
            raise _Refused(f"{event} is not allowed in graded code")
        elif event == "object.__setattr__" and args[1] in _frozen:
            raise _Refused(f"setting {args[1]} is not allowed in graded code")

    return hook
