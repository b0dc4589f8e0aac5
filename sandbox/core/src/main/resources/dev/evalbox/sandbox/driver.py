"""evalbox sandbox driver: runs cells inside the sandbox on behalf of the Java side.

Two processes, so that nothing the JVM is told can be forged by the code it runs:

- The driver (the process the sandbox starts; PID 1 of a Docker sandbox) alone speaks the protocol:
  one JSON object per line, {"id": request id or null, "msg_type": ..., "content": {...}}, on
  private file descriptors taken over from stdin/stdout at start. It keeps the cells' deadlines,
  answers file operations, frames every output with the id of the cell it belongs to, applies the
  output caps and writes every reply. It runs no user code, and it is not dumpable, so no other
  process of its user can reach its descriptors or memory through /proc or ptrace.
- The runner, forked by the driver at start, runs the cells (IPython, or plain Python) and nothing
  else. Its only ways out are its fds 1 and 2 (pipes the driver drains and sends on as `stream`
  text, verbatim) and a results pipe on which it reports rich outputs, errors and the end of a
  cell. The driver takes those as claims about the cell it is running, checks their shape and frames
  them itself; whatever the cell writes where, it cannot produce a message of another kind, for
  another cell, or a reply.

Content shapes follow the Jupyter messaging protocol (stream, execute_result, display_data, error).
"""

import base64
import builtins
import codecs
import fcntl
import io
import json
import os
import select
import signal
import stat
import sys
import time
import traceback

PROTOCOL_VERSION = 1
READ_CHUNK = 65536
DOWNLOAD_CHUNK_MAX = 8 * 1024 * 1024
# Rich outputs the runner may report; anything else on the results pipe is dropped.
RICH_OUTPUTS = ("execute_result", "display_data", "update_display_data", "error", "clear_output")


def env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


_LIBC = []


def libc():
    """The C library through ctypes (loaded once), or None where ctypes is missing."""
    if not _LIBC:
        try:
            import ctypes
            _LIBC.append(ctypes.CDLL(None, use_errno=True))
        except (ImportError, OSError):
            _LIBC.append(None)
    return _LIBC[0]


PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4


def set_dumpable(flag):
    """A process that is not dumpable keeps its /proc entries (fd, mem, environ) and ptrace to itself and
    to holders of CAP_SYS_PTRACE (which a Docker sandbox drops); True if the kernel took it."""
    lib = libc()
    return lib is not None and lib.prctl(PR_SET_DUMPABLE, 1 if flag else 0, 0, 0, 0) == 0


def set_parent_death_signal(signum):
    lib = libc()
    if lib is not None:
        lib.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0)


