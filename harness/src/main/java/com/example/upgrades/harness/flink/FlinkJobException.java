package com.example.upgrades.harness.flink;

/** A request to Flink failed; the message says which and why. */
public class FlinkJobException extends RuntimeException {
    public FlinkJobException(String message, Throwable cause) {
        super(message, cause);
    }
}
