"""evalbox sandbox driver: executes cells inside the sandbox on behalf of the Java side.

Protocol: one JSON object per line, {"id": request id or null, "msg_type": ..., "content": {...}},
read from and written to private file descriptors taken over from the original stdin/stdout at
start. File descriptors 1 and 2 are then pointed at pipes the driver drains itself, so output of
user code, C extensions and subprocesses is captured and can never corrupt the protocol.
Content shapes follow the Jupyter messaging protocol (stream, execute_result, display_data, error).
"""

import base64
import builtins
import codecs
import fcntl
import functools
import io
import json
import os
import queue
import select
import signal
import stat
import sys
import threading
import time
import traceback

PROTOCOL_VERSION = 1
READ_CHUNK = 65536
DOWNLOAD_CHUNK_MAX = 8 * 1024 * 1024


def env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


class Channel:
    """The private protocol channel; every write of a message is atomic with respect to others."""

    def __init__(self):
        self.fd_in = fcntl.fcntl(0, fcntl.F_DUPFD_CLOEXEC, 900)
        self.fd_out = fcntl.fcntl(1, fcntl.F_DUPFD_CLOEXEC, 900)
        self.lock = threading.Lock()
        self.pid = os.getpid()

    def send(self, request_id, msg_type, content):
        if os.getpid() != self.pid:
            return  # a copy made by os.fork() in a cell: only the driver itself speaks the protocol
        line = json.dumps({"id": request_id, "msg_type": msg_type, "content": content},
                          ensure_ascii=True, default=repr).encode("ascii") + b"\n"
        with self.lock:
            view = memoryview(line)
            while view:
                written = os.write(self.fd_out, view)
                view = view[written:]

    def requests(self):
        with os.fdopen(self.fd_in, "rb", buffering=1 << 16, closefd=False) as stream:
            for line in stream:
                line = line.strip()
                if line:
                    yield line


class Cell:
    """Bookkeeping for the cell being executed: which request, how much output it may still send."""

    def __init__(self, request_id, stream_limit, display_limit):
        self.request_id = request_id
        self.stream_limit = stream_limit
        self.display_limit = display_limit
        self.stream_bytes = 0
        self.display_bytes = 0
        self.dropped_bytes = 0
        self.dropped_displays = 0
        self.timed_out = False
        self.started_ticks = 0
        self.paused = []  # processes of earlier cells that the timeout paused; resumed when the cell ends
        self.killed = 0  # processes the cell started that the timeout killed
        self.copies = []  # of those, the driver's own copies (forks without exec): its children to reap
        self.insisting = False
        self.interrupt_requested = False  # a SIGINT reached the driver while the cell's code ran
        self.error_shown = False  # the cell's code ended in an exception, which is being shown
        self.deadline = None
        self.ending_sent = False
        self.lock = threading.Lock()

    def admit_stream(self, n):
        """How many of n bytes of stream text may still be sent."""
        with self.lock:
            room = max(0, self.stream_limit - self.stream_bytes)
            allowed = min(room, n)
            self.stream_bytes += allowed
            self.dropped_bytes += n - allowed
            return allowed

    def admit_display(self, n):
        with self.lock:
            if self.display_bytes + n > self.display_limit:
                self.dropped_displays += 1
                self.dropped_bytes += n
                return False
            self.display_bytes += n
            return True


class Capture:
    """Drains one of fd 1/2 and forwards it as `stream` messages of the current cell.

    A thread forwards output while the cell runs; at the end of the cell the driver calls drain(),
    which takes whatever is still in the pipe. Reading and forwarding happen under one lock, so
    once drain() returns, everything the cell wrote is forwarded, in order, with no extra round trip.
    """

    def __init__(self, driver, fd_number, name):
        self.driver = driver
        self.name = name
        read_end, write_end = os.pipe()
        os.dup2(write_end, fd_number)
        os.close(write_end)
        os.set_blocking(read_end, False)
        self.read_end = read_end
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.lock = threading.Lock()
        self.poller = select.poll()
        self.poller.register(read_end, select.POLLIN)
        threading.Thread(target=self.run, name="capture-" + name, daemon=True).start()

    def run(self):
        while True:
            try:
                self.poller.poll()
            except InterruptedError:
                continue
            if not self.drain(limit=READ_CHUNK * 16):
                time.sleep(0.001)  # the pipe's writer end is gone or broken: do not spin

    def drain(self, limit=1 << 62):
        """Forwards what is in the pipe now (at most about `limit` bytes); False if the pipe is closed."""
        with self.lock:
            taken = 0
            while taken < limit:
                try:
                    chunk = os.read(self.read_end, READ_CHUNK)
                except BlockingIOError:
                    return True
                except OSError:
                    return False
                if not chunk:
                    return False
                taken += len(chunk)
                text = self.decoder.decode(chunk)
                if text:
                    self.driver.emit_stream(self.name, text)
            return True


