package io.liquidations.connect.binance.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameTextTest {
    private static ByteBuf bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return Unpooled.wrappedBuffer(b);
    }

    private static ByteBuf utf8(String text) {
        return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void asciiAndValidUtf8AreTheirText() {
        String frame = "{\"stream\":\"btcusdt@forceOrder\",\"data\":{\"e\":\"forceOrder\"}}";
        assertEquals(frame, FrameText.of(utf8(frame)));
        assertEquals("prix: 3,5 €, 比特币", FrameText.of(utf8("prix: 3,5 €, 比特币")));
        // A replacement character the sender really wrote is valid UTF-8 and stays.
        assertEquals("a\uFFFDb", FrameText.of(utf8("a\uFFFDb")));
        assertEquals("", FrameText.of(bytes()));
    }

    @Test
    void bytesThatAreNotUtf8AreRefused() {
        assertNull(FrameText.of(bytes('a', 0xC3, '(')), "a lead byte without its continuation");
        assertNull(FrameText.of(bytes('a', 0x80, 'b')), "a continuation byte on its own");
        assertNull(FrameText.of(bytes(0xC0, 0xAF)), "an overlong encoding of '/'");
        assertNull(FrameText.of(bytes(0xED, 0xA0, 0x80)), "an encoded surrogate");
        assertNull(FrameText.of(bytes('x', 0xE2, 0x82)), "a sequence cut short by the frame's end");
        assertEquals("a\uFFFD(", FrameText.lossy(bytes('a', 0xC3, '(')), "for the report: each bad byte marked");
    }

    @Test
    void readsOnlyTheReadableBytes() {
        ByteBuf buffer = utf8("xx{\"a\":1}");
        buffer.skipBytes(2);
        assertEquals("{\"a\":1}", FrameText.of(buffer));
        assertEquals(2, buffer.readerIndex(), "the frame's reader index is left where it was");
    }
}
