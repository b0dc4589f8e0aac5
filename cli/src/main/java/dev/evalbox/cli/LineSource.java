package dev.evalbox.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/** Lines typed by the user: JLine (editing, history in ~/.evalbox) on a terminal, plain stdin from a pipe. */
interface LineSource extends AutoCloseable {

    /** The next line, or null at end of input; Ctrl-C gives an empty line. */
    String readLine(String prompt) throws IOException;

    @Override
    void close() throws IOException;

    static LineSource open() throws IOException {
        if (System.console() == null) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            return new LineSource() {
                public String readLine(String prompt) throws IOException { return reader.readLine(); }
                public void close() { }
            };
        }
        Terminal terminal = TerminalBuilder.builder().system(true).build();
        Path history = Path.of(System.getProperty("user.home"), ".evalbox", "shell_history");
        Files.createDirectories(history.getParent());
        LineReader reader = LineReaderBuilder.builder().terminal(terminal).variable(LineReader.HISTORY_FILE, history).build();
        return new LineSource() {
            public String readLine(String prompt) {
                try {
                    return reader.readLine(prompt);
                } catch (UserInterruptException e) {
                    return "";
                } catch (EndOfFileException e) {
                    return null;
                }
            }

            public void close() throws IOException {
                reader.getHistory().save();
                terminal.close();
            }
        };
    }
}
