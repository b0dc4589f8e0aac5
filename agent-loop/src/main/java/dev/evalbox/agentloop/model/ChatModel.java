package dev.evalbox.agentloop.model;

/** Something that continues a conversation: a model server, or an offline stand-in (replay, reference). */
public interface ChatModel {

    /** A short name for run files and reports (never a key or secret). */
    String name();

    /** Continues the conversation; failures that survive retries are thrown as {@link ModelException}. */
    ChatCompletion complete(ChatRequest request);

    /**
     * This model as one attempt of a task, its epoch {@code epoch} (from 1), uses it: call it once per attempt,
     * where the attempt knows its epoch. A model's answers do not depend on it, but the model-call cache keys on
     * the epoch (repeated attempts of a task get fresh answers, not the first attempt's again) and counts the
     * identical requests within the attempt (each is another sample).
     */
    default ChatModel forEpoch(int epoch) { return this; }
}
