package dev.evalbox.unittests.codeinterpreter;

import dev.evalbox.agentloop.model.ChatCompletion;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.agentloop.model.ChatRequest;
import dev.evalbox.agentloop.model.ModelException;
import dev.evalbox.agentloop.model.SamplingParams;
import dev.evalbox.agentloop.model.Usage;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.agentloop.trajectory.TrajectoryWriter;
import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.Sandbox;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The benchmark's ReAct agent over a chat model: the model writes Thought / Action / Action Input and
 * stops at "Observation:"; the Action Input's code runs in the sandbox and the observation goes back
 * as a user message "Observation: ...". The trace (what the metrics read) is the benchmark's single
 * text: replies and observations joined as one ReAct transcript. Visualization and math items may run
 * code 3 times, general items once; an Easy item's prefilled code runs first (its output is already in
 * the query) and the model gets one more execution. The loop ends at the limit, on an observation
 * containing "error:" or "Traceback", or on a reply without an Action.
 */
public final class CodeInterpreterAgent {
    public static final Duration CELL_TIMEOUT = Duration.ofSeconds(30);
    public static final String STOP = "Observation:";

    /** How the conversation reaches the model: chat messages, or one completion prompt with the whole transcript. */
    public enum PromptStyle { CHAT, COMPLETION }

    /** What happened: the trace, the final answer, executions made, why it stopped. */
    public record Outcome(String trace, String finalAnswer, int executions, String stopReason, Usage usage, String error) { }

    private final ChatModel model;
    private final ReActPrompt prompt;
    private final SamplingParams sampling;
    private final PromptStyle style;

    public CodeInterpreterAgent(ChatModel model, ReActPrompt prompt, SamplingParams sampling) {
        this(model, prompt, sampling, PromptStyle.CHAT);
    }

    public CodeInterpreterAgent(ChatModel model, ReActPrompt prompt, SamplingParams sampling, PromptStyle style) {
        this.model = model;
        this.prompt = prompt;
        this.style = style;
        List<String> stops = new ArrayList<>(sampling.stop());
        if (!stops.contains(STOP)) stops.add(STOP);
        this.sampling = sampling.withStop(stops);
    }

    public static int executionLimit(CodeInterpreterRecord.Kind kind) {
        return switch (kind) {
            case GENERAL, OTHER, VISUALIZATION_EASY -> 1;
            case VISUALIZATION_HARD, MATH -> 3;
        };
    }

    /**
     * Runs one item. {@code uploadPaths} are the input files' paths in the sandbox; {@code saveImage}
     * stores a figure and returns the path the observation shows.
     */
    public Outcome run(String taskId, CodeInterpreterRecord record, Sandbox sandbox, List<String> uploadPaths,
                       Function<byte[], String> saveImage, TrajectoryWriter trajectory) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(ChatMessage.user(prompt.render(record.question())));
        String completionBase = prompt.render(record.question()) + "\n";
        if (record.kind() == CodeInterpreterRecord.Kind.VISUALIZATION_EASY) {
            completionBase += record.prefill();
            String prefill = record.prefill();
            String code = ExecutableCode.actionInputCode(prefill, false);
            if (!code.isEmpty()) sandbox.execute(ActionInputCode.withUploadPaths(code, uploadPaths), CELL_TIMEOUT);
            int observation = prefill.indexOf(ReActParser.OBSERVATION);
            if (observation >= 0) {
                messages.add(ChatMessage.assistant(prefill.substring(0, observation).strip()));
                messages.add(ChatMessage.user(prefill.substring(observation + 1).replaceFirst("\\s*Thought:\\s*$", "").strip()));
            }
        }
        trajectory.write(new TrajectoryEvent.TaskStarted(taskId, Instant.now(), "code-interpreter", model.name(), List.copyOf(messages)));
        StringBuilder trace = new StringBuilder();
        Usage usage = Usage.NONE;
        int limit = executionLimit(record.kind());
        int executions = 0;
        int figures = 1;
        String stop = "execution_limit";
        String error = null;
        for (int turn = 1; ; turn++) {
            ChatCompletion completion;
            try {
                trajectory.write(new TrajectoryEvent.ModelRequest(taskId, Instant.now(), turn, messages.size()));
                List<ChatMessage> request = style == PromptStyle.CHAT ? messages : List.of(ChatMessage.user(completionBase + trace));
                completion = model.complete(new ChatRequest(request, sampling));
            } catch (ModelException e) {
                trajectory.write(new TrajectoryEvent.Error(taskId, Instant.now(), turn, "model_" + e.kind().name().toLowerCase(), e.getMessage()));
                stop = "model_error";
                error = e.getMessage();
                break;
            }
            usage = usage.plus(completion.usage());
            String reply = completion.text();
            trajectory.write(new TrajectoryEvent.ModelResponse(taskId, Instant.now(), turn, reply, completion.usage(),
                    completion.latency().toMillis(), completion.attempts(), completion.finishReason()));
            messages.add(ChatMessage.assistant(reply));
            // Each reply continues the benchmark's single ReAct text.
            String part = trace.length() == 0 || style == PromptStyle.COMPLETION ? reply
                    : (reply.stripLeading().startsWith("Thought:") ? "\n" : "\nThought: ") + reply.stripLeading();
            Optional<ReActCall> call = ReActParser.latestCall(part);
            if (call.isEmpty()) {
                trace.append(part);
                stop = "no_action";
                break;
            }
            String code = ActionInputCode.withUploadPaths(ActionInputCode.extract(call.get().actionInput()), uploadPaths);
            ExecutionResult result = sandbox.execute(code, CELL_TIMEOUT);
            executions++;
            int first = figures;
            figures += result.images().size();
            String observation = Observation.format(result, saveImage, first, CELL_TIMEOUT);
            trajectory.write(new TrajectoryEvent.CodeExecution(taskId, Instant.now(), turn, code, result.status().name().toLowerCase(),
                    result.outputs(), result.duration().toMillis(), result.stateLost(), result.message()));
            trajectory.write(new TrajectoryEvent.Observation(taskId, Instant.now(), turn, "user", "Observation: " + observation));
            trace.append(call.get().textBeforeObservation()).append(ReActParser.OBSERVATION).append(' ').append(observation);
            if (style == PromptStyle.COMPLETION) trace.append("\nThought:"); // the model continues the transcript from here
            messages.add(ChatMessage.user("Observation: " + observation));
            if (!result.ok() && !sandbox.isAlive()) sandbox.restart();
            if (observation.contains("error:") || observation.contains("Traceback")) {
                stop = "error_observation";
                break;
            }
            if (executions >= limit) break;
        }
        String text = trace.toString();
        int answerAt = text.lastIndexOf("Final Answer:");
        String finalAnswer = answerAt >= 0 ? text.substring(answerAt + "Final Answer:".length()).strip() : "";
        trajectory.write(new TrajectoryEvent.TaskFinished(taskId, Instant.now(), stop, executions, finalAnswer, usage));
        return new Outcome(text, finalAnswer, executions, stop, usage, error);
    }
}
