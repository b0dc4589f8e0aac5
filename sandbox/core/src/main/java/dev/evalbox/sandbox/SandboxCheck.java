package dev.evalbox.sandbox;

/**
 * One check of a backend's set-up ({@link SandboxProvider#doctor}): what was checked, whether it passed, what was
 * found, and how to fix it when it did not. A {@code note} is information that is neither a pass nor a failure
 * (shown as such, never counted as missing).
 */
public record SandboxCheck(String what, boolean ok, String detail, String fix, boolean note) {
    public SandboxCheck(String what, boolean ok, String detail, String fix) { this(what, ok, detail, fix, false); }

    public static SandboxCheck note(String what, String detail) { return new SandboxCheck(what, true, detail, "", true); }
}
