package dev.transformerlambda.serving;

import ai.djl.engine.Engine;

/**
 * Loads libtorch on a thread of its own, started by {@link FunctionHandler} before Quarkus boots,
 * so its half second of loading overlaps the framework's start instead of following it. The
 * overlap is partial: libtorch's static initializers run under the dynamic linker's lock, and the
 * boot's own first native calls (dlopen, dlsym) wait for it. The model load waits for the preload
 * rather than racing it, since DJL's engine provider does not guard against two first callers.
 */
final class EnginePreload {

    private static Thread thread;
    private static volatile long loadMillis = -1;

    private EnginePreload() {}

    static synchronized void start() {
        if (thread == null) {
            thread = new Thread(EnginePreload::load, "libtorch-preload");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** Waits for a preload in progress; returns at once where none was started (dev and test mode). */
    static void await() {
        Thread preload;
        synchronized (EnginePreload.class) {
            preload = thread;
        }
        try {
            if (preload != null) {
                preload.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How long the preload took, or -1 if there was none. */
    static long loadMillis() {
        return loadMillis;
    }

    private static void load() {
        long start = System.nanoTime();
        try {
            Engine.getEngine("PyTorch");
            loadMillis = (System.nanoTime() - start) / 1_000_000;
        } catch (RuntimeException | Error e) {
            // Logging is not set up yet; the model load asks for the engine again and reports it.
        }
    }
}
