package dev.evalbox.unittests.codeinterpreter;

import dev.evalbox.agentloop.loop.AgentLoop;
import dev.evalbox.agentloop.loop.AgentOutcome;
import dev.evalbox.agentloop.loop.AgentProtocol;
import dev.evalbox.agentloop.loop.StopReason;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.ChatModel;
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
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The benchmark's ReAct agent over a chat model: the model writes Thought / Action / Action Input and
 * stops at "Observation:"; the Action Input's code runs in the sandbox and the observation goes back
 * as a user message "Observation: ...". The trace (what the metrics read) is the benchmark's single
 * text: replies and observations joined as one ReAct transcript, each observation followed by
 * "\nThought:" as the benchmark appends it. The question is preceded by the uploaded files' names
 * ({@link FilePrefix}).
 *
 * <p>The stop rules are the benchmark's (see docs/code-interpreter.md): an item may run code
 * {@link #executionLimit} times; an item whose query holds a prefilled turn ("&lt;|im_start|&gt;")
 * first runs the prefill's code, which counts as one execution and raises the limit by one; the model
 * is asked only while executions are below the limit, so none is asked after the last one; the loop
 * ends early on an observation containing "error:" or "Traceback", or on a reply without an action.
 * The loop is evalbox's {@link AgentLoop}; these rules are its hooks ({@link ReActTurns}), and the stop
 * reasons are {@link StopReason}s (execution_limit, error_observation, no_action, model_error).
 */
public final class CodeInterpreterAgent {
    public static final Duration CELL_TIMEOUT = Duration.ofSeconds(30);
    public static final String STOP = "Observation:";
    /** What the benchmark appends after each observation; the model continues from it. */
    static final String THOUGHT = "\nThought:";

    /** How the conversation reaches the model: chat messages, or one completion prompt with the whole transcript. */
    public enum PromptStyle { CHAT, COMPLETION }

    /** What happened: the trace, the final answer, executions made (an Easy item's prefill included), why it stopped. */
    public record Outcome(String trace, String finalAnswer, int executions, StopReason stopReason, Usage usage, String error) { }

    private final ChatModel model;
    private final ReActPrompt prompt;
    private final SamplingParams sampling;
    private final PromptStyle style;
    private final FilePrefix filePrefix;
    private final AgentLoop loop;

    public CodeInterpreterAgent(ChatModel model, ReActPrompt prompt, SamplingParams sampling) {
        this(model, prompt, sampling, PromptStyle.CHAT, FilePrefix.QWEN);
    }

    public CodeInterpreterAgent(ChatModel model, ReActPrompt prompt, SamplingParams sampling, PromptStyle style, FilePrefix filePrefix) {
        this.model = model;
        this.prompt = prompt;
        this.style = style;
        this.filePrefix = filePrefix;
        this.sampling = sent(sampling);
        // The benchmark's limits are the hooks' (executions); the turn limit only bounds a loop that cannot reach it.
        this.loop = new AgentLoop(new AgentProtocol(reply -> Optional.empty(), result -> "", "user", 16, CELL_TIMEOUT, null, 0, this.sampling));
    }

    /** This agent as attempt {@code epoch} of an item uses it: its model's calls made as that attempt's (see ChatModel.forEpoch). */
    public CodeInterpreterAgent forEpoch(int epoch) {
        ChatModel bound = model.forEpoch(epoch);
        return bound == model ? this : new CodeInterpreterAgent(bound, prompt, sampling, style, filePrefix);
    }

    /** What a model call sends given the user's sampling: the same, with the stop sequence "Observation:" added. */
    public static SamplingParams sent(SamplingParams user) {
        List<String> stops = new ArrayList<>(user.stop());
        if (!stops.contains(STOP)) stops.add(STOP);
        return user.withStop(stops);
    }

    /**
     * The benchmark's execution limit before any prefill: 3 for an item tagged visualization and for a
     * GSM8K question (the loop's default), 1 for every other item of the benchmark's file (general,
     * math, or only all_ci).
     */
    public static int executionLimit(CodeInterpreterRecord record) {
        return record.tags().contains("visualization") || record.kind() == CodeInterpreterRecord.Kind.GSM8K ? 3 : 1;
    }

    /** The question as the model sees it: the uploaded files' names, then the question. */
    String question(CodeInterpreterRecord record) {
        return filePrefix.of(record.lang(), record.inputBasenames()) + record.question();
    }

    /**
     * Runs one item on {@link AgentLoop} with the benchmark's hooks ({@link ReActTurns}). {@code uploadPaths}
     * are the input files' paths in the sandbox; {@code saveImage} stores a figure and returns the path
     * the observation shows.
     */
    public Outcome run(String taskId, CodeInterpreterRecord record, Sandbox sandbox, List<String> uploadPaths,
                       Function<byte[], String> saveImage, TrajectoryWriter trajectory) {
        String rendered = prompt.render(question(record));
        List<ChatMessage> opening = new ArrayList<>();
        opening.add(ChatMessage.user(rendered));
        String prefill = record.prefill();
        boolean prefilled = record.query().contains("<|im_start|>");
        if (prefilled) {
            int observation = prefill.indexOf(ReActParser.OBSERVATION);
            if (observation >= 0) {
                opening.add(ChatMessage.assistant(prefill.substring(0, observation).strip()));
                opening.add(ChatMessage.user(prefill.substring(observation + 1).replaceFirst("\\s*Thought:\\s*$", "").strip()));
            }
        }
        Session session = new Session(taskId, sandbox, trajectory);
        ReActTurns turns = new ReActTurns(record, style, rendered + "\n" + (prefilled ? prefill : ""), uploadPaths, saveImage, CELL_TIMEOUT,
                session::cell, prefilled ? () -> runPrefill(taskId, record, sandbox, uploadPaths, session, trajectory) : null);
        AgentOutcome outcome = loop.run(taskId, "code-interpreter", opening, model, sandbox, trajectory, turns);
        return new Outcome(turns.trace(), outcome.finalAnswer(), turns.executions(), outcome.stopReason(), outcome.usage(), outcome.error());
    }

    /**
     * The benchmark runs an Easy item's latest Action Input (whatever the action's name) before the model
     * is asked, and discards the output: the prefill already shows it.
     */
    private static void runPrefill(String taskId, CodeInterpreterRecord record, Sandbox sandbox, List<String> uploadPaths, Session session,
                                   TrajectoryWriter trajectory) {
        String code = ReActParser.latestCall(record.query()).map(call -> InterpreterCell.code(call.actionInput(), uploadPaths)).orElse("");
        if (code.isEmpty()) return;
        String cell = session.cell(code);
        ExecutionResult result = sandbox.execute(cell, CELL_TIMEOUT);
        trajectory.write(new TrajectoryEvent.CodeExecution(taskId, Instant.now(), 0, cell, result.status().name().toLowerCase(Locale.ROOT),
                result.outputs(), result.duration().toMillis(), result.stateLost(), result.message()));
        if (!result.ok() && !sandbox.isAlive()) sandbox.restart();
    }

    /**
     * The item's interpreter session. The benchmark starts its kernel by running the prelude with no
     * time limit, then prepends it to an item's first cell (after resetting the shared kernel), which is
     * fast because the modules are loaded. evalbox's fresh sandbox does the same: the prelude runs as its
     * own cell before the first one, so its imports (seconds on a busy machine) do not count against
     * the first cell's 30 s. Should the prelude fail, it is prepended to the first cell, whose
     * observation then shows the failure as the benchmark's would.
     */
    private static final class Session {
        private static final Duration START_LIMIT = Duration.ofMinutes(2);
        private final String taskId;
        private final Sandbox sandbox;
        private final TrajectoryWriter trajectory;
        private boolean started;

        Session(String taskId, Sandbox sandbox, TrajectoryWriter trajectory) {
            this.taskId = taskId;
            this.sandbox = sandbox;
            this.trajectory = trajectory;
        }

        /** The cell to run for {@code code}, the session started first if it is not yet. */
        String cell(String code) {
            if (started) return code;
            started = true;
            ExecutionResult start = sandbox.execute(InterpreterCell.PRELUDE, START_LIMIT);
            trajectory.write(new TrajectoryEvent.CodeExecution(taskId, Instant.now(), 0, InterpreterCell.PRELUDE,
                    start.status().name().toLowerCase(Locale.ROOT), start.outputs(), start.duration().toMillis(), start.stateLost(), start.message()));
            if (start.ok()) return code;
            if (!sandbox.isAlive()) sandbox.restart();
            return InterpreterCell.first(code);
        }
    }
}
