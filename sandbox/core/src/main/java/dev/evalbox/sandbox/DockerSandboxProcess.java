package dev.evalbox.sandbox;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A driver running as PID 1 of a hardened container (its runner and the cells below it), reached through attach. */
final class DockerSandboxProcess implements SandboxProcess {
    private final DockerSandboxProvider provider;
    private final String containerId;
    private final boolean inputsMounted;
    private final StdinQueue stdin = new StdinQueue();
    private volatile boolean destroyed;

    private DockerSandboxProcess(DockerSandboxProvider provider, String containerId, boolean inputsMounted) {
        this.provider = provider;
        this.containerId = containerId;
        this.inputsMounted = inputsMounted;
    }

    @Override
    public boolean inputsInPlace() { return inputsMounted; }

    static DockerSandboxProcess start(DockerSandboxProvider provider, SandboxSpec spec, Map<String, String> labels) {
        DockerOptions options = DockerOptions.of(spec);
        HostConfig host = hostConfig(spec, options);
        CreateContainerResponse created;
        try {
            created = provider.client().createContainerCmd(spec.image())
                    .withCmd(DriverSource.command(spec))
                    .withUser(options.user())
                    .withWorkingDir(spec.workDir())
                    .withEnv(env(spec))
                    .withLabels(labels)
                    .withStdinOpen(true)
                    .withAttachStdin(true)
                    .withAttachStdout(true)
                    .withAttachStderr(true)
                    .withTty(false)
                    .withNetworkDisabled("none".equals(options.networkMode()))
                    .withHostConfig(host)
                    .exec();
        } catch (NotFoundException e) {
            throw new SandboxException("the image " + spec.image() + " is not on this Docker engine: build it with"
                    + " `evalbox image build` (or pass another with --image)", e);
        } catch (RuntimeException e) {
            throw new SandboxException("cannot create a sandbox container from " + spec.image() + ": "
                    + DockerEngine.rootMessage(e), e);
        }
        provider.track(created.getId());
        return new DockerSandboxProcess(provider, created.getId(), options.mountInputs());
    }

    private static List<String> env(SandboxSpec spec) {
        // The container's pid namespace is the sandbox's: a timeout may stop every process in it but the driver.
        Map<String, String> env = new HashMap<>(DriverSource.environment(spec, DriverSource.ProcessScope.CONTAINER));
        env.put("HOME", spec.workDir());
        env.putAll(spec.env());
        List<String> list = new ArrayList<>();
        env.forEach((k, v) -> list.add(k + "=" + v));
        return list;
    }

    private static HostConfig hostConfig(SandboxSpec spec, DockerOptions options) {
        SandboxLimits limits = spec.limits();
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode(options.networkMode())
                .withMemory(limits.memoryBytes())
                .withMemorySwap(limits.memoryBytes())
                .withNanoCPUs(Math.round(limits.cpus() * 1e9))
                .withPidsLimit(limits.pids())
                .withReadonlyRootfs(limits.readOnlyRoot())
                .withInit(options.init())
                .withUlimits(List.of(new Ulimit("core", 0L, 0L), new Ulimit("nofile", 1024L, 1024L)))
                .withTmpFs(Map.of(
                        spec.workDir(), "rw,exec,nosuid,nodev,size=" + limits.workDirBytes() + ",uid=" + options.uid() + ",gid=" + options.gid() + ",mode=0755",
                        "/tmp", "rw,noexec,nosuid,nodev,size=" + options.tmpBytes() + ",mode=1777"));
        if (options.mountInputs() && !spec.inputs().isEmpty()) host.withBinds(inputBinds(spec));
        if (options.dropAllCapabilities()) host.withCapDrop(Capability.ALL);
        if (options.noNewPrivileges()) host.withSecurityOpts(List.of("no-new-privileges"));
        return host;
    }