class Watchdog:
    """The driver's side of a cell's deadline: one long-lived thread (a thread per cell costs time).

    At the deadline it stops the cell's processes and interrupts the cell itself only when the
    timekeeper cannot (it needs the GIL and the CPU share of one process among the cell's, so under a
    fork bomb it may act late; the timekeeper does not). Then, as long as the cell's code still runs,
    it repeats the interrupt every INSIST seconds: a KeyboardInterrupt raised while the code is in
    an os.fork() hook (logging and threading register some) is only reported as unraisable, and
    the interrupt is lost; a fork bomb spends most of its time there.
    """

    INSIST = 0.5

    def __init__(self, driver):
        self.driver = driver
        self.condition = threading.Condition()
        self.cell = None
        self.deadline = None
        threading.Thread(target=self.run, name="watchdog", daemon=True).start()

    def arm(self, cell, timeout):
        with self.condition:
            self.cell, self.deadline = cell, time.monotonic() + timeout
            self.condition.notify()

    def disarm(self):
        with self.condition:
            self.cell, self.deadline = None, None

    def run(self):
        with self.condition:
            while True:
                if self.deadline is None:
                    self.condition.wait()
                    continue
                left = self.deadline - time.monotonic()
                if left > 0:
                    self.condition.wait(left)
                    continue
                cell, driver = self.cell, self.driver
                if cell is None or driver.cell is not cell or not driver.in_cell_code:
                    self.cell, self.deadline = None, None
                    continue
                if not cell.timed_out and not driver.timekeeper.healthy():
                    cell.timed_out = True
                    # Under the lock, so the cell's end (disarm) waits for this before resuming what it paused.
                    cell.paused, cell.killed, cell.copies = driver.processes.stop_cell(cell.started_ticks)
                    self.interrupt()
                elif cell.insisting:
                    self.interrupt()
                cell.insisting = True
                self.deadline = time.monotonic() + self.INSIST

    def interrupt(self):
        # Only the driver's main thread: the paused processes of earlier cells must not get a SIGINT.
        signal.pthread_kill(self.driver.main_thread.ident, signal.SIGINT)


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
    """The sandbox's processes other than the driver and the timekeeper, as a timed-out cell leaves them.

    At a deadline they are first stopped with SIGSTOP: it cannot be caught, ignored or outrun (a
    stopped process forks no more and keeps its pid, so repeated passes reach a fixed point), and
    neither a new session nor a new process group hides a process from /proc. Then the ones the
    timed-out cell started are SIGKILLed, and only then is the driver interrupted: it has the CPU
    to itself, however many processes the cell started. Processes of earlier cells (a server the
    session relies on) are paused, not killed, and resumed once the cell has ended.

    Scope "container" (Docker): the pid namespace is the sandbox's; every process in it but init is
    the sandbox's, and one kill(-1, SIGSTOP) stops them all at once (the kernel walks the task list
    with forks held off); it stops the driver too, which is continued after the kills. Scope
    "descendants" (local backend): the driver's descendants and process group, found by walking
    /proc; a process that detaches (double fork and setsid) escapes, as everything escapes the local
    backend.
    """

    MAX_ROUNDS = 200

    def __init__(self, scope):
        self.driver = os.getpid()
        self.keeper = None
        # kill(-1) is only sound where every other process is the sandbox's: refuse it anywhere but
        # directly under the container's init (or as init).
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
        """The sandbox's other live processes now, by pid."""
        exclude = (1, self.driver, self.keeper, os.getpid())
        table = {}
        for name in os.listdir("/proc"):
            if name.isdigit() and int(name) not in exclude:
                info = read_process(int(name))
                if info is not None and info.state not in "ZX":
                    table[info.pid] = info
        if self.container:
            return table
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
        return {pid: table[pid] for pid in found}

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
        killed copies of the driver). In the container scope kill(-1) stops the driver as well,
        unless it is the caller.

        A killed child of the driver stays a zombie, holding one of the sandbox's pids, until the
        driver waits for it. The driver's copies (os.fork() without exec: the same command line) are
        reported so that the driver reaps them; a subprocess the cell started is left to its Popen
        object, which would otherwise report a return code of 0 for it."""
        paused, killed, copies = [], 0, []
        own_command = read_command(self.driver)
        for info in self.stop():
            if info.starttime >= started_ticks:
                copy = info.ppid == self.driver and own_command is not None and read_command(info.pid) == own_command
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


def main_thread_interrupter():
    """A function sending SIGINT to the main thread of another process (whose thread id is its pid):
    glibc's tgkill (2.30 and later) through ctypes, else a signal to the process."""
    try:
        import ctypes
        tgkill = ctypes.CDLL(None, use_errno=True).tgkill
    except (ImportError, OSError, AttributeError):
        tgkill = None

    def interrupt(pid):
        if tgkill is not None and tgkill(pid, pid, signal.SIGINT) == 0:
            return
        try:
            os.kill(pid, signal.SIGINT)
        except OSError:
            pass
    return interrupt


