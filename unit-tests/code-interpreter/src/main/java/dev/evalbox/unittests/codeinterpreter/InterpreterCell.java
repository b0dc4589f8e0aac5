package dev.evalbox.unittests.codeinterpreter;

import java.util.ArrayList;
import java.util.List;

/**
 * The cell the benchmark's code interpreter runs for an Action Input, during the agent's run (the
 * executable-rate re-run builds its own program, {@link ExecutableCode}). As the benchmark: uploaded
 * files named by basename get their full path, the code is extracted ({@link ActionInputCode}) and
 * ends with a newline, the CJK font is set again after every line starting with "sns.set_theme(" (which
 * resets it), and "solution()" is called when the code defines it. Every item's session first runs
 * the prelude, as the benchmark's kernel does: the imports a model may use without importing them (os,
 * math, re, json, seaborn as sns with its theme, matplotlib, plt, numpy as np, pandas as pd, sympy's
 * Eq, symbols and solve) and an input() that raises instead of waiting. Empty code is not run at all
 * (its observation is empty).
 */
final class InterpreterCell {
    /**
     * The benchmark sets SimHei, a font the sandbox image lacks (matplotlib would warn on stderr, into
     * the observation, at every figure); WenQuanYi Micro Hei, which the image has, plays its part: a
     * sans-serif with CJK glyphs, so Chinese labels render.
     */
    static final List<String> FONT_LINES = List.of(
            "plt.rcParams[\"font.sans-serif\"] = [\"WenQuanYi Micro Hei\"]",
            "plt.rcParams[\"axes.unicode_minus\"] = False");

    static final String PRELUDE = String.join("\n",
            "",
            "import signal",
            "def input(*args, **kwargs):",
            "    raise NotImplementedError('Python input() function is disabled.')",
            "",
            "import os",
            "import math",
            "import re",
            "import json",
            "",
            "import seaborn as sns",
            "sns.set_theme()",
            "",
            "import matplotlib",
            "import matplotlib.pyplot as plt",
            FONT_LINES.get(0),
            FONT_LINES.get(1),
            "",
            "import numpy as np",
            "import pandas as pd",
            "",
            "from sympy import Eq, symbols, solve",
            "");

    private InterpreterCell() { }

    /** The code to run for {@code actionInput}; "" when there is nothing to run. */
    static String code(String actionInput, List<String> uploadPaths) {
        String code = ActionInputCode.extract(ActionInputCode.withUploadPaths(actionInput, uploadPaths)) + "\n";
        List<String> lines = new ArrayList<>();
        for (String line : code.split("\n", -1)) {
            lines.add(line);
            if (line.startsWith("sns.set_theme(")) lines.addAll(FONT_LINES);
        }
        String fixed = String.join("\n", lines);
        if (fixed.contains("def solution()")) fixed += "\nsolution()";
        return fixed.isBlank() ? "" : fixed;
    }

    /** {@code code} as an item's first cell: the session prelude, then the code. */
    static String first(String code) { return PRELUDE + code; }
}