def drop_ptrace_capability():
    """A runner started as root (the local backend run by root) gives up CAP_SYS_PTRACE, which would let
    it past the driver's non-dumpable flag: from its bounding set (nothing it executes regains it) and
    from its effective, permitted and inheritable sets."""
    if os.geteuid() != 0:
        return
    try:
        import ctypes
    except ImportError:
        return
    lib = libc()
    if lib is None:
        return
    cap_sys_ptrace = 19
    lib.prctl(24, cap_sys_ptrace, 0, 0, 0)  # PR_CAPBSET_DROP

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    header = Header(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3: two Data words
    data = (Data * 2)()
    if lib.capget(ctypes.byref(header), data) != 0:
        return
    mask = ~(1 << cap_sys_ptrace) & 0xFFFFFFFF
    data[0].effective &= mask
    data[0].permitted &= mask
    data[0].inheritable &= mask
    lib.capset(ctypes.byref(header), data)


def main_thread_interrupter():
    """A function sending SIGINT to the main thread of another process (whose thread id is its pid):
    glibc's tgkill (2.30 and later) through ctypes, else a signal to the process (which a signal handler
    then runs on the main thread anyway, later if another thread takes it)."""
    lib = libc()
    tgkill = getattr(lib, "tgkill", None) if lib is not None else None

    def interrupt(pid):
        if tgkill is not None and tgkill(pid, pid, signal.SIGINT) == 0:
            return
        try:
            os.kill(pid, signal.SIGINT)
        except OSError:
            pass
    return interrupt


class ProcessInfo:
    __slots__ = ("pid", "state", "ppid", "pgrp", "starttime")

    def __init__(self, pid, state, ppid, pgrp, starttime):
        self.pid, self.state, self.ppid, self.pgrp, self.starttime = pid, state, ppid, pgrp, starttime


def read_process(pid):
    """The fields of /proc/<pid>/stat a timeout needs, or None if the process is gone."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as handle:
            data = handle.read()
        # The command name (field 2) may hold spaces and parentheses: the fields after it follow its last ')'.
        rest = data[data.rindex(b")") + 2:].split()
        return ProcessInfo(pid, rest[0].decode("ascii", "replace"), int(rest[1]), int(rest[2]), int(rest[19]))
    except (OSError, ValueError, IndexError):
        return None


def read_command(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            return handle.read()
    except OSError:
        return None


class SandboxProcesses:
    """The sandbox's processes other than the driver and the runner, as a timed-out cell leaves them.

    At a deadline they are first stopped with SIGSTOP: it cannot be caught, ignored or outrun (a
    stopped process forks no more and keeps its pid, so repeated passes reach a fixed point), and
    neither a new session nor a new process group hides a process from /proc. Then the ones the
    timed-out cell started are SIGKILLed, and only then is the runner interrupted: it has the CPU
    to itself, however many processes the cell started. Processes of earlier cells (a server the
    session relies on) are paused, not killed, and resumed once the cell has ended.

    Scope "container" (Docker): the pid namespace is the sandbox's; every process in it but the
    driver (PID 1) is the sandbox's, and one kill(-1, SIGSTOP) stops them all at once (the kernel
    walks the task list with forks held off); it stops the runner too, which is continued after the
    kills. Scope "descendants" (local backend): the driver's descendants and process group, found by
    walking /proc; a process that detaches (double fork and setsid) escapes, as everything escapes
    the local backend.
    """

    MAX_ROUNDS = 200

    def __init__(self, scope):
        self.driver = os.getpid()
        self.runner = None
        # kill(-1) is only sound where every other process is the sandbox's: refuse it anywhere but
        # as the container's init (or directly under one).
        self.container = scope == "container" and (self.driver == 1 or os.getppid() == 1)
        self.tick = os.sysconf("SC_CLK_TCK")
        self.clock = self.start_clock()
        self.pidfds = hasattr(os, "pidfd_open") and hasattr(signal, "pidfd_send_signal")

    def start_clock(self):
        """The clock /proc/<pid>/stat start times count on: boot time since Linux 5.3, monotonic before."""
        own = read_process(self.driver)
        if own is None:
            return time.CLOCK_MONOTONIC
        started = own.starttime / self.tick
        clocks = [time.CLOCK_MONOTONIC] + ([time.CLOCK_BOOTTIME] if hasattr(time, "CLOCK_BOOTTIME") else [])
        return min(clocks, key=lambda c: abs(time.clock_gettime(c) - started))

    def now_ticks(self):
        return int(time.clock_gettime(self.clock) * self.tick)

    def others(self):
        """The sandbox's other live processes now, by pid (neither the driver nor the runner)."""
        protected = (1, self.driver, self.runner)
        table = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                info = read_process(int(name))
                if info is not None and info.state not in "ZX":
                    table[info.pid] = info
        if self.container:
            return {pid: info for pid, info in table.items() if pid not in protected}
        children = {}
        for info in table.values():
            children.setdefault(info.ppid, []).append(info.pid)
        group = os.getpgid(self.driver)
        found = {pid for pid, info in table.items() if info.pgrp == group}
        stack = [self.driver] + list(found)
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return {pid: table[pid] for pid in found if pid not in protected}

    def signal(self, info, signum):
        """Signals the process only if it is still the one that started at info.starttime (pids are reused)."""
        if self.pidfds:
            try:
                fd = os.pidfd_open(info.pid)
            except ProcessLookupError:
                return False
            except OSError:
                self.pidfds = False  # no pidfds here (old kernel, seccomp): fall back to a checked kill
            else:
                try:
                    again = read_process(info.pid)
                    if again is None or again.starttime != info.starttime:
                        return False
                    signal.pidfd_send_signal(fd, signum)
                    return True
                except OSError:
                    return False
                finally:
                    os.close(fd)
        again = read_process(info.pid)
        if again is None or again.starttime != info.starttime:
            return False
        try:
            os.kill(info.pid, signum)
            return True
        except OSError:
            return False

    def stop(self):
        """SIGSTOPs every other process of the sandbox; returns them as they were found."""
        stopped = {}
        for _ in range(self.MAX_ROUNDS):
            if self.container:
                try:
                    os.kill(-1, signal.SIGSTOP)
                except OSError:
                    pass  # ESRCH: nothing else is running
            fresh = [info for pid, info in self.others().items() if pid not in stopped or info.state not in "Tt"]
            if not fresh:
                break
            for info in fresh:
                if self.container or self.signal(info, signal.SIGSTOP):
                    stopped[info.pid] = info
            if self.container:
                # A signalled process stops on its way back to user space; let the ones still running get there.
                time.sleep(0.001)
        return list(stopped.values())

    def stop_cell(self, started_ticks):
        """Stops the others, kills those started since started_ticks; returns (paused, killed count,
        killed copies of the runner). In the container scope kill(-1) stops the runner as well.

        A killed child of the runner stays a zombie, holding one of the sandbox's pids, until the
        runner waits for it. The runner's copies (os.fork() without exec: the same command line) are
        reported so that the runner reaps them; a subprocess the cell started is left to its Popen
        object, which would otherwise report a return code of 0 for it."""
        paused, killed, copies = [], 0, []
        runner_command = read_command(self.runner) if self.runner else None
        for info in self.stop():
            if info.starttime >= started_ticks:
                copy = info.ppid == self.runner and runner_command is not None \
                    and read_command(info.pid) == runner_command
                # Stopped, nothing in the sandbox runs that could reuse its pid: no identity check needed.
                try:
                    os.kill(info.pid, signal.SIGKILL)
                    killed += 1
                except OSError:
                    continue
                if copy:
                    copies.append(info.pid)
            else:
                paused.append(info)
        return paused, killed, copies

    def resume(self, paused):
        for info in paused:
            self.signal(info, signal.SIGCONT)

    def kill_all(self):
        """Ends every other process of the sandbox (the runner too): the driver is about to exit."""
        for info in self.others().values():
            self.signal(info, signal.SIGKILL)
        if self.runner:
            try:
                os.kill(self.runner, signal.SIGKILL)
            except OSError:
                pass


# ==== the driver: the protocol, deadlines, file operations ======================================

