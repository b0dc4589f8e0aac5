package dev.evalbox.unittests.codeinterpreter;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The code in an Action Input, in the benchmark's order: the first fenced block, else the first
 * single-backtick span, else the "code" field of a JSON object (read leniently, as json5 does), else
 * the raw text. Not stripped. Uploaded files named by their basename are then given their full path.
 */
public final class ActionInputCode {
    static final Pattern TRIPLE = Pattern.compile("```[^\\n]*\\n(.+?)```", Pattern.DOTALL);
    static final Pattern SINGLE = Pattern.compile("`([^`]*)`", Pattern.DOTALL);
    private static final JsonMapper JSON5ISH = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES,
                    JsonReadFeature.ALLOW_TRAILING_COMMA, JsonReadFeature.ALLOW_JAVA_COMMENTS,
                    JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .build();

    private ActionInputCode() { }

    public static String extract(String actionInput) {
        Matcher triple = TRIPLE.matcher(actionInput);
        if (triple.find()) return triple.group(1);
        Matcher single = SINGLE.matcher(actionInput);
        if (single.find()) return single.group(1);
        try {
            JsonNode code = JSON5ISH.readTree(actionInput).get("code");
            if (code != null && code.isTextual()) return code.asText();
        } catch (Exception notJson) {
            // the raw text, as the benchmark falls back to
        }
        return actionInput;
    }

    /**
     * The benchmark's rule for uploaded files: where code names a file by its basename but not by its
     * full path, the basename becomes the full path (here: the file's path in the sandbox).
     */
    public static String withUploadPaths(String code, List<String> fullPaths) {
        String result = code;
        for (String full : fullPaths) {
            String base = full.substring(full.lastIndexOf('/') + 1);
            if (!result.contains(full) && !base.isEmpty() && result.contains(base)) result = result.replace(base, full);
        }
        return result;
    }
}
