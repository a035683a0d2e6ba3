package io.liquidations.connect.binance.stream;

import io.netty.buffer.ByteBuf;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The text of a WebSocket text frame, which must be UTF-8. Netty's own check ({@code Utf8FrameValidator}) walks every
 * byte through a state machine before the frame is decoded, and answers bad UTF-8 by closing the socket; here the
 * decoding is the check. Binance sends ASCII, which the JDK decodes on its fast path: if the String has as many
 * characters as the frame has bytes and no replacement character, every byte was ASCII. Anything else is decoded
 * again, strictly. A frame that is not UTF-8 is one malformed frame (reported, its interval a gap), not a reason to
 * drop a socket that delivers everything else.
 */
final class FrameText {
    private FrameText() {
    }

    /** @return the frame's text, or null when it is not valid UTF-8 */
    static String of(ByteBuf content) {
        String text = content.toString(StandardCharsets.UTF_8);
        if (text.length() == content.readableBytes() && text.indexOf('\uFFFD') < 0) {
            return text; // every byte was ASCII: nothing else decodes one character per byte without replacement
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(content.nioBuffer())
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** For a frame that is not UTF-8: its text with a replacement character for each bad sequence, to report it. */
    static String lossy(ByteBuf content) {
        return content.toString(StandardCharsets.UTF_8);
    }
}
