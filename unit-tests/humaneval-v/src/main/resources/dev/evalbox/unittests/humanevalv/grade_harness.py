# evalbox's HumanEval-V grading harness, run inside a sandbox. It applies the reference's rules
# (code-block selection of v0.1 or v2, the signature for body-only answers, the AST pass that keeps
# imports and top-level functions and classes, the pylint gate) and runs each sample in a fresh
# process with a 2 s limit.
#   python3 grade_harness.py SAMPLES.json > VERDICTS.jsonl   grades one file
#   python3 -c SOURCE --serve                                reads one JSON array of samples per line on stdin,
#                                                            answers with their verdict lines, then "done"
# Serving keeps pylint imported and its caches warm across batches; pylint checks a whole batch in one
# run (its error and fatal messages are per module, so each file gets what a run of its own gives).
#
# What a sample can forge: a sample runs in a process of its own, forked from the harness, so it can always
# decide its own verdict (it shares that process with the code that reports it, as in the reference, where a
# solution may also return an object equal to anything). It must not reach anything else: the serving harness
# and the process that started it are not dumpable (no other process of the user opens their descriptors or
# memory through /proc), the sample holds no descriptor but /dev/null and its own report pipe, the harness is a
# child subreaper that kills whatever a sample left running before the next sample starts, and the cell kills
# what outlived a harness that a sample killed.
import ast
import contextlib
import ctypes
import io
import json
import os
import select
import shutil
import signal
import sys
import tempfile
import time

FENCE = "```"
TIMEOUT_MESSAGE = "Test Case Execution Time Out (> %s seconds)"
# The result texts of each release (the parse-success rate is counted on them: v2 counts what starts with
# "Pylint", v0.1 what starts with "pylint fail").
GATE_PREFIX = {"v1": "pylint fail:\n", "v2": "Pylint syntax check failed:\n"}


def timeout_text(timeout, version="v2"):
    return "timed out" if version == "v1" else TIMEOUT_MESSAGE % timeout


def raised_text(exc, version="v2"):
    # formatted as the reference formats it (an f-string), so a class with its own __format__ gets the same text
    return f"failed: {exc}" if version == "v1" else f"{exc}"


def closed_blocks(parts):
    """The text up to the closing fence of each part that has exactly one fence after its opener."""
    return [part.split(FENCE)[0] for part in parts if part.count(FENCE) == 1]


def select_code(prediction, version):
    if "```python" in prediction:
        parts = prediction.split("```python")
        if len(parts) == 2:
            return parts[1].split(FENCE)[0]
        if version == "v1":
            return "".join(closed_blocks(parts))
        # v2: the last closed block that defines solution, else the earliest closed block, else a stub
        candidates = []
        for part in reversed(parts):
            if part.count(FENCE) != 1:
                continue
            if "def solution" in part:
                return part.split(FENCE)[0]
            candidates.append(part.split(FENCE)[0])
        return candidates[-1] if candidates else "    pass"
    if "``` python" in prediction:
        return prediction.split("``` python")[1].split(FENCE)[0]
    fences = prediction.count(FENCE)
    if fences == 1:
        return prediction.split(FENCE)[0]
    if fences >= 2:
        return prediction.split(FENCE)[1]
    return "    pass"


class KeptCode(ast.NodeVisitor):
    """Collects every import (at any depth, one line per name) and every function or class outside another."""

    def __init__(self):
        self.lines = []
        self.enclosing = 0

    def visit_Import(self, node):
        for alias in node.names:
            self.lines.append("import " + alias.name + (" as " + alias.asname if alias.asname else ""))
        self.generic_visit(node)

    def visit_ImportFrom(self, node):
        for alias in node.names:
            self.lines.append("from " + (node.module or "") + " import " + alias.name
                              + (" as " + alias.asname if alias.asname else ""))
        self.generic_visit(node)

    def _definition(self, node):
        if self.enclosing == 0:
            self.lines.append(ast.unparse(node))
        self.enclosing += 1
        self.generic_visit(node)
        self.enclosing -= 1

    visit_FunctionDef = _definition
    visit_ClassDef = _definition


def post_process(prediction, signature, test, version):
    if not signature.endswith("\n"):
        signature += "\n"
    content = select_code(prediction, version)
    if content.startswith("\n  ") or content.startswith("  "):
        content = signature + content
    try:
        kept = KeptCode()
        kept.visit(ast.parse(content))
        completion = "\n".join(kept.lines)
    except BaseException:
        completion = content
    return completion, signature + "    pass\n\n" + completion + "\n\n" + test


def _messages(paths):
    from pylint.lint import Run
    from pylint.reporters import JSONReporter
    buffer = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        Run(paths, reporter=JSONReporter(buffer), exit=False)
    return json.loads(buffer.getvalue() or "[]")


def pylint_errors(programs):
    """For each program, pylint's error and fatal messages other than function-redefined."""
    scratch = tempfile.mkdtemp(prefix="pylint-")
    try:
        paths = []
        for i, program in enumerate(programs):
            path = os.path.join(scratch, "sample_%d.py" % i)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(program)
            paths.append(path)
        try:
            messages = _messages(paths)
        except Exception:
            # One run over the batch failed as a whole: check each file on its own, as the reference does.
            messages = [m for path in paths for m in _messages([path])]
        errors = {os.path.basename(path): [] for path in paths}
        for m in messages:
            name = os.path.basename(m.get("path", ""))
            if name in errors and m["type"] in ("error", "fatal") and m["symbol"] != "function-redefined":
                errors[name].append(m["message"])
        return [errors[os.path.basename(path)] for path in paths]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


