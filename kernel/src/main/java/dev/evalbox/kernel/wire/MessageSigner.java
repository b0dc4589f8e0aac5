package dev.evalbox.kernel.wire;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/** HMAC-SHA256 over the four JSON frames of a message; an empty key means messages are not signed. */
public final class MessageSigner {
    private final SecretKeySpec key;

    public MessageSigner(String key) {
        this.key = key.isEmpty() ? null : new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** The hex signature of the frames, or "" when messages are not signed. */
    public String sign(List<byte[]> frames) {
        if (key == null) {
            return "";
        }
        return HexFormat.of().formatHex(digest(frames));
    }

    /** Constant-time check, so a client cannot learn the signature byte by byte from reply timing. */
    public boolean verify(byte[] signatureHex, List<byte[]> frames) {
        if (key == null) {
            return true;
        }
        byte[] expected = HexFormat.of().formatHex(digest(frames)).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signatureHex);
    }

    private byte[] digest(List<byte[]> frames) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            for (byte[] frame : frames) {
                mac.update(frame);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }
}
