package dev.evalbox.cli;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Image;
import dev.evalbox.sandbox.DockerEngine;
import dev.evalbox.unittests.eval.UserException;
import java.util.List;

/** Questions about sandbox images on the Docker engine. */
final class ImageStore {
    private ImageStore() { }

    static boolean exists(String image) {
        return DockerEngine.imageExists(image);
    }

    static List<Image> list(String repository) {
        try (DockerClient client = DockerEngine.connect()) {
            return client.listImagesCmd().withImageNameFilter(repository).exec();
        } catch (Exception e) {
            throw new UserException(DockerEngine.problem() == null ? "cannot list images: " + e.getMessage() : DockerEngine.problem());
        }
    }
}
