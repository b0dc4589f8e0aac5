package dev.evalbox.agentloop.model;

/** Something that continues a conversation: a model server, or an offline stand-in (replay, reference). */
public interface ChatModel {

    /** A short name for run files and reports (never a key or secret). */
    String name();

    /** Continues the conversation; failures that survive retries are thrown as {@link ModelException}. */
    ChatCompletion complete(ChatRequest request);
}
