package dev.evalbox.unittests.artifactsbench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * TCP and UDP listeners on the host's loopback, 127.0.0.1 and ::1, all on one port, that a hostile page
 * aims at. They are read without blocking: on loopback the kernel completes a TCP handshake into the
 * listen queue, and queues a datagram, before the sender's call returns, so whatever reached them by
 * the time the page's attempt is over is there to be found, with no waiting.
 */
final class LoopbackListeners implements AutoCloseable {
    /** What reached the listeners: TCP connections, bytes on them, datagrams and their bytes, each as "where: what". */
    record Received(int connections, long tcpBytes, int datagrams, long udpBytes, List<String> from) {
        boolean nothing() {
            return connections == 0 && tcpBytes == 0 && datagrams == 0 && udpBytes == 0;
        }
    }

    private final int port;
    private final List<ServerSocketChannel> tcp = new ArrayList<>();
    private final List<DatagramChannel> udp = new ArrayList<>();
    private final List<SocketChannel> accepted = new ArrayList<>();
    private int connections;
    private long tcpBytes;
    private int datagrams;
    private long udpBytes;
    private final List<String> from = new ArrayList<>();

    private LoopbackListeners(int port) {
        this.port = port;
    }

    /** Listeners on a free port that is free on both addresses for both protocols. */
    static LoopbackListeners open() {
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            LoopbackListeners listeners = null;
            try {
                ServerSocketChannel first = ServerSocketChannel.open(StandardProtocolFamily.INET);
                first.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 64);
                listeners = new LoopbackListeners(((InetSocketAddress) first.getLocalAddress()).getPort());
                listeners.tcp.add(first);
                listeners.bindRest();
                return listeners;
            } catch (IOException e) {
                last = e;
                if (listeners != null) listeners.close();
            }
        }
        throw new UncheckedIOException("no port free on 127.0.0.1 and ::1 for both TCP and UDP", last);
    }

    private void bindRest() throws IOException {
        ServerSocketChannel six = ServerSocketChannel.open(StandardProtocolFamily.INET6);
        tcp.add(six);
        six.bind(new InetSocketAddress(InetAddress.getByName("::1"), port), 64);
        for (String address : List.of("127.0.0.1", "::1")) {
            DatagramChannel channel = DatagramChannel.open(address.contains(":") ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            udp.add(channel);
            channel.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        }
        for (ServerSocketChannel channel : tcp) channel.configureBlocking(false);
        for (DatagramChannel channel : udp) channel.configureBlocking(false);
    }

    int port() {
        return port;
    }

    /** Everything that has reached the listeners so far, taken from the kernel's queues without waiting. */
    Received received() {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(65_536);
            for (ServerSocketChannel channel : tcp) {
                for (SocketChannel client = channel.accept(); client != null; client = channel.accept()) {
                    client.configureBlocking(false);
                    accepted.add(client);
                    connections++;
                    from.add("tcp " + client.getRemoteAddress());
                }
            }
            for (SocketChannel client : accepted) {
                if (!client.isOpen()) continue;
                for (int n = client.read(buffer.clear()); n > 0; n = client.read(buffer.clear())) tcpBytes += n;
            }
            for (DatagramChannel channel : udp) {
                for (var sender = channel.receive(buffer.clear()); sender != null; sender = channel.receive(buffer.clear())) {
                    datagrams++;
                    udpBytes += buffer.position();
                    from.add("udp " + sender);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the loopback listeners on port " + port, e);
        }
        return new Received(connections, tcpBytes, datagrams, udpBytes, List.copyOf(from));
    }

    @Override
    public void close() {
        for (var channel : accepted) closeQuietly(channel);
        for (var channel : tcp) closeQuietly(channel);
        for (var channel : udp) closeQuietly(channel);
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // a listener of the test's own; nothing is left to read from it
        }
    }
}
