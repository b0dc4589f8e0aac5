# The anchor of `evalbox bench humaneval-v`: HumanEval-V's own grading procedure, unsandboxed, on this
# machine's python3. As the reference's evaluate.py does: pylint is imported by the parent; the tasks are
# taken one after another, each with a fresh process pool (one worker per CPU) over its samples; a
# worker writes the sample's program to a file, runs pylint on it through pylint's API and, when pylint
# reports no error (other than function-redefined), runs the program in a new process (its result
# passed back through a multiprocessing manager) with a 2 s limit. The post-processing and what the new
# process does with the program are evalbox's (grade_harness.py, next to this file): the same rules.
# Usage: python3 humaneval_v_anchor.py TASKS.json   prints {"seconds": ..., "verdicts": [...]}
import contextlib
import io
import json
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed

from pylint.lint import Run
from pylint.reporters import JSONReporter

import grade_harness


def pylint_errors(program, cache):
    path = os.path.join(cache, str(uuid.uuid4()) + ".py")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(program)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()):
        Run([path], reporter=JSONReporter(buffer), exit=False)
    os.remove(path)
    return [m["message"] for m in json.loads(buffer.getvalue() or "[]")
            if m["type"] in ("error", "fatal") and m["symbol"] != "function-redefined"]


def run_program(program, timeout, result):
    result.append(grade_harness.run_here(program, timeout)[1])  # the reference's verdict is its text


def check_sample(index, program, timeout, cache):
    errors = pylint_errors(program, cache)
    if errors:
        return index, False, True, "pylint fail:\n" + "\n".join(errors)
    with multiprocessing.Manager() as manager:
        result = manager.list()
        process = multiprocessing.Process(target=run_program, args=(program, timeout, result))
        process.start()
        process.join(timeout=timeout + 1)
        if process.is_alive():
            process.kill()
        outcome = result[0] if result else grade_harness.TIMEOUT_MESSAGE % timeout
    return index, outcome == "passed", False, outcome


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        tasks = json.load(handle)
    cache = tempfile.mkdtemp(prefix="humaneval-v-anchor-")
    started = time.monotonic()
    verdicts = []
    for task in tasks:
        programs = [grade_harness.post_process(p, task["signature"], task["test"], task["version"])[1] for p in task["predictions"]]
        with ProcessPoolExecutor() as pool:
            futures = [pool.submit(check_sample, i, program, 2, cache) for i, program in enumerate(programs)]
            results = sorted(future.result() for future in as_completed(futures))
        for index, passed, pylint_failed, outcome in results:
            verdicts.append({"qid": task["qid"], "sample": index, "passed": passed, "pylint_failed": pylint_failed, "result": outcome})
    seconds = time.monotonic() - started
    os.rmdir(cache)
    print(json.dumps({"seconds": seconds, "verdicts": verdicts}))


if __name__ == "__main__":
    main()
