package dev.evalbox.cli;

import com.github.dockerjava.api.model.Image;
import dev.evalbox.unittests.host.HostCommand;
import dev.evalbox.unittests.host.HostCommandException;
import dev.evalbox.unittests.eval.UserException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Builds and lists sandbox images. */
@Command(name = "image", mixinStandardHelpOptions = true, description = "Build, list and push sandbox images.",
        subcommands = {ImageCommand.Build.class, ImageCommand.ListImages.class, ImageCommand.Push.class})
final class ImageCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = {"Build the sandbox image from images/python and tag it evalbox/python:<content hash> and :latest.",
                    "Tries `docker build` first (needs a registry), then builds offline with debootstrap + docker import,",
                    "taking the Debian mirror from this machine's apt configuration. Needs root for the offline path."})
    static final class Build implements Callable<Integer> {
        /** An offline debootstrap build takes minutes; a build still running after this is stuck (a stalled mirror or registry). */
        static final Duration BUILD_TIMEOUT = Duration.ofHours(2);

        @Option(names = "--offline", description = "Skip `docker build` and bootstrap offline right away.")
        boolean offline;

        @Option(names = "--force", description = "Rebuild even if the image for the current definition exists.")
        boolean force;

        @Override
        public Integer call() {
            ImageDefinition definition = ImageDefinition.locate();
            List<String> command = new ArrayList<>(List.of(definition.buildScript().toString()));
            if (offline) command.add("--offline");
            if (force) command.add("--force");
            System.err.println("building " + definition.tag() + " from " + definition.directory());
            HostCommand build = HostCommand.of(command).timeout(BUILD_TIMEOUT).showOutput();
            HostCommand.Result result;
            try {
                result = build.run();
            } catch (HostCommandException e) {
                throw new UserException("the image build failed: " + e.getMessage()
                        + (e.timedOut() ? "; see the messages above, then run `evalbox image build` again" : ""));
            }
            if (!result.ok()) throw new UserException("the image build failed (exit " + result.exitCode() + "); see the messages above");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the sandbox images on the Docker engine.")
    static final class ListImages implements Callable<Integer> {
        @Override
        public Integer call() {
            String current = null;
            try {
                current = ImageDefinition.locate().tag();
            } catch (UserException e) {
                // no definition nearby: list without marking the current one
            }
            List<Image> images = ImageStore.list(ImageDefinition.REPOSITORY);
            if (images.isEmpty()) {
                System.out.println("no evalbox images; build one with `evalbox image build`");
                return 0;
            }
            System.out.printf("%-32s %-14s %10s  %s%n", "TAG", "ID", "SIZE", "CREATED");
            for (Image image : images) {
                String[] tags = image.getRepoTags() == null ? new String[] {"<none>"} : image.getRepoTags();
                for (String tag : tags) {
                    System.out.printf("%-32s %-14s %8d MB  %s%s%n", tag, image.getId().replace("sha256:", "").substring(0, 12),
                            image.getSize() / 1_000_000, Instant.ofEpochSecond(image.getCreated()),
                            tag.equals(current) ? "  (current definition)" : "");
                }
            }
            return 0;
        }
    }

    @Command(name = "push", mixinStandardHelpOptions = true,
            description = {"Tag the current sandbox image REGISTRY/evalbox/python:TAG and push it, for the kubernetes backend",
                    "(`--backend kubernetes --image REGISTRY/evalbox/python:TAG`). Builds the image first when it is missing.",
                    "Uses this machine's Docker login for the registry."})
    static final class Push implements Callable<Integer> {
        static final Duration PUSH_TIMEOUT = Duration.ofMinutes(30);

        @picocli.CommandLine.Parameters(paramLabel = "TARGET", description = "Where to push, e.g. registry.example:5000/evalbox/python:v1.")
        String target;

        @Override
        public Integer call() {
            if (!target.contains("/") || !target.substring(target.lastIndexOf('/')).contains(":")) {
                throw new UserException("push to REGISTRY/evalbox/python:TAG (a registry and a tag), got \"" + target + "\"");
            }
            ImageDefinition definition = ImageDefinition.locate();
            if (!ImageStore.exists(definition.tag())) new Build().call();
            for (List<String> command : List.of(List.of("docker", "tag", definition.tag(), target), List.of("docker", "push", target))) {
                HostCommand.Result result;
                try {
                    result = HostCommand.of(command).timeout(PUSH_TIMEOUT).showOutput().run();
                } catch (HostCommandException e) {
                    throw new UserException("`" + String.join(" ", command) + "` failed: " + e.getMessage());
                }
                if (!result.ok()) throw new UserException("`" + String.join(" ", command) + "` failed (exit " + result.exitCode() + "); see above");
            }
            System.out.println("pushed " + definition.tag() + " as " + target + "; run with --backend kubernetes --image " + target);
            return 0;
        }
    }
}
