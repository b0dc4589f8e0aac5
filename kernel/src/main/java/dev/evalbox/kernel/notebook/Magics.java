package dev.evalbox.kernel.notebook;

import dev.evalbox.agentloop.trajectory.TaskTrajectory;
import dev.evalbox.agentloop.trajectory.Trajectories;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

/**
 * The magics that run as Java in the cells' world (the kernel turns {@code %name args} lines and
 * {@code %%name args} cells into calls here). Each has --help. %time, %%time and %classpath are
 * the kernel's own (they act on the kernel, not on a cell); they are listed here for %help.
 */
public final class Magics {
    private Magics() {
    }

    /** name, kind and one-line help of every magic, for %help. */
    static final List<String[]> ALL = List.of(
            new String[] {"%help", "line", "list the magics (each also takes --help)"},
            new String[] {"%%html", "cell", "show the cell as HTML"},
            new String[] {"%%markdown", "cell", "show the cell as Markdown"},
            new String[] {"%%python", "cell", "run the cell in the notebook's Python sandbox, outputs as a Python kernel shows them"},
            new String[] {"%sandbox", "line", "open | info | close the notebook's sandbox; open --task ID --run RUN [--turn N] [--epoch N] re-creates a task's"},
            new String[] {"%trajectory", "line", "show RUN TASK [--turn N]: a recorded task as a conversation with code, outputs and images"},
            new String[] {"%evalbox", "line", "the evalbox command's verbs (run, grade, replay, report, ...), same flags"},
            new String[] {"%time, %%time", "line/cell", "run the Java code and print the wall time it took"},
            new String[] {"%classpath", "line", "add jars or directories to the cells' class path"},
            new String[] {"%maven", "line", "GROUP:ARTIFACT:VERSION... [--repo URL] [--settings FILE]: resolve as mvn would (this machine's settings.xml mirrors) onto the class path"});

    public static Object line(String name, String args) {
        return dispatch(name, args, null);
    }

    public static Object cell(String name, String args, String body) {
        return dispatch(name, args, body);
    }

