# evalbox's PyBench grading harness, run as the first cell of a grading sandbox. It imports the
# benchmark's tests.py once (as PyBench's own grader does) and grades one task per call, printing
# one line "EVALBOX_GRADE <nonce> <json>" with the verdict, last. The test's own prints are kept apart;
# output that bypasses that (a subprocess, a write to file descriptor 1) cannot pass for the verdict,
# since it cannot know the nonce the grader chose for this call.
import contextlib as _evalbox_contextlib
import importlib.util as _evalbox_importlib_util
import io as _evalbox_io
import json as _evalbox_json
import traceback as _evalbox_traceback


def _evalbox_load_tests(path):
    spec = _evalbox_importlib_util.spec_from_file_location("pybench_tests", path)
    module = _evalbox_importlib_util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _evalbox_grade(index, messages_path, nonce):
    with open(messages_path, encoding="utf-8") as handle:
        messages = _evalbox_json.load(handle)
    verdict = {"index": index, "passed": False, "exception": None, "reason": "", "output": ""}
    test = getattr(_evalbox_pybench_tests, "test_task_%s" % index, None)
    captured = _evalbox_io.StringIO()
    if test is None:
        verdict["exception"] = "MissingTest"
        verdict["reason"] = "tests.py defines no test_task_%s" % index
    else:
        try:
            with _evalbox_contextlib.redirect_stdout(captured), _evalbox_contextlib.redirect_stderr(captured):
                test(messages)
            verdict["passed"] = True
        except Exception as exc:
            verdict["exception"] = type(exc).__name__
            verdict["reason"] = ("%s: %s" % (type(exc).__name__, exc))[:2000]
            frames = _evalbox_traceback.extract_tb(exc.__traceback__)
            if frames:
                last = frames[-1]
                verdict["reason"] += " (at %s line %d)" % (last.name, last.lineno)
    verdict["output"] = captured.getvalue()[-4000:]
    print("EVALBOX_GRADE " + nonce + " " + _evalbox_json.dumps(verdict))


_evalbox_pybench_tests = _evalbox_load_tests(_EVALBOX_TESTS_PATH)
