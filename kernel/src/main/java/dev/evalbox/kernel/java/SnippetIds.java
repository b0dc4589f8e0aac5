package dev.evalbox.kernel.java;

import jdk.jshell.Snippet;

/**
 * Snippet ids (the numbers in a cell's stack frames, {@code #12:1}) as JShell would give them, minus
 * the warm-up's: JShell numbers snippets by an internal counter that the warm-up's snippets advance,
 * so without this the first cell's tracebacks would depend on whether the kernel warmed up. Warm-up
 * snippets get ids of their own ({@code warm-up-N}) that no cell sees.
 */
final class SnippetIds {
    private static final String HIDDEN = "warm-up-";

    private boolean hiding;
    /** Counter values the warm-up used up, subtracted from every later id. */
    private int skipped;
    private int highestShown;
    private int highestHidden;

    synchronized String id(Snippet snippet, Integer index) {
        if (hiding) {
            highestHidden = Math.max(highestHidden, index);
            return HIDDEN + index;
        }
        highestShown = Math.max(highestShown, index - skipped);
        return String.valueOf(index - skipped);
    }

    synchronized void hideFromNow() {
        hiding = true;
        highestHidden = highestShown + skipped;
    }

    /** Later snippets are numbered on from the last id shown before the warm-up. */
    synchronized void showFromNow() {
        hiding = false;
        skipped = highestHidden - highestShown;
    }

    boolean hidden(String id) {
        return id.startsWith(HIDDEN);
    }
}
