package dev.evalbox.sandbox;

/** Receives a cell's outputs as they arrive (on the sandbox's reader thread: return quickly). */
@FunctionalInterface
public interface OutputListener {
    OutputListener NONE = output -> { };

    void onOutput(Output output);
}
