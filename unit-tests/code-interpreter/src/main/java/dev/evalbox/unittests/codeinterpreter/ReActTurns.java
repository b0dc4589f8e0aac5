package dev.evalbox.unittests.codeinterpreter;

import dev.evalbox.agentloop.loop.AgentHooks;
import dev.evalbox.agentloop.loop.StopReason;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.sandbox.ExecutionResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The benchmark's ReAct rules for one item, as hooks of evalbox's agent loop: the request (the
 * conversation, or one completion prompt of the whole transcript), the latest Action Input's code,
 * the observation, and the stop rules (execution limit, error observation, no action). It also keeps
 * the benchmark's single ReAct text, the trace the metrics read: each reply as the parser leaves it,
 * then "\nObservation: ...\nThought:" after each run.
 */
final class ReActTurns implements AgentHooks {
    private final CodeInterpreterAgent.PromptStyle style;
    private final String completionBase;
    private final List<String> uploadPaths;
    private final Function<byte[], String> saveImage;
    private final Duration cellTimeout;
    private final Function<String, String> cells;
    private final Runnable prefill;
    private final StringBuilder trace = new StringBuilder();
    private int limit;
    private int executions;
    // The trace continues after "Thought:" once an observation (or a prefill) was added.
    private boolean afterThought;
    private ReActCall pending;

    /**
     * @param completionBase the prompt a completion-style request starts with (the rendered prompt, then an Easy item's prefill)
     * @param cells          the cell that runs a piece of code (the item's session starts on the first)
     * @param prefill        runs an Easy item's prefilled code before the first call, or null for an item without one
     */
    ReActTurns(CodeInterpreterRecord record, CodeInterpreterAgent.PromptStyle style, String completionBase, List<String> uploadPaths,
               Function<byte[], String> saveImage, Duration cellTimeout, Function<String, String> cells, Runnable prefill) {
        this.style = style;
        this.completionBase = completionBase;
        this.uploadPaths = uploadPaths;
        this.saveImage = saveImage;
        this.cellTimeout = cellTimeout;
        this.cells = cells;
        this.prefill = prefill;
        this.limit = CodeInterpreterAgent.executionLimit(record);
    }

    /** The benchmark's trace so far. */
    String trace() { return trace.toString(); }

    /** Executions made, an Easy item's prefill included. */
    int executions() { return executions; }

    /** An Easy item's prefill runs first: it counts as one execution and raises the limit by one. */
    @Override
    public void start() {
        if (prefill == null) return;
        prefill.run();
        executions++;
        limit++;
        afterThought = true;
    }

    /** The model is asked only while executions are below the limit: none is asked after the last allowed run. */
    @Override
    public Optional<StopReason> beforeCall() {
        return executions < limit ? Optional.empty() : Optional.of(StopReason.EXECUTION_LIMIT);
    }

    @Override
    public List<ChatMessage> request(List<ChatMessage> conversation) {
        return style == CodeInterpreterAgent.PromptStyle.CHAT ? conversation : List.of(ChatMessage.user(completionBase + trace));
    }

    @Override
    public Action read(String reply) {
        // Each reply continues the single ReAct text, which stands after "Thought:" once an observation (or
        // a prefill) was added; a chat model starts its reply with "Thought:" again.
        String part = reply;
        if (afterThought && style == CodeInterpreterAgent.PromptStyle.CHAT) {
            String lead = reply.stripLeading();
            part = lead.startsWith("Thought:") ? lead.substring("Thought:".length()) : " " + lead;
        }
        afterThought = false;
        Optional<ReActCall> call = ReActParser.latestCall(part);
        if (call.isEmpty() || call.get().action().isEmpty()) {
            // No action (an empty name counts as none): the reply joins the trace as the parser left it.
            trace.append(call.map(ReActCall::textBeforeObservation).orElse(part));
            return new Action.Stop(StopReason.NO_ACTION);
        }
        pending = call.get();
        return new Action.Run(InterpreterCell.code(pending.actionInput(), uploadPaths));
    }

    /** Code that is empty after extraction is not run (its observation is empty; it still counts as an execution). */
    @Override
    public String cell(String code) {
        return code.isEmpty() ? null : cells.apply(code);
    }

    @Override
    public String observe(ExecutionResult result, int turn) {
        // Figures are numbered per call, as the benchmark numbers them.
        String observation = result == null ? "" : Observation.format(result, saveImage, 1, cellTimeout);
        executions++;
        trace.append(pending.textBeforeObservation()).append(ReActParser.OBSERVATION).append(' ').append(observation)
                .append(CodeInterpreterAgent.THOUGHT);
        afterThought = true;
        return "Observation: " + observation;
    }

    /** The benchmark breaks on any output holding "error:" or "Traceback" (a printed "error: ..." too); no repair turn. */
    @Override
    public Optional<StopReason> afterObservation(String observation) {
        return observation.contains("error:") || observation.contains("Traceback") ? Optional.of(StopReason.ERROR_OBSERVATION)
                : Optional.empty();
    }

    /** The text after the trace's last "Final Answer:", or "". */
    @Override
    public String finalAnswer(List<ChatMessage> conversation) {
        String text = trace.toString();
        int answerAt = text.lastIndexOf("Final Answer:");
        return answerAt >= 0 ? text.substring(answerAt + "Final Answer:".length()).strip() : "";
    }
}
