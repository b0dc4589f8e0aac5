package dev.evalbox.unittests.codeinterpreter;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the program the executable-rate metric runs, as the benchmark does: the Action Input code of
 * the model's trace (only the first for visualization and general items, all of them for math),
 * each preceded by "# concat"; an Easy item's prefilled code before it; uploaded files given their full
 * path; a call after "def solution()"; figures closed after plt.show() or seaborn plots; and the
 * benchmark's pre-load prelude (chdir to the upload folder, common imports) in front.
 */
public final class ExecutableCode {
    /** The benchmark's pre-load prelude, verbatim in what it does. */
    static final String PRELUDE = String.join("\n",
            "",
            "import os",
            "if 'upload_file' not in os.getcwd():",
            "    os.chdir(\"./upload_file/\")",
            "",
            "import seaborn as sns",
            "",
            "import matplotlib",
            "# matplotlib.use('Agg')",
            "import matplotlib.pyplot as plt",
            "plt.ion()",
            "",
            "import numpy as np",
            "import pandas as pd",
            "from sympy import Eq, symbols, solve",
            "import re",
            "import json",
            "import math",
            "");

    private ExecutableCode() { }

    /** The code of the trace's Action Inputs joined as the metric joins them; "" when there is none (missing code). */
    public static String actionInputCode(String trace, boolean firstOnly) {
        List<String> inputs = new ArrayList<>();
        String rest = trace;
        while (true) {
            String input = firstActionInput(rest);
            if (input.isEmpty()) break;
            inputs.add(input);
            // The benchmark continues after the first occurrence of the input's text, wherever that is.
            int at = rest.indexOf(input);
            rest = rest.substring(at + input.length());
            if (rest.isEmpty() || firstOnly) break;
        }
        StringBuilder code = new StringBuilder();
        for (String input : inputs) code.append("# concat\n").append(ActionInputCode.extract(input)).append('\n');
        return code.toString();
    }

    /** The full program for a record whose trace gave {@code code}; upload paths are the files' paths in the sandbox. */
    public static String program(CodeInterpreterRecord record, String code, List<String> uploadPaths) {
        String program = code;
        if (record.query().contains("<|im_start|>")) program = actionInputCode(record.query(), false) + program;
        program = ActionInputCode.withUploadPaths(program, uploadPaths);
        if (program.contains("def solution()")) program += "\nsolution()\n";
        if (program.contains("plt.show()")) program += "\nplt.pause(1)\nplt.close('all')\n";
        if (program.contains("sns.") && program.contains("plot")) program += "\nplt.close('all')\n";
        return PRELUDE + program;
    }

    /** The text between the first "\nAction Input:" and the "\nObservation:" after it (or the end), stripped. */
    static String firstActionInput(String text) {
        int i = text.indexOf(ReActParser.ACTION_INPUT);
        if (i < 0) return "";
        int j = text.indexOf(ReActParser.OBSERVATION, i);
        return (j < 0 ? text.substring(i + ReActParser.ACTION_INPUT.length()) : text.substring(i + ReActParser.ACTION_INPUT.length(), j)).strip();
    }
}