class Cell:
    """The driver's bookkeeping for the cell being run: its request, its deadline, what it may still send."""

    __slots__ = ("request_id", "number", "stream_limit", "display_limit", "line_limit", "stream_bytes",
                 "display_bytes", "dropped_bytes", "dropped_displays", "started", "started_ticks", "deadline",
                 "fired", "paused", "killed", "copies", "insist_at", "code_ended", "ending_sent")

    def __init__(self, request_id, number, content, defaults, started_ticks):
        self.request_id = request_id
        self.number = number
        self.stream_limit = int_or(content.get("max_output_bytes"), defaults[0])
        self.display_limit = int_or(content.get("max_display_bytes"), defaults[1])
        # A results line longer than a display the cell may send (base64 and JSON escapes included)
        # is not the runner's: it is dropped, not buffered.
        self.line_limit = 3 * self.display_limit + READ_CHUNK
        self.stream_bytes = self.display_bytes = self.dropped_bytes = self.dropped_displays = 0
        self.started = time.monotonic()
        self.started_ticks = started_ticks
        timeout = content.get("timeout")
        try:
            timeout = float(timeout) if timeout else None
        except (TypeError, ValueError):
            timeout = None
        self.deadline = self.started + timeout if timeout and timeout > 0 else None
        self.fired = False  # the deadline passed: the reply says timeout, whatever the runner claims
        self.paused, self.killed, self.copies = [], 0, []
        self.insist_at = None
        self.code_ended = False  # the runner said the cell's code has stopped (an exception is being shown)
        self.ending_sent = False

    def admit_stream(self, n):
        """How many of n bytes of stream text may still be sent."""
        room = max(0, self.stream_limit - self.stream_bytes)
        allowed = min(room, n)
        self.stream_bytes += allowed
        self.dropped_bytes += n - allowed
        return allowed

    def admit_display(self, n):
        if self.display_bytes + n > self.display_limit:
            self.dropped_displays += 1
            self.dropped_bytes += n
            return False
        self.display_bytes += n
        return True


def one_way_socket():
    """A connected pair of Unix socket descriptors (reader, writer), each shut in the direction it does not serve."""
    import socket
    reader, writer = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    reader.shutdown(socket.SHUT_WR)
    writer.shutdown(socket.SHUT_RD)
    return reader.detach(), writer.detach()


def int_or(value, default):
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else default


class OutputPipe:
    """The read end of the runner's fd 1 or 2: what the cell, its C extensions and its subprocesses print."""

    def __init__(self, fd, name):
        self.fd = fd
        self.name = name
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.open = True
        os.set_blocking(fd, False)

    def read(self, limit):
        """The text in the pipe now (at most about `limit` bytes of it), as chunks."""
        texts, taken = [], 0
        while self.open and taken < limit:
            try:
                chunk = os.read(self.fd, READ_CHUNK)
            except BlockingIOError:
                break
            except OSError:
                chunk = b""
            if not chunk:
                self.open = False  # every writer is gone; the poll set drops it
                break
            taken += len(chunk)
            text = self.decoder.decode(chunk)
            if text:
                texts.append(text)
        return texts


