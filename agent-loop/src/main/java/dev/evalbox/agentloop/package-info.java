/** Model clients, the agent loop and trajectories; filled in by the agent-loop issue. */
package dev.evalbox.agentloop;