class Timeout(Exception):
    pass


class NoInput(io.StringIO):
    """stdin for the sample: reading it raises an OSError without a message, as in the reference's run."""

    def read(self, *args, **kwargs):
        raise IOError

    readline = read
    readlines = read

    def readable(self, *args, **kwargs):
        return False


def run_here(code, timeout, version="v2"):
    """Runs the program in this (forked) process in a scratch directory, its output swallowed, stdin unreadable.
    Returns (returned, text): whether the program ran to its end, and the release's text for the outcome: "passed",
    the timeout text, or the text of what it raised. The verdict is `returned`, never the text: a program that
    raises an exception whose text is "passed" gets that text (the reference would count it as a pass) but fails."""
    def expire(signum, frame):
        raise Timeout()
    with tempfile.TemporaryDirectory() as scratch:
        os.chdir(scratch)
        sink = io.StringIO()
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                sys.stdin = NoInput()
                signal.signal(signal.SIGALRM, expire)
                signal.setitimer(signal.ITIMER_REAL, timeout)
                try:
                    exec(code, {})
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            return True, "passed"
        except Timeout:
            return False, timeout_text(timeout, version)
        except BaseException as exc:
            return False, raised_text(exc, version)


PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36


def seal(reaper=True):
    """Makes this process unreachable for the samples: not dumpable, so no process of the same user opens its
    descriptors or memory through /proc or ptraces it. The harness is also a child subreaper, so that what a
    sample leaves running stays below it (for sweep) instead of going to the sandbox's first process; the cell
    that starts the harness is not, since a sample handed to it could kill it."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 or (reaper and libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0):
        raise OSError(ctypes.get_errno(), "prctl refused: the grading harness cannot protect itself")


def processes():
    """The living processes this one can see, as (pids, children by parent pid)."""
    pids, children = [], {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/" + name + "/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2:].split()
        if fields[0] in (b"Z", b"X"):
            continue  # dead already, waiting to be reaped
        pids.append(int(name))
        children.setdefault(int(fields[1]), []).append(int(name))
    return pids, children


def below(roots, children):
    found, todo = set(), list(roots)
    while todo:
        for pid in children.get(todo.pop(), ()):
            if pid not in found:
                found.add(pid)
                todo.append(pid)
    return found


def sweep(keep=()):
    """Kills what samples left running, and reaps those that became its children, until none is left: the processes
    below this one, and where this process runs in a sandbox's own PID namespace (its parent, the sandbox's driver,
    is PID 1) every other process of the namespace but the driver; never keep or what is below keep."""
    me = os.getpid()
    for _ in range(100):
        pids, children = processes()
        spared = {me, 1} | set(keep) | below(keep, children)
        scope = pids if os.getppid() == 1 else below([me], children)
        left = [pid for pid in scope if pid not in spared]
        if not left:
            return
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for pid in left:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass  # not ours: its own parent, or the driver, reaps it
        time.sleep(0.005)


def _child(code, timeout, version, report):
    # The harness's own stdin and stdout carry its commands and verdicts: the sample must not reach them, nor any
    # other descriptor the harness had.
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    for fd in [int(name) for name in os.listdir("/proc/self/fd")]:
        if fd > 2 and fd != report:
            try:
                os.close(fd)
            except OSError:
                pass
    # A leading mark: "P" the program ran to its end, "F" it did not (followed by the text), so that an empty text
    # (a bare `assert` that failed) is told apart from no report at all, and the verdict never rests on the text.
    returned, text = run_here(code, timeout, version)
    os.write(report, (b"P" if returned else b"F") + text.encode("utf-8", "replace"))


def execute(code, timeout, version="v2"):
    """Runs the program in a forked process: (returned, text) as run_here gives them. A process that reports
    nothing (it died, or formatting what it raised failed) gets the timeout text, as in the reference."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            _child(code, timeout, version, write_end)
        finally:
            os._exit(0)
    os.close(write_end)
    chunks = []
    deadline = time.monotonic() + timeout + 1
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_end], [], [], left)[0]:
                break
            chunk = os.read(read_end, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        sweep()
    if not chunks:
        return False, timeout_text(timeout, version)
    report = b"".join(chunks)
    return report[:1] == b"P", report[1:].decode("utf-8", "replace")


def grade(samples, out):
    prepared = [post_process(s["prediction"], s["signature"], s["test"], s["version"]) for s in samples]
    errors = pylint_errors([program for _, program in prepared])
    for sample, (completion, program), found in zip(samples, prepared, errors):
        verdict = {"qid": sample["qid"], "sample": sample["sample"], "completion": completion, "program": program}
        if found:
            verdict.update(passed=False, pylint_failed=True, result=GATE_PREFIX[sample["version"]] + "\n".join(found))
        else:
            returned, result = execute(program, sample.get("timeout", 2), sample["version"])
            verdict.update(passed=returned, pylint_failed=False, result=result)
        out.write(json.dumps(verdict) + "\n")
        out.flush()


def read_samples(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def main():
    if sys.argv[1:] != ["--serve"]:
        grade(read_samples(sys.argv[1]), sys.stdout)
        return
    seal()
    for line in sys.stdin:
        grade(json.loads(line), sys.stdout)
        sys.stdout.write("done\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
