package io.liquidations.connect.binance.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.simulator.LiquidationSimulator.Options;
import io.liquidations.connect.binance.simulator.LiquidationSimulator.Running;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the simulator in-process and reads it with the JDK's own WebSocket client. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiquidationSimulatorTest {

    /** The JDK's HttpClient has no close() before Java 21: one for the whole class. */
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    Path temp;

    /** The simulator's stderr lines, kept out of the build output. */
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logged, true, StandardCharsets.UTF_8);

    @Test
    void publishesOnTheAllMarketAndPerSymbolStreamsAndStopsCleanly() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Running simulator = LiquidationSimulator.start(Options.withSeed(7), System::currentTimeMillis, log);
        Recorder allMarket = new Recorder();
        Recorder perSymbol = new Recorder();
        try {
            assertTrue(simulator.url().startsWith("ws://127.0.0.1:"), simulator.url());
            assertTrue(simulator.url().endsWith("/market"), simulator.url());

            connect(simulator.url() + "/stream?streams=" + ForceOrderEvents.ALL_MARKET_STREAM, allMarket);
            // Every symbol's own stream on one combined connection.
            assertEquals(Options.DEFAULT_SYMBOLS, simulator.symbols().size());
            String streams = simulator.symbols().stream().map(ForceOrderEvents::streamOf).collect(Collectors.joining("/"));
            connect(simulator.url() + "/stream?streams=" + streams, perSymbol);

            String frame = allMarket.frames.poll(15, TimeUnit.SECONDS);
            assertNotNull(frame, "no frame on the all-market stream");
            assertTrue(frame.startsWith("{\"stream\":\"!forceOrder@arr\",\"data\":{\"e\":\"forceOrder\""), frame);
            assertTrue(frame.contains("\"st\":1"), frame);
            assertTrue(frame.contains("\"ps\":\""), frame);

            String own = perSymbol.frames.poll(15, TimeUnit.SECONDS);
            assertNotNull(own, "no frame on the per-symbol streams");
            assertTrue(own.matches("\\{\"stream\":\"[a-z0-9]+@forceOrder\",\"data\":\\{\"e\":\"forceOrder\".*"), own);
            assertFalse(own.contains("\"st\""), own);
            assertFalse(own.contains("\"ps\""), own);
            // The counter moves after the write completes, which can be just after the client has the frame.
            assertTrue(simulator.exchange().await(() -> simulator.eventsPublished() > 0, Duration.ofSeconds(5)));
        } finally {
            simulator.close();
        }
        String lines = logged.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("seed=7 symbols=300"), lines);
        assertTrue(lines.contains("stopped after"), lines);
        simulator.close(); // idempotent

        // Nothing the simulator started may survive it, and it may leave no non-daemon thread at all.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<Thread> leftovers;
        do {
            leftovers = Thread.getAllStackTraces().keySet().stream()
                    .filter(Thread::isAlive)
                    .filter(t -> !before.contains(t))
                    .filter(t -> !t.isDaemon()
                            || t.getName().startsWith(LiquidationSimulator.TICK_THREAD_NAME)
                            || t.getName().startsWith("fake-binance-exchange"))
                    .collect(Collectors.toList());
            if (!leftovers.isEmpty()) {
                Thread.sleep(50);
            }
        } while (!leftovers.isEmpty() && System.nanoTime() < deadline);
        assertEquals(List.of(), leftovers.stream().map(Thread::getName).collect(Collectors.toList()));
    }

    @Test
    void writesTheUrlFileAtomicallyAndRemovesItOnClose() throws IOException {
        Path urlFile = temp.resolve("sim.url");
        try (Running simulator = LiquidationSimulator.start(
                Options.withSeed(1).symbols(20).urlFile(urlFile), System::currentTimeMillis, log)) {
            assertEquals("SIMULATOR_URL=" + simulator.url(), Files.readString(urlFile, StandardCharsets.UTF_8).strip());
            try (Stream<Path> files = Files.list(temp)) {
                assertEquals(List.of(urlFile), files.collect(Collectors.toList()), "no temporary file left behind");
            }
        }
        assertFalse(Files.exists(urlFile));
    }

    @Test
    void mainRunsForTheGivenDurationAndReturns() throws Exception {
        Path urlFile = temp.resolve("nested").resolve("url.txt");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread main = new Thread(() -> {
            try {
                LiquidationSimulator.main(new String[] {
                    "--seed", "3", "--symbols=50", "--url-file", urlFile.toString(), "--duration", "1.5"});
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "simulator-main-under-test");
        main.start();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(urlFile) && main.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.readString(urlFile).startsWith("SIMULATOR_URL=ws://127.0.0.1:"));
        main.join(TimeUnit.SECONDS.toMillis(20));
        assertFalse(main.isAlive(), "main did not return after --duration");
        assertNull(failure.get());
        assertFalse(Files.exists(urlFile), "the URL file is removed on a clean stop");
    }

    @Test
    void parsesOptions() {
        Options defaults = Options.parse();
        assertEquals(300, defaults.symbols());
        assertNull(defaults.urlFile());
        assertNull(defaults.duration());

        Options options = Options.parse("--seed", "-5", "--symbols=400", "--url-file", "/tmp/x.url", "--duration", "2.5");
        assertEquals(-5, options.seed());
        assertEquals(400, options.symbols());
        assertEquals(Path.of("/tmp/x.url"), options.urlFile());
        assertEquals(Duration.ofMillis(2500), options.duration());
        assertTrue(Options.parse("--help").help());

        assertThrows(IllegalArgumentException.class, () -> Options.parse("--colour", "red"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--seed"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--symbols", "many"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--symbols", "0"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--duration", "-1"));
    }

    private static void connect(String url, Recorder recorder) throws Exception {
        CLIENT.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(url), recorder)
                .get(10, TimeUnit.SECONDS);
    }

    /** Collects whole text frames. */
    private static final class Recorder implements WebSocket.Listener {
        final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable failure) {
            error.set(failure);
        }
    }
}
