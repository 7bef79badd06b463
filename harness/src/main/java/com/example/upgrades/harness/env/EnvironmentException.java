package com.example.upgrades.harness.env;

/** An environment could not be started or reached; the CLI exits with status 2. */
public class EnvironmentException extends RuntimeException {
    public EnvironmentException(String message, Throwable cause) {
        super(message, cause);
    }

    public EnvironmentException(String message) {
        super(message);
    }
}
