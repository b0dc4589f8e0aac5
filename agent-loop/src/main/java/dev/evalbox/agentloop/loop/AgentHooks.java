package dev.evalbox.agentloop.loop;

import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.SamplingParams;
import dev.evalbox.sandbox.ExecutionResult;
import java.util.List;
import java.util.Optional;

/**
 * How one task's conversation differs from the plain loop: {@link AgentLoop} asks the model, reads its
 * reply, runs the code, shows the observation and stops, and a benchmark changes each step here. An
 * instance serves one task and may keep that task's state (a transcript, a count of executions).
 * {@link #of(AgentProtocol)} gives the plain loop: code found by the protocol's extractor, results
 * shown by its formatter, the conversation sent as it is, a reply without code ending the task.
 */
public interface AgentHooks {

    /** What a reply asks for: code to run, or the end of the task. */
    sealed interface Action {
        /** Run this code (what {@link #cell} makes of it) and show the model the observation. */
        record Run(String code) implements Action { }

        /** The task ends with this reply, for this reason. */
        record Stop(StopReason reason) implements Action { }

        /**
         * Ask the model again at once: no code runs and no observation is shown (a task made of several
         * generations, each request built by {@link #request}).
         */
        record Next() implements Action { }
    }

    /** Called once after the task started, before the first model call (e.g. to run a prefilled turn's code). */
    default void start() { }

    /** A reason to stop instead of asking the model again, or empty to ask. */
    default Optional<StopReason> beforeCall() { return Optional.empty(); }

    /** The request's messages: the conversation itself (chat), or one prompt made from the task's transcript (completion). */
    default List<ChatMessage> request(List<ChatMessage> conversation) { return conversation; }

    /** The sampling of the next request; by default the protocol's. */
    default SamplingParams sampling(SamplingParams protocol) { return protocol; }

    /**
     * A model call failed for good (it is recorded as an error event): a reason to stop, or empty to go on with
     * the next turn. By default the task stops ({@link StopReason#MODEL_ERROR}).
     */
    default Optional<StopReason> afterModelError(String error) { return Optional.of(StopReason.MODEL_ERROR); }

    /** What the reply asks for. */
    Action read(String reply);

    /** The cell to run for the reply's code; {@code null} runs nothing (the observation is then made of no result). */
    default String cell(String code) { return code; }

    /** The message the model sees next; {@code result} is null when no cell ran. */
    String observe(ExecutionResult result, int turn);

    /** After the observation: a reason to stop, or empty to go on. */
    default Optional<StopReason> afterObservation(String observation) { return Optional.empty(); }

    /** The task's final answer once the loop ended; by default the last message. */
    default String finalAnswer(List<ChatMessage> conversation) {
        return conversation.isEmpty() ? "" : conversation.get(conversation.size() - 1).content();
    }

    /** The plain loop of a protocol. */
    static AgentHooks of(AgentProtocol protocol) {
        return new AgentHooks() {
            @Override
            public Action read(String reply) {
                return protocol.extractor().extract(reply).<Action>map(Action.Run::new).orElse(new Action.Stop(StopReason.NO_CODE));
            }

            @Override
            public String observe(ExecutionResult result, int turn) { return protocol.formatter().format(result); }
        };
    }

    /**
     * A single generation: the reply ends the task ({@link StopReason#ANSWERED}) and {@code answerOf} makes the
     * final answer from it (the whole reply, or the text after a reasoning block); no code runs.
     */
    static AgentHooks answer(java.util.function.UnaryOperator<String> answerOf) {
        return new AgentHooks() {
            @Override
            public Action read(String reply) { return new Action.Stop(StopReason.ANSWERED); }

            @Override
            public String observe(ExecutionResult result, int turn) {
                throw new IllegalStateException("a single generation runs no code");
            }

            @Override
            public String finalAnswer(List<ChatMessage> conversation) {
                ChatMessage last = conversation.isEmpty() ? null : conversation.get(conversation.size() - 1);
                return last == null || !"assistant".equals(last.role()) ? null : answerOf.apply(last.content());
            }
        };
    }
}
