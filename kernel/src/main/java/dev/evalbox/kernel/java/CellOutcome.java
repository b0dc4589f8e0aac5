package dev.evalbox.kernel.java;

/**
 * The end of one cell: an error, or success with the value of the cell's last expression
 * ({@code hasValue} false when the cell ended with a statement or declaration).
 */
public record CellOutcome(boolean hasValue, Object value, CellError error) {
    public static CellOutcome ok() {
        return new CellOutcome(false, null, null);
    }

    public static CellOutcome value(Object value) {
        return new CellOutcome(true, value, null);
    }

    public static CellOutcome failed(CellError error) {
        return new CellOutcome(false, null, error);
    }

    public boolean failed() {
        return error != null;
    }
}
