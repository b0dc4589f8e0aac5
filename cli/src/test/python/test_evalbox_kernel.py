"""The official Jupyter kernel test suite (jupyter_kernel_test) against the installed evalbox kernel.

Run by KernelJupyterToolsTest with JUPYTER_PATH pointing at a freshly installed kernelspec and
EVALBOX_KERNEL_NAME naming it. Every test the suite has is enabled.
"""
import os
import unittest

import jupyter_kernel_test


class EvalboxKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("EVALBOX_KERNEL_NAME", "evalbox")
    language_name = "java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("to stderr");'
    completion_samples = [
        {"text": "Math.abs", "matches": {"abs(", "absExact("}},
        {"text": "List.o", "matches": {"of("}},
    ]
    complete_code_samples = ["1 + 1", "int x = 1;", "void f() { }", "for (int i = 0; i < 2; i++) { }"]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "1 +", "class A {"]
    invalid_code_samples = ["int x = 1;\n)", '"unterminated', "}"]
    code_page_something = 'page("the pager shows this");'
    code_generate_error = 'throw new IllegalStateException("planned failure");'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"abc".length()', "result": "3"},
        {"code": 'html("<b>rich</b>")', "mime": "text/html", "result": "<b>rich</b>"},
    ]
    code_display_data = [
        {"code": 'display(html("<b>hi</b>"));', "mime": "text/html"},
        {"code": 'display(svg("<svg xmlns=\\"http://www.w3.org/2000/svg\\"/>"));', "mime": "image/svg+xml"},
        {"code": 'display(json("{\\"a\\": 1}"));', "mime": "application/json"},
        {"code": "display(new java.awt.image.BufferedImage(4, 3, java.awt.image.BufferedImage.TYPE_INT_RGB));",
         "mime": "image/png"},
    ]
    code_history_pattern = "6 * ?"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math.max"
    code_clear_output = "clearOutput(false);"


if __name__ == "__main__":
    unittest.main()
