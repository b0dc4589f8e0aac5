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
    /** Whether JShell has numbered its startup snippets: from then on {@link #offset} keeps its ids in step. */
    private boolean numbering;
    /**
     * Subtracted from JShell's counter: the values the warm-up used up, less the ids of snippets the
     * kernel ran without JShell (which JShell's counter never saw).
     */
    private int offset;
    private int highestShown;
    /** The highest value of JShell's counter seen. */
    private int highestIndex;

    synchronized String id(Snippet snippet, Integer index) {
        highestIndex = Math.max(highestIndex, index);
        if (hiding) {
            return HIDDEN + index;
        }
        highestShown = Math.max(highestShown, index - offset);
        return String.valueOf(index - offset);
    }

    /** The ids JShell will give the startup snippets are theirs: snippets run before JShell is built are numbered after them. */
    synchronized void reserve(int startupSnippets) {
        highestShown = Math.max(highestShown, startupSnippets);
    }

    /** JShell has numbered its startup snippets: its later ids follow the last id given. */
    synchronized void startNumbering() {
        numbering = true;
        offset = highestIndex - highestShown;
    }

    /** The id of a snippet the kernel runs without JShell: the next one, as JShell would have given it. */
    synchronized String takeId() {
        if (hiding) {
            return hiddenId();
        }
        highestShown++;
        if (numbering) {
            offset = highestIndex - highestShown; // JShell's next snippet is numbered after this one
        }
        return String.valueOf(highestShown);
    }

    /** The id of a warm-up snippet run without JShell: seen by no cell, and no number used. */
    static String hiddenId() {
        return HIDDEN + "plain";
    }

    synchronized void hideFromNow() {
        hiding = true;
    }

    /** Later snippets are numbered on from the last id shown before the warm-up. */
    synchronized void showFromNow() {
        hiding = false;
        if (numbering) {
            offset = highestIndex - highestShown;
        }
    }

    boolean hidden(String id) {
        return id.startsWith(HIDDEN);
    }
}