    /** Read-only bind mounts of the spec's inputs (the engine is on this machine, so the paths are its paths). */
    private static List<Bind> inputBinds(SandboxSpec spec) {
        List<Bind> binds = new ArrayList<>();
        for (SandboxSpec.Input input : spec.inputs()) {
            if (!java.nio.file.Files.exists(input.hostPath())) {
                throw new SandboxException("cannot give the sandbox " + input.hostPath() + ": it does not exist");
            }
            binds.add(new Bind(input.hostPath().toString(), new Volume(input.resolvedIn(spec.workDir())), AccessMode.ro));
        }
        return binds;
    }

    @Override
    public String id() { return DockerSandboxProvider.shortId(containerId); }

    /** The container's PID 1 (the driver) in this machine's pid namespace, when the engine runs here. */
    @Override
    public java.util.OptionalLong hostPid() {
        if (!DockerEngine.isLocal()) return java.util.OptionalLong.empty();
        try {
            Long pid = provider.client().inspectContainerCmd(containerId).exec().getState().getPidLong();
            return pid == null || pid <= 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(pid);
        } catch (RuntimeException e) {
            return java.util.OptionalLong.empty();
        }
    }

    @Override
    public void connect(ProtocolSink sink) {
        ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
            private volatile boolean ended;

            @Override
            public void onNext(Frame frame) {
                byte[] payload = frame.getPayload();
                switch (frame.getStreamType()) {
                    case STDERR -> sink.onStderr(payload, 0, payload.length);
                    default -> sink.onStdout(payload, 0, payload.length);
                }
            }

            @Override
            public void onError(Throwable throwable) {
                end(throwable);
            }

            @Override
            public void onComplete() {
                end(null);
            }

            private void end(Throwable cause) {
                if (ended) return;
                ended = true;
                sink.onEnd(cause != null ? cause : new IOException("container " + id() + " ended"));
            }
        };
        try {
            provider.client().attachContainerCmd(containerId)
                    .withStdIn(stdin)
                    .withStdOut(true).withStdErr(true)
                    .withFollowStream(true).withLogs(true)
                    .exec(callback);
            if (!callback.awaitStarted(30, TimeUnit.SECONDS)) {
                throw new SandboxException("attaching to container " + id() + " timed out");
            }
            provider.client().startContainerCmd(containerId).exec();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroy();
            throw new SandboxException("interrupted while starting container " + id());
        } catch (RuntimeException e) {
            destroy();
            if (e instanceof SandboxException s) throw s;
            throw new SandboxException("cannot start sandbox container " + id() + ": " + DockerEngine.rootMessage(e), e);
        }
    }

    @Override
    public void write(byte[] bytes) throws IOException {
        if (destroyed) throw new IOException("container " + id() + " was destroyed");
        stdin.offer(bytes);
    }

    @Override
    public ExitInfo awaitExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            InspectContainerResponse.ContainerState state;
            try {
                state = provider.client().inspectContainerCmd(containerId).exec().getState();
            } catch (NotFoundException e) {
                return new ExitInfo(null, false);
            }
            if (!Boolean.TRUE.equals(state.getRunning())) {
                Long code = state.getExitCodeLong();
                return new ExitInfo(code == null ? null : code.intValue(), Boolean.TRUE.equals(state.getOOMKilled()));
            }
            if (System.nanoTime() > deadline) return null;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    @Override
    public void destroy() {
        if (destroyed) return;
        destroyed = true;
        stdin.close();
        provider.removeLater(containerId);
    }

    /** The container's stdin as docker-java reads it: chunks queued by {@link #write}, EOF on close. */
    private static final class StdinQueue extends InputStream {
        private static final byte[] EOF = new byte[0];
        private final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
        private byte[] current;
        private int position;

        void offer(byte[] bytes) { chunks.add(bytes); }

        @Override
        public void close() { chunks.add(EOF); }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (current == null || position >= current.length) {
                try {
                    current = chunks.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
                position = 0;
                if (current == EOF) {
                    chunks.add(EOF);
                    return -1;
                }
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current, position, buffer, offset, n);
            position += n;
            return n;
        }
    }
}
