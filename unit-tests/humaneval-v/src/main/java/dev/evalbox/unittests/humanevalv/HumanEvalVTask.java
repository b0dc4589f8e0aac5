package dev.evalbox.unittests.humanevalv;

/** What grading needs of a HumanEval-V task: its id, the function signature (with docstring) and the test script. */
public record HumanEvalVTask(String qid, String functionSignature, String testScript) { }
