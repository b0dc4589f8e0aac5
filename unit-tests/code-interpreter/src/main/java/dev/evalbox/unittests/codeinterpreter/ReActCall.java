package dev.evalbox.unittests.codeinterpreter;

/** The latest tool call in a ReAct text: the action's name, its input, and the text up to the observation. */
public record ReActCall(String action, String actionInput, String textBeforeObservation) { }
