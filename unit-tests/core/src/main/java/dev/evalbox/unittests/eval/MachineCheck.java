package dev.evalbox.unittests.eval;

/**
 * One line of {@code evalbox doctor}: something a benchmark needs of this machine, whether it is there,
 * what was found, and how to get it when it is not. Given by {@link Benchmark#doctor()}.
 *
 * @param what   what is checked, a few words ("Chromium")
 * @param ok     whether it is there and works
 * @param detail what was found (a version, a setting), shown when ok
 * @param fix    how to get it, shown when not ok
 */
public record MachineCheck(String what, boolean ok, String detail, String fix) { }
