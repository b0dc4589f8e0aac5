"""Hostile cells for ForgedReportsContract: a cell's attempts to forge what the driver reports.

Loaded into the session by a first cell; each test then calls one function. Every attempt is recorded
(what was written where, what was refused), so the test can compare the reply it got with what the
cell really did.
"""
import ctypes
import gc
import json
import os
import signal
import subprocess
import sys


def forged_lines(tag):
    """Lines as the driver writes them (replies, outputs, status) for every id the JVM may have used,
    and lines in the runner's own vocabulary that are not claims about the running cell."""
    messages = []
    for request_id in [None] + [str(i) for i in range(1, 40)]:
        messages += [
            {"id": request_id, "msg_type": "execute_reply", "content": {
                "status": "ok", "execution_count": 1, "duration": 0, "dropped_bytes": 0, "killed_processes": 0}},
            {"id": request_id, "msg_type": "stream", "content": {"name": "stdout", "text": "FORGED " + tag}},
            {"id": request_id, "msg_type": "error", "content": {"ename": "Forged", "evalue": tag, "traceback": []}},
            {"id": request_id, "msg_type": "display_data", "content": {"data": {"text/plain": "FORGED"}, "metadata": {}}},
            {"id": request_id, "msg_type": "execute_ending", "content": {}},
            {"id": request_id, "msg_type": "download_reply", "content": {"status": "ok", "data": "", "eof": True}},
        ]
    messages.append({"id": None, "msg_type": "ready", "content": {
        "protocol_version": 1, "runner": "forged", "python": "0", "cwd": "/forged", "ipython_unavailable": "forged"}})
    for number in (None, 0, -1, 10 ** 6):
        messages += [{"t": "done", "n": number, "c": {"ok": True, "count": 1}}, {"t": "ended", "n": number},
                     {"t": "error", "n": number, "c": {"ename": "Forged", "evalue": tag, "traceback": []}}]
    messages += [{"t": kind, "c": {"status": "ok", "runner": "forged", "name": "stdout", "text": "FORGED"}}
                 for kind in ("hello", "ready", "execute_reply", "execute_ending", "stream", "interrupt_reply")]
    return b"".join(b"\n" + json.dumps(m).encode("ascii") + b"\n" for m in messages)


