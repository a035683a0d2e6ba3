package io.liquidations.connect.binance.simulator;

import io.liquidations.connect.binance.exchange.FakeBinanceExchange;
import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A local, always-on stand-in for Binance's liquidation streams: a {@link FakeBinanceExchange} on
 * 127.0.0.1 (plain {@code ws://}) fed by a {@link MarketModel}, for running the connector against
 * something that behaves like the market — long silences, a steady trickle, sudden cascades —
 * without touching Binance.
 *
 * <p>Every {@value #TICK_MILLIS} ms it publishes the model's due events twice: on the per-symbol
 * stream ({@code btcusdt@forceOrder}, classic shape without {@code ps}/{@code st}) and on the
 * all-market stream {@code !forceOrder@arr} (with {@code ps} and {@code st=1}, as since
 * 2026-06-30). Clients connect to {@code <url>/stream?streams=…} or {@code <url>/ws/…}, where
 * {@code <url>} is the printed {@code SIMULATOR_URL} ({@code ws://127.0.0.1:<port>/market}).
 *
 * <p>Command line (test classpath only: Netty, Jackson and the fake exchange):
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *     io.liquidations.connect.binance.simulator.LiquidationSimulator --seed 7 --url-file /tmp/sim.url
 * </pre>
 *
 * <p>Options: {@code --seed <long>} (default: random, logged), {@code --symbols <n>} (default
 * 300), {@code --url-file <path>} (receives the {@code SIMULATOR_URL=…} line, written atomically,
 * removed again on a clean stop), {@code --duration <seconds>} (default: until killed). Stdout
 * carries exactly one line, {@code SIMULATOR_URL=<url>}; a summary goes to stderr every 10 s.
 * In-process use: {@link #start(Options)}.
 */
public final class LiquidationSimulator {

    /** How often the model is advanced and its due events published. */
    public static final long TICK_MILLIS = 100;

    /** How often a summary line goes to stderr. */
    public static final long SUMMARY_MILLIS = 10_000;

    /** Prefix of the line printed to stdout and written to the URL file. */
    public static final String URL_LINE_PREFIX = "SIMULATOR_URL=";

    static final String TICK_THREAD_NAME = "liquidation-simulator-tick";

    private static final String USAGE = "usage: LiquidationSimulator [--seed <long>] [--symbols <n>] "
            + "[--url-file <path>] [--duration <seconds>]";

    private LiquidationSimulator() {}

    public static void main(String[] args) throws InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.err.println(USAGE);
            return;
        }

        Running running = start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "liquidation-simulator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        System.out.println(URL_LINE_PREFIX + running.url());
        System.out.flush();

        if (options.duration() == null) {
            stopped.await(); // until the JVM is asked to stop; the hook closes the exchange
            return;
        }
        stopped.await(options.duration().toMillis(), TimeUnit.MILLISECONDS);
        running.close();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs (or ran) anyway; close() is idempotent
        }
    }

    /**
     * Starts an exchange and the publishing loop, and writes the URL file if one is asked for.
     * Prints nothing to stdout; the summary lines go to stderr.
     */
    public static Running start(Options options) {
        return start(options, System::currentTimeMillis, System.err);
    }

    static Running start(Options options, LongSupplier clock, PrintStream log) {
        Objects.requireNonNull(options, "options");
        FakeBinanceExchange exchange = FakeBinanceExchange.startPlain();
        try {
            return new Running(options, exchange, clock, log);
        } catch (RuntimeException | Error e) {
            exchange.close();
            throw e;
        }
    }

    /** Writes {@code line} to {@code target} so that a reader sees either nothing or the whole line. */
    static void writeAtomically(Path target, String line) {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, "." + absolute.getFileName(), ".tmp");
            try {
                Files.writeString(temporary, line + System.lineSeparator(), StandardCharsets.UTF_8);
                try {
                    Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /**
     * What to simulate.
     *
     * @param seed drives the market model
     * @param symbols how many symbols trade (the real perpetuals first, then synthetic ones)
     * @param urlFile where to write the {@code SIMULATOR_URL=…} line, or null
     * @param duration how long {@link #main} runs, or null for until killed
     * @param help whether {@code --help} was given
     */
    public record Options(long seed, int symbols, Path urlFile, Duration duration, boolean help) {

        public static final int DEFAULT_SYMBOLS = 300;

        public Options {
            if (symbols < 1) {
                throw new IllegalArgumentException("--symbols must be at least 1, was " + symbols);
            }
            if (duration != null && duration.isNegative()) {
                throw new IllegalArgumentException("--duration must not be negative");
            }
        }

        /** 300 symbols, the given seed, no URL file, no time limit. */
        public static Options withSeed(long seed) {
            return new Options(seed, DEFAULT_SYMBOLS, null, null, false);
        }

        public Options symbols(int symbols) {
            return new Options(seed, symbols, urlFile, duration, help);
        }

        public Options urlFile(Path urlFile) {
            return new Options(seed, symbols, urlFile, duration, help);
        }

        public Options duration(Duration duration) {
            return new Options(seed, symbols, urlFile, duration, help);
        }

        /** Parses {@code --seed 7}, {@code --seed=7}, … ; throws IllegalArgumentException on anything else. */
        public static Options parse(String... args) {
            long seed = System.nanoTime() ^ System.currentTimeMillis();
            int symbols = DEFAULT_SYMBOLS;
            Path urlFile = null;
            Duration duration = null;
            boolean help = false;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--help") || arg.equals("-h")) {
                    help = true;
                    continue;
                }
                String name = arg;
                String value;
                int equals = arg.indexOf('=');
                if (arg.startsWith("--") && equals > 0) {
                    name = arg.substring(0, equals);
                    value = arg.substring(equals + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new IllegalArgumentException(arg.startsWith("--") ? "missing value for " + arg : "unexpected argument " + arg);
                }
                try {
                    switch (name) {
                        case "--seed" -> seed = Long.parseLong(value);
                        case "--symbols" -> symbols = Integer.parseInt(value);
                        case "--url-file" -> urlFile = Path.of(value);
                        case "--duration" -> duration = Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
                        default -> throw new IllegalArgumentException("unknown option " + name);
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a number for " + name + ": " + value);
                }
            }
            return new Options(seed, symbols, urlFile, duration, help);
        }
    }

    /** A running simulator. {@link #close()} stops publishing, closes the exchange and removes the URL file. */
    public static final class Running implements AutoCloseable {

        private final Options options;
        private final FakeBinanceExchange exchange;
        private final MarketModel model;
        private final LongSupplier clock;
        private final PrintStream log;
        private final ScheduledExecutorService ticker;
        private final String urlLine;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicLong published = new AtomicLong();
        private final AtomicLong framesWritten = new AtomicLong();
        private final long startedAt;
        private long nextSummaryAt; // tick thread only
        private long publishedAtLastSummary; // tick thread only

        private Running(Options options, FakeBinanceExchange exchange, LongSupplier clock, PrintStream log) {
            this.options = options;
            this.exchange = exchange;
            this.clock = clock;
            this.log = log;
            this.startedAt = clock.getAsLong();
            this.model = new MarketModel(options.seed(), options.symbols(), startedAt);
            this.nextSummaryAt = startedAt + SUMMARY_MILLIS;
            this.urlLine = URL_LINE_PREFIX + exchange.baseUrl();

            log.printf(Locale.ROOT, "[simulator] %s seed=%d symbols=%d (%s, …) streams: <symbol>@forceOrder and %s%n",
                    exchange.baseUrl(), options.seed(), options.symbols(),
                    String.join(", ", model.symbols().subList(0, Math.min(5, options.symbols()))),
                    ForceOrderEvents.ALL_MARKET_STREAM);
            if (options.urlFile() != null) {
                writeAtomically(options.urlFile(), urlLine);
            }
            this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, TICK_THREAD_NAME);
                thread.setDaemon(true);
                return thread;
            });
            ticker.scheduleAtFixedRate(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }

        /** The base URL, {@code ws://127.0.0.1:<port>/market}. */
        public String url() {
            return exchange.baseUrl();
        }

        public FakeBinanceExchange exchange() {
            return exchange;
        }

        /** The symbols that trade, upper case (real perpetuals first). */
        public List<String> symbols() {
            return model.symbols();
        }

        public Options options() {
            return options;
        }

        /** Events published so far (each counted once, although it goes out on two streams). */
        public long eventsPublished() {
            return published.get();
        }

        /** WebSocket frames written to clients so far. */
        public long framesWritten() {
            return framesWritten.get();
        }

        private void tick() {
            try {
                long now = clock.getAsLong();
                List<SentForceOrder> due;
                MarketModel.RegimeSpan span;
                synchronized (model) {
                    due = model.advance(now);
                    span = model.currentSpan();
                }
                for (SentForceOrder event : due) {
                    if (closed.get()) {
                        return;
                    }
                    long frames = exchange.emit(event.stream(), event.toJson());
                    frames += exchange.emit(ForceOrderEvents.ALL_MARKET_STREAM,
                            event.withPair(event.symbol()).withMarketType(1).toJson());
                    framesWritten.addAndGet(frames);
                    published.incrementAndGet();
                }
                if (now >= nextSummaryAt) {
                    summarize(now, span);
                    while (nextSummaryAt <= now) {
                        nextSummaryAt += SUMMARY_MILLIS;
                    }
                }
            } catch (RuntimeException e) {
                // A failing tick must not cancel the schedule: log it and carry on with the next one.
                if (!closed.get()) {
                    log.println("[simulator] tick failed: " + e);
                }
            }
        }

        private void summarize(long now, MarketModel.RegimeSpan span) {
            long total = published.get();
            String regime = span.regime() + (span.dominantSide() == null ? "" : "(" + span.dominantSide() + ")");
            double move;
            synchronized (model) {
                move = (model.marketIndex() - 1) * 100;
            }
            log.printf(Locale.ROOT,
                    "[simulator] t=%ds regime=%s for %ds more, events=%d (+%d in %ds), frames=%d, clients=%d, market %+.2f%%%n",
                    (now - startedAt) / 1000, regime, Math.max(0, (span.endMillis() - now) / 1000), total,
                    total - publishedAtLastSummary, SUMMARY_MILLIS / 1000, framesWritten.get(),
                    exchange.openConnectionCount(), move);
            publishedAtLastSummary = total;
        }

        /** Stops publishing, closes the exchange and every connection, and removes the URL file. Idempotent. */
        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            ticker.shutdownNow();
            try {
                if (!ticker.awaitTermination(15, TimeUnit.SECONDS)) {
                    log.println("[simulator] publishing thread did not stop in time");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            removeUrlFile();
            log.printf(Locale.ROOT, "[simulator] stopped after %ds, %d events published%n",
                    (clock.getAsLong() - startedAt) / 1000, published.get());
        }

        /** Deletes the URL file if it still holds this simulator's line (another run may have replaced it). */
        private void removeUrlFile() {
            Path file = options.urlFile();
            if (file == null) {
                return;
            }
            try {
                if (Files.isRegularFile(file) && Files.readString(file, StandardCharsets.UTF_8).strip().equals(urlLine)) {
                    Files.delete(file);
                }
            } catch (IOException e) {
                log.println("[simulator] could not remove " + file + ": " + e);
            }
        }

        @Override
        public String toString() {
            return "LiquidationSimulator[" + url() + ", events=" + published.get() + (closed.get() ? ", closed" : "") + "]";
        }
    }
}
