package com.example.upgrades.harness.run;

/** A scenario could not be carried out (as opposed to: carried out, and the verifier found violations). */
public class UpgradeException extends RuntimeException {
    public UpgradeException(String message, Throwable cause) {
        super(message, cause);
    }

    public UpgradeException(String message) {
        super(message);
    }
}
