package dev.evalbox.sandbox;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One output of a cell, in the shapes of the Jupyter messaging protocol's iopub messages. */
public sealed interface Output {

    /** The Jupyter msg_type this output corresponds to. */
    String msgType();

    /** Text written to stdout or stderr (by Python, C extensions or subprocesses). */
    record Stream(String name, String text) implements Output {
        public String msgType() { return "stream"; }
        public boolean isStderr() { return "stderr".equals(name); }
    }

    /** The value of the cell's last expression, as a MIME bundle. */
    record ExecuteResult(int executionCount, Map<String, Object> data, Map<String, Object> metadata)
            implements Output, MimeBundle {
        public String msgType() { return "execute_result"; }
    }

    /** Rich output sent by display(), matplotlib figures among them; {@code update} for update_display_data. */
    record DisplayData(Map<String, Object> data, Map<String, Object> metadata, Optional<String> displayId, boolean update)
            implements Output, MimeBundle {
        public String msgType() { return update ? "update_display_data" : "display_data"; }
    }

    /** An exception raised by the cell. The traceback lines may carry ANSI colour codes, as in Jupyter. */
    record Error(String ename, String evalue, List<String> traceback) implements Output {
        public String msgType() { return "error"; }
    }

    /** The cell asked the front end to clear its output area. */
    record ClearOutput(boolean await) implements Output {
        public String msgType() { return "clear_output"; }
    }

    /** Access to a MIME bundle's entries. */
    interface MimeBundle {
        Map<String, Object> data();

        default Optional<String> text(String mimeType) {
            Object value = data().get(mimeType);
            return value instanceof String s ? Optional.of(s) : Optional.empty();
        }

        default Optional<String> plainText() { return text("text/plain"); }

        /** The decoded bytes of a base64 entry such as image/png. */
        default Optional<byte[]> binary(String mimeType) {
            return text(mimeType).map(s -> Base64.getMimeDecoder().decode(s));
        }

        default Optional<byte[]> png() { return binary("image/png"); }
    }
}
