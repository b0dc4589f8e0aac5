package dev.evalbox.kernel.java;

import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

import java.util.Map;

/** Hands JShell the one in-process execution engine of a notebook (JShell asks for it by provider, once). */
final class CellExecutionProvider implements ExecutionControlProvider {
    private final CellExecutionControl control;

    CellExecutionProvider(CellExecutionControl control) {
        this.control = control;
    }

    @Override
    public String name() {
        return "evalbox";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
        return control;
    }
}
