package dev.evalbox.agentloop.loop;

import dev.evalbox.sandbox.ExecutionResult;

/** Turns a cell's result into the text of the message the model sees next. */
@FunctionalInterface
public interface ObservationFormatter {
    String format(ExecutionResult result);
}