class Driver:
    INSIST = 0.5  # how often a timed-out cell whose code runs on is interrupted again

    def __init__(self):
        self.pid = os.getpid()
        try:
            os.setpgid(0, 0)  # a group of its own, which the runner and the cells' processes join
        except OSError:
            pass
        self.leads_group = os.getpgid(0) == self.pid
        # Nobody else of this user may open this process's descriptors or memory: not the runner, not
        # what the cells start (it is set before the runner exists, and the runner undoes it for itself).
        self.sealed = set_dumpable(False)
        self.fd_in = fcntl.fcntl(0, fcntl.F_DUPFD_CLOEXEC, 900)
        self.fd_out = fcntl.fcntl(1, fcntl.F_DUPFD_CLOEXEC, 900)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)  # fd 2 stays: the sandbox's own diagnostics, which the JVM keeps a tail of
        os.close(devnull)
        self.processes = SandboxProcesses(os.environ.get("EVALBOX_PROCESS_SCOPE", "descendants"))
        self.defaults = (env_int("EVALBOX_MAX_OUTPUT_BYTES", 1 << 20), env_int("EVALBOX_MAX_DISPLAY_BYTES", 16 << 20))
        self.work_dir = os.getcwd()

        out_read, out_write = os.pipe()
        err_read, err_write = os.pipe()
        # Sockets, not pipes: a pipe's end can be opened again the other way round through /proc/self/fd, a
        # socket's cannot, and each end is shut in the direction it does not serve. So the runner can only
        # write results and only read commands, whatever the cells do with those descriptors.
        results_read, results_write = one_way_socket()
        commands_read, commands_write = one_way_socket()
        runner = os.fork()
        if runner == 0:
            try:
                become_runner(out_write, err_write, results_write, commands_read, self.pid)
            finally:
                os._exit(70)
        for fd in (out_write, err_write, results_write, commands_read):
            os.close(fd)
        self.runner = runner
        self.processes.runner = runner
        self.runner_status = None
        self.outputs = [OutputPipe(out_read, "stdout"), OutputPipe(err_read, "stderr")]
        self.results = results_read
        os.set_blocking(results_read, False)
        self.results_pending = b""
        self.results_skipping = False  # dropping a line that outgrew its limit, up to its newline
        self.commands = commands_write
        os.set_blocking(commands_write, False)
        self.commands_pending = b""
        self.requests_pending = b""
        self.outgoing = []
        self.ready = None  # the runner's hello, once it came
        self.cell = None
        self.executions = []
        self.cells = 0
        self.interrupt_runner = main_thread_interrupter()
        self.copies_to_reap = []  # copies of the runner the last deadline killed: the runner reaps them

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt is for the cell: the runner and its processes
        if self.pid != 1:
            # The JVM's destroy on a host. As a container's init the driver installs no handler, so no signal
            # from inside the container can end it (the kernel drops those an init does not handle).
            signal.signal(signal.SIGTERM, self.on_terminate)
        # SIGCHLD (the runner ended; orphans, when this is the container's init) wakes the poll loop.
        wake_read, wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self.wake = wake_read
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        signal.set_wakeup_fd(wake_write, warn_on_full_buffer=False)
        self.poller = select.poll()
        for pipe in self.outputs:
            self.poller.register(pipe.fd, select.POLLIN)
        for fd in (self.results, self.wake, self.fd_in):
            self.poller.register(fd, select.POLLIN)
        self.reap()  # a runner that ended before the handler was in place

    # ---- the loop -----------------------------------------------------------------------------
    def serve(self):
        while True:
            events = self.poller.poll(self.poll_timeout())
            readable = {fd for fd, _ in events}
            if self.wake in readable:
                try:
                    while os.read(self.wake, 256):
                        pass
                except OSError:
                    pass
                self.reap()
            # Results first: each rich output takes what was printed before it from the pipes first.
            if self.results in readable:
                self.read_results()
            for pipe in self.outputs:
                if pipe.fd in readable:
                    self.forward_output(pipe, READ_CHUNK * 16)
            if self.fd_in in readable:
                self.read_requests()
            for fd, event in events:
                if fd == self.commands and event & (select.POLLOUT | select.POLLERR):
                    self.write_commands()
            self.keep_time()
            if self.runner_status is not None:
                self.runner_ended()
            self.flush()

    def poll_timeout(self):
        cell = self.cell
        if cell is None or cell.deadline is None:
            return None
        due = cell.insist_at if cell.fired else cell.deadline
        if due is None:
            return None
        return max(0, int((due - time.monotonic()) * 1000) + 1)

    # ---- sending to the JVM -------------------------------------------------------------------
    def send(self, request_id, msg_type, content):
        self.outgoing.append(json.dumps({"id": request_id, "msg_type": msg_type, "content": content},
                                        ensure_ascii=True, default=repr).encode("ascii") + b"\n")

    def flush(self):
        if not self.outgoing:
            return
        view = memoryview(b"".join(self.outgoing))
        self.outgoing = []
        try:
            while view:
                view = view[os.write(self.fd_out, view):]
        except OSError:
            self.abandon()  # the JVM is gone

    # ---- requests -----------------------------------------------------------------------------
    def read_requests(self):
        try:
            chunk = os.read(self.fd_in, READ_CHUNK)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self.abandon()  # the Java side went away: nothing left to serve
        lines = (self.requests_pending + chunk).split(b"\n")
        self.requests_pending = lines.pop()
        for line in lines:
            if line.strip():
                try:
                    request = json.loads(line)
                    if not isinstance(request, dict):
                        raise ValueError("not an object")
                except ValueError as exc:
                    self.send(None, "protocol_error", {"evalue": "bad request line: %s" % exc})
                    continue
                self.dispatch(request)

    def dispatch(self, request):
        request_id = request.get("id")
        msg_type = request.get("msg_type")
        content = request.get("content") or {}
        if msg_type == "execute_request":
            self.executions.append((request_id, content))
            self.start_next()
        elif msg_type == "interrupt_request":
            self.interrupt()
            self.send(request_id, "interrupt_reply", {"status": "ok"})
        elif msg_type == "shutdown_request":
            self.send(request_id, "shutdown_reply", {"status": "ok"})
            self.flush()
            self.abandon()
        elif msg_type in FILE_OPERATIONS:
            try:
                reply = FILE_OPERATIONS[msg_type](self, content)
                reply["status"] = "ok"
            except Exception as exc:
                reply = {"status": "error", "ename": type(exc).__name__, "evalue": str(exc)}
            self.send(request_id, msg_type.replace("_request", "_reply"), reply)
        else:
            self.send(request_id, "protocol_error", {"evalue": "unknown msg_type %r" % msg_type})

    def interrupt(self):
        if self.cell is None:
            return
        try:
            # The group: the runner (raises KeyboardInterrupt) and the processes it started; this process ignores it.
            os.killpg(os.getpgrp(), signal.SIGINT)
        except OSError:
            self.interrupt_runner(self.runner)

    # ---- cells --------------------------------------------------------------------------------
    def start_next(self):
        if self.cell is not None or not self.executions or self.ready is None:
            return
        request_id, content = self.executions.pop(0)
        self.cells += 1
        cell = Cell(request_id, self.cells, content, self.defaults, self.processes.now_ticks())
        previous, self.copies_to_reap = self.copies_to_reap, []
        self.cell = cell
        code = content.get("code", "")
        self.commands_pending += json.dumps({"n": cell.number, "code": code if isinstance(code, str) else "",
                                             "reap": previous}).encode("utf-8") + b"\n"
        self.write_commands()

    def write_commands(self):
        """Non-blocking: a runner still busy with code a forged reply left running must not stall the deadlines."""
        while self.commands_pending:
            try:
                written = os.write(self.commands, self.commands_pending)
            except BlockingIOError:
                break
            except OSError:
                self.commands_pending = b""  # the runner is gone; its end is reported
                break
            self.commands_pending = self.commands_pending[written:]
        if self.commands_pending:
            self.poller.register(self.commands, select.POLLOUT)
        else:
            try:
                self.poller.unregister(self.commands)
            except KeyError:
                pass

    def keep_time(self):
        cell = self.cell
        if cell is None or cell.deadline is None:
            return
        now = time.monotonic()
        if not cell.fired:
            if now >= cell.deadline:
                cell.fired = True
                cell.paused, cell.killed, cell.copies = self.processes.stop_cell(cell.started_ticks)
                # Queued before the runner runs again, so the cell's code sees it first; and for its main thread,
                # which runs the cell: a signal to a stopped process goes to whichever thread wakes first.
                self.interrupt_runner(self.runner)
                if self.processes.container:
                    try:
                        os.kill(self.runner, signal.SIGCONT)
                    except OSError:
                        pass
                cell.insist_at = now + self.INSIST
        elif cell.insist_at is not None and now >= cell.insist_at:
            # A KeyboardInterrupt raised while the code is in an os.fork() hook is only reported as unraisable
            # and lost; a fork bomb spends most of its time there. So it is repeated until the code has stopped.
            if cell.code_ended:
                cell.insist_at = None
            else:
                self.interrupt_runner(self.runner)
                cell.insist_at = now + self.INSIST

    def finish(self, ok, count):
        cell = self.cell
        for pipe in self.outputs:
            # Bounded, so output that a leftover background process keeps writing cannot hold the cell open.
            self.forward_output(pipe, 2 * cell.stream_limit + READ_CHUNK)
        self.processes.resume(cell.paused)
        self.copies_to_reap = cell.copies
        self.cell = None
        if cell.dropped_bytes:
            note = "[evalbox: output limit reached; %d bytes%s dropped]\n" % (
                cell.dropped_bytes,
                " and %d displays" % cell.dropped_displays if cell.dropped_displays else "")
            self.send(cell.request_id, "stream", {"name": "stderr", "text": note})
        status = "timeout" if cell.fired else ("ok" if ok is True else "error")
        self.send(cell.request_id, "execute_reply", {
            "status": status, "execution_count": count if isinstance(count, int) and not isinstance(count, bool) else None,
            "duration": time.monotonic() - cell.started,
            "dropped_bytes": cell.dropped_bytes,
            "killed_processes": cell.killed})
        self.start_next()

    # ---- what the runner sends ----------------------------------------------------------------
    def forward_output(self, pipe, limit):
        texts = pipe.read(limit)
        if not pipe.open:
            try:
                self.poller.unregister(pipe.fd)
            except KeyError:
                pass
        cell = self.cell
        for text in texts:
            if cell is not None:
                data = text.encode("utf-8", "surrogatepass")
                allowed = cell.admit_stream(len(data))
                if allowed == 0:
                    continue
                if allowed < len(data):
                    text = data[:allowed].decode("utf-8", "ignore")
                self.send(cell.request_id, "stream", {"name": pipe.name, "text": text})
            elif self.ready is None:
                # Before the runner is ready (a failing import, say) its output is the sandbox's diagnostics.
                try:
                    os.write(2, text.encode("utf-8", "replace"))
                except OSError:
                    pass
            # Between cells: output of a process a cell left behind, for nobody.

    def read_results(self):
        try:
            chunk = os.read(self.results, READ_CHUNK * 4)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            try:
                self.poller.unregister(self.results)  # closed by every writer: the runner's end is reported
            except KeyError:
                pass
            return
        limit = self.cell.line_limit if self.cell is not None else 3 * self.defaults[1] + READ_CHUNK
        data = self.results_pending + chunk
        start = 0
        while True:
            end = data.find(b"\n", start)
            if end < 0:
                break
            if self.results_skipping:
                self.results_skipping = False
            elif end > start:
                self.on_result(data[start:end])
            start = end + 1
        self.results_pending = data[start:]
        if len(self.results_pending) > limit:
            self.results_pending = b""
            self.results_skipping = True
            if self.cell is not None:
                self.cell.dropped_displays += 1
                self.cell.dropped_bytes += limit

    def on_result(self, line):
        """One line of the results pipe: a claim of the runner (or of the cell's code, which can write there
        too) about the cell that is running now. Only its shape is taken; the framing is the driver's."""
        try:
            message = json.loads(line)
            kind, number, content = message["t"], message.get("n"), message.get("c")
        except (ValueError, TypeError, KeyError):
            return
        cell = self.cell
        if kind in RICH_OUTPUTS:
            # Only for the cell that is running: the rest of a cell whose end was claimed early does not spill
            # into the next one (its background threads, like anyone's, report under the next cell's number).
            if cell is not None and number == cell.number and isinstance(content, dict):
                self.forward_rich(cell, kind, content)
        elif kind == "done":
            if cell is not None and number == cell.number and isinstance(content, dict):
                self.finish(content.get("ok"), content.get("count"))
        elif kind == "ended":
            if cell is not None and number == cell.number and not cell.code_ended:
                cell.code_ended = True
                # A cell with a time limit has stopped running its code: what is left (its traceback, its
                # reply) a starved CPU can make late but not endless, so the JVM waits for it.
                if cell.deadline is not None and not cell.ending_sent:
                    cell.ending_sent = True
                    self.send(cell.request_id, "execute_ending", {})
        elif kind == "hello":
            if self.ready is None and isinstance(content, dict):
                self.ready = content
                unavailable = content.get("ipython_unavailable")
                self.send(None, "ready", {
                    "protocol_version": PROTOCOL_VERSION, "runner": str(content.get("runner")),
                    "python": sys.version.split()[0], "pid": self.pid, "runner_pid": self.runner,
                    "cwd": self.work_dir, "sealed": self.sealed,
                    "ipython_unavailable": None if unavailable is None else str(unavailable)})
                self.start_next()

    def forward_rich(self, cell, kind, content):
        # What the cell printed before it is in the pipes now: sent first, so the order holds.
        for pipe in self.outputs:
            self.forward_output(pipe, READ_CHUNK * 16)
        if kind == "error":
            traceback_lines = content.get("traceback")
            self.send(cell.request_id, "error", {
                "ename": str(content.get("ename")), "evalue": str(content.get("evalue")),
                "traceback": [str(line) for line in traceback_lines] if isinstance(traceback_lines, list) else []})
            return
        if kind == "clear_output":
            self.send(cell.request_id, "clear_output", {"wait": content.get("wait") is True})
            return
        data = content.get("data")
        if not isinstance(data, dict):
            return
        size = sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in data.values())
        if not cell.admit_display(size):
            return
        metadata = content.get("metadata")
        framed = {"data": data, "metadata": metadata if isinstance(metadata, dict) else {}}
        count = content.get("execution_count")
        if kind == "execute_result":
            framed["execution_count"] = count if isinstance(count, int) and not isinstance(count, bool) else None
        transient = content.get("transient")
        if isinstance(transient, dict) and transient:
            framed["transient"] = transient
        self.send(cell.request_id, kind, framed)

    # ---- endings ------------------------------------------------------------------------------
    def reap(self):
        """Waits for ended children: the runner, and (as the container's init) the orphans adopted."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            except InterruptedError:
                continue
            if pid == 0:
                return
            if pid == self.runner:
                self.runner_status = status

    def runner_ended(self):
        """The interpreter ended (os._exit, a signal, the out-of-memory killer): the sandbox ends the same
        way, after sending what it printed, so the JVM reports the runner's exit as the sandbox's."""
        status = self.runner_status
        for pipe in self.outputs:
            self.forward_output(pipe, 2 * (self.cell.stream_limit if self.cell else self.defaults[0]) + READ_CHUNK)
        self.flush()
        if not self.processes.container:
            self.processes.kill_all()
        if os.WIFSIGNALED(status):
            code = 128 + os.WTERMSIG(status)
        elif os.WIFEXITED(status):
            code = os.WEXITSTATUS(status)
        else:
            code = 1
        os._exit(code)

    def on_terminate(self, signum, frame):
        self.abandon()

    def abandon(self):
        """The JVM is gone or asked for the end: the runner and the processes the cells started go too
        (in a container they would with this process anyway)."""
        if self.leads_group:
            try:
                os.kill(self.runner, signal.SIGKILL)
                os.killpg(self.pid, signal.SIGKILL)  # this process too
            except OSError:
                pass
        else:
            self.processes.kill_all()
        os._exit(0)


# ==== the runner: the cells' own process ========================================================

def become_runner(out_write, err_write, results_write, commands_read, driver):
    """In the forked child: fds 1 and 2 onto the output pipes, every other descriptor of the driver's
    closed (the protocol's above all), then the runner's loop. Never returns."""
    os.dup2(out_write, 1)
    os.dup2(err_write, 2)
    keep = {0, 1, 2, results_write, commands_read}
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass
    set_parent_death_signal(signal.SIGKILL)  # an ended driver takes the runner with it, even when it is not init
    if os.getppid() != driver:
        os._exit(70)
    set_dumpable(True)  # the runner is the cells' own: ordinary to them and to what they start
    drop_ptrace_capability()
    for signum in (signal.SIGTERM, signal.SIGCHLD):
        signal.signal(signum, signal.SIG_DFL)
    Runner(results_write, commands_read).serve()
    os._exit(0)


class Runner:
    """Runs the cells the driver sends (one JSON line each on the commands pipe) and reports on the results
    pipe, one JSON line each: {"t": kind, "n": cell number, "c": content}. The cell's code can write there
    too, so the driver reads these as the cell's own claims (rich outputs, its error, that it ended)."""

    ENDED_SLOTS = 1024  # pids of ended copies, each at pid % ENDED_SLOTS

    def __init__(self, results_fd, commands_fd):
        import threading
        self.pid = os.getpid()
        self.results_fd = results_fd
        self.commands_fd = commands_fd
        self.lock = threading.Lock()
        self.number = None
        self.in_cell_code = False  # a SIGINT raises KeyboardInterrupt only while the cell's own code runs
        self.interrupt_requested = False  # a SIGINT reached the runner while the cell's code ran
        self.error_shown_flag = False  # the cell's code ended in an exception, which is being shown
        self.impl = None
        # Copies made by os.fork() in a cell that ended with it (end_if_copy) leave their pid in this shared page,
        # so that the runner reaps them: a zombie holds one of the sandbox's pids, and a fork bomb leaves dozens.
        # Memory, not a pipe: no descriptor a cell could fill up and block on.
        import mmap
        self.ended = mmap.mmap(-1, 4 * self.ENDED_SLOTS)
        self.ended_pids = memoryview(self.ended).cast("i")
        self.none_ended = bytes(4 * self.ENDED_SLOTS)
        self.copies = set()
        sys.stdin = open(os.devnull, "r")
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8",
                                      errors="backslashreplace", line_buffering=True, write_through=True)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8",
                                      errors="backslashreplace", line_buffering=True, write_through=True)
        sys.__stdout__, sys.__stderr__, sys.__stdin__ = sys.stdout, sys.stderr, sys.stdin

    # ---- reporting ----------------------------------------------------------------------------
    def send(self, kind, content=None):
        if os.getpid() != self.pid:
            return  # a copy made by os.fork() in a cell: only the runner itself reports
        # Starts with a newline too: a partial line the cell wrote there ends before this one, not inside it.
        line = b"\n" + json.dumps({"t": kind, "n": self.number, "c": content}, ensure_ascii=True, default=repr,
                                  separators=(",", ":")).encode("ascii") + b"\n"
        with self.lock:
            view = memoryview(line)
            while view:
                view = view[os.write(self.results_fd, view):]

    def send_cell(self, msg_type, content):
        self.send(msg_type, content)

    def emit_display(self, msg_type, data, metadata, execution_count=None, transient=None):
        # Binary values (IPython hands _repr_png_ bytes through as they are) travel as base64,
        # as jupyter_client encodes them.
        data = {k: base64.b64encode(v).decode("ascii") if isinstance(v, (bytes, bytearray, memoryview)) else v
                for k, v in (data or {}).items()}
        content = {"data": data, "metadata": metadata or {}}
        if execution_count is not None:
            content["execution_count"] = execution_count
        if transient:
            content["transient"] = transient
        self.send(msg_type, content)

    def emit_error(self, ename, evalue, traceback_lines):
        self.send("error", {"ename": ename, "evalue": evalue, "traceback": traceback_lines})

    def error_shown(self):
        """The cell's code has ended in an exception (its own, or the interrupt) and it is being shown: an
        interrupt now (a late deadline, a repeated one) would only cut the traceback short, and formatting one
        can take a while on a starved CPU. The driver tells the JVM, which then waits for the reply."""
        if self.number is not None and not self.error_shown_flag:
            self.error_shown_flag = True
            self.send("ended")

    # ---- running ------------------------------------------------------------------------------
    def end_if_copy(self, success):
        """A copy made by os.fork() in the cell ends with the cell: it must not carry on as a second
        runner (it would hold a process slot forever). It ends before touching the runner's locks
        (another thread may have held one at the fork, and the copy would then wait for it forever)."""
        if os.getpid() != self.pid:
            try:
                pid = os.getpid()
                self.ended_pids[pid % self.ENDED_SLOTS] = pid
            except Exception:
                pass
            os._exit(0 if success else 1)

    def reap_copies(self, killed=()):
        """Waits for the copies that ended with their cell, and for those the last deadline killed."""
        self.copies.update(pid for pid in killed if isinstance(pid, int))
        if self.ended[:] != self.none_ended:
            for slot, pid in enumerate(self.ended_pids):
                if pid:
                    self.copies.add(pid)
                    self.ended_pids[slot] = 0
        for pid in list(self.copies):
            if pid > 1:  # 0 and -1 would mean "any child"
                try:
                    if os.waitpid(pid, os.WNOHANG)[0] == 0:
                        continue  # still on its way out: next time
                except ChildProcessError:
                    pass
            self.copies.discard(pid)

    def install_fork_guard(self):
        """os.fork() of an interrupted cell raises KeyboardInterrupt instead of forking.

        Python runs a signal handler in whatever Python code comes next, and in a loop of os.fork()
        that is mostly one of the os.fork() hooks (logging's, threading's), where the handler's
        KeyboardInterrupt is only reported as unraisable: the interrupt is lost, however often it is
        repeated. The guard raises it again from the cell's own call, where it propagates."""
        import functools
        real_fork = os.fork
        runner = self

        @functools.wraps(real_fork)
        def fork():
            if runner.in_cell_code and runner.interrupt_requested and not runner.error_shown_flag \
                    and os.getpid() == runner.pid:
                raise KeyboardInterrupt()
            return real_fork()
        os.fork = fork

    def on_sigint(self, signum, frame):
        # Outside the cell's code (sending its outputs, its end) an interrupt that arrives late must not cut
        # the runner's own bookkeeping short: the cell's end would never be reported.
        if self.in_cell_code and not self.error_shown_flag:
            self.interrupt_requested = True
            raise KeyboardInterrupt()

    def execute(self, number, code):
        self.number = number
        self.interrupt_requested = self.error_shown_flag = False
        success, count = False, None
        try:
            self.in_cell_code = True
            try:
                success, count = self.impl.run(code)
            finally:
                self.in_cell_code = False
        except KeyboardInterrupt:
            self.end_if_copy(False)
            self.error_shown()
            self.emit_error("KeyboardInterrupt", "", ["KeyboardInterrupt"])
        except SystemExit as exc:
            self.end_if_copy(False)
            self.emit_error("SystemExit", str(exc.code), ["SystemExit: %s" % exc.code])
        finally:
            self.end_if_copy(success)
        try:
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
        except Exception:
            pass
        self.send("done", {"ok": bool(success), "count": count})
        self.number = None
        self.reap_copies()

    def serve(self):
        self.install_fork_guard()
        signal.signal(signal.SIGINT, self.on_sigint)
        prepare_environment()
        runner_error = None
        if os.environ.get("EVALBOX_DRIVER_MODE", "auto") != "plain":
            try:
                self.impl = make_ipython_runner(self)
            except Exception as exc:
                runner_error = "%s: %s" % (type(exc).__name__, exc)
        if self.impl is None:
            self.impl = PlainRunner(self)
        self.send("hello", {"runner": self.impl.name, "ipython_unavailable": runner_error})
        with os.fdopen(self.commands_fd, "rb", buffering=1 << 16, closefd=False) as commands:
            while True:
                try:
                    line = commands.readline()
                    if not line:
                        return  # the driver is gone
                    try:
                        command = json.loads(line)
                        number, code, killed = command["n"], command["code"], command.get("reap") or ()
                    except (ValueError, TypeError, KeyError, AttributeError):
                        continue  # not the driver's (the driver's end is the only writer): nothing to run
                    self.reap_copies(killed)
                    self.execute(number, code)
                except KeyboardInterrupt:
                    continue