class Timekeeper:
    """Enforces cell deadlines from a small process of its own, forked by the driver at start.

    A thread of the driver cannot be relied on for this: it needs the GIL, which the cell's code
    holds, and the CPU share of one process among all the cell started (a fork bomb: the pids limit
    worth of runnable copies). The timekeeper sleeps in select() until the deadline; a waking
    sleeper is scheduled promptly, and all it then needs is a few system calls (SandboxProcesses).
    Requests (one line each): "arm <cell> <monotonic deadline> <start ticks>", "disarm <cell>",
    answered by "done <cell> <1 if it fired> <processes killed> <killed copies of the driver, comma
    separated, or ->" (the driver reaps them: they are its children). It ignores SIGINT (it shares the
    driver's process group) and ends with the driver, taking that group with it: processes the cells
    left behind do not outlive a driver that was ended (by the exit of the local backend's JVM, say).
    """

    NAME = b"timekeeper"  # its /proc/<pid>/comm, so that it can be told from the cell's processes

    def __init__(self, processes):
        self.processes = processes
        self.pid = None
        self.commands = self.answers = None
        self.start()

    def start(self):
        commands_read, commands_write = os.pipe()
        answers_read, answers_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                self.serve(commands_read, answers_write)
            finally:
                os._exit(0)
        os.close(commands_read)
        os.close(answers_write)
        self.pid, self.commands, self.answers = pid, commands_write, answers_read
        self.processes.keeper = pid

    def healthy(self):
        if self.pid is None:
            return False
        info = read_process(self.pid)
        return info is not None and info.state not in "TtZX"

    def ensure_running(self):
        """A cell may have killed it (kill(-1, 9) spares only the caller): fork a new one."""
        if self.healthy():
            return
        self.close()
        try:
            self.start()
        except OSError:
            self.pid = None  # no process slot left: the driver's own watchdog stands in

    def close(self):
        if self.pid is None:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)  # before its pipe closes, which it would take for the driver's end
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        for fd in (self.commands, self.answers):
            try:
                os.close(fd)
            except OSError:
                pass
        self.pid = None

    def arm(self, cell_id, deadline, started_ticks):
        try:
            os.write(self.commands, b"arm %d %r %d\n" % (cell_id, deadline, started_ticks))
            return True
        except OSError:
            self.close()
            return False

    def disarm(self, cell_id, wait):
        """Whether the timekeeper fired for this cell, how many processes it killed, and which of them
        were copies of the driver."""
        try:
            os.write(self.commands, b"disarm %d\n" % cell_id)
            answer = b""
            give_up = time.monotonic() + wait
            while not answer.endswith(b"\n"):
                left = give_up - time.monotonic()
                if left <= 0 or not select.select([self.answers], [], [], left)[0]:
                    raise OSError("no answer")
                chunk = os.read(self.answers, 256)
                if not chunk:
                    raise OSError("ended")
                answer += chunk
            _, answered_id, fired, killed, copies = answer.split()
            if int(answered_id) == cell_id:
                return fired == b"1", int(killed), [int(pid) for pid in copies.split(b",") if pid != b"-"]
        except (OSError, ValueError):
            pass
        self.close()  # stopped or killed by the cell: replaced at the next cell
        return False, 0, []

    # ---- in the timekeeper process ------------------------------------------------------------
    @staticmethod
    def abandon(driver):
        """The driver is gone: its process group, which the cells' processes joined, goes with it (this
        process too). Only a group the driver leads: never the one of whoever started it."""
        try:
            if os.getpgid(0) == driver:
                os.killpg(driver, signal.SIGKILL)
        except OSError:
            pass
    def serve(self, commands, answers):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        keep = {commands, answers}
        # Nothing of the driver's: the JVM must see the protocol's end when the driver ends.
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        for name in os.listdir("/proc/self/fd"):
            fd = int(name)
            if fd > 2 and fd not in keep:
                try:
                    os.close(fd)
                except OSError:
                    pass
        try:
            with open("/proc/self/comm", "wb") as comm:
                comm.write(self.NAME)
        except OSError:
            pass
        processes, driver = self.processes, self.processes.driver
        processes.keeper = os.getpid()
        interrupt_main_thread = main_thread_interrupter()  # loaded now: at a deadline only system calls are left
        armed = None  # (cell, deadline, start ticks)
        fired = None  # (cell, paused, killed)
        pending = b""
        while True:
            wait = 1.0 if armed is None else max(0.0, armed[1] - time.monotonic())
            ready = select.select([commands], [], [], wait)[0]
            if os.getppid() != driver:
                return self.abandon(driver)
            if ready:
                chunk = os.read(commands, 4096)
                if not chunk:
                    # The pipe closes while the driver exits, a moment before this process is handed to
                    # init; a driver that closed it on purpose (replacing this process) stays the parent.
                    for _ in range(100):
                        if os.getppid() != driver:
                            return self.abandon(driver)
                        time.sleep(0.01)
                    return
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    words = line.split()
                    if words[0] == b"arm":
                        armed, fired = (int(words[1]), float(words[2]), int(words[3])), None
                    elif words[0] == b"disarm":
                        cell = int(words[1])
                        if fired is not None and fired[0] == cell:
                            processes.resume(fired[1])
                            copies = b",".join(b"%d" % pid for pid in fired[3]) or b"-"
                            os.write(answers, b"done %d 1 %d %s\n" % (cell, fired[2], copies))
                        else:
                            os.write(answers, b"done %d 0 0 -\n" % cell)
                        armed = fired = None
            elif armed is not None and time.monotonic() >= armed[1]:
                paused, killed, copies = processes.stop_cell(armed[2])
                # Queued before the driver runs again, so the cell's code sees it first; and for the main
                # thread, which runs the cell: a signal to a stopped process goes to whichever thread wakes
                # first, and one in time.sleep() would then sleep on.
                interrupt_main_thread(driver)
                if processes.container:
                    try:
                        os.kill(driver, signal.SIGCONT)
                    except OSError:
                        pass
                fired, armed = (armed[0], paused, killed, copies), None


