package dev.evalbox.unittests.codeinterpreter;

import java.util.List;

/**
 * How the benchmark names an item's uploaded files in front of its question, by model family. The
 * benchmark's Qwen prompt writes a bracketed upload list, its generic ReAct prompt (used for Llama and
 * InternLM) the names in backticks; both pick the form by the item's {@code lang}. The strings are the
 * benchmark's format, byte for byte, including the missing space after the Qwen bracket. Only basenames
 * are shown, joined by ", ".
 */
public enum FilePrefix {
    QWEN,
    GENERIC;

    /** The text put before the question; "" when the item has no input file. */
    public String of(String lang, List<String> basenames) {
        if (basenames.isEmpty()) return "";
        boolean zh = "zh".equals(lang);
        if (this == QWEN) {
            String names = String.join(", ", basenames);
            return zh ? "[上传文件" + names + "]" : "[Upload file " + names + "]";
        }
        String names = String.join(", ", basenames.stream().map(name -> "`" + name + "`").toList());
        if (zh) return "文件" + names + "，";
        return basenames.size() > 1 ? "Files " + names + ". " : "File " + names + ". ";
    }

    /** The option value naming this form ("qwen", "generic"). */
    public String optionName() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** The form an option value names; an error naming the choices for anything else. */
    public static FilePrefix parse(String option) {
        for (FilePrefix form : values()) if (form.optionName().equals(option)) return form;
        throw new IllegalArgumentException("unknown file prefix \"" + option + "\": use qwen (the benchmark's Qwen prompt) or generic"
                + " (its Llama/InternLM prompt)");
    }
}