class PlainRunner:
    """Runs cells with the standard library only: last expression displayed, Agg figures sent."""

    name = "python"

    def __init__(self, runner):
        self.runner = runner
        self.count = 0
        self.namespace = {"__name__": "__main__", "__builtins__": builtins}
        os.environ.setdefault("MPLBACKEND", "Agg")
        self.namespace["display"] = self.display

    def display(self, *objects):
        for obj in objects:
            self.runner.emit_display("display_data", self.mime_bundle(obj), {})

    @staticmethod
    def mime_bundle(obj):
        data = {"text/plain": repr(obj)}
        for method, mime in (("_repr_png_", "image/png"), ("_repr_html_", "text/html"),
                             ("_repr_svg_", "image/svg+xml")):
            fn = getattr(obj, method, None)
            if callable(fn):
                try:
                    value = fn()
                except Exception:
                    continue
                if isinstance(value, bytes):
                    value = base64.b64encode(value).decode("ascii")
                if value is not None:
                    data[mime] = value
        return data

    def run(self, code):
        import ast
        self.count += 1
        try:
            tree = ast.parse(code, "<cell-%d>" % self.count, "exec")
            last = None
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = ast.Expression(tree.body.pop().value)
            exec(compile(tree, "<cell-%d>" % self.count, "exec"), self.namespace)
            if last is not None:
                value = eval(compile(last, "<cell-%d>" % self.count, "eval"), self.namespace)
                if value is not None:
                    builtins._ = value
                    self.runner.emit_display("execute_result", self.mime_bundle(value), {},
                                             execution_count=self.count)
            ok = True
        except BaseException as exc:  # the user's exception, KeyboardInterrupt and SystemExit included
            # Drop the runner's own frames: the user's traceback starts at their cell.
            tb = exc.__traceback__
            while tb is not None and not tb.tb_frame.f_code.co_filename.startswith("<cell-"):
                tb = tb.tb_next
            self.runner.error_shown()
            lines = traceback.format_exception(type(exc), exc, tb)
            self.runner.emit_error(type(exc).__name__, str(exc), [l.rstrip("\n") for l in lines])
            ok = False
        self.flush_figures()
        return ok, self.count

    def flush_figures(self):
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is None:
            return
        try:
            for number in pyplot.get_fignums():
                figure = pyplot.figure(number)
                buffer = io.BytesIO()
                figure.savefig(buffer, format="png", bbox_inches="tight")
                self.runner.emit_display("display_data", {
                    "image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
                    "text/plain": repr(figure)}, {})
            pyplot.close("all")
        except Exception as exc:
            self.runner.emit_error(type(exc).__name__, "while sending figures: %s" % exc, [])


