package dev.evalbox.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.evalbox.kernel.KernelSettings;
import dev.evalbox.unittests.eval.UserException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The kernel.json that tells Jupyter how to start the evalbox kernel: argv, display name, language, interrupt mode. */
final class Kernelspec {
    private Kernelspec() {
    }

    /** Writes {@code kernelsDirectory/NAME/kernel.json} (the name lower-cased, as Jupyter looks it up) and returns its path. */
    static Path write(Path kernelsDirectory, String name, String displayName) throws IOException {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new UserException("kernel name \"" + name + "\": use letters, digits, '.', '_' and '-' only (Jupyter's rule)");
        }
        Path directory = kernelsDirectory.resolve(name.toLowerCase(Locale.ROOT));
        Files.createDirectories(directory);
        Path spec = directory.resolve("kernel.json");
        Files.writeString(spec, json(displayName), StandardCharsets.UTF_8);
        return spec;
    }

    static String json(String displayName) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode spec = json.createObjectNode();
        launcher().forEach(spec.putArray("argv")::add);
        spec.withArray("argv").add("kernel").add("--connection-file").add("{connection_file}");
        spec.put("display_name", displayName).put("language", "java").put("interrupt_mode", "message");
        spec.putObject("env");
        spec.putObject("metadata").put("debugger", false);
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(spec) + "\n";
    }

    /** The distribution's launcher when running from one; otherwise this very JVM and class path (tests, IDEs), with the launcher's flags. */
    private static List<String> launcher() {
        String home = System.getenv("EVALBOX_HOME");
        if (home != null && Files.isExecutable(Path.of(home, "bin", "evalbox"))) {
            return List.of(Path.of(home, "bin", "evalbox").toAbsolutePath().toString());
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xss1m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(KernelSettings.JVM_ACCESS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        return List.copyOf(command);
    }
}
