/** Benchmarks (one package each): loaders, per-task unit tests, metrics; filled in by the benchmark issues. */
package dev.evalbox.unittests;