def make_ipython_runner(runner):
    """Runs cells in an IPython InteractiveShell wired to the results pipe (like ipykernel to its sockets)."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            content_metadata = metadata or {}
            runner.emit_display("update_display_data" if update else "display_data",
                                data, content_metadata, transient=transient)

        def clear_output(self, wait=False):
            runner.send_cell("clear_output", {"wait": wait})

    class Hook(DisplayHook):
        def start_displayhook(self):
            self.bundle = None

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            self.bundle = (format_dict, md_dict or {})

        def finish_displayhook(self):
            if self.bundle is not None:
                runner.emit_display("execute_result", self.bundle[0], self.bundle[1],
                                    execution_count=self.prompt_count)
            self.bundle = None

    # Libraries tell a Jupyter kernel from a terminal by the shell: pandas wraps wide frames (instead of
    # fitting them to a terminal) when "zmq" is in the shell's type name and picks its display.max_columns
    # by whether the shell has a `kernel` attribute, as ipykernel's shell does. Both keep output Jupyter's.
    class ZmqLikeShell(InteractiveShell):
        kernel = None
        displayhook_class = Type(Hook)
        display_pub_class = Type(Publisher)

        def showtraceback(self, *args, **kwargs):
            runner.error_shown()
            return super().showtraceback(*args, **kwargs)

        def _showtraceback(self, etype, evalue, stb):
            runner.emit_error(getattr(etype, "__name__", str(etype)), str(evalue), list(stb))

        def enable_gui(self, gui=None):
            pass

    from traitlets.config import Config

    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    config = Config()
    config.HistoryManager.enabled = False  # no sqlite file, no writer thread
    shell = ZmqLikeShell.instance(config=config, colors="Neutral", autoindent=False)

    class IPythonRunner:
        name = "ipython"

        def run(self, code):
            result = shell.run_cell(code, store_history=True, silent=False)
            return result.success, result.execution_count if result.execution_count else shell.execution_count

    return IPythonRunner()


def prepare_environment():
    """Writable caches on a read-only root; the image's prebuilt matplotlib font cache reused."""
    for var in ("MPLCONFIGDIR", "IPYTHONDIR", "XDG_CACHE_HOME"):
        path = os.environ.get(var)
        if path:
            try:
                os.makedirs(path, exist_ok=True)
            except OSError:
                pass
    prebuilt = "/opt/evalbox/matplotlib"
    target = os.environ.get("MPLCONFIGDIR")
    if target and os.path.isdir(prebuilt):
        for name in os.listdir(prebuilt):
            destination = os.path.join(target, name)
            if not os.path.exists(destination):
                try:
                    with open(os.path.join(prebuilt, name), "rb") as src, open(destination, "wb") as dst:
                        dst.write(src.read())
                except OSError:
                    pass


