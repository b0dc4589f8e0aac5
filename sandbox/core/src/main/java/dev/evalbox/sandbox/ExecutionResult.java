package dev.evalbox.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a cell produced: its outputs in order (adjacent chunks of the same stream merged), how it
 * ended, and, when the sandbox itself failed, a message saying what happened.
 */
public record ExecutionResult(
        ExecutionStatus status,
        List<Output> outputs,
        Integer executionCount,
        Duration duration,
        boolean stateLost,
        long droppedBytes,
        String message) {

    public ExecutionResult {
        outputs = List.copyOf(outputs);
        message = message == null ? "" : message;
    }

    public boolean ok() { return status == ExecutionStatus.OK; }

    /** Everything written to stdout, in order. */
    public String stdout() { return streamText("stdout"); }

    /** Everything written to stderr, in order. */
    public String stderr() { return streamText("stderr"); }

    private String streamText(String name) {
        return outputs.stream()
                .filter(o -> o instanceof Output.Stream s && s.name().equals(name))
                .map(o -> ((Output.Stream) o).text())
                .collect(Collectors.joining());
    }

    /** The cell's execute_result, if its last line was an expression with a value. */
    public Optional<Output.ExecuteResult> result() {
        return outputs.stream().filter(Output.ExecuteResult.class::isInstance).map(Output.ExecuteResult.class::cast).findFirst();
    }

    /** The first error output, if the cell raised. */
    public Optional<Output.Error> error() {
        return outputs.stream().filter(Output.Error.class::isInstance).map(Output.Error.class::cast).findFirst();
    }

    /** All display_data outputs, figures included. */
    public List<Output.DisplayData> displays() {
        return outputs.stream().filter(Output.DisplayData.class::isInstance).map(Output.DisplayData.class::cast).toList();
    }

    /** Every PNG the cell produced (display_data and execute_result), decoded. */
    public List<byte[]> images() {
        List<byte[]> images = new ArrayList<>();
        for (Output output : outputs) {
            if (output instanceof Output.MimeBundle bundle) {
                bundle.png().ifPresent(images::add);
            }
        }
        return images;
    }

    /** Merges adjacent chunks of the same stream, as Jupyter front ends show them. */
    static List<Output> coalesce(List<Output> raw) {
        List<Output> merged = new ArrayList<>(raw.size());
        for (Output output : raw) {
            int last = merged.size() - 1;
            if (output instanceof Output.Stream s && last >= 0
                    && merged.get(last) instanceof Output.Stream previous && previous.name().equals(s.name())) {
                merged.set(last, new Output.Stream(s.name(), previous.text() + s.text()));
            } else {
                merged.add(output);
            }
        }
        return merged;
    }
}
