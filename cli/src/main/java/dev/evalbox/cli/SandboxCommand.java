package dev.evalbox.cli;

import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.FileEntry;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.unittests.eval.SandboxOptions;
import dev.evalbox.unittests.eval.UserException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs code in a sandbox from the command line, once or interactively. */
@Command(name = "sandbox", mixinStandardHelpOptions = true, description = "Run Python code in a sandbox.",
        subcommands = {SandboxCommand.Run.class, SandboxCommand.Shell.class, SandboxReapCommand.class})
final class SandboxCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }

    static void uploadAll(Sandbox sandbox, List<Path> files) {
        for (Path file : files) {
            if (!Files.isRegularFile(file)) throw new UserException("--upload " + file + ": no such file");
            sandbox.upload(file, file.getFileName().toString());
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run one cell (-c CODE, or a FILE) in a fresh sandbox and print its outputs; images are saved as files.")
    static final class Run implements Callable<Integer> {
        static final class Source {
            @Option(names = "-c", paramLabel = "CODE", description = "The code to run.") String code;
            @Parameters(paramLabel = "FILE", description = "A Python file to run (- for stdin).") Path file;
        }

        @ArgGroup(exclusive = true, multiplicity = "1") Source source;
        @Mixin SandboxOptions options;

        @Option(names = "--upload", paramLabel = "F", description = "A file to place in the sandbox's work dir first (repeatable).")
        List<Path> uploads = new ArrayList<>();

        @Option(names = "--images", paramLabel = "DIR", description = "Where images are saved. Default: ${DEFAULT-VALUE}.")
        Path imageDir = Path.of("evalbox-images");

        @Override
        public Integer call() throws IOException {
            String code = source.code != null ? source.code
                    : "-".equals(source.file.toString()) ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(source.file);
            OutputPrinter printer = new OutputPrinter(System.out, System.err, imageDir, false);
            try (SandboxProvider provider = BackendChoice.open(options.backend(), options.image(), new PrintWriter(System.err, true));
                 Sandbox sandbox = provider.open(options.spec())) {
                uploadAll(sandbox, uploads);
                ExecutionResult result = sandbox.execute(code, options.timeout(), output -> {
                    if (output instanceof dev.evalbox.sandbox.Output.Stream) printer.print(output);
                });
                result.outputs().stream().filter(o -> !(o instanceof dev.evalbox.sandbox.Output.Stream)).forEach(printer::print);
                printer.printOutcome(result);
                return result.ok() ? 0 : 1;
            }
        }
    }

    @Command(name = "shell", mixinStandardHelpOptions = true,
            description = {"An interactive Python session in a sandbox, for debugging.",
                    "Multi-line cells: a line ending in ':' (or an unclosed bracket) continues until an empty line.",
                    "Commands: :upload FILE [PATH], :download PATH [FILE], :ls [DIR], :restart, :help, :quit."})
    static final class Shell implements Callable<Integer> {
        @Mixin SandboxOptions options;

        @Option(names = "--upload", paramLabel = "F", description = "A file to place in the sandbox's work dir first (repeatable).")
        List<Path> uploads = new ArrayList<>();

        @Option(names = "--images", paramLabel = "DIR", description = "Where images are saved. Default: ${DEFAULT-VALUE}.")
        Path imageDir = Path.of("evalbox-images");

        @Override
        public Integer call() throws IOException {
            PrintWriter console = new PrintWriter(System.out, true);
            try (LineSource lines = LineSource.open();
                 SandboxProvider provider = BackendChoice.open(options.backend(), options.image(), new PrintWriter(System.err, true));
                 Sandbox sandbox = provider.open(options.spec())) {
                uploadAll(sandbox, uploads);
                OutputPrinter printer = new OutputPrinter(System.out, System.out, imageDir, true);
                console.println("evalbox sandbox shell: " + sandbox.backend() + " " + sandbox.id() + ", Python "
                        + sandbox.info().pythonVersion() + " (" + sandbox.info().runner() + "). :help for commands, :quit or Ctrl-D to leave.");
                while (true) {
                    String cell = readCell(lines);
                    if (cell == null) return 0;
                    if (cell.isBlank()) continue;
                    if (cell.startsWith(":")) {
                        if (!command(cell.strip(), sandbox, console)) return 0;
                        continue;
                    }
                    ExecutionResult result = sandbox.execute(cell, options.timeout(), printer::print);
                    printer.printOutcome(result);
                }
            }
        }

        /** A cell: one line, or a block continued until an empty line; null at end of input. */
        private static String readCell(LineSource lines) throws IOException {
            String first = lines.readLine(">>> ");
            if (first == null) return null;
            StringBuilder cell = new StringBuilder(first);
            if (first.startsWith(":") || !continues(first)) return first;
            while (true) {
                String line = lines.readLine("... ");
                if (line == null || line.isBlank()) return cell.toString();
                cell.append('\n').append(line);
            }
        }

        /** A cell continues after a block opener, a backslash or an unclosed bracket. */
        static boolean continues(String text) {
            String trimmed = text.stripTrailing();
            if (trimmed.endsWith(":") || trimmed.endsWith("\\")) return true;
            int depth = 0;
            for (char c : text.toCharArray()) {
                if (c == '(' || c == '[' || c == '{') depth++;
                if (c == ')' || c == ']' || c == '}') depth--;
            }
            return depth > 0;
        }

        /** Runs a shell command; false means leave. */
        private static boolean command(String line, Sandbox sandbox, PrintWriter out) {
            String[] words = line.split("\\s+");
            try {
                switch (words[0]) {
                    case ":quit", ":exit", ":q" -> {
                        return false;
                    }
                    case ":upload" -> {
                        Path file = Path.of(words[1]);
                        String target = words.length > 2 ? words[2] : file.getFileName().toString();
                        sandbox.upload(file, target);
                        out.println("uploaded " + file + " -> " + target);
                    }
                    case ":download" -> {
                        Path target = Path.of(words.length > 2 ? words[2] : Path.of(words[1]).getFileName().toString());
                        Files.write(target, sandbox.download(words[1]));
                        out.println("downloaded " + words[1] + " -> " + target.toAbsolutePath());
                    }
                    case ":ls" -> {
                        for (FileEntry e : sandbox.list(words.length > 1 ? words[1] : ".")) {
                            out.printf("%-10s %10d  %s%n", e.type().name().toLowerCase(Locale.ROOT), e.size(), e.name());
                        }
                    }
                    case ":restart" -> {
                        sandbox.restart();
                        out.println("restarted: all state is gone");
                    }
                    default -> out.println(":upload FILE [PATH]  :download PATH [FILE]  :ls [DIR]  :restart  :quit");
                }
            } catch (ArrayIndexOutOfBoundsException e) {
                out.println("missing argument; :help lists the commands");
            } catch (RuntimeException | IOException e) {
                out.println("error: " + e.getMessage());
            }
            out.flush();
            return true;
        }
    }
}
