package dev.evalbox.agentloop.model;

/** Something that continues a conversation: a model server, or an offline stand-in (replay, reference). */
public interface ChatModel {

    /** A short name for run files and reports (never a key or secret). */
    String name();

    /** Continues the conversation; failures that survive retries are thrown as {@link ModelException}. */
    ChatCompletion complete(ChatRequest request);

    /**
     * This model as attempt {@code epoch} (from 1) of a task uses it. A model's answers do not depend on the
     * epoch, but a cache keys on it, so that repeated attempts of a task get fresh answers rather than the
     * first attempt's again; call it where an attempt knows its epoch.
     */
    default ChatModel forEpoch(int epoch) { return this; }
}
