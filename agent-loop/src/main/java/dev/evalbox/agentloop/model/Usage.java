package dev.evalbox.agentloop.model;

/** Tokens a call used, as the server reported them (0 when it did not). */
public record Usage(int promptTokens, int completionTokens) {
    public static final Usage NONE = new Usage(0, 0);

    public int total() { return promptTokens + completionTokens; }

    public Usage plus(Usage other) { return new Usage(promptTokens + other.promptTokens, completionTokens + other.completionTokens); }
}