# ---- file operations (answered on the request thread, also while a cell runs) ------------------
def resolve(driver, path):
    if not path:
        raise ValueError("empty path")
    return path if os.path.isabs(path) else os.path.join(driver.work_dir, path)


def op_upload(driver, content):
    path = resolve(driver, content.get("path"))
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    data = base64.b64decode(content.get("data", ""))
    with open(path, "ab" if content.get("append") else "wb") as handle:
        handle.write(data)
    return {"path": path, "size": os.path.getsize(path)}


def op_download(driver, content):
    path = resolve(driver, content.get("path"))
    offset = int(content.get("offset", 0))
    length = min(int(content.get("length", DOWNLOAD_CHUNK_MAX)), DOWNLOAD_CHUNK_MAX)
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        handle.seek(offset)
        data = handle.read(length)
    return {"path": path, "size": size, "offset": offset,
            "data": base64.b64encode(data).decode("ascii"), "eof": offset + len(data) >= size}


def op_list(driver, content):
    path = resolve(driver, content.get("path") or ".")
    entries = []
    for entry in sorted(os.scandir(path), key=lambda e: e.name):
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISLNK(info.st_mode):
            kind = "link"
        elif stat.S_ISDIR(info.st_mode):
            kind = "directory"
        elif stat.S_ISREG(info.st_mode):
            kind = "file"
        else:
            kind = "other"
        entries.append({"name": entry.name, "type": kind, "size": info.st_size,
                        "mtime": info.st_mtime})
    return {"path": path, "entries": entries}


def op_mkdir(driver, content):
    path = resolve(driver, content.get("path"))
    os.makedirs(path, exist_ok=True)
    return {"path": path}


FILE_OPERATIONS = {"upload_request": op_upload, "download_request": op_download,
                   "list_request": op_list, "mkdir_request": op_mkdir}


if __name__ == "__main__":
    Driver().serve()