class PlainRunner:
    """Runs cells with the standard library only: last expression displayed, Agg figures sent."""

    name = "python"

    def __init__(self, driver):
        self.driver = driver
        self.count = 0
        self.namespace = {"__name__": "__main__", "__builtins__": builtins}
        os.environ.setdefault("MPLBACKEND", "Agg")
        self.namespace["display"] = self.display

    def display(self, *objects):
        for obj in objects:
            self.driver.emit_display("display_data", self.mime_bundle(obj), {})

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
                    self.driver.emit_display("execute_result", self.mime_bundle(value), {},
                                             execution_count=self.count)
            ok = True
        except BaseException as exc:  # the user's exception, KeyboardInterrupt and SystemExit included
            # Drop the driver's own frames: the user's traceback starts at their cell.
            tb = exc.__traceback__
            while tb is not None and not tb.tb_frame.f_code.co_filename.startswith("<cell-"):
                tb = tb.tb_next
            self.driver.error_shown()
            lines = traceback.format_exception(type(exc), exc, tb)
            self.driver.emit_error(type(exc).__name__, str(exc), [l.rstrip("\n") for l in lines])
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
                self.driver.emit_display("display_data", {
                    "image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
                    "text/plain": repr(figure)}, {})
            pyplot.close("all")
        except Exception as exc:
            self.driver.emit_error(type(exc).__name__, "while sending figures: %s" % exc, [])


