/** The evalbox Jupyter kernel; filled in by the kernel issue. */
package dev.evalbox.kernel;
