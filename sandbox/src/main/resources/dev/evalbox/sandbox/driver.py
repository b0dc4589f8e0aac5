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
    """One long-lived thread that interrupts the running cell at its deadline (a thread per cell costs time)."""

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
                cell, self.cell, self.deadline = self.cell, None, None
                if cell is not None and self.driver.cell is cell:
                    cell.timed_out = True
                    self.driver.interrupt()


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
        self.channel = Channel()
        # Protocol fds are private now; point the standard ones at things user code may use.
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        self.cell = None
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

    def on_sigint(self, signum, frame):
        if self.cell is not None:
            raise KeyboardInterrupt()

    # ---- executing ----------------------------------------------------------------------------
    def execute(self, request_id, content):
        code = content.get("code", "")
        timeout = content.get("timeout")
        cell = Cell(request_id, content.get("max_output_bytes", self.stream_limit),
                    content.get("max_display_bytes", self.display_limit))
        signal.signal(signal.SIGINT, self.on_sigint)
        started = time.monotonic()
        self.cell = cell
        success, count = False, None
        try:
            if timeout:
                self.watchdog.arm(cell, float(timeout))
            success, count = self.runner.run(code)
        except KeyboardInterrupt:
            self.end_if_copy(False)
            self.emit_error("KeyboardInterrupt", "", ["KeyboardInterrupt"])
        except SystemExit as exc:
            self.end_if_copy(False)
            self.emit_error("SystemExit", str(exc.code), ["SystemExit: %s" % exc.code])
        finally:
            self.end_if_copy(success)
            self.watchdog.disarm()
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
            "dropped_bytes": cell.dropped_bytes})

    def serve(self):
        try:
            os.setpgid(0, 0)
        except OSError:
            pass
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
