package dev.evalbox.sandbox;

/** What the in-sandbox driver reported when it became ready. */
public record SandboxInfo(String runner, String pythonVersion, String workDir, String ipythonUnavailable) {
    public boolean ipython() { return "ipython".equals(runner); }
}
