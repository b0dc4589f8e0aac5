package dev.evalbox.unittests.humanevalv;

/**
 * evalbox's own wording of the HumanEval-V prompts, with the reference's structure and placeholders:
 * {function_signature} (the code context) and, for text-to-code, {problem_specification}.
 */
public record HumanEvalVPrompts(String visualToCode, String visualToCodeWithReasoning, String visualToText, String textToCode) {

    public static final HumanEvalVPrompts DEFAULT = new HumanEvalVPrompts(
            String.join("\n",
                    "The image defines a programming task. Complete the Python function below so that it solves the task the image shows.",
                    "Answer with the whole function in one ```python code block.",
                    "",
                    "**Code Context:**",
                    "```python",
                    "{function_signature}",
                    "```"),
            String.join("\n",
                    "The image defines a programming task. First describe, step by step, what the image shows and the rule it implies;",
                    "then complete the Python function below so that it solves the task. End with the whole function in one ```python code block.",
                    "",
                    "**Code Context:**",
                    "```python",
                    "{function_signature}",
                    "```"),
            String.join("\n",
                    "The image defines a programming task for the Python function below. Describe the image precisely and completely:",
                    "every element, its position and meaning, and the rule or pattern the function must follow. Do not write code.",
                    "",
                    "**Code Context:**",
                    "```python",
                    "{function_signature}",
                    "```"),
            String.join("\n",
                    "Complete the Python function below so that it solves the task described here.",
                    "",
                    "**Task description:**",
                    "{problem_specification}",
                    "",
                    "**Code Context:**",
                    "```python",
                    "{function_signature}",
                    "```",
                    "",
                    "Answer with the whole function in one ```python code block."));

    public HumanEvalVPrompts withCodePrompt(String template) {
        if (!template.contains("{function_signature}")) throw new IllegalArgumentException("the prompt must contain {function_signature}");
        return new HumanEvalVPrompts(template, template, visualToText, textToCode);
    }

    static String fill(String template, String signature, String specification) {
        return template.replace("{function_signature}", signature.stripTrailing())
                .replace("{problem_specification}", specification == null ? "" : specification);
    }
}