    private static Object dispatch(String name, String args, String body) {
        List<String> words = words(args);
        Object command = switch (name) {
            case "help", "lsmagic" -> new Help();
            case "html" -> new Show("html", body);
            case "markdown" -> new Show("markdown", body);
            case "python" -> new Python(body);
            case "sandbox" -> new SandboxMagic();
            case "trajectory" -> new TrajectoryMagic();
            case "evalbox" -> new EvalboxMagic();
            default -> throw new IllegalArgumentException("unknown magic %" + name + "; %help lists them");
        };
        if ((body == null) == (name.equals("html") || name.equals("markdown") || name.equals("python"))) {
            throw new IllegalArgumentException("%" + name + " is a " + (body == null ? "cell magic: start the cell with %%" + name
                    : "line magic: write it as %" + name + " on its own line"));
        }
        if (command instanceof EvalboxMagic evalbox) {
            return evalbox.run(words);
        }
        CommandLine line = new CommandLine(command);
        line.setOut(new PrintWriter(System.out, true));
        line.setErr(new PrintWriter(System.err, true));
        CommandLine.ParseResult parsed;
        try {
            parsed = line.parseArgs(words.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException("%" + name + ": " + e.getMessage() + " (see %" + name + " --help)");
        }
        if (CommandLine.printHelpIfRequested(parsed)) {
            return null;
        }
        List<CommandLine> chain = parsed.asCommandLineList();
        Object target = chain.get(chain.size() - 1).getCommand();
        try {
            return target instanceof Callable<?> callable ? callable.call() : null;
        } catch (dev.evalbox.sandbox.SandboxException e) {
            // A backend that cannot run here says why in one line; its frames are evalbox's, not the notebook's.
            throw new MagicError(e.getClass().getSimpleName(), e.getMessage());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("%" + name + ": " + e.getMessage(), e);
        }
    }

    /** Splits a magic's argument line as a shell would: spaces separate, quotes group, backslash escapes. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unclosed " + quote + " in: " + line);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    @Command(name = "help", mixinStandardHelpOptions = true, description = "List the magics.")
    static final class Help implements Callable<Object> {
        @Override
        public Object call() {
            StringBuilder html = new StringBuilder("<table><tr><th>magic</th><th>kind</th><th>what it does</th></tr>");
            StringBuilder text = new StringBuilder();
            for (String[] magic : ALL) {
                html.append("<tr><td><code>").append(magic[0]).append("</code></td><td>").append(magic[1]).append("</td><td>")
                        .append(dev.evalbox.unittests.report.Html.escape(magic[2])).append("</td></tr>");
                text.append(String.format("%-16s %-10s %s%n", magic[0], magic[1], magic[2]));
            }
            return MimeBundle.html(html.append("</table>").toString()).with("text/plain", text.toString());
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show the cell's text as HTML or Markdown.")
    static final class Show implements Callable<Object> {
        private final String kind;
        private final String body;

        Show(String kind, String body) {
            this.kind = kind;
            this.body = body;
        }

        @Override
        public Object call() {
            Notebook.display(kind.equals("html") ? MimeBundle.html(body) : MimeBundle.markdown(body));
            return null;
        }
    }

    @Command(name = "python", mixinStandardHelpOptions = true,
            description = {"Run the cell in the notebook's Python sandbox (opened on first use: Docker when an engine answers,",
                    "else the local backend) and show its outputs as a Python kernel would. %sandbox chooses or re-creates it."})
    static final class Python implements Callable<Object> {
        private final String body;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "This cell's time limit (default: the sandbox's, 60 s unless %sandbox open set it)")
        Double timeoutSeconds;

        Python(String body) {
            this.body = body;
        }

        @Override
        public Object call() {
            return Notebook.python(body, timeoutSeconds == null ? null : java.time.Duration.ofMillis(Math.round(timeoutSeconds * 1000)));
        }
    }

    @Command(name = "sandbox", mixinStandardHelpOptions = true, description = "The notebook's Python sandbox, which %%python runs in.",
            subcommands = {SandboxMagic.Open.class, SandboxMagic.Info.class, SandboxMagic.Close.class})
    static final class SandboxMagic implements Callable<Object> {
        @Override
        public Object call() {
            return MimeBundle.text(Notebook.sandboxDescription());
        }

        @Command(name = "open", mixinStandardHelpOptions = true,
                description = {"Open a fresh sandbox (closing the current one).",
                        "With --task and --run: re-create that task's sandbox from a run directory: its inputs, then the",
                        "code the model ran, up to and including --turn (default: every turn), in the attempt of --epoch",
                        "(default 1; a run made with --epochs has one per epoch)."})
        static final class Open implements Callable<Object> {
            @Option(names = "--backend", description = "docker, kubernetes (a cluster: --namespace, --runtime-class), local (not isolated),"
                    + " or any other backend on the class path (default: docker when an engine answers, else local; never a cluster)")
            String backend;

            @Option(names = "--image", description = "Sandbox image: on the Docker engine, or REGISTRY/evalbox/python:TAG that the cluster"
                    + " can pull (kubernetes) (default: the run's, else evalbox/python:latest)")
            String image;

            @Option(names = "--namespace", description = "kubernetes backend: the namespace of the sandbox pod (default: the kubeconfig context's)")
            String namespace;

            @Option(names = "--runtime-class", paramLabel = "NAME",
                    description = "kubernetes backend: a RuntimeClass for the sandbox pod, e.g. gvisor (default: the cluster's)")
            String runtimeClass;

            @Option(names = "--memory", description = "Memory limit, e.g. 256m, 2g (default: 1g)")
            String memory;

            @Option(names = "--timeout", paramLabel = "SECONDS", description = "Time limit of each cell (default: 60)")
            Double timeoutSeconds;

            @Option(names = "--task", description = "Task id in the run")
            String task;

            @Option(names = "--run", description = "Run directory")
            Path run;

            @Option(names = "--turn", description = "Replay the model's code up to this turn")
            Integer turn;

            @Option(names = "--epoch", description = "Which attempt of the task, in a run made with --epochs (default: 1)")
            Integer epoch;

            @Override
            public Object call() {
                if ((task == null) != (run == null)) {
                    throw new IllegalArgumentException("--task and --run go together");
                }
                if (task == null && epoch != null) {
                    throw new IllegalArgumentException("--epoch picks an attempt of --task in --run");
                }
                if (task == null) {
                    return MimeBundle.text(Notebook.openSandbox(backend, image, memory,
                            timeoutSeconds == null ? null : java.time.Duration.ofMillis(Math.round(timeoutSeconds * 1000)), namespace, runtimeClass));
                }
                if (memory != null || timeoutSeconds != null) {
                    throw new IllegalArgumentException("--memory and --timeout apply to a fresh sandbox, not to a re-created task's");
                }
                return MimeBundle.text(Notebook.openTaskSandbox(run, task, turn, epoch == null ? 1 : epoch, backend, namespace, runtimeClass));
            }
        }

        @Command(name = "info", mixinStandardHelpOptions = true, description = "Which sandbox is open.")
        static final class Info implements Callable<Object> {
            @Override
            public Object call() {
                return MimeBundle.text(Notebook.sandboxDescription());
            }
        }

        @Command(name = "close", mixinStandardHelpOptions = true, description = "Close the sandbox (a later %%python opens a new one).")
        static final class Close implements Callable<Object> {
            @Override
            public Object call() {
                Notebook.closeSandbox();
                return MimeBundle.text("the sandbox is closed");
            }
        }
    }

    @Command(name = "trajectory", mixinStandardHelpOptions = true, description = "Recorded trajectories.",
            subcommands = {TrajectoryMagic.Show.class})
    static final class TrajectoryMagic implements Callable<Object> {
        @Override
        public Object call() {
            throw new IllegalArgumentException("usage: %trajectory show RUN TASK [--turn N]");
        }

        @Command(name = "show", mixinStandardHelpOptions = true,
                description = "Show a recorded task as a conversation: messages, code, outputs and images (one turn with --turn).")
        static final class Show implements Callable<Object> {
            @Parameters(index = "0", description = "Run directory (or a trajectories.jsonl file)")
            Path run;

            @Parameters(index = "1", description = "Task id")
            String task;

            @Option(names = "--turn", description = "Only this turn")
            Integer turn;

            @Override
            public Object call() {
                return Notebook.trajectory(run, task, turn);
            }
        }
    }

    /** %evalbox VERB ...: the evalbox command itself, found through {@link NotebookCommands} (the CLI provides it). */
    static final class EvalboxMagic {
        Object run(List<String> words) {
            for (NotebookCommands commands : ServiceLoader.load(NotebookCommands.class, Magics.class.getClassLoader())) {
                int exit = commands.run(words, System.out, System.err);
                if (exit != 0) {
                    throw new IllegalStateException("evalbox " + String.join(" ", words) + " exited with status " + exit);
                }
                return null;
            }
            throw new IllegalStateException("the evalbox command is not on the class path (run the kernel from the evalbox distribution)");
        }
    }

    static TaskTrajectory findTrajectory(Path run, String task) {
        Path file = run.toString().endsWith(".jsonl") ? run : run.resolve("trajectories.jsonl");
        TaskTrajectory trajectory = Trajectories.read(file).byTask().get(task);
        if (trajectory == null) {
            throw new IllegalArgumentException(file + " has no trajectory for task \"" + task + "\"");
        }
        return trajectory;
    }
}
