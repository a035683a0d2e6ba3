package io.liquidations.connect.binance.queue;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.junit.jupiter.api.Test;

class ErrorHandlerTest {
    private final ErrorHandler errors = new ErrorHandler();

    @Test
    void nothingToThrowInitially() {
        assertFalse(errors.hasFatal());
        assertDoesNotThrow(errors::throwIfFailed);
        assertDoesNotThrow(errors::throwIfFailed);
    }

    @Test
    void fatalIsThrownOnEveryCallWithItsCause() {
        IllegalStateException cause = new IllegalStateException("refused");
        errors.fatal("the exchange refused the stream", cause);
        assertTrue(errors.hasFatal());
        for (int i = 0; i < 3; i++) {
            ConnectException e = assertThrows(ConnectException.class, errors::throwIfFailed);
            assertFalse(e instanceof RetriableException, "a fatal error must not be retriable");
            assertEquals("the exchange refused the stream", e.getMessage());
            assertSame(cause, e.getCause());
        }
        assertTrue(errors.hasFatal());
    }

    @Test
    void firstFatalIsKept() {
        errors.fatal("first", null);
        errors.fatal("second", new IOException());
        assertEquals("first", assertThrows(ConnectException.class, errors::throwIfFailed).getMessage());
    }

    @Test
    void retriableIsThrownOnceThenCleared() {
        IOException cause = new IOException("connection reset");
        errors.retriable("connection-1 is down", cause);
        assertFalse(errors.hasFatal());
        RetriableException e = assertThrows(RetriableException.class, errors::throwIfFailed);
        assertEquals("connection-1 is down", e.getMessage());
        assertSame(cause, e.getCause());
        assertDoesNotThrow(errors::throwIfFailed);
        // A later drop is reported again.
        errors.retriable("connection-2 is down", null);
        assertEquals("connection-2 is down",
                assertThrows(RetriableException.class, errors::throwIfFailed).getMessage());
        assertDoesNotThrow(errors::throwIfFailed);
    }

    @Test
    void firstRetriableSinceLastPollIsKept() {
        errors.retriable("first", null);
        errors.retriable("second", null);
        assertEquals("first", assertThrows(RetriableException.class, errors::throwIfFailed).getMessage());
        assertDoesNotThrow(errors::throwIfFailed);
    }

    @Test
    void fatalWinsOverRetriable() {
        errors.retriable("down", new IOException());
        errors.fatal("broken", new IllegalStateException());
        for (int i = 0; i < 3; i++) {
            ConnectException e = assertThrows(ConnectException.class, errors::throwIfFailed);
            assertFalse(e instanceof RetriableException);
            assertEquals("broken", e.getMessage());
        }
    }

    @Test
    void fatalAfterARetriableWasThrownStillFails() {
        errors.retriable("down", null);
        assertThrows(RetriableException.class, errors::throwIfFailed);
        errors.fatal("broken", null);
        ConnectException e = assertThrows(ConnectException.class, errors::throwIfFailed);
        assertFalse(e instanceof RetriableException);
    }

    @Test
    void retriableErrorsCanBeReportedAheadOfQueuedRecordsButFatalOnesWait() {
        ErrorHandler handler = new ErrorHandler();
        handler.throwIfRetriable();
        handler.retriable("connection-1 is down", new java.io.IOException("reset"));
        assertThrows(org.apache.kafka.connect.errors.RetriableException.class, handler::throwIfRetriable);
        handler.throwIfRetriable();
        handler.fatal("malformed", null);
        handler.retriable("connection-2 is down", null);
        handler.throwIfRetriable();
        assertThrows(org.apache.kafka.connect.errors.ConnectException.class, handler::throwIfFailed);
    }
}
