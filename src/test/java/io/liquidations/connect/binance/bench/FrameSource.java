package io.liquidations.connect.binance.bench;

import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Ready-to-write WebSocket text frames of liquidations, cheap enough that the load generator is never what limits a
 * benchmark. Each symbol has a few realistic templates (the test generator's prices, sizes and partial fills) in the
 * combined-stream shape; a frame is a template with its sequence number written into {@code E} and {@code o.T} as
 * {@code start + seq}. So every event is distinct (no de-duplication can merge two), and a record's Kafka timestamp
 * (the trade time) tells which event it is: {@code seq = timestamp - start}.
 *
 * <p>The bytes include the WebSocket frame header (server frames are not masked), so the server writes them past
 * Netty's frame encoder without any per-frame encoding.
 */
public final class FrameSource {
    /** 13 digits, like every epoch-millisecond time until the year 2286. */
    private static final long PLACEHOLDER = 1_111_111_111_111L;
    private static final int VARIANTS = 4;

    private final long start;
    /** Per symbol, per variant: the payload cut where the sequence goes, and the full frame length. */
    private final byte[][][][] parts;
    private final int[][] payloadLength;
    private final List<String> symbols;

    /**
     * @param allMarket frames of {@code !forceOrder@arr} (with {@code ps} and {@code st}) instead of each symbol's
     *     own stream
     */
    public FrameSource(List<String> symbols, boolean allMarket, long start, long seed) {
        if (String.valueOf(start).length() != 13) {
            throw new IllegalArgumentException("start must be a 13-digit epoch-ms time");
        }
        this.start = start;
        this.symbols = List.copyOf(symbols);
        ForceOrderEvents events = new ForceOrderEvents(seed, start);
        parts = new byte[symbols.size()][VARIANTS][][];
        payloadLength = new int[symbols.size()][VARIANTS];
        for (int s = 0; s < symbols.size(); s++) {
            for (int v = 0; v < VARIANTS; v++) {
                SentForceOrder o = allMarket ? events.nextAllMarket(symbols.get(s)) : events.next(symbols.get(s));
                o = new SentForceOrder(o.symbol(), PLACEHOLDER, o.side(), o.orderType(), o.timeInForce(), o.quantity(),
                        o.price(), o.averagePrice(), o.status(), o.lastFilledQuantity(),
                        o.filledAccumulatedQuantity(), PLACEHOLDER, o.pair(), o.marketType());
                String json = BenchFrames.combined(allMarket ? ForceOrderEvents.ALL_MARKET_STREAM : o.stream(),
                        o.toJson());
                String[] pieces = json.split(Long.toString(PLACEHOLDER), -1);
                List<byte[]> bytes = new ArrayList<>();
                int payload = 0;
                for (String piece : pieces) {
                    byte[] b = piece.getBytes(StandardCharsets.UTF_8);
                    bytes.add(b);
                    payload += b.length;
                }
                payload += 13 * (pieces.length - 1);
                parts[s][v] = bytes.toArray(byte[][]::new);
                payloadLength[s][v] = payload;
            }
        }
    }

    public List<String> symbols() {
        return symbols;
    }

    public long start() {
        return start;
    }

    /** The frame of event {@code seq} of the symbol at {@code symbolIndex}, header included. */
    public ByteBuf frame(int symbolIndex, long seq, ByteBufAllocator alloc) {
        int variant = (int) (seq % VARIANTS);
        byte[][] pieces = parts[symbolIndex][variant];
        int payload = payloadLength[symbolIndex][variant];
        int length = headerLength(payload) + payload;
        ByteBuf buf = alloc.buffer(length, length);
        buf.writeByte(0x81); // FIN + text
        if (payload < 126) {
            buf.writeByte(payload);
        } else if (payload < 65_536) {
            buf.writeByte(126).writeShort(payload);
        } else {
            buf.writeByte(127).writeLong(payload);
        }
        long value = start + seq;
        for (int i = 0; i < pieces.length; i++) {
            buf.writeBytes(pieces[i]);
            if (i < pieces.length - 1) {
                writeDigits(buf, value);
            }
        }
        return buf;
    }

    /** The frame as text, for checks. */
    public String text(int symbolIndex, long seq) {
        ByteBuf buf = frame(symbolIndex, seq, io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
        try {
            int payload = payloadLength[symbolIndex][(int) (seq % VARIANTS)];
            return buf.toString(buf.readableBytes() - payload, payload, StandardCharsets.UTF_8);
        } finally {
            buf.release();
        }
    }

    private static int headerLength(int payload) {
        return payload < 126 ? 2 : payload < 65_536 ? 4 : 10;
    }

    private static void writeDigits(ByteBuf buf, long value) {
        int at = buf.writerIndex();
        buf.writerIndex(at + 13);
        for (int i = 12; i >= 0; i--) {
            buf.setByte(at + i, (byte) ('0' + value % 10));
            value /= 10;
        }
    }
}
