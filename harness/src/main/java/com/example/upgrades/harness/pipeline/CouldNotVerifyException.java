package com.example.upgrades.harness.pipeline;

/**
 * The topics could not be read as a verification needs them (a topic missing, a read that stops
 * making progress, a transaction still open): no verdict can be given. Exit status 2.
 */
public final class CouldNotVerifyException extends RuntimeException {

    public CouldNotVerifyException(String message) {
        super(message);
    }

    public CouldNotVerifyException(String message, Throwable cause) {
        super(message, cause);
    }
}
