package dev.evalbox.unittests.view;

/** A file of a task in its run directory: the path relative to the run (forward slashes) and its size. */
public record TaskFile(String path, long size) { }