def make_ipython_runner(driver):
    """Runs cells in an IPython InteractiveShell wired to the protocol (like ipykernel does)."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            content_metadata = metadata or {}
            driver.emit_display("update_display_data" if update else "display_data",
                                data, content_metadata, transient=transient)

        def clear_output(self, wait=False):
            driver.send_cell("clear_output", {"wait": wait})

    class Hook(DisplayHook):
        def start_displayhook(self):
            self.bundle = None

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            self.bundle = (format_dict, md_dict or {})

        def finish_displayhook(self):
            if self.bundle is not None:
                driver.emit_display("execute_result", self.bundle[0], self.bundle[1],
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
            driver.error_shown()
            return super().showtraceback(*args, **kwargs)

        def _showtraceback(self, etype, evalue, stb):
            driver.emit_error(getattr(etype, "__name__", str(etype)), str(evalue), list(stb))

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


class Driver:
    def __init__(self):
        try:
            os.setpgid(0, 0)  # a group of its own, which cells' processes join (and the timekeeper)
        except OSError:
            pass
        self.channel = Channel()
        # Forked before any thread of the driver starts (a fork copies only the calling thread).
        self.processes = SandboxProcesses(os.environ.get("EVALBOX_PROCESS_SCOPE", "descendants"))
        self.timekeeper = Timekeeper(self.processes)
        self.cells = 0
        # Protocol fds are private now; point the standard ones at things user code may use.
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        self.cell = None
        self.in_cell_code = False  # a SIGINT raises KeyboardInterrupt only while the cell's own code runs
        self.cell_lock = threading.Lock()
        self.stream_limit = env_int("EVALBOX_MAX_OUTPUT_BYTES", 1 << 20)
        self.display_limit = env_int("EVALBOX_MAX_DISPLAY_BYTES", 16 << 20)
        self.work_dir = os.getcwd()
        self.captures = [Capture(self, 1, "stdout"), Capture(self, 2, "stderr")]
        sys.stdin = open(os.devnull, "r")
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8",
                                      errors="backslashreplace", line_buffering=True, write_through=True)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8",
                                      errors="backslashreplace", line_buffering=True, write_through=True)
        sys.__stdout__, sys.__stderr__, sys.__stdin__ = sys.stdout, sys.stderr, sys.stdin
        self.executions = queue.Queue()
        self.watchdog = Watchdog(self)
        self.main_thread = threading.main_thread()
        self.runner = None

    # ---- sending ------------------------------------------------------------------------------
    def send_cell(self, msg_type, content):
        cell = self.cell
        self.channel.send(cell.request_id if cell else None, msg_type, content)

    def emit_stream(self, name, text):
        cell = self.cell
        if cell is not None:
            data = text.encode("utf-8", "surrogatepass")
            allowed = cell.admit_stream(len(data))
            if allowed == 0:
                return
            if allowed < len(data):
                text = data[:allowed].decode("utf-8", "ignore")
        self.send_cell("stream", {"name": name, "text": text})

    def emit_display(self, msg_type, data, metadata, execution_count=None, transient=None):
        # Binary values (IPython hands _repr_png_ bytes through as they are) travel as base64,
        # as jupyter_client encodes them.
        data = {k: base64.b64encode(v).decode("ascii") if isinstance(v, (bytes, bytearray, memoryview)) else v
                for k, v in (data or {}).items()}
        size = sum(len(v) if isinstance(v, (str, bytes)) else len(json.dumps(v, default=repr))
                   for v in data.values())
        cell = self.cell
        if cell is not None and not cell.admit_display(size):
            return
        content = {"data": data, "metadata": metadata or {}}
        if execution_count is not None:
            content["execution_count"] = execution_count
        if transient:
            content["transient"] = transient
        self.send_cell(msg_type, content)

    def emit_error(self, ename, evalue, traceback_lines):
        self.send_cell("error", {"ename": ename, "evalue": evalue, "traceback": traceback_lines})

    # ---- requests -----------------------------------------------------------------------------
    def read_requests(self):
        try:
            for line in self.channel.requests():
                try:
                    request = json.loads(line)
                except ValueError as exc:
                    self.channel.send(None, "protocol_error", {"evalue": "bad request line: %s" % exc})
                    continue
                self.dispatch(request)
        finally:
            # The Java side went away: nothing left to serve.
            os._exit(0)

    def dispatch(self, request):
        request_id = request.get("id")
        msg_type = request.get("msg_type")
        content = request.get("content") or {}
        if msg_type == "execute_request":
            self.executions.put((request_id, content))
        elif msg_type == "interrupt_request":
            self.interrupt()
            self.channel.send(request_id, "interrupt_reply", {"status": "ok"})
        elif msg_type == "shutdown_request":
            self.channel.send(request_id, "shutdown_reply", {"status": "ok"})
            os._exit(0)
        elif msg_type in FILE_OPERATIONS:
            try:
                reply = FILE_OPERATIONS[msg_type](self, content)
                reply["status"] = "ok"
            except Exception as exc:
                reply = {"status": "error", "ename": type(exc).__name__, "evalue": str(exc)}
            self.channel.send(request_id, msg_type.replace("_request", "_reply"), reply)
        else:
            self.channel.send(request_id, "protocol_error", {"evalue": "unknown msg_type %r" % msg_type})

    def interrupt(self):
        cell = self.cell
        if cell is None:
            return
        try:
            # Our process group: the driver (raises KeyboardInterrupt) and any children it started.
            os.killpg(os.getpgrp(), signal.SIGINT)
        except OSError:
            os.kill(os.getpid(), signal.SIGINT)

    def end_if_copy(self, success):
        """A copy made by os.fork() in the cell ends with the cell: it must not carry on as a second
        driver (it would hold a process slot forever). It ends before touching the driver's locks
        (the watchdog's, the output's): another thread may have held one at the fork, and the copy
        would then wait for it forever."""
        if os.getpid() != self.channel.pid:
            os._exit(0 if success else 1)

    def error_shown(self):
        """The cell's code has ended in an exception (its own, or the interrupt) and it is being
        shown: an interrupt now (a late deadline, a repeated one) would only cut the traceback short,
        and formatting one can take a while on a starved CPU."""
        cell = self.cell
        if cell is not None and not cell.error_shown:
            cell.error_shown = True
            self.code_ended(cell)

    def code_ended(self, cell):
        """Tells the JVM that a cell with a time limit has stopped running its code: what is left (its
        traceback, its reply) is the driver's own work, which a starved CPU can make late but not
        endless, so the JVM waits for it instead of taking the cell for one that ignores its deadline."""
        if cell.deadline is not None and not cell.ending_sent:
            cell.ending_sent = True
            self.channel.send(cell.request_id, "execute_ending", {})

    def install_fork_guard(self):
        """os.fork() of an interrupted cell raises KeyboardInterrupt instead of forking.

        Python runs a signal handler in whatever Python code comes next, and in a loop of os.fork()
        that is mostly one of the os.fork() hooks (logging's, threading's), where the handler's
        KeyboardInterrupt is only reported as unraisable: the interrupt is lost, however often it is
        repeated. The guard raises it again from the cell's own call, where it propagates."""
        real_fork = os.fork
        driver = self

        @functools.wraps(real_fork)
        def fork():
            cell = driver.cell
            if driver.in_cell_code and cell is not None and cell.interrupt_requested \
                    and not cell.error_shown and os.getpid() == driver.channel.pid:
                raise KeyboardInterrupt()
            return real_fork()
        os.fork = fork

    def on_sigint(self, signum, frame):
        # Outside the cell's code (sending its outputs, its reply) an interrupt that arrives late must
        # not cut the driver's own bookkeeping short: the reply would never be sent.
        cell = self.cell
        if self.in_cell_code and cell is not None and not cell.error_shown:
            cell.interrupt_requested = True
            raise KeyboardInterrupt()

    # ---- executing ----------------------------------------------------------------------------
    def execute(self, request_id, content):
        code = content.get("code", "")
        timeout = content.get("timeout")
        cell = Cell(request_id, content.get("max_output_bytes", self.stream_limit),
                    content.get("max_display_bytes", self.display_limit))
        signal.signal(signal.SIGINT, self.on_sigint)
        started = time.monotonic()
        cell.started_ticks = self.processes.now_ticks()
        self.cells += 1
        number = self.cells
        keeper_armed = False
        self.cell = cell
        success, count = False, None
        try:
            if timeout:
                cell.deadline = started + float(timeout)
                self.timekeeper.ensure_running()
                keeper_armed = self.timekeeper.arm(number, started + float(timeout), cell.started_ticks)
                self.watchdog.arm(cell, float(timeout))
            self.in_cell_code = True
            try:
                success, count = self.runner.run(code)
            finally:
                self.in_cell_code = False
            if cell.deadline is not None and time.monotonic() >= cell.deadline:
                self.code_ended(cell)
        except KeyboardInterrupt:
            self.end_if_copy(False)
            self.code_ended(cell)
            self.emit_error("KeyboardInterrupt", "", ["KeyboardInterrupt"])
        except SystemExit as exc:
            self.end_if_copy(False)
            self.emit_error("SystemExit", str(exc.code), ["SystemExit: %s" % exc.code])
        finally:
            self.end_if_copy(success)
            self.watchdog.disarm()  # waits for a stop in progress
            self.processes.resume(cell.paused)
            if keeper_armed:
                # The answer says whether it fired; when it did, its stopping is over (the driver was
                # continued only after it) and it resumes the paused processes before answering.
                fired, killed, copies = self.timekeeper.disarm(number, wait=10.0)
                if fired:
                    cell.timed_out, cell.killed, cell.copies = True, killed, copies
            for pid in cell.copies:
                try:
                    os.waitpid(pid, 0)
                except ChildProcessError:
                    pass
        try:
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
        except Exception:
            pass
        for capture in self.captures:
            # Bounded, so output that a leftover background process keeps writing cannot hold the cell open.
            capture.drain(limit=2 * cell.stream_limit + READ_CHUNK)
        self.cell = None
        if cell.dropped_bytes:
            note = "[evalbox: output limit reached; %d bytes%s dropped]\n" % (
                cell.dropped_bytes,
                " and %d displays" % cell.dropped_displays if cell.dropped_displays else "")
            self.channel.send(request_id, "stream", {"name": "stderr", "text": note})
        status = "timeout" if cell.timed_out else ("ok" if success else "error")
        self.channel.send(request_id, "execute_reply", {
            "status": status, "execution_count": count,
            "duration": time.monotonic() - started,
            "dropped_bytes": cell.dropped_bytes,
            "killed_processes": cell.killed})

    def serve(self):
        self.install_fork_guard()
        signal.signal(signal.SIGINT, self.on_sigint)
        prepare_environment()
        runner_error = None
        if os.environ.get("EVALBOX_DRIVER_MODE", "auto") != "plain":
            try:
                self.runner = make_ipython_runner(self)
            except Exception as exc:
                runner_error = "%s: %s" % (type(exc).__name__, exc)
        if self.runner is None:
            self.runner = PlainRunner(self)
        threading.Thread(target=self.read_requests, name="requests", daemon=True).start()
        self.channel.send(None, "ready", {
            "protocol_version": PROTOCOL_VERSION, "runner": self.runner.name,
            "python": sys.version.split()[0], "pid": os.getpid(), "cwd": self.work_dir,
            "ipython_unavailable": runner_error})
        while True:
            try:
                request_id, content = self.executions.get()
                self.execute(request_id, content)
            except KeyboardInterrupt:
                continue


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