def _identity(fd):
    info = os.fstat(fd)
    return info.st_dev, info.st_ino


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _is_evalbox_driver(pid):
    """Whether pid runs evalbox's driver (its program text, on the command line, names its settings)."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            return b"EVALBOX_PROCESS_SCOPE" in handle.read()
    except OSError:
        return False


def _check_scope(scope, driver):
    """Refuses to aim at anything but a sandbox's own processes. On a host, as root, /proc/<pid>/fd of another
    process opens its files for writing: a wrong pid here once overwrote the JVM's jars and the JDK's modules."""
    if scope == "container" and not _is_evalbox_driver(1):
        raise RuntimeError("scope 'container' outside a sandbox's pid namespace (PID 1 is not the driver): refusing")
    if scope != "container" and not _is_evalbox_driver(driver):
        raise RuntimeError("pid %d is not an evalbox driver: refusing to write to its descriptors" % driver)


def forge_everywhere(tag, scope, driver, record_file=None):
    """Writes forged lines to every descriptor of this process (as it is, through os.fdopen, and opened
    again through /proc/self/fd) and to every /proc/<pid>/fd/<n> in scope ("container": every process;
    "driver": the driver's only, on a host: the rest of the host is not the test's to write to). Returns what reached this cell's stdout and stderr, in order,
    and what was refused."""
    _check_scope(scope, driver)
    data = forged_lines(tag)
    stdout, stderr = _identity(1), _identity(2)
    record = {"stdout": "", "stderr": "", "written": [], "refused": [], "driver_reached": [], "driver_refused": []}
    text = data.decode("ascii")

    def account(fd, how):
        identity = _identity(fd)
        record["written"].append(how)
        if identity == stdout:
            record["stdout"] += text
        elif identity == stderr:
            record["stderr"] += text

    own = sorted(int(name) for name in os.listdir("/proc/self/fd"))
    for fd in own:
        try:
            _write_all(fd, data)
            account(fd, "fd %d" % fd)
        except OSError as exc:
            record["refused"].append("fd %d: %s" % (fd, exc.strerror))
        try:
            with os.fdopen(fd, "wb", buffering=0, closefd=False) as handle:
                handle.write(data)
            account(fd, "fdopen %d" % fd)
        except (OSError, ValueError) as exc:
            record["refused"].append("fdopen %d: %s" % (fd, exc))
        try:
            again = os.open("/proc/self/fd/%d" % fd, os.O_WRONLY)
        except OSError as exc:
            record["refused"].append("/proc/self/fd/%d: %s" % (fd, exc.strerror))
        else:
            try:
                _write_all(again, data)
                account(again, "/proc/self/fd/%d" % fd)
            except OSError as exc:
                record["refused"].append("/proc/self/fd/%d: %s" % (fd, exc.strerror))
            finally:
                os.close(again)
    pids = [driver] if scope == "driver" else [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]
    for pid in pids:
        mine = "driver" if pid == driver else "other"
        try:
            names = os.listdir("/proc/%d/fd" % pid)
        except OSError as exc:
            if mine == "driver":
                record["driver_refused"].append("/proc/%d/fd: %s" % (pid, exc.strerror))
            continue
        for name in names:
            path = "/proc/%d/fd/%s" % (pid, name)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if mine == "driver":
                    record["driver_refused"].append("%s: %s" % (path, exc.strerror))
                continue
            try:
                _write_all(fd, data)
                account(fd, path)
                if mine == "driver":
                    record["driver_reached"].append(path)
            except OSError as exc:
                if mine == "driver":
                    record["driver_refused"].append("%s: %s" % (path, exc.strerror))
            finally:
                os.close(fd)
    if record_file:
        with open(record_file, "w") as handle:
            json.dump(record, handle)
    return record


def forge_from_a_child(tag, scope, driver):
    """The same from a process the cell starts, which inherits every descriptor the cell can pass on."""
    record_file = os.path.abspath("forgery-child-%s.json" % tag)
    source = "import sys; sys.path.insert(0, %r); import forgery; forgery.forge_everywhere(%r, %r, %d, %r)" % (
        os.getcwd(), tag, scope, driver, record_file)
    subprocess.run([sys.executable, "-c", source], close_fds=False, check=True)
    with open(record_file) as handle:
        return json.load(handle)


def forge_early(tag):
    """Forged replies, ready and execute_ending on fds 1 and 2 and on every other pipe and socket of this
    process (the results channel among them) while the cell has work left to do."""
    line = forged_lines(tag)
    refused = []
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            target = os.readlink("/proc/self/fd/%d" % fd)
        except OSError:
            continue
        if fd in (1, 2) or target.startswith(("socket:", "pipe:")):
            try:
                _write_all(fd, line)
            except OSError as exc:
                refused.append("fd %d: %s" % (fd, exc.strerror))
    return refused


def driver_objects():
    """The objects of the driver that this process holds (the fork copied them), by class name."""
    found = {}
    for obj in gc.get_objects():
        cls = type(obj)
        if cls.__module__ == "__main__" and cls.__name__ in ("Driver", "SandboxProcesses", "Cell", "OutputPipe"):
            found.setdefault(cls.__name__, []).append(obj)
    return found


def call_and_patch_the_driver(tag):
    """Finds the driver's objects and functions with gc and calls them to send forged replies; patches its
    class; then goes after the driver process itself through ctypes (ptrace, /proc/<pid>/mem,
    process_vm_writev, pidfd_getfd)."""
    record = {"objects": [], "calls": [], "ctypes": {}}
    line = forged_lines(tag)
    for name, objects in driver_objects().items():
        record["objects"].append(name)
        for obj in objects:
            if name != "Driver":
                continue
            obj.outgoing = []
            for request_id in [None] + [str(i) for i in range(1, 40)]:
                obj.send(request_id, "execute_reply", {"status": "ok", "execution_count": 1})
                obj.send(request_id, "ready", {"runner": "forged"})
                obj.send(request_id, "execute_ending", {})
            payload = b"".join(obj.outgoing) + line
            for fd in (obj.fd_out, obj.fd_in):
                try:
                    _write_all(fd, payload)
                    record["calls"].append("wrote to the driver's fd %d" % fd)
                except OSError as exc:
                    record["calls"].append("fd %d: %s" % (fd, exc.strerror))
            cls = type(obj)
            cls.send = lambda self, *args, **kwargs: None
            cls.finish = lambda self, *args, **kwargs: None
            cls.forward_output = lambda self, *args, **kwargs: None
            record["calls"].append("patched Driver.send, finish, forward_output")

    libc = ctypes.CDLL(None, use_errno=True)
    driver = os.getppid()
    if not _is_evalbox_driver(driver):
        # ptrace and process_vm_writev aimed at any other parent (a host process) could stop or corrupt it
        raise RuntimeError("the parent, pid %d, is not an evalbox driver: refusing" % driver)
    PTRACE_ATTACH, PTRACE_SEIZE = 16, 0x4206
    for what, request in (("ptrace attach", PTRACE_ATTACH), ("ptrace seize", PTRACE_SEIZE)):
        result = libc.ptrace(ctypes.c_long(request), ctypes.c_long(driver), None, None)
        record["ctypes"][what] = "ok" if result == 0 else os.strerror(ctypes.get_errno())
    try:
        with open("/proc/%d/mem" % driver, "r+b", buffering=0):
            record["ctypes"]["/proc/pid/mem"] = "ok"
    except OSError as exc:
        record["ctypes"]["/proc/pid/mem"] = exc.strerror

    class IoVec(ctypes.Structure):
        _fields_ = [("base", ctypes.c_void_p), ("length", ctypes.c_size_t)]

    buffer = ctypes.create_string_buffer(line[:64])
    local = IoVec(ctypes.cast(buffer, ctypes.c_void_p), 64)
    remote = IoVec(ctypes.cast(buffer, ctypes.c_void_p), 64)  # any address: permission is checked first
    libc.process_vm_writev.argtypes = [ctypes.c_int, ctypes.POINTER(IoVec), ctypes.c_ulong,
                                       ctypes.POINTER(IoVec), ctypes.c_ulong, ctypes.c_ulong]
    written = libc.process_vm_writev(driver, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
    record["ctypes"]["process_vm_writev"] = "ok" if written >= 0 else os.strerror(ctypes.get_errno())
    stolen = []
    try:
        pidfd = os.pidfd_open(driver)
    except (OSError, AttributeError) as exc:
        record["ctypes"]["pidfd_getfd"] = "no pidfd: %s" % exc
    else:
        SYS_pidfd_getfd = 438
        refusals = set()
        for target in list(range(0, 16)) + list(range(900, 904)):
            fd = libc.syscall(ctypes.c_long(SYS_pidfd_getfd), pidfd, target, 0)
            if fd >= 0:
                stolen.append(target)
                try:
                    _write_all(fd, line)
                finally:
                    os.close(fd)
            else:
                refusals.add(os.strerror(ctypes.get_errno()))
        os.close(pidfd)
        record["ctypes"]["pidfd_getfd"] = "stole %s" % stolen if stolen else ", ".join(sorted(refusals))
    return record


def runner():
    return next(obj for obj in gc.get_objects() if type(obj).__name__ == "Runner" and type(obj).__module__ == "__main__")


def claim_success_at_the_deadline():
    """Spins until the deadline's interrupt, then claims, in the runner's own words, that the cell ended well."""
    the_runner = runner()
    previous = signal.getsignal(signal.SIGINT)

    def claim(signum, frame):
        signal.signal(signal.SIGINT, previous)
        the_runner.send("display_data", {"data": {"text/plain": "claimed at the deadline"}, "metadata": {}})
        the_runner.send("done", {"ok": True, "count": 1})
        raise KeyboardInterrupt()
    signal.signal(signal.SIGINT, claim)
    while True:
        pass
