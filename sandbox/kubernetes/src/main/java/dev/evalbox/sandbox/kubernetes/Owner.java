package dev.evalbox.sandbox.kubernetes;

import dev.evalbox.sandbox.SandboxOwner;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A harness JVM as the cluster knows it: its {@link SandboxOwner} mark (host/pid/start, which a label value
 * cannot hold) and a short id derived from it, which labels its pods and names its Lease.
 */
public record Owner(String mark, String id) {

    public static Owner of(String mark) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(mark.getBytes(StandardCharsets.UTF_8));
            return new Owner(mark, HexFormat.of().formatHex(digest, 0, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    public static Owner current() { return of(SandboxOwner.current()); }

    public String leaseName() { return "evalbox-owner-" + id; }
}
