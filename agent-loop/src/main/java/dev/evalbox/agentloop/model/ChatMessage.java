package dev.evalbox.agentloop.model;

import java.util.List;

/** One chat message; images (data: or http URLs) make it a multimodal message with content parts. */
public record ChatMessage(String role, String content, List<String> imageUrls) {
    public ChatMessage {
        imageUrls = List.copyOf(imageUrls);
        content = content == null ? "" : content;
    }

    public static ChatMessage system(String content) { return new ChatMessage("system", content, List.of()); }

    public static ChatMessage user(String content) { return new ChatMessage("user", content, List.of()); }

    public static ChatMessage assistant(String content) { return new ChatMessage("assistant", content, List.of()); }

    /** Adds a PNG as an image part, sent as a data URL. */
    public ChatMessage withPng(byte[] png) {
        return withImage("data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(png));
    }

    public ChatMessage withImage(String url) {
        List<String> urls = new java.util.ArrayList<>(imageUrls);
        urls.add(url);
        return new ChatMessage(role, content, urls);
    }
}
