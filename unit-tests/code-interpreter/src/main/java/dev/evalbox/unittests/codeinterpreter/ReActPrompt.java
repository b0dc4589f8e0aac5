package dev.evalbox.unittests.codeinterpreter;

/**
 * evalbox's own wording of the ReAct prompt, with the benchmark's structure: one tool named
 * code_interpreter, the Question / Thought / Action / Action Input / Observation / Final Answer
 * format, and the question last. A user's own template (the official one) can replace it; it must
 * contain "{query}".
 */
public record ReActPrompt(String template) {
    public static final ReActPrompt DEFAULT = new ReActPrompt(String.join("\n",
            "You can use one tool to answer the question below:",
            "",
            "code_interpreter: runs Python code in a stateful Jupyter-like session and shows what it printed,"
                    + " its result, errors and figures. Input: {\"code\": \"<python code>\"} or the code in a ```py fenced block.",
            "",
            "Answer in exactly this format:",
            "",
            "Question: the question to answer",
            "Thought: what to do next, and why",
            "Action: the tool to use, which must be code_interpreter",
            "Action Input: the code to run",
            "Observation: what the tool returned",
            "... (Thought, Action, Action Input and Observation may repeat)",
            "Thought: I now know the final answer",
            "Final Answer: the answer to the question",
            "",
            "Begin!",
            "",
            "Question: {query}"));

    public ReActPrompt {
        if (!template.contains("{query}")) throw new IllegalArgumentException("the prompt template must contain {query}");
    }

    public String render(String question) { return template.replace("{query}", question); }
}
