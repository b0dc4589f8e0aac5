package dev.evalbox.kernel.notebook;

/** A display a cell made, which it (or a later cell) can replace in place, for live progress. */
public record DisplayHandle(String id) {
    public void update(Object value) {
        Notebook.updateDisplay(this, value);
    }
}
