# evalbox's HumanEval-V grading harness, run inside a sandbox. It applies the reference's rules
# (code-block selection of v0.1 or v2, the signature for body-only answers, the AST pass that keeps
# imports and top-level functions and classes, the pylint gate) and runs each sample in a fresh
# process with a 2 s limit. Usage: python3 grade_harness.py SAMPLES.json > VERDICTS.jsonl
import ast
import contextlib
import io
import json
import multiprocessing
import os
import signal
import sys
import tempfile

FENCE = "```"


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


def pylint_errors(code):
    from pylint.lint import Run
    from pylint.reporters import JSONReporter
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False, encoding="utf-8") as handle:
        handle.write(code)
        path = handle.name
    try:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            Run([path], reporter=JSONReporter(buffer), exit=False)
        messages = json.loads(buffer.getvalue() or "[]")
    finally:
        os.unlink(path)
    return [m["message"] for m in messages if m["type"] in ("error", "fatal") and m["symbol"] != "function-redefined"]


class Timeout(Exception):
    pass


def _run(code, timeout, verdicts):
    def expire(signum, frame):
        raise Timeout()
    with tempfile.TemporaryDirectory() as scratch:
        os.chdir(scratch)
        sink = io.StringIO()
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                signal.signal(signal.SIGALRM, expire)
                signal.setitimer(signal.ITIMER_REAL, timeout)
                try:
                    exec(code, {})
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            verdicts.put("passed")
        except Timeout:
            verdicts.put("Test Case Execution Time Out (> %s seconds)" % timeout)
        except BaseException as exc:
            verdicts.put(str(exc))


def execute(code, timeout):
    """Runs the program in a fresh process; "passed" when it raised nothing within the limit."""
    verdicts = multiprocessing.get_context("fork").Queue()
    process = multiprocessing.get_context("fork").Process(target=_run, args=(code, timeout, verdicts))
    process.start()
    process.join(timeout + 1)
    if process.is_alive():
        process.kill()
        process.join()
    try:
        return verdicts.get(timeout=1)
    except Exception:
        return "Test Case Execution Time Out (> %s seconds)" % timeout


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        samples = json.load(handle)
    for sample in samples:
        completion, program = post_process(sample["prediction"], sample["signature"], sample["test"], sample["version"])
        verdict = {"qid": sample["qid"], "sample": sample["sample"], "completion": completion, "program": program}
        errors = pylint_errors(program)
        if errors:
            verdict.update(passed=False, pylint_failed=True, result="Pylint syntax check failed:\n" + "\n".join(errors))
        else:
            result = execute(program, sample.get("timeout", 2))
            verdict.update(passed=result == "passed", pylint_failed=False, result=result)
        print(json.dumps(verdict), flush=True)


if __name__ == "__main__":
    main()
