package dev.evalbox.sandbox.kubernetes;

/**
 * What a provider keeps per namespace it runs sandboxes in: the informer on its pods there, and why (if at
 * all) the deny-all NetworkPolicy could not be made there, which then refuses network-less sandboxes.
 */
record Site(String namespace, PodTracker tracker, String policyProblem) { }
