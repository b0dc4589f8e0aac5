package dev.evalbox.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.kernel.java.CellError;
import dev.evalbox.kernel.java.CellOutcome;
import dev.evalbox.kernel.java.CodeCompleteness;
import dev.evalbox.kernel.java.Completion;
import dev.evalbox.kernel.java.JavaEvaluator;
import dev.evalbox.kernel.wire.Channel;
import dev.evalbox.kernel.wire.ConnectionInfo;
import dev.evalbox.kernel.wire.Message;
import dev.evalbox.kernel.wire.MessageSigner;
import dev.evalbox.kernel.wire.WireCodec;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * evalbox's Jupyter kernel: the messaging protocol (5.3) over JeroMQ, Java cells through JShell.
 *
 * <p>Threads: shell (requests, one at a time; cells run from here), control (interrupt, shutdown and
 * anything else sent there, answered even while a cell runs), heartbeat (echo), and an output
 * flusher. iopub is written from any thread under the channel's lock; every other socket belongs
 * to one thread (stdin to the cell waiting for input, one at a time).
 */
public final class JupyterKernel implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int POLL_MILLIS = 100;
    /** How long JShell's build waits, at most, for the first cell to be done before it starts anyway. */
    private static final Duration SHELL_PATIENCE = Duration.ofSeconds(1);

    /** Completed when the engine's start and warm-up have ended, however. */
    private final CompletableFuture<Void> engineWarm = new CompletableFuture<>();
    /** With -Devalbox.kernel.trace=true (or EVALBOX_KERNEL_TRACE=1) the kernel logs where each cell's time went. */
    private final boolean trace = Boolean.getBoolean("evalbox.kernel.trace") || "1".equals(System.getenv("EVALBOX_KERNEL_TRACE"));

    private final ConnectionInfo connection;
    private final KernelSettings settings;
    private final String session = UUID.randomUUID().toString();
    private final ZContext context = new ZContext();
    private final WireCodec codec;
    private final PrintStream log;
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final InputStream originalIn = System.in;
    private final History history = new History();
    private final Map<String, String> comms = new ConcurrentHashMap<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "evalbox-kernel-output");
        thread.setDaemon(true);
        return thread;
    });
    private final CellStreams streams;
    private final Object stdinLock = new Object();

    private Channel shell;
    private Channel control;
    private Channel stdin;
    private IoPub iopub;
    private ZMQ.Socket heartbeat;
    private final CompletableFuture<Cells> cells = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicBoolean engineStarted = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean running;
    private volatile boolean restartRequested;
    private volatile boolean closed;
    private volatile Message currentRequest;
    private volatile boolean allowStdin;
    private final List<ObjectNode> payloads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private int executionCount;
    /** The engine while it warms up, so a shutdown can stop the warm-up's snippet; null before and after. */
    private volatile JavaEvaluator warming;
    /** interrupt_requests so far: one that arrives while a cell waits for the engine to start interrupts that cell. */
    private final java.util.concurrent.atomic.AtomicInteger interrupts = new java.util.concurrent.atomic.AtomicInteger();

    /** The evaluator and the bridge to the notebook API in the cells' class loader, ready together. */
    private record Cells(JavaEvaluator java, NotebookBridge notebook, MagicCells magics) {
    }

    /**
     * Waits until the Java engine has started and warmed up (JShell built, the warm-up run), or failed,
     * or {@code limit} has passed; false then.
     */
    public boolean awaitEngineWarm(Duration limit) throws InterruptedException {
        try {
            engineWarm.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    /**
     * Starts the Java engine for a kernel with {@code settings} now, before the connection file is read
     * (the launcher's first step when Jupyter starts a kernel); the kernel made next with the same
     * settings takes it over.
     */
    public static void startEngineEarly(KernelSettings settings) {
        EarlyEngine.start(settings);
    }

    public JupyterKernel(ConnectionInfo connection, KernelSettings settings) {
        this.connection = connection;
        this.settings = settings;
        this.codec = new WireCodec(new MessageSigner(connection.key()));
        this.log = System.err;
        this.streams = new CellStreams((name, text) -> {
            Message parent = currentRequest;
            if (parent != null && iopub != null) {
                iopub.publish(parent, "stream", Message.object().put("name", name).put("text", text));
            }
        });
    }

    /** Binds the five sockets, starts the threads and announces "starting"; the Java engine warms up in the background. */
    public JupyterKernel start() {
        running = true;
        // The Java engine (javac, then JShell) starts and warms up at once, in the background: a front
        // end sends its first cell right after the first kernel_info_reply, and the engine's start and
        // javac's first compiles (over half a second) are then mostly done instead of ahead of the cell.
        startEngine();
        if (trace) {
            log("trace: the kernel starts " + uptime(System.nanoTime()) + " ms after the JVM started");
        }
        shell = channel("shell", SocketType.ROUTER, connection.shellPort());
        control = channel("control", SocketType.ROUTER, connection.controlPort());
        stdin = channel("stdin", SocketType.ROUTER, connection.stdinPort());
        iopub = new IoPub(channel("iopub", SocketType.PUB, connection.iopubPort()), session);
        heartbeat = socket(SocketType.REP, connection.hbPort());

        System.setOut(streams.stdout());
        System.setErr(streams.stderr());
        System.setIn(new CellInput(this::readLine));
        flusher.scheduleWithFixedDelay(streams::drain, 50, 50, TimeUnit.MILLISECONDS);

        iopub.status(null, "starting");
        startThread("evalbox-kernel-heartbeat", this::heartbeatLoop);
        startThread("evalbox-kernel-shell", () -> serve(shell));
        startThread("evalbox-kernel-control", () -> serve(control));
        return this;
    }

    /** Blocks until a shutdown_request arrives (or {@link #close()}); true when the front end asked for a restart. */
    public boolean awaitShutdown() throws InterruptedException {
        finished.await();
        return restartRequested;
    }

    public ConnectionInfo connection() {
        return connection;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        stopWarmUp();
        finished.countDown();
        cells.thenAccept(ready -> ready.java().stop());
        for (Thread thread : threads) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flusher.shutdownNow();
        streams.drain();
        System.setOut(originalOut);
        System.setErr(originalErr);
        System.setIn(originalIn);
        cells.thenAccept(ready -> {
            ready.notebook().detach();
            ready.java().close();
        });
        context.close();
    }

    private void serve(Channel channel) {
        while (running) {
            Message request;
            try {
                request = channel.receive();
            } catch (org.zeromq.ZMQException e) {
                if (running) {
                    log(channel.name() + ": " + e.getMessage());
                }
                return;
            }
            if (request != null) {
                handle(channel, request);
            }
        }
    }

    private void handle(Channel channel, Message request) {
        iopub.status(request, "busy");
        List<Message> abortQueue = List.of();
        try {
            abortQueue = dispatch(channel, request);
        } catch (RuntimeException e) {
            log(channel.name() + ": " + request.type() + " failed: " + e);
        } finally {
            iopub.status(request, "idle");
        }
        abortQueued(channel, abortQueue);
    }

    /** Answers one request; returns the requests to abort (those queued behind a cell that failed with stop_on_error). */
    private List<Message> dispatch(Channel channel, Message request) {
        ObjectNode content = request.content();
        switch (request.type()) {
            case "execute_request" -> {
                return execute(channel, request);
            }
            case "kernel_info_request" -> channel.send(request.reply(session, "kernel_info_reply", KernelInfo.content()));
            case "complete_request" -> {
                String code = content.path("code").asText("");
                Completion completion = cells().java().complete(code, content.path("cursor_pos").asInt(code.length()));
                ObjectNode reply = ok().put("cursor_start", completion.start()).put("cursor_end", completion.end());
                completion.matches().forEach(reply.putArray("matches")::add);
                reply.putObject("metadata");
                channel.send(request.reply(session, "complete_reply", reply));
            }
            case "inspect_request" -> {
                String code = content.path("code").asText("");
                List<String> docs = cells().java().inspect(code, content.path("cursor_pos").asInt(code.length()));
                ObjectNode reply = ok().put("found", !docs.isEmpty());
                ObjectNode data = reply.putObject("data");
                if (!docs.isEmpty()) {
                    data.put("text/plain", String.join("\n\n", docs));
                }
                reply.putObject("metadata");
                channel.send(request.reply(session, "inspect_reply", reply));
            }
            case "is_complete_request" -> {
                CodeCompleteness answer = cells().java().isComplete(content.path("code").asText(""));
                ObjectNode reply = Message.object().put("status", answer.status());
                if (answer.status().equals("incomplete")) {
                    reply.put("indent", answer.indent());
                }
                channel.send(request.reply(session, "is_complete_reply", reply));
            }
            case "history_request" -> {
                ObjectNode reply = ok();
                reply.set("history", history.answer(content));
                channel.send(request.reply(session, "history_reply", reply));
            }
            case "comm_info_request" -> {
                ObjectNode reply = ok();
                ObjectNode list = reply.putObject("comms");
                String target = content.path("target_name").asText(null);
                comms.forEach((id, name) -> {
                    if (target == null || target.equals(name)) {
                        list.putObject(id).put("target_name", name);
                    }
                });
                channel.send(request.reply(session, "comm_info_reply", reply));
            }
            case "comm_open" -> comms.put(content.path("comm_id").asText(), content.path("target_name").asText(""));
            case "comm_close" -> comms.remove(content.path("comm_id").asText());
            case "comm_msg" -> { } // no comm targets live in the kernel yet: accepted and ignored
            case "connect_request" -> channel.send(request.reply(session, "connect_reply", ok()
                    .put("shell_port", connection.shellPort()).put("iopub_port", connection.iopubPort())
                    .put("stdin_port", connection.stdinPort()).put("control_port", connection.controlPort())
                    .put("hb_port", connection.hbPort())));
            case "interrupt_request" -> {
                interrupts.incrementAndGet();
                cells.thenAccept(this::interrupt);
                channel.send(request.reply(session, "interrupt_reply", ok()));
            }
            case "shutdown_request" -> {
                boolean restart = content.path("restart").asBoolean(false);
                ObjectNode reply = ok().put("restart", restart);
                channel.send(request.reply(session, "shutdown_reply", reply));
                iopub.publish(request, "shutdown_reply", reply.deepCopy());
                restartRequested = restart;
                running = false;
                stopWarmUp();
                cells.thenAccept(ready -> ready.java().stop());
                finished.countDown();
            }
            default -> log(channel.name() + ": ignored a message of unknown type \"" + request.type() + "\"");
        }
        return List.of();
    }

    private List<Message> execute(Channel channel, Message request) {
        ObjectNode content = request.content();
        String code = content.path("code").asText("");
        boolean silent = content.path("silent").asBoolean(false);
        boolean storeHistory = !silent && content.path("store_history").asBoolean(true);
        if (storeHistory) {
            executionCount++;
        }
        int count = executionCount;
        if (!silent) {
            iopub.publish(request, "execute_input", Message.object().put("code", code).put("execution_count", count));
        }
        currentRequest = request;
        payloads.clear();
        allowStdin = content.path("allow_stdin").asBoolean(false);
        CellOutcome outcome;
        Cells ready = null;
        long received = trace ? System.nanoTime() : 0;
        long engineReady = 0;
        try {
            boolean waited = !cells.isDone();
            int interruptsBefore = interrupts.get();
            ready = cells();
            engineReady = trace ? System.nanoTime() : 0;
            if (waited && interrupts.get() != interruptsBefore) {
                // Interrupted while the engine was still starting: the cell does not run at all.
                outcome = CellOutcome.failed(new CellError("Interrupted", "the cell was interrupted",
                        List.of("Interrupted: the cell was interrupted")));
            } else {
                outcome = ready.magics().run(code);
            }
        } catch (RuntimeException e) {
            outcome = CellOutcome.failed(new CellError("KernelError", "the Java engine is not available: " + e.getMessage(),
                    List.of("KernelError: the Java engine is not available: " + e.getMessage())));
        }
        long evaluated = trace ? System.nanoTime() : 0;
        String outputText = null;
        if (!outcome.failed() && outcome.hasValue() && outcome.value() != null && !silent) {
            try {
                ObjectNode result = bundle(ready.notebook().render(outcome.value()));
                outputText = result.path("data").path("text/plain").asText(null);
                streams.drain();
                iopub.publish(request, "execute_result", result.put("execution_count", count));
            } catch (Throwable e) {
                outcome = CellOutcome.failed(new CellError(e.getClass().getName(), String.valueOf(e.getMessage()),
                        List.of(e.getClass().getName() + ": " + e.getMessage() + " (while rendering the cell's value)")));
            }
        }
        streams.drain();
        allowStdin = false;
        if (ready != null) {
            ready.java().wantShell(); // the first cell is done: JShell may take the CPU now
        }
        ObjectNode reply;
        if (outcome.failed()) {
            CellError error = PythonErrors.unwrap(outcome.error());
            ObjectNode errorContent = Message.object().put("ename", error.ename()).put("evalue", error.evalue());
            error.traceback().forEach(errorContent.putArray("traceback")::add);
            if (!silent) {
                iopub.publish(request, "error", errorContent.deepCopy());
            }
            reply = errorContent.put("status", "error").put("execution_count", count);
        } else {
            reply = ok().put("execution_count", count);
            reply.putArray("payload").addAll(payloads);
            reply.set("user_expressions", userExpressions(ready, content.path("user_expressions")));
        }
        if (storeHistory) {
            history.add(count, code, outputText);
        }
        // What is queued is taken before the error reply goes out, so a request the front end sends
        // after seeing the error (or the aborted replies) is never caught in the abort.
        List<Message> queued = outcome.failed() && content.path("stop_on_error").asBoolean(true) ? takeQueued(channel) : List.of();
        channel.send(request.reply(session, "execute_reply", reply));
        if (trace) {
            long replied = System.nanoTime();
            log(String.format(Locale.ROOT, "trace: execute %d (came %d ms after the JVM started): waited for the engine %.3f ms,"
                            + " evaluated %.3f ms, rendered and replied %.3f ms", count, uptime(received),
                    (engineReady - received) / 1e6, (evaluated - engineReady) / 1e6, (replied - evaluated) / 1e6));
        }
        return queued;
    }

    /** A Python cell in the notebook's sandbox is interrupted there (KeyboardInterrupt); a Java cell is stopped. */
    private void interrupt(Cells ready) {
        if (!ready.notebook().interruptSandbox()) {
            ready.java().stop();
        }
    }

    private ObjectNode userExpressions(Cells ready, JsonNode expressions) {
        ObjectNode results = Message.object();
        expressions.fields().forEachRemaining(entry -> {
            CellOutcome outcome = ready.java().execute(entry.getValue().asText(""));
            ObjectNode result = results.putObject(entry.getKey());
            if (outcome.failed()) {
                result.put("status", "error").put("ename", outcome.error().ename()).put("evalue", outcome.error().evalue());
                outcome.error().traceback().forEach(result.putArray("traceback")::add);
                return;
            }
            try {
                result.setAll(bundle(ready.notebook().render(outcome.value())));
                result.put("status", "ok");
            } catch (Throwable e) {
                result.put("status", "error").put("ename", e.getClass().getName()).put("evalue", String.valueOf(e.getMessage()));
                result.putArray("traceback");
            }
        });
        return results;
    }

    private static List<Message> takeQueued(Channel channel) {
        List<Message> queued = new ArrayList<>();
        for (Message next = channel.receiveNow(); next != null; next = channel.receiveNow()) {
            queued.add(next);
        }
        return queued;
    }

    /** After a failed cell with stop_on_error, the cells that were queued behind it are answered "aborted", not run. */
    private void abortQueued(Channel channel, List<Message> queued) {
        for (Message request : queued) {
            if (!request.type().equals("execute_request")) {
                handle(channel, request);
                continue;
            }
            iopub.status(request, "busy");
            channel.send(request.reply(session, "execute_reply", Message.object().put("status", "aborted")));
            iopub.status(request, "idle");
        }
    }

    private void publishDisplay(Map<String, Object> output) {
        Message parent = currentRequest;
        if (parent == null) {
            return;
        }
        streams.drain();
        String type = String.valueOf(output.get("type"));
        if (type.equals("page")) {
            ObjectNode page = bundle(output).put("source", "page").put("start", 0);
            page.remove("metadata");
            payloads.add(page);
            return;
        }
        if (type.equals("clear_output")) {
            iopub.publish(parent, type, Message.object().put("wait", Boolean.TRUE.equals(output.get("wait"))));
            return;
        }
        ObjectNode content = bundle(output);
        Object displayId = output.get("display_id");
        ObjectNode transientPart = content.putObject("transient");
        if (displayId != null) {
            transientPart.put("display_id", displayId.toString());
        }
        iopub.publish(parent, type, content);
    }

    /** A bundle from the cells' side as message content: values are strings, and JSON types are sent as JSON. */
    private static ObjectNode bundle(Map<String, Object> bundle) {
        ObjectNode content = Message.object();
        ObjectNode data = content.putObject("data");
        if (bundle.get("data") instanceof Map<?, ?> values) {
            values.forEach((mime, value) -> {
                String text = String.valueOf(value);
                if (mime.toString().endsWith("json")) {
                    try {
                        data.set(mime.toString(), JSON.readTree(text));
                        return;
                    } catch (java.io.IOException e) {
                        // not valid JSON: send the text as it is
                    }
                }
                data.put(mime.toString(), text);
            });
        }
        content.set("metadata", JSON.valueToTree(bundle.getOrDefault("metadata", Map.of())));
        return content;
    }

    /** One line from the front end for the running cell (input_request / input_reply on stdin), or null when not allowed. */
    private String readLine(String prompt) {
        Message parent = currentRequest;
        if (!allowStdin || parent == null) {
            return null;
        }
        synchronized (stdinLock) {
            streams.drain();
            stdin.send(parent.reply(session, "input_request", Message.object().put("prompt", prompt).put("password", false)));
            while (running) {
                Message reply = stdin.receive();
                if (reply != null && reply.type().equals("input_reply")) {
                    return reply.content().path("value").asText("");
                }
            }
            return null;
        }
    }

    private Cells cells() {
        startEngine();
        return cells.join();
    }

    private void startEngine() {
        if (!engineStarted.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                long started = System.nanoTime();
                // Cells that are one expression or statement run before JShell is built (a second or so):
                // first javac's own warm-up, then rendering's first use (loading the notebook API's
                // renderers), what a notebook's first cell most often needs; then JShell.
                EarlyEngine early = EarlyEngine.take(settings);
                JavaEvaluator java = early != null ? early.evaluator()
                        : JavaEvaluator.withShellLater(settings.cellClasspath(), settings.startup());
                NotebookBridge notebook = new NotebookBridge(java.cellClassLoader(), this::publishDisplay, this::readLine);
                cells.complete(new Cells(java, notebook, new MagicCells(java)));
                if (early == null) {
                    java.warmUpBeforeShell(KernelSettings.FIRST_WARM_UP);
                }
                long plainReady = System.nanoTime();
                warmRendering(notebook, 2);
                // JShell is built once the first cell is done or needs it, or after a second anyway:
                // building it while the kernel answers its first requests took their CPU.
                java.buildShellWhenWanted(SHELL_PATIENCE);
                java.speedUpsUnavailable().forEach(this::log);
                long built = System.nanoTime();
                // JShell's first compiles, and rendering a value, happen now rather than in a cell;
                // the warm-up gives way as soon as a cell (or a completion, ...) wants the engine.
                warming = java;
                Object value;
                try {
                    value = java.warmUp(settings.warmUp(), () -> running);
                } finally {
                    warming = null;
                }
                if (value != null && running) {
                    warmRendering(notebook, value);
                }
                if (trace) {
                    String earlyText = early == null ? "" : String.format(Locale.ROOT, " (started early at %d ms, its first plain cell"
                            + " done %s)", uptime(early.started()), early.warm() == 0 ? "later" : "at " + uptime(early.warm()) + " ms");
                    log(String.format(Locale.ROOT, "trace: engine started %d ms after the JVM started%s, plain cells warm at %d ms,"
                                    + " JShell built at %d ms; warm-up ended %.1f ms later", uptime(started), earlyText,
                            uptime(plainReady), uptime(built), (System.nanoTime() - built) / 1e6));
                }
            } catch (RuntimeException | Error e) {
                log("the Java engine failed to start: " + e);
                cells.completeExceptionally(e); // when it failed before the cells could be given the evaluator
            } finally {
                engineWarm.complete(null);
            }
        }, "evalbox-kernel-engine-start");
        thread.setDaemon(true);
        thread.start();
    }

    private void warmRendering(NotebookBridge notebook, Object value) {
        try {
            bundle(notebook.render(value));
        } catch (Throwable e) {
            log("warming up the rendering failed: " + e);
        }
    }

    private void stopWarmUp() {
        JavaEvaluator engine = warming;
        if (engine != null) {
            engine.stop();
        }
    }

    private void heartbeatLoop() {
        while (running) {
            byte[] ping;
            try {
                ping = heartbeat.recv(0);
            } catch (org.zeromq.ZMQException e) {
                return;
            }
            if (ping != null) {
                heartbeat.send(ping, 0);
            }
        }
    }

    private Channel channel(String name, SocketType type, int port) {
        return new Channel(name, socket(type, port), codec, this::log);
    }

    private ZMQ.Socket socket(SocketType type, int port) {
        ZMQ.Socket socket = context.createSocket(type);
        socket.setLinger(1000);
        socket.setReceiveTimeOut(POLL_MILLIS);
        socket.bind(connection.endpoint(port));
        return socket;
    }

    private void startThread(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    /** Milliseconds from the JVM's start to {@code nanoTime} (a System.nanoTime() reading), for the trace. */
    private static long uptime(long nanoTime) {
        long now = System.nanoTime();
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() - (now - nanoTime) / 1_000_000;
    }

    private void log(String message) {
        log.println("[evalbox-kernel " + Instant.now() + "] " + message);
    }

    private static ObjectNode ok() {
        return Message.object().put("status", "ok");
    }
}
