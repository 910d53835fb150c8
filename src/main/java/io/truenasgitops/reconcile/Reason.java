package io.truenasgitops.reconcile;

/**
 * Why something happened: a PascalCase constant for machines (alerts, filters) and a human message that
 * names the app, the revision and what to do.
 */
public record Reason(String code, String message) {
    public Reason {
        if (code == null || !code.matches("[A-Z][A-Za-z0-9]*")) {
            throw new IllegalArgumentException("reason code must be PascalCase: " + code);
        }
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("reason " + code + " needs a message");
        }
    }

    public static Reason of(String code, String message) {
        return new Reason(code, message);
    }

    @Override
    public String toString() {
        return code + ": " + message;
    }
}
