# HumanEval-V's evaluation procedure (evaluate.py of the v0.1 and v2 releases) as the tests' yardstick: it reads
# a predictions file and the tasks, and prints what the reference would report. Written for evalbox's tests from
# the reference's behaviour: v2 merges the entries of a task (first-appearance order, predictions concatenated,
# a task with fewer predictions than the largest before it refused, the file must cover every task); v0.1 grades
# every entry as it is. Each sample: the pylint gate on its own file, else a run in a new process (fresh globals,
# 2 s, output swallowed, stdin unreadable), with each release's result texts. Scores: pass@k over the qids, k from
# the last item's sample count, and the parse-success rate counted on the result texts over (last item's samples
# x items). Two pieces are evalbox's, both next to this file and neither what the tests compare: the
# post-processing (grade_harness.post_process) and the pylint call of the bench anchor (humaneval_v_anchor).
# The run of a program is written here again on purpose: its result texts are what is compared.
# Usage: python3 humaneval_v_reference.py v1|v2 TASKS.json PREDICTIONS.json
#   TASKS.json: [{"qid", "signature", "test"}]; prints {"items": [{"qid", "results": [...]}], "scores", "parse_success_rate"}
import contextlib
import io
import json
import math
import multiprocessing
import os
import signal
import sys
import tempfile

import grade_harness
import humaneval_v_anchor

TIMEOUT = 2


def merged(entries, tasks):
    order, parts = [], {}
    for entry in entries:
        if entry["qid"] not in parts:
            order.append(entry["qid"])
            parts[entry["qid"]] = []
        parts[entry["qid"]].append(entry)
    items, most = [], 0
    for qid in order:
        predictions = [p for part in parts[qid] for p in part["predictions"]]
        prompts = [part["prompt"] for part in parts[qid] for _ in part["predictions"]]
        most = max(most, len(predictions))
        assert len(predictions) == most, "qid %s has %d predictions, the largest before it %d" % (qid, len(predictions), most)
        items.append({"qid": qid, "prompts": prompts, "predictions": predictions})
    assert len(items) == len(tasks), "the predictions do not cover the tasks"
    return items


def gate(program, version):
    with tempfile.TemporaryDirectory() as cache:
        errors = humaneval_v_anchor.pylint_errors(program, cache)
    if not errors:
        return None
    return ("pylint fail:\n" if version == "v1" else "Pylint syntax check failed:\n") + "\n".join(errors)


class Unreadable(io.StringIO):
    def read(self, *args, **kwargs):
        raise IOError

    def readline(self, *args, **kwargs):
        raise IOError

    def readlines(self, *args, **kwargs):
        raise IOError

    def readable(self, *args, **kwargs):
        return False


class Expired(Exception):
    pass


def timed_out(version):
    return "timed out" if version == "v1" else "Test Case Execution Time Out (> %s seconds)" % TIMEOUT


def run(program, version):
    def body():
        with tempfile.TemporaryDirectory() as scratch:
            os.chdir(scratch)
            stream = Unreadable()
            try:
                with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
                    sys.stdin = stream
                    def expire(signum, frame):
                        raise Expired()
                    signal.setitimer(signal.ITIMER_REAL, TIMEOUT)
                    signal.signal(signal.SIGALRM, expire)
                    try:
                        exec(program, {})
                    finally:
                        signal.setitimer(signal.ITIMER_REAL, 0)
                result.append("passed")
            except Expired:
                result.append(timed_out(version))
            except BaseException as e:
                result.append(f"failed: {e}" if version == "v1" else f"{e}")

    with multiprocessing.Manager() as manager:
        result = manager.list()
        process = multiprocessing.Process(target=body)
        process.start()
        process.join(timeout=TIMEOUT + 1)
        if process.is_alive():
            process.kill()
        outcome = result[0] if result else timed_out(version)
    return outcome


def pass_at(n, c, k):
    return 1.0 if n - c < k else 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))


def main():
    version = sys.argv[1]
    with open(sys.argv[2], encoding="utf-8") as handle:
        tasks = {t["qid"]: t for t in json.load(handle)}
    with open(sys.argv[3], encoding="utf-8") as handle:
        entries = json.load(handle)
    items = merged(entries, tasks) if version == "v2" else entries
    passed_by_qid, counted, sample_num = {}, 0, 1
    for item in items:
        task = tasks[item["qid"]]
        item["results"] = []
        for index, prediction in enumerate(item["predictions"]):
            program = grade_harness.post_process(prediction, task["signature"], task["test"], version)[1]
            outcome = gate(program, version) or run(program, version)
            item["results"].append({"task_id": index, "passed": outcome == "passed", "result": outcome})
    for item in items:
        sample_num = len(item["predictions"])
        for r in item["results"]:
            passed_by_qid.setdefault(item["qid"], []).append(r["passed"])
            counted += 1 if r["result"].startswith("Pylint" if version == "v2" else "pylint fail") else 0
    k = 1 if sample_num == 1 else (3 if version == "v2" else 10)
    scores = {}
    if all(len(v) >= k for v in passed_by_qid.values()):
        # fewer than 8 tasks in the tests: numpy's mean adds them in this order too
        values = [pass_at(len(v), sum(v), k) for v in passed_by_qid.values()]
        scores["pass@%d" % k] = round(sum(values) / len(values) * 100, 1)
    psr = round(100 * (1 - counted / (sample_num * len(items))), 1)
    print(json.dumps({"items": [{"qid": i["qid"], "results": i["results"]} for i in items], "scores": scores, "parse_success_rate": psr}))


if __name__ == "__main__":
    main()
