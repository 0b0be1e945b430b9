package dev.transformerlambda.aws;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.function.IntPredicate;

/** What every test's server process needs: a free loopback port, and to wait until it answers. */
public final class LocalServerProcess {

    private LocalServerProcess() {}

    /** A port free on 127.0.0.1 now (the server started next binds it). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Whether nothing listens on {@code port} of 127.0.0.1. */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 0, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /**
     * Polls {@code url} until it answers with a status {@code ready} accepts.
     *
     * @param name the server, for the messages
     * @throws IOException if {@code process} exits first, or nothing acceptable answers within {@code timeout}
     */
    public static void awaitAnswer(Process process, String name, URI url, IntPredicate ready, Duration timeout)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue());
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
                connection.setConnectTimeout(500);
                connection.setReadTimeout(5000);
                if (ready.test(connection.getResponseCode())) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + name, e);
            }
        }
        throw new IOException(name + " did not answer on " + url + " within " + timeout);
    }
}
