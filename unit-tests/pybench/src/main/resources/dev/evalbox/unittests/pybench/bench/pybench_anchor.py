# The anchor of `evalbox bench pybench`: PyBench's own procedure, unsandboxed: one plain python3
# process imports tests.py and calls test_task_<index>(messages) for every task, with ./data and
# ./output in its working dir. Prints one JSON line: tasks, passed, seconds (inside the process).
import importlib.util
import io
import contextlib
import json
import sys
import time

started = time.monotonic()
trajectories = {}
with open(sys.argv[1], encoding="utf-8") as handle:
    for line in handle:
        if line.strip():
            record = json.loads(line)
            trajectories[str(record["index"])] = record["messages"]
with open("data/meta/task.json", encoding="utf-8") as handle:
    tasks = [str(t["index"]) for t in json.load(handle)]
spec = importlib.util.spec_from_file_location("pybench_tests", sys.argv[2])
tests = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tests)
passed = 0
for index in tasks:
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            getattr(tests, "test_task_" + index)(trajectories[index])
        passed += 1
    except Exception:
        pass
print(json.dumps({"tasks": len(tasks), "passed": passed, "seconds": time.monotonic() - started}))
