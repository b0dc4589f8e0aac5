package dev.evalbox.sandbox;

import java.time.Instant;

/** One entry of a sandbox directory listing. */
public record FileEntry(String name, Type type, long size, Instant modified) {
    public enum Type { FILE, DIRECTORY, LINK, OTHER }

    public boolean isDirectory() { return type == Type.DIRECTORY; }
}
